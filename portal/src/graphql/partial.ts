import type { CombinedError } from '@urql/core';

/**
 * The errors of an answer that concern one part of the page (a child's card): those whose path
 * starts with `prefix`. The graph answers what it can: one school's system down nulls that school's
 * fields, with an error naming it, and the rest of the page shows.
 */
export function errorsUnder(error: CombinedError | undefined, prefix: readonly (string | number)[]) {
  return (error?.graphQLErrors ?? []).filter((e) => {
    const path = e.path ?? [];
    return prefix.every((segment, i) => path[i] === segment);
  });
}
