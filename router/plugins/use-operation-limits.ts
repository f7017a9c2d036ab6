import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { OperationLimits } from '../config.ts';

/**
 * Refuses abusive operations before planning: depth, aliases, tokens and cost, each with a clear
 * GraphQL error. GraphQL Armor's maintained rules do the counting; this module only configures them
 * and gives every refusal the same machine-readable code.
 */
export function useOperationLimits(limits: Omit<OperationLimits, 'maxBatch' | 'maxBodyBytes'>): GatewayPlugin[] {
  const common = {
    exposeLimits: true,
    onReject: [] as never[],
    propagateOnRejection: true,
  };
  return [
    maxTokensPlugin({ ...common, n: limits.maxTokens }),
    maxDepthPlugin({ ...common, n: limits.maxDepth, flattenFragments: true }),
    maxAliasesPlugin({ ...common, n: limits.maxAliases }),
    costLimitPlugin({ ...common, maxCost: limits.maxCost }),
    tagLimitErrors(),
  ] as GatewayPlugin[];
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
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map((r) => retagResult(r as ExecutionResult)));
      else if (!(Symbol.asyncIterator in result)) setResult(retagResult(result as ExecutionResult));
    },
  };
}
