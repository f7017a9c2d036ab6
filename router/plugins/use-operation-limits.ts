import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError } from 'graphql';
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
    maxTokensPlugin({ ...common, n: limits.maxTokens, errorMessage: 'Operation refused: too many tokens.' }),
    maxDepthPlugin({ ...common, n: limits.maxDepth, flattenFragments: true, errorMessage: 'Operation refused: too deep.' }),
    maxAliasesPlugin({ ...common, n: limits.maxAliases, errorMessage: 'Operation refused: too many aliases.' }),
    costLimitPlugin({ ...common, maxCost: limits.maxCost, errorMessage: 'Operation refused: too costly.' }),
    tagLimitErrors(),
  ] as GatewayPlugin[];
}

/** Armor reports limits as validation errors; give them a stable code clients can branch on. */
function tagLimitErrors(): GatewayPlugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (!result.length) return;
        setResult(
          result.map((error) =>
            error.message.startsWith('Operation refused:') || error.message.startsWith('Syntax Error: Token limit')
              ? new GraphQLError(error.message, {
                  nodes: error.nodes,
                  extensions: { ...error.extensions, code: 'OPERATION_LIMIT_EXCEEDED' },
                })
              : error,
          ),
        );
      };
    },
  };
}
