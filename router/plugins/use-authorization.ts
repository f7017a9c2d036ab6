import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { Kind, visit, type DocumentNode, type ExecutionArgs, type GraphQLSchema, type SelectionNode } from 'graphql';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.ts';
import { ANONYMOUS, type Viewer } from '../../lib/viewer-context.ts';
import { authorizerFor, type Authorizer, type PolicyRegistry } from '../authz/evaluate.ts';
import { filterOperation, type FilteredOperation } from '../authz/filter-operation.ts';
import { DEFAULT_ID_POLICY, operationInputs, type IdPolicy } from '../authz/operation-inputs.ts';
import { refusalErrors, restoreRemovedFields } from '../authz/restore-response.ts';
import { authorizationRulesOf, type AuthorizationRules, type Requirement } from '../authz/rules.ts';
import { UNREGISTERED } from './use-metrics.ts';
import { requestIdOf } from '../request-id.ts';
import type { ViewerOnContext } from './use-viewer-context.ts';

/**
 * `enforce`: unauthorized fields are removed before planning and come back as null with an error.
 * `reject`: any unauthorized field refuses the whole operation, listing the paths.
 * `dry-run`: nothing is removed; denials are only logged and counted (to roll out new directives).
 */
export type AuthorizationMode = 'enforce' | 'reject' | 'dry-run';

export interface AuthorizationDecision {
  viewer: Viewer;
  requestId: string;
  operationName?: string;
  /** True when the whole operation was refused (reject mode, or nothing left to run). */
  refused: boolean;
  /** Query paths of the removed fields and fragments (the client's response keys: for the client's errors). */
  denied: string[][];
  /** What was removed, as schema coordinates (`Type.field`, or a type for a fragment), sorted, once each: for the journal and logs. */
  fields: string[];
  mode: AuthorizationMode;
}

export interface AuthorizationOptions {
  /** The supergraph being served (its directives are the rules); read per request, so reloads apply. */
  supergraph: () => DocumentNode | undefined;
  policies: PolicyRegistry;
  mode: AuthorizationMode;
  metrics: Registry;
  log: Logger;
  /** Told of every operation with denials (the audit trail listens here). */
  onDenied?: (decision: AuthorizationDecision) => void;
  /** What an id argument may look like (length, characters); checked before anything reads it. */
  idPolicy?: IdPolicy;
  /** The metrics label of an operation name (bounded: see MetricLabels); `unregistered` for all by default. */
  operationLabel?: (operationName: string | undefined) => string;
}

/** The filter results of one operation (under one set of @skip/@include values), by the viewer's answers to its requirements. */
interface FilterCache {
  /** The schema they were computed with (a reload brings another). */
  schema: GraphQLSchema;
  /** Every requirement the operation can meet, in a fixed order. */
  requirements: (readonly Requirement[])[];
  results: Map<string, FilteredOperation | undefined>;
}

const operationsAsSent = new WeakMap<object, DocumentNode>();

/** The operation as the client sent it, before authorization removed anything (for the audit). */
export function operationAsSent(context: object, fallback: DocumentNode): DocumentNode {
  return operationsAsSent.get(context) ?? fallback;
}

/**
 * Field-level authorization with the Apollo Router's semantics for `@authenticated`,
 * `@requiresScopes` and `@policy` (see `router/authz/`). Runs before the query planner, so no
 * subgraph is ever asked for a field the viewer may not see.
 */
export function useAuthorization(options: AuthorizationOptions): GatewayPlugin<ViewerOnContext> {
  // The planner caches plans per document object. A filtered document is a new object each time,
  // so the same decision on the same operation reuses the first one made, keyed by *which*
  // selections were removed (their identity in the checked operation, never their response paths:
  // `... on Pupil { x: phone } ... on Teacher { x: salary }` removes a different field at the same
  // path for two viewers) and by the variables that switch selections on or off.
  const filteredDocuments = new WeakMap<DocumentNode, Map<string, DocumentNode>>();
  const selectionIds = new WeakMap<SelectionNode, number>();
  let nextSelectionId = 0;
  const selectionId = (node: SelectionNode) => {
    let id = selectionIds.get(node);
    if (id === undefined) selectionIds.set(node, (id = nextSelectionId++));
    return id;
  };
  const switchVariables = new WeakMap<DocumentNode, string[]>();
  /** The variables that turn selections on or off (@skip/@include): the only ones that change a filtered document. */
  const switchesOf = (document: DocumentNode) => {
    let names = switchVariables.get(document);
    if (!names) {
      const found = new Set<string>();
      visit(document, {
        Directive(node) {
          if (node.name.value !== 'skip' && node.name.value !== 'include') return;
          const value = node.arguments?.find((a) => a.name.value === 'if')?.value;
          if (value?.kind === Kind.VARIABLE) found.add(value.name.value);
        },
      });
      switchVariables.set(document, (names = [...found].sort()));
    }
    return names;
  };
  const interned = (original: DocumentNode, key: string, document: DocumentNode) => {
    let byDecision = filteredDocuments.get(original);
    if (!byDecision) filteredDocuments.set(original, (byDecision = new Map<string, DocumentNode>()));
    let existing = byDecision.get(key);
    if (!existing) {
      // Bounded: an operation has few distinct decisions (viewer profiles × @skip/@include values).
      if (byDecision.size >= 64) byDecision.clear();
      byDecision.set(key, (existing = document));
    }
    return existing;
  };
  // Filtering walks and copies the whole operation; its result depends only on the operation, the
  // @skip/@include values and the viewer's answer to each requirement the operation meets. So the
  // requirements an operation can meet are listed once (a walk that grants everything, recording
  // what it is asked), and each viewer's answers to them key the result: a viewer gets exactly the
  // result a walk of their own would give (their answers, not their profile or scopes, are the key,
  // so no policy function is assumed to depend on anything in particular).
  const filterCache = new WeakMap<AuthorizationRules, WeakMap<DocumentNode, Map<string, FilterCache>>>();
  const filterOnce = (args: ExecutionArgs, rules: AuthorizationRules, authorizer: Authorizer, variables: Record<string, unknown>) => {
    let byDocument = filterCache.get(rules);
    if (!byDocument) filterCache.set(rules, (byDocument = new WeakMap()));
    let byOperation = byDocument.get(args.document);
    if (!byOperation) byDocument.set(args.document, (byOperation = new Map<string, FilterCache>()));
    // true, false, null and absent can each decide differently (see isSkipped).
    const switches = switchesOf(args.document).map((name) => String(variables[name]));
    const operationKey = `${args.operationName ?? ''}|${switches.join(',')}`;
    let cache = byOperation.get(operationKey);
    if (!cache || cache.schema !== args.schema) {
      // Bounded: a document names few operations, each with few @skip/@include combinations.
      if (byOperation.size >= 64) byOperation.clear();
      const met = new Map<string, readonly Requirement[]>();
      const recorder: Authorizer = {
        satisfies(requirements) {
          if (requirements.length) met.set(JSON.stringify(requirements), requirements);
          return true;
        },
      };
      filterOperation(args.document, args.operationName, args.schema, rules, recorder, variables);
      byOperation.set(operationKey, (cache = { schema: args.schema, requirements: [...met.values()], results: new Map() }));
    }
    const answers = cache.requirements.map((requirements) => (authorizer.satisfies(requirements) ? '1' : '0')).join('');
    if (cache.results.has(answers)) return cache.results.get(answers);
    const filtered = filterOperation(args.document, args.operationName, args.schema, rules, authorizer, variables);
    // Bounded: 2^requirements in theory, a few viewer profiles in practice.
    if (cache.results.size >= 64) cache.results.clear();
    cache.results.set(answers, filtered);
    return filtered;
  };
  const denials = new Counter({
    name: 'hub_authorization_denials_total',
    help: 'Fields and fragments removed or refused by authorization, by operation name and mode.',
    labelNames: ['operation_name', 'mode'],
    registers: [options.metrics],
  });

  return {
    onExecute({ args: hookArgs, setResultAndStopExecution }) {
      // Envelop types its hooks' execution arguments with `any` fields (it serves several GraphQL
      // engines); the gateway executes with graphql-js: the same object, with graphql-js's types.
      const args: ExecutionArgs = hookArgs;
      // Decide on the inputs as they will run (defaults applied, values coerced), never as sent;
      // an operation whose inputs the executor would refuse, or with a malformed id, stops here.
      const inputs = operationInputs(args, options.idPolicy ?? DEFAULT_ID_POLICY);
      if (!inputs.ok) {
        setResultAndStopExecution({ errors: inputs.errors });
        return;
      }
      const variables = inputs.variables;
      // The executor then runs exactly what was checked.
      args.variableValues = variables;
      const supergraph = options.supergraph();
      if (!supergraph) return;
      const viewer = (args.contextValue as ViewerOnContext).viewer ?? ANONYMOUS;
      const filtered = filterOnce(args, authorizationRulesOf(supergraph), authorizerFor(viewer, options.policies), variables);
      if (!filtered || filtered.removed.size === 0) return;

      const operationName = args.operationName ?? filtered.checked.name?.value;
      const denied = [...filtered.removed.values()];
      denials.inc({ operation_name: options.operationLabel?.(operationName) ?? UNREGISTERED, mode: options.mode }, denied.length);
      const refused = options.mode === 'reject' || (options.mode === 'enforce' && filtered.nothingLeft);
      const requestId = requestIdOf((args.contextValue as { request?: Request }).request);
      const fields = [...new Set(filtered.coordinates.values())].sort();
      options.onDenied?.({ viewer, requestId, operationName, denied, fields, mode: options.mode, refused });
      if (options.mode === 'dry-run') {
        options.log.info({ requestId, operationName, denied: fields }, 'authorization dry run: would deny');
        return;
      }
      if (refused) {
        setResultAndStopExecution({ errors: refusalErrors(filtered) });
        return;
      }
      // The planner sees the filtered operation: the removed fields are never fetched.
      operationsAsSent.set(args.contextValue as object, args.document);
      const switches = switchesOf(args.document).map((name) => String(variables[name]));
      // The checked operation is computed once per document (inlinedOperation), so its nodes are stable.
      const removedIds = [...filtered.removed.keys()].map(selectionId).sort((a, b) => a - b);
      args.document = interned(args.document, `${removedIds.join(',')}|${switches.join(',')}`, filtered.document);
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult(restoreRemovedFields(result, filtered, args.schema, variables));
        },
      };
    },
  };
}
