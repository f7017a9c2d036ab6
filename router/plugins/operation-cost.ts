import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { oncePerObject } from '../../lib/once-per-object.ts';

/**
 * What the supergraph says operations cost, from the cost spec's directives as composition copies
 * them (https://specs.apollo.dev/cost/v0.1): `@cost(weight:)` on a field (each time it is selected)
 * or a type (each time an object of it is), and `@listSize(assumedSize:, slicingArguments:)` on a
 * list field (its selections count that many times). The subgraphs know what a field costs (an
 * upstream call, say); the router only adds up what they declare, and knows no domain.
 */
export interface CostRules {
  fields: Map<string, number>;
  types: Map<string, number>;
  listSizes: Map<string, { assumedSize?: number; slicingArguments: string[] }>;
}

const intArgument = (directive: DirectiveNode, name: string): number | undefined => {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.INT ? Number(value.value) : undefined;
};
const stringsArgument = (directive: DirectiveNode, name: string): string[] => {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  return value?.kind === Kind.LIST ? value.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : [];
};

function costRules(supergraph: DocumentNode): CostRules {
  const rules: CostRules = { fields: new Map(), types: new Map(), listSizes: new Map() };
  for (const definition of supergraph.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value === 'cost') rules.types.set(typeName, (rules.types.get(typeName) ?? 0) + (intArgument(directive, 'weight') ?? 0));
    }
    if (!('fields' in definition)) continue;
    for (const field of definition.fields ?? []) {
      const key = `${typeName}.${field.name.value}`;
      for (const directive of field.directives ?? []) {
        if (directive.name.value === 'cost') rules.fields.set(key, (rules.fields.get(key) ?? 0) + (intArgument(directive, 'weight') ?? 0));
        if (directive.name.value === 'listSize') {
          rules.listSizes.set(key, { assumedSize: intArgument(directive, 'assumedSize'), slicingArguments: stringsArgument(directive, 'slicingArguments') });
        }
      }
    }
  }
  return rules;
}

/** The cost rules of a supergraph document, read once per document (a reload brings a new one). */
export const costRulesOf = oncePerObject(costRules);

/**
 * The declared cost of one operation: every selected field's and object's weight, times the sizes
 * of the lists it sits in. Aliases count each time (25 aliases of a field that costs an upstream call
 * cost 25 calls); @skip/@include are ignored (the cost is an upper bound). Lists without @listSize
 * count once: a subgraph batches the items of a list into one call, and says otherwise with @listSize.
 */
export function declaredCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rules: CostRules,
  variables: Record<string, unknown>,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  // A fragment's cost does not depend on where it is spread: computed once, so nested spreads cannot explode.
  const fragmentCosts = new Map<string, number>();

  const listSizeOf = (key: string, args: readonly { name: { value: string }; value: Parameters<typeof valueFromASTUntyped>[0] }[]): number => {
    const listSize = rules.listSizes.get(key);
    if (!listSize) return 1;
    const sliced = listSize.slicingArguments.flatMap((name) => {
      const node = args.find((a) => a.name.value === name);
      const value = node ? Number(valueFromASTUntyped(node.value, variables)) : NaN;
      return Number.isFinite(value) && value > 0 ? [value] : [];
    });
    return sliced.length ? Math.max(...sliced) : (listSize.assumedSize ?? 1);
  };

  const costOf = (selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) continue;
        const field = parent.getFields()[selection.name.value];
        if (!field) continue;
        const key = `${parent.name}.${field.name}`;
        const returned = getNamedType(field.type);
        const own = (rules.fields.get(key) ?? 0) + (rules.types.get(returned.name) ?? 0);
        const nested = selection.selectionSet ? costOf(selection.selectionSet, returned) : 0;
        cost += own + listSizeOf(key, selection.arguments ?? []) * nested;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += costOf(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent);
      } else {
        const name = selection.name.value;
        let fragmentCost = fragmentCosts.get(name);
        if (fragmentCost === undefined) {
          const fragment = fragments.get(name);
          fragmentCosts.set(name, 0); // a cycle (invalid anyway) counts nothing more
          fragmentCost = fragment ? costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value)) : 0;
          fragmentCosts.set(name, fragmentCost);
        }
        cost += fragmentCost;
      }
    }
    return cost;
  };
  const root =
    operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  return costOf(operation.selectionSet, root ?? undefined);
}
