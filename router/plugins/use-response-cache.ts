import { createHash } from 'node:crypto';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.ts';
import { oncePerObject } from '../../lib/once-per-object.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import type { ViewerOnContext } from './use-viewer-context.ts';
import type { AnswerChange } from '../../store/answer-changes.ts';
import { LONGEST_UNNOTICED_SILENCE_MS } from '../../store/channel-listener.ts';

/**
 * Where the router learns that cached answers went stale, from every instance (the hub wires the
 * database's notifications: store/answer-changes.ts). The router knows no domain: only "everything"
 * (with "the directory", after which it waits for the subgraphs to have heard too) and "this person".
 */
export interface AnswerChangeFeed {
  /** True while changes are being received: the cache serves nothing otherwise. */
  readonly listening: boolean;
  onChange(listener: (change: AnswerChange) => void): () => void;
  /** Tells every instance that a person's own write may have changed what they (and only they) see. */
  announce(personId: string): Promise<void>;
}

export interface ResponseCacheOptions {
  /** The longest an answer is reused, whatever the subgraphs allow (`ROUTER_RESPONSE_CACHE_MAX_AGE_SECONDS`). */
  maxAgeMs: number;
  /** The answers held, in bytes of their JSON (`ROUTER_RESPONSE_CACHE_MAX_MB`). */
  maxBytes: number;
  changes: AnswerChangeFeed;
  metrics: Registry;
  log: Logger;
  /**
   * After the directory changed, how long answers are not kept (served, not stored): the subgraphs
   * read the directory through caches of their own (store/directory/cached-directory.ts), each
   * told of the change on its own connection, a little later than this router perhaps, or, with a
   * connection that silently died, once its heartbeat notices. An answer read meanwhile from a
   * subgraph's stale records must not be kept for a whole max-age. Default: the longest a listener
   * may miss changes unnoticed (store/channel-listener.ts).
   */
  directorySettleMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

interface CachedAnswer {
  /** The execution's result as JSON: parsed anew on each hit, as the plugins after execution change it. */
  json: string;
  personId: string;
  /** The change counter when the execution started: flushes after it make the answer stale. */
  startedAt: number;
}

/** How many people's last flush the cache remembers one by one (older flushes fold into one floor). */
const REMEMBERED_FLUSHES = 100_000;
/** Memory an entry takes beyond its JSON and key (its object, the LRU's slots, the TTL's), rounded up. */
const ENTRY_OVERHEAD_BYTES = 512;
/** Children per guardian and guardians per pupil remembered (a family, not a directory). */
const MAX_CHILDREN_REMEMBERED = 32;
/** An answer bigger than this is not kept (a huge answer would push out hundreds of small ones). */
const MAX_ANSWER_BYTES = 512 * 1024;
/**
 * No person's answers hold more than this share of the cache (or one answer of the largest kept):
 * one person asking many different questions then pushes out nobody else's answers.
 */
const PEOPLE_SHARING_THE_CACHE = 32;

/**
 * A per-viewer cache of query answers that stands in for the plan's execution only: everything
 * around it (authentication, rate limits, authorization's filter and restore, the access journal,
 * metrics) runs on a hit exactly as on a miss. The journal therefore records each read, served
 * from the cache or not.
 *
 * What may be kept, and for how long, is the subgraphs' word: an answer is kept only when every
 * subgraph fetch of its execution said `cache-control: max-age=N` (N > 0, not `no-store`), for the
 * smallest N counted from each fetch's answer, capped by `maxAgeMs`, and never an answer with errors. A subgraph that promises
 * nothing (Apollo Server's default, `no-store`) keeps its answers out.
 *
 * The key is the signed viewer (person, profile, scopes, children, schools, session), the
 * supergraph, the executed document (after authorization's filter: two viewers with different
 * rights never share it) and the variables. It is forgotten:
 * - when the person runs a mutation (at its start and end, here; on every instance through
 *   `changes.announce`), so one's own change is seen at once: theirs and their guardians' answers;
 * - when `changes` says the data answers are built from changed (the directory: a parent who loses
 *   authority tonight loses it at his next request), or that it may have missed a change;
 * - whenever `changes` is not listening: then nothing is served from the cache.
 * Answers started before a flush are never stored after it (a change counter, not a clock).
 */
export function useResponseCache(options: ResponseCacheOptions): GatewayPlugin<ViewerOnContext> & { close(): void } {
  if (!Number.isSafeInteger(options.maxAgeMs) || options.maxAgeMs < 1) throw new RangeError(`maxAgeMs must be a positive integer, not ${options.maxAgeMs}`);
  if (!Number.isSafeInteger(options.maxBytes) || options.maxBytes < 1024)
    throw new RangeError(`maxBytes must be an integer of at least 1024, not ${options.maxBytes}`);
  // Durations only (max-ages, the settle window): the monotonic clock, which a step of the wall clock does not move.
  const now = options.now ?? (() => performance.now());
  const directorySettleMs = options.directorySettleMs ?? LONGEST_UNNOTICED_SILENCE_MS;
  if (!Number.isFinite(directorySettleMs) || directorySettleMs < 0)
    throw new RangeError(`directorySettleMs must be a non-negative number, not ${directorySettleMs}`);
  // When the directory last changed (this router's clock, when it heard): answers started within
  // directorySettleMs after it are not kept.
  let directoryChangedAt = Number.NEGATIVE_INFINITY;

  // The change counter: every flush takes the next value; an answer is fresh while no flush that
  // concerns it came after the moment its execution started.
  let changes = 0;
  let everythingFlushedAt = 0;
  // Older flushes than those remembered fold into this floor (never forgotten: only coarser).
  let forgottenFlushesFloor = 0;
  const flushedAt = new LRUCache<string, number>({
    maxSize: REMEMBERED_FLUSHES,
    sizeCalculation: () => 1,
    // Only a flush pushed out folds into the floor (a person's newer flush replacing theirs does not).
    dispose: (at, _person, reason) => {
      if (reason === 'evict') forgottenFlushesFloor = Math.max(forgottenFlushesFloor, at);
    },
  });
  const flushOf = (personId: string) => Math.max(everythingFlushedAt, flushedAt.get(personId) ?? forgottenFlushesFloor);
  const flushPerson = (personId: string) => void flushedAt.set(personId, ++changes);
  // An answer whose execution started at `startedAt` may be served while no flush came after it.
  const isFresh = (startedAt: number, personId: string) => options.changes.listening && startedAt >= flushOf(personId);
  // And kept only if no flush about the viewer's children came after it either: a guardian not yet
  // remembered as theirs (their first answer on this instance) is not reached by those flushes.
  const isFreshToKeep = (startedAt: number, viewer: Viewer, personId: string) =>
    isFresh(startedAt, personId) && (viewer.children ?? []).every((child) => startedAt >= flushOf(child));

  // The JSON and the key, and what each entry costs beyond them (objects, the LRU's slots).
  const entrySize = (answer: CachedAnswer, key: string) => answer.json.length + key.length + ENTRY_OVERHEAD_BYTES;
  // Bytes of answers held per person (only people who have some), for their share.
  const bytesByPerson = new Map<string, number>();
  const personShare = Math.max(MAX_ANSWER_BYTES + ENTRY_OVERHEAD_BYTES, Math.floor(options.maxBytes / PEOPLE_SHARING_THE_CACHE));
  const account = (personId: string, bytes: number) => {
    const total = (bytesByPerson.get(personId) ?? 0) + bytes;
    if (total > 0) bytesByPerson.set(personId, total);
    else bytesByPerson.delete(personId);
  };
  // Answers past their age still count until the LRU meets them again: when a person's share looks
  // full, those are swept first, at most once a second (a sweep reads every entry).
  let sweptAt = Number.NEGATIVE_INFINITY;
  const shareHolds = (personId: string, size: number) => {
    if ((bytesByPerson.get(personId) ?? 0) + size <= personShare) return true;
    if (now() - sweptAt < 1000) return false;
    sweptAt = now();
    answers.purgeStale();
    return (bytesByPerson.get(personId) ?? 0) + size <= personShare;
  };
  const answers = new LRUCache<string, CachedAnswer>({
    maxSize: options.maxBytes,
    sizeCalculation: entrySize,
    // Replaced, pushed out, expired or cleared: no longer the person's.
    dispose: (answer, key) => account(answer.personId, -entrySize(answer, key)),
    ttlAutopurge: false,
    perf: { now },
  });
  const flushEverything = () => {
    everythingFlushedAt = ++changes;
    answers.clear();
  };
  // Whose answers show each pupil as their child (from the signed viewer of the answers kept): a
  // change about a pupil is forgotten in their guardians' answers too.
  const guardiansOf = new LRUCache<string, Set<string>>({
    maxSize: REMEMBERED_FLUSHES,
    sizeCalculation: () => 1,
    // A pupil pushed out takes their guardians' answers with them: a later change about the pupil
    // could no longer reach those answers.
    dispose: (guardians, _pupil, reason) => {
      if (reason === 'evict') for (const guardian of guardians) flushPerson(guardian);
    },
  });
  /** Records `personId` as a guardian of each child of `viewer`; false when it cannot (then the answer is not kept). */
  const rememberGuardian = (viewer: Viewer, personId: string): boolean => {
    const children = viewer.children ?? [];
    if (children.length > MAX_CHILDREN_REMEMBERED) return false;
    for (const child of children) {
      let guardians = guardiansOf.get(child);
      if (!guardians) guardiansOf.set(child, (guardians = new Set()));
      if (!guardians.has(personId) && guardians.size >= MAX_CHILDREN_REMEMBERED) return false;
      guardians.add(personId);
    }
    return true;
  };
  /** What is about `personId` changed: their answers and their guardians' are stale. */
  const flushAbout = (personId: string) => {
    flushPerson(personId);
    for (const guardian of guardiansOf.get(personId) ?? []) flushPerson(guardian);
  };
  const stopListening = options.changes.onChange((change) => {
    if (change.kind === 'person') return flushAbout(change.personId);
    // `all` (changes may have been missed) covers the directory too: the subgraphs' caches heard the same gap or will.
    if (change.kind === 'directory' || change.kind === 'all') directoryChangedAt = now();
    flushEverything();
  });

  const lookups = new Counter({
    name: 'hub_router_response_cache_lookups_total',
    help: 'Queries of people looked up in the router’s response cache: hit, miss, or bypass (the cache not listening to changes).',
    labelNames: ['result'],
    registers: [options.metrics],
  });
  const stored = new Counter({
    name: 'hub_router_response_cache_stores_total',
    help: 'Answers after a miss: kept, or not and why (a subgraph promised nothing, errors, too big, the person’s share full, stale before done, the directory changed moments ago).',
    labelNames: ['outcome'],
    registers: [options.metrics],
  });
  new Gauge({
    name: 'hub_router_response_cache_bytes',
    help: 'Bytes of answers the router’s response cache holds.',
    registers: [options.metrics],
    collect() {
      this.set(answers.calculatedSize);
    },
  });

  // A number per object, never reused, for the supergraph (reloaded, it is another schema: answers
  // planned on the old one are not served on it) and the document (the planner's cache and
  // authorization's interning keep them stable), instead of printing the document on each request.
  let objects = 0;
  const idOf = oncePerObject((_: object) => ++objects);
  const viewerKey = oncePerObject((viewer: Viewer) => JSON.stringify(viewer));

  const allowances = new WeakMap<object, Allowance>();

  return {
    close: stopListening,
    onFetch({ context }) {
      const allowance = allowances.get(context);
      if (!allowance) return;
      return ({ response }) => {
        allowance.fetches++;
        // From when this subgraph answered, not from when the whole execution ends.
        const maxAge = response.ok ? cacheableMaxAgeMs(response.headers.get('cache-control')) : undefined;
        allowance.expiresAt = maxAge === undefined || allowance.expiresAt === undefined ? undefined : Math.min(allowance.expiresAt, now() + maxAge);
      };
    },
    onExecute({ args: hookArgs, executeFn, setExecuteFn }) {
      const args: ExecutionArgs = hookArgs;
      const context = args.contextValue as ViewerOnContext;
      const viewer = context.viewer;
      const personId = viewer?.kind === 'person' ? viewer.personId : undefined;
      if (!viewer || !personId) return;
      const operation = getOperationAST(args.document, args.operationName)?.operation;
      if (operation === 'mutation') {
        // At its start (a query running beside it will not be kept) and at its end (what it
        // changed is read anew), here and on every instance.
        flushAbout(personId);
        return {
          onExecuteDone: async () => {
            flushAbout(personId);
            await options.changes.announce(personId).catch((error: unknown) => {
              options.log.warn({ err: error }, 'response cache: could not tell the other instances of a change; their answers age out');
            });
          },
        };
      }
      if (operation !== 'query') return;
      if (!options.changes.listening) {
        lookups.inc({ result: 'bypass' });
        return;
      }
      // Envelop types the executor with `any`: what it returns is only passed on, or kept as JSON.
      const execute: (execArgs: ExecutionArgs) => unknown = executeFn;
      setExecuteFn((execArgs: ExecutionArgs) => {
        // The document and variables as executed: after authorization's filter and the journal's keys.
        const key = createHash('sha256')
          .update(viewerKey(viewer))
          .update(`\n${idOf(execArgs.schema)}\n${idOf(execArgs.document)}\n${execArgs.operationName ?? ''}\n`)
          .update(JSON.stringify(execArgs.variableValues ?? {}))
          .digest('base64url');
        const startedAt = changes;
        const cached = answers.get(key);
        if (cached && isFresh(cached.startedAt, personId)) {
          lookups.inc({ result: 'hit' });
          return JSON.parse(cached.json) as ExecutionResult;
        }
        const startedAtMs = now();
        lookups.inc({ result: 'miss' });
        const executionContext = execArgs.contextValue as object;
        const running = allowances.get(executionContext);
        if (running) {
          // Two executions on one context (never seen, but the fetches could not be told apart):
          // neither is kept.
          running.expiresAt = undefined;
          return execute(execArgs);
        }
        const allowance: Allowance = { expiresAt: now() + options.maxAgeMs, fetches: 0 };
        allowances.set(executionContext, allowance);
        return Promise.resolve(execute(execArgs)).then((result) => {
          allowances.delete(executionContext);
          const outcome = keepable(result, allowance, now());
          if (outcome !== 'kept') {
            stored.inc({ outcome });
            return result;
          }
          if (!isFreshToKeep(startedAt, viewer, personId)) {
            stored.inc({ outcome: 'stale' });
            return result;
          }
          if (startedAtMs - directoryChangedAt < directorySettleMs) {
            stored.inc({ outcome: 'settling' });
            return result;
          }
          const json = JSON.stringify(result);
          if (json.length > MAX_ANSWER_BYTES) {
            stored.inc({ outcome: 'too_big' });
            return result;
          }
          if (!rememberGuardian(viewer, personId)) {
            stored.inc({ outcome: 'not_cacheable' });
            return result;
          }
          const entry: CachedAnswer = { json, personId, startedAt };
          const size = entrySize(entry, key);
          if (!shareHolds(personId, size)) {
            // Their older answers stay until they age out; this one is served, not kept.
            stored.inc({ outcome: 'share_full' });
            return result;
          }
          answers.set(key, entry, { ttl: Math.max(1, allowance.expiresAt! - now()) });
          // Not held when bigger than the whole cache (the LRU then keeps nothing, and says nothing).
          if (answers.peek(key) === entry) account(personId, size);
          stored.inc({ outcome: 'kept' });
          return result;
        });
      });
    },
  };
}

type StoreOutcome = 'kept' | 'not_cacheable' | 'errors' | 'streamed';

/**
 * What the subgraph fetches of one execution allow: until when its answer may be served (the
 * earliest of each fetch's answer time plus its max-age, and of the start plus the router's
 * maximum), or `undefined` once any fetch promised nothing.
 */
interface Allowance {
  expiresAt: number | undefined;
  fetches: number;
}

function keepable(result: unknown, allowance: Allowance, now: number): StoreOutcome {
  if (typeof result !== 'object' || result === null || Symbol.asyncIterator in result) return 'streamed';
  if ((result as ExecutionResult).errors?.length) return 'errors';
  // Nothing fetched: nothing to save (an answer of `__typename` alone).
  if (!allowance.fetches || allowance.expiresAt === undefined || allowance.expiresAt - now < 1) return 'not_cacheable';
  return 'kept';
}

/**
 * The reuse a subgraph allows, in ms: its `max-age` when positive and not contradicted by
 * `no-store` or `no-cache`; otherwise none. Anything unreadable allows nothing.
 */
export function cacheableMaxAgeMs(header: string | null): number | undefined {
  if (!header || header.length > 256) return undefined;
  let maxAge: number | undefined;
  for (const part of header.split(',')) {
    const directive = part.trim().toLowerCase();
    if (directive === 'no-store' || directive === 'no-cache') return undefined;
    const match = /^max-age=(\d{1,9})$/.exec(directive);
    if (match) {
      if (maxAge !== undefined) return undefined; // twice: unreadable
      maxAge = Number(match[1]);
    }
  }
  return maxAge ? maxAge * 1000 : undefined;
}
