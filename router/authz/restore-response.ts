import {
  getNullableType,
  GraphQLError,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type ExecutionResult,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { fragmentApplies, isSkipped, PLACEHOLDER_KEY, TYPENAME_KEY, type FilteredOperation } from './filter-operation.ts';

export const UNAUTHORIZED_CODE = 'UNAUTHORIZED_FIELD_OR_TYPE';

function unauthorizedError(path: readonly (string | number)[]): GraphQLError {
  return new GraphQLError('Unauthorized field or type', { path, extensions: { code: UNAUTHORIZED_CODE } });
}

type Json = Record<string, unknown>;

/**
 * Puts back, in the response of the filtered operation, a `null` at every place a removed field
 * would have been, with one error per place, and applies GraphQL's null propagation where a removed
 * field was non-null. The response keeps the shape of the operation the client sent.
 */
export function restoreRemovedFields(
  result: ExecutionResult,
  filtered: FilteredOperation,
  schema: GraphQLSchema,
  variables: Record<string, unknown>,
): ExecutionResult {
  const errors = new Map<string, GraphQLError>();
  const unauthorized = (path: (string | number)[]) => errors.set(JSON.stringify(path), unauthorizedError(path));

  /** The fields of `selectionSet` that apply to an object of `concrete` type, and whether a removed fragment holds them. */
  const applicable = (selectionSet: SelectionSetNode, concrete: GraphQLObjectType, removedAbove: boolean): { field: FieldNode; removed: boolean }[] => {
    const out: { field: FieldNode; removed: boolean }[] = [];
    for (const selection of selectionSet.selections) {
      if (isSkipped(selection, variables)) continue;
      if (selection.kind === Kind.FIELD) out.push({ field: selection, removed: removedAbove || filtered.removed.has(selection) });
      else if (selection.kind === Kind.INLINE_FRAGMENT && fragmentApplies(schema, selection.typeCondition?.name.value, concrete)) {
        out.push(...applicable(selection.selectionSet, concrete, removedAbove || filtered.removed.has(selection)));
      }
    }
    return out;
  };

  /** Returns true when the object must become null (a non-null field of it was removed or nulled). */
  const walkObject = (object: Json, selectionSet: SelectionSetNode, type: GraphQLCompositeType, path: (string | number)[]): boolean => {
    const typename = (object[TYPENAME_KEY] ?? object.__typename) as string | undefined;
    const concrete = isObjectType(type) ? type : typename ? schema.getType(typename) : undefined;
    delete object[TYPENAME_KEY];
    delete object[PLACEHOLDER_KEY];
    if (!concrete || !isObjectType(concrete)) return false;
    let nullMe = false;
    let restored = false;
    const fields = applicable(selectionSet, concrete, false);
    for (const { field, removed } of fields) {
      const key = field.alias?.value ?? field.name.value;
      const definition = concrete.getFields()[field.name.value];
      if (!definition) continue;
      if (removed) {
        object[key] = null;
        restored = true;
        unauthorized([...path, key]);
        if (isNonNullType(definition.type)) nullMe = true;
        continue;
      }
      const value = object[key];
      if (field.selectionSet && value !== null && value !== undefined && walkValue(value, field.selectionSet, definition.type, [...path, key])) {
        object[key] = null;
        if (isNonNullType(definition.type)) nullMe = true;
      }
    }
    if (restored) {
      // Keys in the order the operation asked for them, as if the field had never been removed.
      for (const key of new Set(fields.map(({ field }) => field.alias?.value ?? field.name.value))) {
        const value = object[key];
        delete object[key];
        object[key] = value;
      }
    }
    return nullMe;
  };

  const walkValue = (value: unknown, selectionSet: SelectionSetNode, type: GraphQLOutputType, path: (string | number)[]): boolean => {
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      if (!Array.isArray(value)) return false;
      let nullList = false;
      value.forEach((item, index) => {
        if (item !== null && item !== undefined && walkValue(item, selectionSet, nullable.ofType, [...path, index])) {
          value[index] = null;
          if (isNonNullType(nullable.ofType)) nullList = true;
        }
      });
      return nullList;
    }
    if (isCompositeType(nullable) && value && typeof value === 'object') return walkObject(value as Json, selectionSet, nullable, path);
    return false;
  };

  const rootType = schema.getRootType(filtered.checked.operation)!;
  let data = result.data;
  if (data && walkObject(data, filtered.checked.selectionSet, rootType, [])) data = null;
  const authorizationErrors = [...errors.values()];
  if (!authorizationErrors.length && data === result.data) return result;
  return { ...result, data, errors: [...authorizationErrors, ...(result.errors ?? [])] };
}

/** Errors for an operation refused before execution: one per removed field, at its query path. */
export function refusalErrors(filtered: FilteredOperation): GraphQLError[] {
  const seen = new Map<string, GraphQLError>();
  for (const path of filtered.removed.values()) seen.set(JSON.stringify(path), unauthorizedError(path));
  return [...seen.values()];
}
