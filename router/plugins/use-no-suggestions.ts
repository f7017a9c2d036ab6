import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type ExecutionResult } from 'graphql';

/**
 * graphql-js's "Did you mean …?" hints (fields, types, arguments, enum values) spell out the schema
 * piece by piece: with introspection off, they are how a stranger maps it. In production they are
 * cut from validation errors and from errors of execution (variables coerced against enums).
 */
const SUGGESTIONS = /\s*Did you mean [^?]*\?/g;
const suggests = (message: string) => message.includes('Did you mean ');

const withoutSuggestion = (error: GraphQLError): GraphQLError => {
  if (!suggests(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTIONS, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
};

export function useNoSuggestions(): GatewayPlugin {
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map((error: unknown) => (error instanceof GraphQLError ? withoutSuggestion(error) : error)));
      };
    },
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const errors = (result as ExecutionResult).errors;
          if (errors?.some((e) => suggests(e.message))) {
            setResult({ ...(result as ExecutionResult), errors: errors.map((e) => (e instanceof GraphQLError ? withoutSuggestion(e) : e)) });
          }
        },
      };
    },
  };
}
