import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { DocumentNode, ExecutionResult } from 'graphql';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.ts';
import { ANONYMOUS, type Viewer } from '../../lib/viewer-context.ts';
import { authorizerFor, type PolicyRegistry } from '../authz/evaluate.ts';
import { filterOperation } from '../authz/filter-operation.ts';
import { refusalErrors, restoreRemovedFields } from '../authz/restore-response.ts';
import { authorizationRules, type AuthorizationRules } from '../authz/rules.ts';
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
  /** Query paths of the removed fields and fragments. */
  denied: string[][];
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
  const rulesByDocument = new WeakMap<DocumentNode, AuthorizationRules>();
  const rulesOf = (document: DocumentNode) => {
    let rules = rulesByDocument.get(document);
    if (!rules) rulesByDocument.set(document, (rules = authorizationRules(document)));
    return rules;
  };
  const denials = new Counter({
    name: 'hub_authorization_denials_total',
    help: 'Fields and fragments removed or refused by authorization, by operation name and mode.',
    labelNames: ['operation_name', 'mode'],
    registers: [options.metrics],
  });

  return {
    onExecute({ args, setResultAndStopExecution }) {
      const supergraph = options.supergraph();
      if (!supergraph) return;
      const viewer = (args.contextValue as ViewerOnContext).viewer ?? ANONYMOUS;
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      const filtered = filterOperation(
        args.document,
        args.operationName,
        args.schema,
        rulesOf(supergraph),
        authorizerFor(viewer, options.policies),
        variables,
      );
      if (!filtered || filtered.removed.size === 0) return;

      const operationName = args.operationName ?? filtered.checked.name?.value;
      const denied = [...filtered.removed.values()];
      denials.inc({ operation_name: operationName ?? '', mode: options.mode }, denied.length);
      const refused = options.mode === 'reject' || (options.mode === 'enforce' && filtered.nothingLeft);
      const requestId = requestIdOf((args.contextValue as { request?: Request }).request);
      options.onDenied?.({ viewer, requestId, operationName, denied, mode: options.mode, refused });
      if (options.mode === 'dry-run') {
        options.log.info({ requestId, operationName, denied: denied.map((p) => p.join('.')) }, 'authorization dry run: would deny');
        return;
      }
      if (refused) {
        setResultAndStopExecution({ errors: refusalErrors(filtered) });
        return;
      }
      // The planner sees the filtered operation: the removed fields are never fetched.
      operationsAsSent.set(args.contextValue as object, args.document);
      args.document = filtered.document;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult(restoreRemovedFields(result as ExecutionResult, filtered, args.schema, variables));
        },
      };
    },
  };
}
