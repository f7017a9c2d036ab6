import { randomBytes } from 'node:crypto';
import {
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isCompositeType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Authorizer } from './evaluate.ts';
import type { AuthorizationRules, Requirement } from './rules.ts';

/**
 * The response key of a selection the router adds to an operation (and strips from the response):
 * `__hub_<purpose>_<random per process>`. Clients may not use names beginning with `__`
 * (router/plugins/use-reserved-names.ts), so no alias of theirs can take it; the random part keeps
 * it unguessable all the same, should a document ever reach execution unvalidated.
 */
export const routerKey = (purpose: string): string => `__hub_${purpose}_${PROCESS_KEY_SUFFIX}`;
const PROCESS_KEY_SUFFIX = randomBytes(6).toString('hex');

/** Added where a selection set would be left empty, and stripped from the response afterwards. */
export const PLACEHOLDER_KEY = routerKey('authz_placeholder');
/** Added under interfaces and unions, so the response says each object's type. */
export const TYPENAME_KEY = routerKey('authz_typename');

export interface FilteredOperation {
  /** The operation with the unauthorized fields and fragments removed (fragments inlined). */
  document: DocumentNode;
  /** The operation as checked: fragments inlined, nothing removed. The response is walked with it. */
  checked: OperationDefinitionNode;
  /** The removed selections (AST nodes of `checked`), with their path of response keys in the query. */
  removed: Map<SelectionNode, string[]>;
  /**
   * What each removed selection is in the schema, never in the client's words: `Type.field` for a
   * field, the type's name for a fragment on it. The journal records these (aliases are the client's
   * to choose, and could be made long or misleading).
   */
  coordinates: Map<SelectionNode, string>;
  /** True when nothing at the root is left: the operation must be refused, not run. */
  nothingLeft: boolean;
}

/**
 * Is this selection switched off by `@skip` or `@include`? `variables` must be the operation's
 * variables as executed (`operationInputs`), defaults applied: read as sent, `$v: Boolean = true`
 * sent without `v` would look false while the executor runs the field. When the directive's value
 * cannot be known (an explicit null), the selection counts as executed: it is authorized like one.
 */
export function isSkipped(node: SelectionNode, variables: Record<string, unknown>): boolean {
  if (!node.directives?.length) return false;
  try {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return true;
    if (getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false) return true;
  } catch {
    return false;
  }
  return false;
}

/** Does an inline fragment with this type condition apply to an object of the `concrete` type? */
export function fragmentApplies(schema: GraphQLSchema, condition: string | undefined, concrete: GraphQLObjectType): boolean {
  if (!condition || condition === concrete.name) return true;
  const type = schema.getType(condition);
  return !!type && isAbstractType(type) && schema.isSubType(type, concrete);
}

/** A field selected under an alias of ours (`alias: name`), which the response is cleaned of afterwards. */
export function aliasedField(alias: string, name: string): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: name } };
}

/**
 * Replaces named fragment spreads with inline fragments. Authorization is decided per place in the
 * operation, and one named fragment can stand in places with different outcomes.
 */
function inlineFragments(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): OperationDefinitionNode {
  const inline = (selectionSet: SelectionSetNode, seen: Set<string>): SelectionSetNode => ({
    ...selectionSet,
    selections: selectionSet.selections.map((selection): SelectionNode => {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        // Validation already refused unknown and cyclic fragments; this only guards the recursion.
        if (!fragment || seen.has(fragment.name.value)) return selection;
        return {
          kind: Kind.INLINE_FRAGMENT,
          typeCondition: fragment.typeCondition,
          directives: [...(selection.directives ?? []), ...(fragment.directives ?? [])],
          selectionSet: inline(fragment.selectionSet, new Set([...seen, fragment.name.value])),
        };
      }
      if (selection.selectionSet) return { ...selection, selectionSet: inline(selection.selectionSet, seen) };
      return selection;
    }),
  });
  return { ...operation, selectionSet: inline(operation.selectionSet, new Set()) };
}

const inlinedByDocument = new WeakMap<DocumentNode, Map<string, OperationDefinitionNode | undefined>>();

/**
 * The operation to run, with its named fragments inlined; undefined when the name matches none.
 * Computed once per document and name: the operation inputs, authorization and the audit all ask
 * for it, and the runtime hands the same document object to every request of the same operation.
 * The result is shared: never mutate it.
 */
export function inlinedOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  let byName = inlinedByDocument.get(document);
  if (!byName) inlinedByDocument.set(document, (byName = new Map<string, OperationDefinitionNode | undefined>()));
  const key = operationName ?? '';
  if (!byName.has(key)) {
    // Bounded: a document names few operations, and a client can only ask for those it holds.
    if (byName.size >= 16) byName.clear();
    byName.set(key, inline(document, operationName));
  }
  return byName.get(key);
}

function inline(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return undefined;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  return inlineFragments(operation, fragments);
}

/**
 * Removes from an operation every field and fragment the viewer may not see, following the Apollo
 * Router's rules:
 * - a field needs its own directives and those of its return type;
 * - a field selected on an interface (no type condition) may return any implementation, so it also
 *   needs each implementation's type directives and its directives on that field;
 * - a fragment on a type needs that type's directives;
 * - inner lists AND, outer lists OR; every directive that applies must pass.
 */
export function filterOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
  schema: GraphQLSchema,
  rules: AuthorizationRules,
  authorizer: Authorizer,
  variables: Record<string, unknown>,
): FilteredOperation | undefined {
  const checked = inlinedOperation(document, operationName);
  if (!checked) return undefined;
  const operation = checked;
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return undefined;
  const removed = new Map<SelectionNode, string[]>();
  const coordinates = new Map<SelectionNode, string>();

  const typeRules = (name: string): Requirement[] => rules.types.get(name) ?? [];
  const fieldRules = (type: string, field: string): Requirement[] => rules.fields.get(`${type}.${field}`) ?? [];

  const fieldAllowed = (parent: GraphQLCompositeType, field: FieldNode): boolean => {
    const name = field.name.value;
    if (name.startsWith('__')) return true;
    const definition = 'getFields' in parent ? parent.getFields()[name] : undefined;
    if (!definition) return true; // validation already refused unknown fields
    const returned = getNamedType(definition.type);
    const required = [...fieldRules(parent.name, name), ...typeRules(returned.name)];
    if (isAbstractType(parent)) {
      for (const possible of schema.getPossibleTypes(parent)) required.push(...typeRules(possible.name), ...fieldRules(possible.name, name));
    }
    return authorizer.satisfies(required);
  };

  const filterSet = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, path: string[]): SelectionSetNode => {
    const kept: SelectionNode[] = [];
    for (const selection of selectionSet.selections) {
      if (isSkipped(selection, variables)) {
        kept.push(selection); // never executed: nothing to authorize
        continue;
      }
      if (selection.kind === Kind.FIELD) {
        const fieldPath = [...path, selection.alias?.value ?? selection.name.value];
        if (!fieldAllowed(parent, selection)) {
          removed.set(selection, fieldPath);
          coordinates.set(selection, `${parent.name}.${selection.name.value}`);
          continue;
        }
        const definition = 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
        const child = definition && getNamedType(definition.type);
        kept.push(
          selection.selectionSet && child && isCompositeType(child)
            ? { ...selection, selectionSet: filterSet(selection.selectionSet, child, fieldPath) }
            : selection,
        );
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const conditionName = selection.typeCondition?.name.value;
        const condition = conditionName ? schema.getType(conditionName) : parent;
        if (!condition || !isCompositeType(condition)) {
          kept.push(selection);
          continue;
        }
        if (conditionName && conditionName !== parent.name) {
          if (!authorizer.satisfies(typeRules(conditionName))) {
            removed.set(selection, path);
            coordinates.set(selection, conditionName);
            continue;
          }
        }
        kept.push({ ...selection, selectionSet: filterSet(selection.selectionSet, condition, path) });
      } else {
        kept.push(selection);
      }
    }
    // Under an interface or a union, restoring needs each object's type (to know what applies to it).
    if (isAbstractType(parent)) kept.push(aliasedField(TYPENAME_KEY, '__typename'));
    if (!kept.some((s) => !isSkipped(s, variables))) kept.push(aliasedField(PLACEHOLDER_KEY, '__typename'));
    return { ...selectionSet, selections: kept };
  };

  const filtered = filterSet(checked.selectionSet, rootType, []);
  const nothingLeft =
    removed.size > 0 && filtered.selections.every((s) => (s.kind === Kind.FIELD && s.alias?.value === PLACEHOLDER_KEY) || isSkipped(s, variables));
  return {
    document: { kind: Kind.DOCUMENT, definitions: [{ ...checked, selectionSet: filtered }] },
    checked,
    removed,
    coordinates,
    nothingLeft,
  };
}
