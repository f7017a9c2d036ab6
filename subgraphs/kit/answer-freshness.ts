/**
 * How long a subgraph's answer may be reused: what its `cache-control` header says, read by the
 * router's per-viewer response cache (it keeps an answer only when every fetch of it said
 * `max-age=N, private`, never one with errors).
 *
 * THE PRINCIPLE: a hint may never add staleness beyond what the subgraph itself already accepts.
 * - Data a subgraph serves from a cache of its own (the vie scolaire cache, the GAR catalogues) may be
 *   reused for what is left of that cache entry's life, never longer: the answer's max-age is at most
 *   the smallest remaining time-to-live of the entries the request read (`AnswerFreshness.readFrom`;
 *   an entry just fetched from upstream counts its full time-to-live). The subgraph would serve the
 *   very same data until then anyway.
 * - Data read live from the hub's database may carry a static hint (`@cacheControl` in the subgraph's
 *   schema.graphql, 60 s, PRIVATE) only for tables whose every change makes the router forget its
 *   cached answers (database triggers: the directory's `directory_entries` and `directory_links`, the
 *   `vie_scolaire_outbox`). Anything else (messages, notifications, sessions, agenda…) has no hint:
 *   Apollo Server's cache-control plugin then says `no-store`.
 * - A read that failed (a school's system down, even when the answer hides it) makes the answer
 *   not reusable: the subgraph would ask again at the next request.
 * - Mutations and subscriptions never get a hint; the scope is always PRIVATE (answers are per viewer).
 *
 * The static hints and `_entities` (subgraphs/kit/federation-schema.ts) go through Apollo Server's
 * cache-control plugin; this module adds the dynamic part, per request.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/** What one request read, for how long its answer may be reused (none read: nothing limits it here). */
export class AnswerFreshness {
  #remainingMs = Number.POSITIVE_INFINITY;

  /** The answer shows data from a cache entry that has `remainingMs` left to live (0 or less: gone). */
  readFrom(remainingMs: number): void {
    this.#remainingMs = Math.min(this.#remainingMs, remainingMs);
  }

  /** The answer shows (or failed to show) something nobody can promise for any time. */
  notReusable(): void {
    this.#remainingMs = 0;
  }

  /** Whole seconds the answer may be reused by what it read (rounded down); undefined when nothing it read limits it. */
  get maxAgeSeconds(): number | undefined {
    return this.#remainingMs === Number.POSITIVE_INFINITY ? undefined : Math.max(0, Math.floor(this.#remainingMs / 1000));
  }
}

/** Where a request's context carries its AnswerFreshness: a symbol, which no resolver reads by accident. */
const FRESHNESS = Symbol('answer freshness');

/**
 * The subgraph's context for Apollo, carrying the request's AnswerFreshness for the plugin below.
 * On the object itself: Apollo runs each operation on a shallow copy of the context (which keeps
 * the property), so the context object cannot be a key of its own.
 */
export function carryingFreshness<TContext extends BaseContext>(context: TContext, freshness: AnswerFreshness): TContext {
  return Object.assign(context, { [FRESHNESS]: freshness });
}

function freshnessOf(context: BaseContext): AnswerFreshness | undefined {
  const carried: unknown = (context as { [FRESHNESS]?: unknown })[FRESHNESS];
  return carried instanceof AnswerFreshness ? carried : undefined;
}

/**
 * Restricts each answer's cache policy by what its request read, once execution is over (before
 * Apollo's cache-control plugin writes the header; restricting earlier would turn its per-field
 * hints off).
 */
export function answerFreshnessPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart(requestContext) {
          return {
            async executionDidEnd() {
              const maxAge = freshnessOf(requestContext.contextValue)?.maxAgeSeconds;
              if (maxAge !== undefined) requestContext.overallCachePolicy.restrict({ maxAge });
            },
          };
        },
      };
    },
  };
}
