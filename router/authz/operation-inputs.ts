import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  GraphQLError,
  isCompositeType,
  isInputObjectType,
  isListType,
  isScalarType,
  Kind,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { inlinedOperation, isSkipped } from './filter-operation.ts';

/** What an id may look like; see `DEFAULT_ID_POLICY`. */
export interface IdPolicy {
  /** Longest id accepted, in characters. */
  maxLength: number;
}

/**
 * Long enough for every id the hub hands out, with room: AAF jointure ids (digits, or an académie
 * prefix and digits), `UAI:code` class and group ids, vie scolaire `UAI:upstreamId` ids (the
 * upstream's own id can be a composite like `A-1234567-2026-11-02`), GAR resource ids (`ark:/…`),
 * calendar feed ids (UUIDs), session ids. A megabyte-long "id" is never one.
 */
export const DEFAULT_ID_POLICY: IdPolicy = { maxLength: 256 };

export const BAD_USER_INPUT = 'BAD_USER_INPUT';

/**
 * Characters an id may hold: letters, marks, digits, punctuation, symbols and the plain space
 * (AAF class codes such as `3EME A` have one). Refused: control characters (a newline forging a
 * log line), format characters (bidi overrides and zero-width characters that make a journal entry
 * read differently from what it holds), other separators, unassigned and private-use code points.
 */
const ID_CHARACTERS = /^(?:[\p{L}\p{M}\p{N}\p{P}\p{S}]| )+$/u;

export type OperationInputs = { ok: true; variables: Record<string, unknown> } | { ok: false; errors: GraphQLError[] };

interface ExecutionArgsLike {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: unknown;
}

const computed = new WeakMap<object, OperationInputs>();

/**
 * The one place where the router reads an operation's inputs. The variables as the client sent
 * them are not what runs: the executor applies the operation's defaults, coerces values (a single
 * value to a list, numbers to IDs…), and refuses what does not fit. Authorization, the response
 * restore and the audit must decide on what runs, so they all read these values, computed once per
 * operation (memoized on the execution arguments, which every plugin of an operation shares).
 * Id arguments are checked here too, before any resolver, planner or journal sees them.
 */
export function operationInputs(args: ExecutionArgsLike, idPolicy: IdPolicy = DEFAULT_ID_POLICY): OperationInputs {
  let inputs = computed.get(args);
  if (!inputs) computed.set(args, (inputs = compute(args, idPolicy)));
  return inputs;
}

/**
 * The inputs of operations that declare no variable: the same for every request of a document (the
 * variables a client sends beside them are ignored, as the executor does), so checked once.
 */
const constantInputs = new WeakMap<DocumentNode, Map<string, { schema: GraphQLSchema; inputs: OperationInputs }>>();

function compute(args: ExecutionArgsLike, idPolicy: IdPolicy): OperationInputs {
  const operation = pickOperation(args.document, args.operationName);
  // Validation refuses a document without a matching operation; nothing to read then.
  if (!operation) return { ok: true, variables: {} };
  if (operation.variableDefinitions?.length) return computeFor(args, operation, idPolicy);
  let byOperation = constantInputs.get(args.document);
  if (!byOperation) constantInputs.set(args.document, (byOperation = new Map<string, { schema: GraphQLSchema; inputs: OperationInputs }>()));
  const key = `${args.operationName ?? ''}|${idPolicy.maxLength}`;
  let known = byOperation.get(key);
  if (!known || known.schema !== args.schema) {
    // Bounded: a document names few operations.
    if (byOperation.size >= 16) byOperation.clear();
    byOperation.set(key, (known = { schema: args.schema, inputs: computeFor(args, operation, idPolicy) }));
  }
  return known.inputs;
}

function computeFor(args: ExecutionArgsLike, operation: OperationDefinitionNode, idPolicy: IdPolicy): OperationInputs {
  const raw = (args.variableValues ?? {}) as Record<string, unknown>;
  // Bounded like the executor: past 50 errors, the rest are not worth computing.
  const coerced = getVariableValues(args.schema, operation.variableDefinitions ?? [], raw, { maxErrors: 50 });
  if (coerced.errors) return { ok: false, errors: coerced.errors.map(badInput) };
  const variables = coerced.coerced;
  const errors = idErrors(args.schema, inlinedOperation(args.document, args.operationName) ?? operation, variables, idPolicy);
  return errors.length ? { ok: false, errors } : { ok: true, variables };
}

function pickOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}

function badInput(error: GraphQLError): GraphQLError {
  // The message names the variable and the expected type, never echoes the (possibly huge) value.
  const message = error.message.length > 300 ? `${error.message.slice(0, 300)}…` : error.message;
  return new GraphQLError(message, { nodes: error.nodes, extensions: { code: BAD_USER_INPUT } });
}

/** An argument or input field that holds an id: of type ID, or a String named like one (`id`, `…Id`, `uai`). */
function holdsId(type: GraphQLInputType, name: string): boolean {
  const named = getNamedType(type);
  if (!isScalarType(named)) return false;
  return named.name === 'ID' || (named.name === 'String' && (name === 'id' || name === 'uai' || /[a-z]Ids?$/.test(name)));
}

/** Why a value is not an acceptable id, or undefined when it is. */
export function idProblem(value: string, policy: IdPolicy = DEFAULT_ID_POLICY): string | undefined {
  if (value.length === 0) return 'is empty';
  if (value.length > policy.maxLength) return `is longer than ${policy.maxLength} characters`;
  if (!ID_CHARACTERS.test(value)) return 'holds a character that no id has (a control, format or invisible character)';
  if (value !== value.normalize('NFC')) return 'is not in Unicode normal form C';
  return undefined;
}

const MAX_ID_ERRORS = 20;

/** Checks every id argument of every field that will run, with the values as executed. */
function idErrors(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>, policy: IdPolicy): GraphQLError[] {
  const errors: GraphQLError[] = [];
  const check = (value: unknown, type: GraphQLInputType, name: string, where: string) => {
    if (errors.length >= MAX_ID_ERRORS || value === null || value === undefined) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      if (Array.isArray(value)) value.forEach((item, i) => check(item, nullable.ofType, name, `${where}[${i}]`));
      return;
    }
    if (isInputObjectType(nullable)) {
      const fields = nullable.getFields();
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        const field = fields[key];
        if (field) check(inner, field.type, key, `${where}.${key}`);
      }
      return;
    }
    if (typeof value === 'string' && holdsId(nullable, name)) {
      const problem = idProblem(value, policy);
      if (problem) errors.push(new GraphQLError(`Invalid id in ${where}: it ${problem}.`, { extensions: { code: BAD_USER_INPUT } }));
    }
  };
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, path: string) => {
    for (const selection of selectionSet.selections) {
      if (errors.length >= MAX_ID_ERRORS || isSkipped(selection, variables)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (condition && isCompositeType(condition)) walk(selection.selectionSet, condition, path);
        continue;
      }
      if (selection.kind !== Kind.FIELD || !('getFields' in parent)) continue;
      const definition = parent.getFields()[selection.name.value];
      if (!definition) continue; // __typename and meta fields: no id arguments worth checking
      const key = `${path}${selection.alias?.value ?? selection.name.value}`;
      if (definition.args.length) {
        let values: Record<string, unknown>;
        try {
          values = getArgumentValues(definition, selection, variables);
        } catch (error) {
          errors.push(badInput(error as GraphQLError));
          continue;
        }
        for (const arg of definition.args) check(values[arg.name], arg.type, arg.name, `${key}(${arg.name})`);
      }
      const child = getNamedType(definition.type);
      if (selection.selectionSet && isCompositeType(child)) walk(selection.selectionSet, child, `${key}.`);
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, '');
  return errors;
}
