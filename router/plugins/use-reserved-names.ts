import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { GraphQLError, type ASTNode, type ValidationRule } from 'graphql';

/** The stable code of the refusal (the client sent a name it may not use). */
export const RESERVED_NAME_CODE = 'BAD_USER_INPUT';

/**
 * GraphQL reserves names beginning with `__` for introspection (`__typename`, `__schema`). The
 * router adds selections of its own under such names (the audit's `id` and `__typename` of each
 * person, authorization's placeholders); a client alias taking one of them could answer in their
 * place, e.g. `__hub_audit_id: displayName` made the journal name pupils by display name instead of
 * id. So no alias, operation, fragment or variable a client names may begin with `__`: nothing a
 * client sends can then collide with what the router adds. Field *names* such as `__typename` are
 * the schema's, not the client's, and stay allowed.
 */
export const ReservedNamesRule: ValidationRule = (context) => {
  const refuse = (kind: string, name: string, node: ASTNode) =>
    context.reportError(
      new GraphQLError(`The ${kind} name "${name.slice(0, 64)}" is reserved: names beginning with "__" belong to GraphQL introspection.`, {
        nodes: node,
        extensions: { code: RESERVED_NAME_CODE },
      }),
    );
  const reserved = (name: string | undefined) => name?.startsWith('__') === true;
  return {
    Field(node) {
      if (node.alias && reserved(node.alias.value)) refuse('alias', node.alias.value, node.alias);
    },
    OperationDefinition(node) {
      if (node.name && reserved(node.name.value)) refuse('operation', node.name.value, node.name);
    },
    FragmentDefinition(node) {
      if (reserved(node.name.value)) refuse('fragment', node.name.value, node.name);
    },
    VariableDefinition(node) {
      if (reserved(node.variable.name.value)) refuse('variable', node.variable.name.value, node.variable);
    },
  };
};

/** Runs `ReservedNamesRule` with the other validation rules (its result is cached with theirs, per document). */
export function useReservedNames(): GatewayPlugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(ReservedNamesRule);
    },
  };
}
