import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isAbstractType,
  isInterfaceType,
  isCompositeType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AuditEvent } from '../../store/journal/event.ts';
import type { AuditQueue } from '../../store/journal/audit-queue.ts';
import { oncePerObject } from '../../lib/once-per-object.ts';
import { ANONYMOUS, type Viewer } from '../../lib/viewer-context.ts';
import { aliasedField, fragmentApplies, inlinedOperation, isSkipped, routerKey } from '../authz/filter-operation.ts';
import { operationInputs } from '../authz/operation-inputs.ts';
import { UNAUTHORIZED_CODE } from '../authz/restore-response.ts';
import { authorizationRulesOf, type AuthorizationRules } from '../authz/rules.ts';
import { requestIdOf } from '../request-id.ts';
import { auditSubjectsOf, subjectsNamedBy, type AuditSubjects } from './audit-subjects.ts';
import { operationAsSent, type AuthorizationDecision } from './use-authorization.ts';
import type { ViewerOnContext } from './use-viewer-context.ts';

/** Where each person's id and type come back (unguessable keys no client alias can take: see routerKey). */
const AUDIT_ID = routerKey('audit_id');
const AUDIT_TYPE = routerKey('audit_type');

export interface AuditOptions {
  /** The audit queue, usually behind a JournalThrottle (see audit-throttle.ts). */
  queue: Pick<AuditQueue, 'push' | 'accepting'>;
  /**
   * Types whose objects are people (their `id` is the audit target), besides those the supergraph
   * marks with `@auditSubject` (see audit-subjects.ts): for subgraphs whose schema cannot say it.
   */
  subjectTypes: string[];
  supergraph: () => DocumentNode | undefined;
}

interface Tally {
  allowed: Map<string, Set<string>>;
  denied: Map<string, { fields: Set<string>; reason: AuditEvent['reason'] }>;
}

/**
 * The RGPD journal of access. Sensitive data is what carries an authorization directive in the
 * supergraph. For each request, one event per person and outcome: the sensitive fields of that
 * person returned (allowed), withheld by a directive, or refused by the subgraph's perimeter
 * (FORBIDDEN). Events go to a bounded queue; the request never waits for the disk.
 */
export function useAudit(options: AuditOptions): GatewayPlugin<ViewerOnContext> {
  // The people of a supergraph: the types it marks and those configured (one set per supergraph).
  const subjectTypesOf = oncePerObject((declared: AuditSubjects) => new Set([...options.subjectTypes, ...declared.types]));

  // The planner caches plans per document object: the same operation must give the same object
  // (per set of subject types: a supergraph reloaded with other marks keys documents anew).
  const withKeys = new WeakMap<ReadonlySet<string>, WeakMap<DocumentNode, DocumentNode>>();
  const auditDocument = (document: DocumentNode, schema: GraphQLSchema, subjects: ReadonlySet<string>) => {
    let bySubjects = withKeys.get(subjects);
    if (!bySubjects) withKeys.set(subjects, (bySubjects = new WeakMap()));
    let keyed = bySubjects.get(document);
    if (!keyed) bySubjects.set(document, (keyed = withAuditKeys(document, schema, subjects)));
    return keyed;
  };

  return {
    onRequest(payload) {
      if (!options.queue.accepting()) {
        // Strict mode: better to refuse than to serve personal data without a journal entry.
        const error = createGraphQLError('The access journal is unavailable; try again shortly.', { extensions: { code: 'AUDIT_UNAVAILABLE' } });
        payload.endResponse(Response.json({ errors: [error.toJSON()] }, { status: 503, headers: { 'retry-after': '5' } }));
      }
    },
    onExecute({ args: hookArgs }) {
      // Envelop types its hooks' execution arguments with `any` fields (it serves several GraphQL
      // engines); the gateway executes with graphql-js: the same object, with graphql-js's types.
      const args: ExecutionArgs = hookArgs;
      const supergraph = options.supergraph();
      if (!supergraph) return;
      const declared = auditSubjectsOf(supergraph);
      const subjects = subjectTypesOf(declared);
      // A supergraph marking no subject (composed elsewhere, or by an older version) still has every
      // guarded mutation journaled, naming the viewer: the journal never goes silent.
      const original = inlinedOperation(operationAsSent(args.contextValue as object, args.document), args.operationName);
      if (!original) return;
      // The same values authorization decided on: as executed, defaults applied (see operation-inputs.ts).
      const inputs = operationInputs(args);
      if (!inputs.ok) return; // refused before running: nothing was read
      const variables = inputs.variables;
      const schema = args.schema;
      // Ask for each person's id and type (hidden), so the journal can name whose data was read.
      args.document = auditDocument(args.document, schema, subjects);
      const context = args.contextValue as ViewerOnContext & { request?: Request };
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result) return;
          const tally = tallyResponse(result, original, schema, authorizationRulesOf(supergraph), subjects, variables);
          const viewer = context.viewer ?? ANONYMOUS;
          const requestId = requestIdOf(context.request);
          const operationName = args.operationName ?? original.name?.value;
          options.queue.push(eventsOf(tally, viewer, requestId, operationName));
          if (original.operation === 'mutation') {
            options.queue.push(
              mutationEvents(result, original, schema, authorizationRulesOf(supergraph), declared, variables, viewer, requestId, operationName),
            );
          }
        },
      };
    },
  };
}

/** An error's `extensions.code`: a string by convention; no code, or one of another type, is ''. */
function errorCode(error: GraphQLError): string {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : '';
}

/** The events of an operation refused whole by authorization (it never ran, so no person is known). */
export function refusalEvent(decision: AuthorizationDecision, requestId: string): AuditEvent {
  return {
    at: new Date().toISOString(),
    requestId,
    viewer: viewerSummary(decision.viewer),
    operationName: decision.operationName,
    targets: [],
    // Schema coordinates, never the client's aliases (which could be long, many, or misleading).
    fields: decision.fields,
    outcome: 'denied',
    reason: 'operation-refused',
  };
}

function viewerSummary(viewer: Viewer): AuditEvent['viewer'] {
  return { kind: viewer.kind, personId: viewer.personId, profile: viewer.profile, clientId: viewer.clientId };
}

function eventsOf(tally: Tally, viewer: Viewer, requestId: string, operationName: string | undefined): AuditEvent[] {
  const at = new Date().toISOString();
  const base = { at, requestId, viewer: viewerSummary(viewer), operationName };
  return [
    ...[...tally.allowed].map(([target, fields]) => ({ ...base, targets: [target], fields: [...fields].sort(), outcome: 'allowed' as const })),
    ...[...tally.denied].map(([target, { fields, reason }]) => ({
      ...base,
      targets: [target],
      fields: [...fields].sort(),
      outcome: 'denied' as const,
      reason,
    })),
  ];
}

/**
 * What people submit (a justification, a homework, a feed revoked) is journaled too: one event per
 * guarded mutation field, with the people it concerns (the arguments and input fields the schema
 * marks `@auditSubject`, with the values as executed: defaults applied), else the viewer. The
 * outcome is what the answer says happened: refused by a directive or the perimeter is `denied`; an
 * answer of `false` or `null`, or an error at the field, means nothing was done, which is `failed`,
 * never `allowed`.
 */
function mutationEvents(
  result: ExecutionResult,
  operation: OperationDefinitionNode,
  schema: GraphQLSchema,
  rules: AuthorizationRules,
  declared: AuditSubjects,
  variables: Record<string, unknown>,
  viewer: Viewer,
  requestId: string,
  operationName: string | undefined,
): AuditEvent[] {
  const errorsAt = new Map((result.errors ?? []).filter((e) => e.path?.length === 1).map((e) => [String(e.path![0]), errorCode(e)]));
  const mutationType = schema.getMutationType();
  const data = result.data ?? undefined;
  const subjectsOf = (field: FieldNode): string[] => {
    const definition = mutationType?.getFields()[field.name.value];
    if (!mutationType || !definition) return [];
    return [...new Set(subjectsNamedBy(declared, mutationType.name, definition, argumentValues(definition, field, variables)))];
  };
  return operation.selectionSet.selections.flatMap((selection) => {
    if (selection.kind !== Kind.FIELD || isSkipped(selection, variables) || !rules.fields.has(`Mutation.${selection.name.value}`)) return [];
    const key = selection.alias?.value ?? selection.name.value;
    const code = errorsAt.get(key);
    const denied = code === UNAUTHORIZED_CODE || code === 'FORBIDDEN';
    const answer = data?.[key];
    const failed: AuditEvent['reason'] | undefined = denied
      ? undefined
      : code !== undefined
        ? 'error'
        : answer === null || answer === undefined || answer === false
          ? 'no-effect'
          : undefined;
    const concerned = subjectsOf(selection);
    const event: AuditEvent = {
      at: new Date().toISOString(),
      requestId,
      viewer: viewerSummary(viewer),
      operationName,
      targets: concerned.length ? concerned : viewer.personId ? [viewer.personId] : [],
      fields: [`Mutation.${selection.name.value}`],
      outcome: denied ? 'denied' : failed ? 'failed' : 'allowed',
      ...(denied ? { reason: code === 'FORBIDDEN' ? ('outside-perimeter' as const) : ('unauthorized-field' as const) } : failed ? { reason: failed } : {}),
    };
    return [event];
  });
}

/** A field's arguments as the executor sees them; empty when they cannot be computed (such an operation was refused before running). */
function argumentValues(definition: GraphQLField<unknown, unknown>, field: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  try {
    return getArgumentValues(definition, field, variables);
  } catch {
    return {};
  }
}

/** The fields each selection set asks of each type, when no @skip or @include makes them depend on the variables. */
const fieldsBySelection = new WeakMap<SelectionSetNode, WeakMap<GraphQLObjectType, FieldNode[]>>();

/** Whether a selection set, its inline fragments included, holds a directive (@skip, @include) that variables decide. */
const dependsOnVariables = oncePerObject((selectionSet: SelectionSetNode): boolean =>
  selectionSet.selections.some((s) => !!s.directives?.length || (s.kind === Kind.INLINE_FRAGMENT && dependsOnVariables(s.selectionSet))),
);

/**
 * Whether a field of a type is guarded data (a directive on the field, on its type, or on the type
 * it returns): decided once per field of the supergraph, not once per object of each response.
 */
const sensitiveFields = oncePerObject((rules: AuthorizationRules) => {
  const known = new WeakMap<GraphQLField<unknown, unknown>, boolean>();
  return (type: { readonly name: string }, field: GraphQLField<unknown, unknown>): boolean => {
    let guarded = known.get(field);
    if (guarded === undefined) {
      guarded = rules.fields.has(`${type.name}.${field.name}`) || rules.types.has(getNamedType(field.type).name) || rules.types.has(type.name);
      known.set(field, guarded);
    }
    return guarded;
  };
});

const reachability = new WeakMap<GraphQLSchema, Map<string, boolean>>();

/** Whether an object of this type, or anything below it, can be a subject (computed once per schema). */
function reachesSubject(schema: GraphQLSchema, subjects: ReadonlySet<string>): (typeName: string) => boolean {
  let memo = reachability.get(schema);
  if (!memo) reachability.set(schema, (memo = new Map<string, boolean>()));
  const known = memo;
  const visit = (name: string, seen: Set<string>): boolean => {
    const cached = known.get(name);
    if (cached !== undefined) return cached;
    if (subjects.has(name)) return true;
    const type = schema.getType(name);
    if (!type || !isCompositeType(type) || seen.has(name)) return false;
    seen.add(name);
    const inner = isAbstractType(type)
      ? schema.getPossibleTypes(type).some((t) => visit(t.name, seen))
      : Object.values(type.getFields()).some((f) => visit(getNamedType(f.type).name, seen));
    return inner;
  };
  return (name) => {
    let result = known.get(name);
    if (result === undefined) known.set(name, (result = visit(name, new Set())));
    return result;
  };
}

/** Adds `AUDIT_ID: id` and `AUDIT_TYPE: __typename` wherever a person may come back. */
function withAuditKeys(document: DocumentNode, schema: GraphQLSchema, subjects: ReadonlySet<string>): DocumentNode {
  const isSubjectPosition = (type: GraphQLCompositeType) =>
    subjects.has(type.name) || (isAbstractType(type) && schema.getPossibleTypes(type).some((t) => subjects.has(t.name)));
  const visit = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, atObject: boolean): SelectionSetNode => {
    const selections = selectionSet.selections.map((selection) => {
      if (selection.kind === Kind.FIELD && selection.selectionSet && 'getFields' in parent) {
        const definition = parent.getFields()[selection.name.value];
        const child = definition && getNamedType(definition.type);
        return child && isCompositeType(child) ? { ...selection, selectionSet: visit(selection.selectionSet, child, true) } : selection;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        return condition && isCompositeType(condition) ? { ...selection, selectionSet: visit(selection.selectionSet, condition, false) } : selection;
      }
      return selection;
    });
    // The keys go on the object a field returns, once: never inside a type condition (the journal
    // reads them on the object, and the native planner loses a key field asked under a type
    // condition below an @interfaceObject, dropping the whole fragment: docs/portal.md).
    if (atObject && isSubjectPosition(parent)) {
      selections.push(aliasedField(AUDIT_TYPE, '__typename'));
      // `id` exists on every subject type: asked on the type itself, or on an interface that has it;
      // per subject type only under a union.
      if (subjects.has(parent.name) || (isInterfaceType(parent) && parent.getFields().id)) selections.push(aliasedField(AUDIT_ID, 'id'));
      else if (isAbstractType(parent))
        for (const t of schema.getPossibleTypes(parent)) {
          if (subjects.has(t.name)) {
            selections.push({
              kind: Kind.INLINE_FRAGMENT,
              typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: t.name } },
              selectionSet: { kind: Kind.SELECTION_SET, selections: [aliasedField(AUDIT_ID, 'id')] },
            });
          }
        }
    }
    return { ...selectionSet, selections };
  };
  return {
    ...document,
    definitions: document.definitions.map((d) => {
      if (d.kind !== Kind.OPERATION_DEFINITION) {
        if (d.kind === Kind.FRAGMENT_DEFINITION) {
          const type = schema.getType(d.typeCondition.name.value);
          return type && isCompositeType(type) ? { ...d, selectionSet: visit(d.selectionSet, type, false) } : d;
        }
        return d;
      }
      const root = schema.getRootType(d.operation);
      return root ? { ...d, selectionSet: visit(d.selectionSet, root, true) } : d;
    }),
  };
}

function tallyResponse(
  result: ExecutionResult,
  operation: OperationDefinitionNode,
  schema: GraphQLSchema,
  rules: AuthorizationRules,
  subjects: ReadonlySet<string>,
  variables: Record<string, unknown>,
): Tally {
  const tally: Tally = { allowed: new Map(), denied: new Map() };
  const reaches = reachesSubject(schema, subjects);
  const errorsAt = new Map<string, string>();
  for (const error of result.errors ?? []) if (error.path) errorsAt.set(JSON.stringify(error.path), errorCode(error));
  // Most answers have no error: then no path is built or serialized for each field walked.
  const withPaths = errorsAt.size > 0;
  const errorAt = (path: readonly (string | number)[]) => (withPaths ? errorsAt.get(JSON.stringify(path)) : undefined);
  const below = (path: readonly (string | number)[], key: string | number) => (withPaths ? [...path, key] : path);
  const isSensitiveField = sensitiveFields(rules);

  const fieldsOf = (selectionSet: SelectionSetNode, concrete: GraphQLObjectType): FieldNode[] =>
    selectionSet.selections.flatMap((s) => {
      if (isSkipped(s, variables)) return [];
      if (s.kind === Kind.FIELD) return [s];
      if (s.kind === Kind.INLINE_FRAGMENT && fragmentApplies(schema, s.typeCondition?.name.value, concrete)) return fieldsOf(s.selectionSet, concrete);
      return [];
    });
  // The same for every object of a type under a selection: computed once per operation document,
  // unless @skip/@include make it depend on the variables.
  const fieldsAt = (selectionSet: SelectionSetNode, concrete: GraphQLObjectType): FieldNode[] => {
    if (dependsOnVariables(selectionSet)) return fieldsOf(selectionSet, concrete);
    let byType = fieldsBySelection.get(selectionSet);
    if (!byType) fieldsBySelection.set(selectionSet, (byType = new WeakMap()));
    let fields = byType.get(concrete);
    if (!fields) byType.set(concrete, (fields = fieldsOf(selectionSet, concrete)));
    return fields;
  };

  /** The sensitive fields asked of an object that never came back: every type condition counts. */
  const sensitiveAsked = (selectionSet: SelectionSetNode, type: GraphQLCompositeType): string[] =>
    selectionSet.selections.flatMap((s) => {
      if (isSkipped(s, variables)) return [];
      if (s.kind === Kind.INLINE_FRAGMENT) {
        const condition = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type;
        return condition && isCompositeType(condition) ? sensitiveAsked(s.selectionSet, condition) : [];
      }
      if (s.kind !== Kind.FIELD || !('getFields' in type)) return [];
      const definition = type.getFields()[s.name.value];
      return definition && isSensitiveField(type, definition) ? [`${type.name}.${s.name.value}`] : [];
    });

  const walk = (value: unknown, field: FieldNode, definition: GraphQLField<unknown, unknown>, type: GraphQLOutputType, path: readonly (string | number)[]) => {
    const nullable = getNullableType(type);
    if (value === null || value === undefined) {
      // A person the subgraph refused to show: the id asked for is in the field's arguments.
      const named = getNamedType(type);
      if (errorAt(path) === 'FORBIDDEN' && isCompositeType(named) && field.selectionSet) {
        // The id as executed (defaults applied), the same value the subgraph was asked for.
        const id = definition.args.some((a) => a.name === 'id') ? argumentValues(definition, field, variables).id : undefined;
        // Not the response path: its aliases are the client's words, not the journal's.
        const target = typeof id === 'string' ? id : `unknown:${named.name}`;
        const entry = tally.denied.get(target) ?? { fields: new Set<string>(), reason: 'outside-perimeter' as const };
        for (const f of sensitiveAsked(field.selectionSet, named)) entry.fields.add(f);
        tally.denied.set(target, entry);
      }
      return;
    }
    if (isListType(nullable)) {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, field, definition, nullable.ofType, below(path, i)));
      return;
    }
    if (!field.selectionSet || !isCompositeType(nullable) || typeof value !== 'object') return;
    walkObject(value as Record<string, unknown>, field.selectionSet, nullable, path);
  };

  const walkObject = (object: Record<string, unknown>, selectionSet: SelectionSetNode, type: GraphQLCompositeType, path: readonly (string | number)[]) => {
    const typename = (object[AUDIT_TYPE] as string | undefined) ?? (isObjectType(type) ? type.name : undefined);
    const target = object[AUDIT_ID] as string | undefined;
    // Hidden from the client: the response is serialized with JSON.stringify, which leaves out
    // undefined values. Not `delete`: deleting a property that is not an object's last turns the
    // object into a slow dictionary, for this walk and for the serialization after it.
    if (object[AUDIT_TYPE] !== undefined) object[AUDIT_TYPE] = undefined;
    if (object[AUDIT_ID] !== undefined) object[AUDIT_ID] = undefined;
    const concrete = typename ? schema.getType(typename) : undefined;
    if (!concrete || !isObjectType(concrete)) return;
    for (const field of fieldsAt(selectionSet, concrete)) {
      const key = field.alias?.value ?? field.name.value;
      const definition = concrete.getFields()[field.name.value];
      if (!definition) continue;
      const fieldPath = below(path, key);
      if (target && subjects.has(concrete.name) && isSensitiveField(concrete, definition)) {
        const name = `${concrete.name}.${field.name.value}`;
        const code = errorAt(fieldPath);
        // FORBIDDEN on a field of a person the viewer sees: the subgraph refused that kind of data
        // about them (a staff function held in another school), a denial like any other.
        if (code === UNAUTHORIZED_CODE || code === 'FORBIDDEN') {
          const entry = tally.denied.get(target) ?? {
            fields: new Set<string>(),
            reason: code === 'FORBIDDEN' ? ('outside-perimeter' as const) : ('unauthorized-field' as const),
          };
          entry.fields.add(name);
          tally.denied.set(target, entry);
        } else {
          const allowed = tally.allowed.get(target) ?? new Set<string>();
          allowed.add(name);
          tally.allowed.set(target, allowed);
        }
      }
      // Lists of grades or lessons cannot hold a person: only walk where a subject can be found.
      if (field.selectionSet && reaches(getNamedType(definition.type).name)) walk(object[key], field, definition, definition.type, fieldPath);
      else if (field.selectionSet && object[key] === null) walk(null, field, definition, definition.type, fieldPath);
    }
  };

  const root = schema.getRootType(operation.operation);
  if (result.data && root) walkObject(result.data, operation.selectionSet, root, []);
  return tally;
}
