import { costLimitPlugin, costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  GraphQLError,
  Kind,
  validate,
  type DefinitionNode,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { OperationLimits } from '../config.ts';
import { costRulesOf, declaredCost, type CostRules } from './operation-cost.ts';

export interface OperationLimitsOptions {
  /** The supergraph being served: its `@cost`/`@listSize` directives say what fields cost. Read per request, so reloads apply. */
  supergraph?: () => DocumentNode | undefined;
}

/**
 * Refuses abusive operations before planning: depth, aliases, tokens and cost, each with a clear
 * GraphQL error. GraphQL Armor's maintained rules do the counting; this module only configures them
 * and gives every refusal the same machine-readable code.
 *
 * Armor's cost counts an operation's shape only. What an operation really costs is mostly what the
 * subgraphs must fetch upstream for it, which the supergraph declares (`@cost`, `@listSize`): the
 * cost of an operation is both added up, and one HTTP request (a batch of operations included)
 * has one budget of `maxCost`, so ten operations in one request cannot cost ten times the limit.
 */
export function useOperationLimits(limits: Omit<OperationLimits, 'maxBatch' | 'maxBodyBytes'>, options: OperationLimitsOptions = {}): GatewayPlugin[] {
  const common = {
    exposeLimits: true,
    propagateOnRejection: true,
  };
  return [
    maxTokensPlugin({ ...common, n: limits.maxTokens }),
    maxDepthPlugin({ ...common, n: limits.maxDepth, flattenFragments: true }),
    maxAliasesPlugin({ ...common, n: limits.maxAliases }),
    costLimitPlugin({ ...common, maxCost: limits.maxCost }),
    useRequestCostBudget(limits.maxCost, options.supergraph ?? (() => undefined)),
    tagLimitErrors(),
  ] as GatewayPlugin[];
}

/** Armor's shape cost of each operation of a document, in document order (computed once per document object). */
const shapeCosts = new WeakMap<DocumentNode, number[]>();
function shapeCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): number {
  let costs = shapeCosts.get(document);
  if (!costs) {
    const found: number[] = [];
    validate(schema, document, [
      costLimitRule({ maxCost: Number.MAX_SAFE_INTEGER, onAccept: [(_, details: { n: number }) => found.push(details.n)], propagateOnRejection: false }),
    ]);
    shapeCosts.set(document, (costs = found));
  }
  const index = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).indexOf(operation);
  return costs[index] ?? 0;
}

/** Declared costs of operations that declare no variable (nothing else varies them), per document. */
const constantCosts = new WeakMap<OperationDefinitionNode, { schema: GraphQLSchema; rules: CostRules; cost: number }>();
function declaredCostOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rules: CostRules,
  variables: Record<string, unknown>,
): number {
  if (operation.variableDefinitions?.length) return declaredCost(schema, document, operation, rules, variables);
  const known = constantCosts.get(operation);
  if (known?.schema === schema && known.rules === rules) return known.cost;
  const cost = declaredCost(schema, document, operation, rules, variables);
  constantCosts.set(operation, { schema, rules, cost });
  return cost;
}

/**
 * One cost budget per HTTP request. A batch (a JSON array of operations) reaches execution as one
 * operation at a time, each with its own context but the same request: each operation's cost is
 * taken from the request's budget, and the operations past it are refused. Runs at execution, not
 * validation, because validation results are cached per document (ten identical operations are
 * validated once).
 */
function useRequestCostBudget(maxCost: number, supergraph: () => DocumentNode | undefined): GatewayPlugin {
  const spentByRequest = new WeakMap<object, number>();
  return {
    onExecute({ args: hookArgs, setResultAndStopExecution }) {
      // Envelop types its hooks' execution arguments with `any` fields (it serves several GraphQL
      // engines); the gateway executes with graphql-js: the same object, with graphql-js's types.
      const args: ExecutionArgs = hookArgs;
      const operation = args.document.definitions.find(
        (d: DefinitionNode): d is OperationDefinitionNode =>
          d.kind === Kind.OPERATION_DEFINITION && (!args.operationName || d.name?.value === args.operationName),
      );
      if (!operation) return;
      const current = supergraph();
      const variables = (args.variableValues ?? {}) as Record<string, unknown>;
      const cost =
        shapeCost(args.schema, args.document, operation) +
        (current ? declaredCostOf(args.schema, args.document, operation, costRulesOf(current), variables) : 0);
      // The context as the hook types it (the gateway's, an object).
      const request = (hookArgs.contextValue as { request?: object }).request ?? hookArgs.contextValue;
      const spent = spentByRequest.get(request) ?? 0;
      if (spent + cost <= maxCost) {
        spentByRequest.set(request, spent + cost);
        return;
      }
      const message =
        spent === 0
          ? `Operation refused: Query cost limit of ${maxCost} exceeded, found ${cost}.`
          : `Operation refused: Request cost limit of ${maxCost} exceeded, found ${spent + cost} (the operations of a batch share one budget).`;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(message, { extensions: { code: 'OPERATION_LIMIT_EXCEEDED', cost: { operation: cost, request: spent + cost, max: maxCost } } }),
        ],
      });
    },
  };
}

/** Armor's messages, e.g. "Syntax Error: Query depth limit of 6 exceeded, found 10." */
const ARMOR_LIMIT = /^(?:Syntax Error: )?(.* limit of \d+ exceeded.*)$/;

/**
 * Armor reports every limit as a "Syntax Error", which misleads whoever reads it (the operation is
 * well-formed, just too big). Say what it is, and give it a stable code clients can branch on.
 */
function tagLimitErrors(): GatewayPlugin {
  const retag = (error: GraphQLError) => {
    const match = ARMOR_LIMIT.exec(error.message);
    return match?.[1]
      ? new GraphQLError(`Operation refused: ${match[1]}`, {
          nodes: error.nodes,
          extensions: { ...error.extensions, code: 'OPERATION_LIMIT_EXCEEDED' },
        })
      : error;
  };
  const retagResult = (result: ExecutionResult): ExecutionResult =>
    result.errors?.some((e) => ARMOR_LIMIT.test(e.message)) ? { ...result, errors: result.errors.map(retag) } : result;
  return {
    // Armor throws from parse and validation; the refusal surfaces in the final result, so retag there.
    onResultProcess(payload) {
      const { result } = payload;
      if (Array.isArray(result)) payload.setResult(result.map((r) => retagResult(r as ExecutionResult)));
      else if (!(Symbol.asyncIterator in result)) payload.setResult(retagResult(result as ExecutionResult));
    },
  };
}
