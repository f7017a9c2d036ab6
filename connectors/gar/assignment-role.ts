/**
 * The AAF staff functions whose holders are the GAR's assignment role (responsables d'affectation):
 * documentation and direction. The export declares them to the GAR (its RespAff file), and the
 * resources subgraph shows them their school's subscriptions: one list, so both always agree.
 */
export const ASSIGNMENT_FUNCTIONS: readonly string[] = ['DOC', 'DIR'];
