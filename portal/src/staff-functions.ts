/**
 * Which staff functions open which staff pages. The graph decides per school (a function counts in
 * its own school only); these only choose what the navigation and the staff home offer.
 */
export const CONTACT_PROBLEMS_FUNCTIONS: readonly string[] = ['DIR', 'EDU'];
/** The direction reads the messages reported to it. */
export const MODERATION_FUNCTIONS: readonly string[] = ['DIR'];

export const holdsOneOf = (functions: readonly string[], codes: readonly string[]) => functions.some((f) => codes.includes(f));
