import {
  getNullableType,
  isInputObjectType,
  isListType,
  Kind,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { oncePerObject } from '../../lib/once-per-object.ts';

/**
 * The directive by which a schema says whose data the journal names (composed into the supergraph
 * through `@composeDirective`; each subgraph using it declares it, as below, and links
 * `https://ent-hub.example/audit/v1.0`):
 *
 *     directive @auditSubject on OBJECT | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
 *
 * On a type: its objects are people; their `id` names the person whose guarded fields were read.
 * On an argument or an input field: its value is the id of the person an operation concerns (the
 * pupil whose absence is justified, say), which a mutation's journal event names.
 */
export const AUDIT_SUBJECT_DIRECTIVE = 'auditSubject';

export interface AuditSubjects {
  /** Types whose objects are people. */
  types: ReadonlySet<string>;
  /** Arguments naming a person, by schema coordinate: `Mutation.lend(reader:)`. */
  arguments: ReadonlySet<string>;
  /** Input fields naming a person, by schema coordinate: `FineInput.payer`. */
  inputFields: ReadonlySet<string>;
}

const marked = (directives: readonly ConstDirectiveNode[] | undefined) => (directives ?? []).some((d) => d.name.value === AUDIT_SUBJECT_DIRECTIVE);

/** What a supergraph declares with `@auditSubject`, read once per document (a reload brings a new one). */
export const auditSubjectsOf = oncePerObject((supergraph: DocumentNode): AuditSubjects => {
  const types = new Set<string>();
  const args = new Set<string>();
  const inputFields = new Set<string>();
  for (const definition of supergraph.definitions) {
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) {
      const type = definition.name.value;
      if (marked(definition.directives)) types.add(type);
      for (const field of definition.fields ?? []) {
        for (const arg of field.arguments ?? []) if (marked(arg.directives)) args.add(`${type}.${field.name.value}(${arg.name.value}:)`);
      }
    } else if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION) {
      for (const field of definition.fields ?? []) if (marked(field.directives)) inputFields.add(`${definition.name.value}.${field.name.value}`);
    }
  }
  return { types, arguments: args, inputFields };
});

/**
 * The ids of the people a field's arguments name (values as executed: defaults applied), found
 * where the schema marks them, at any depth of input objects and lists.
 */
export function subjectsNamedBy(
  subjects: AuditSubjects,
  parentType: string,
  field: GraphQLField<unknown, unknown>,
  values: Readonly<Record<string, unknown>>,
): string[] {
  return field.args.flatMap((arg) => idsIn(subjects, values[arg.name], arg.type, subjects.arguments.has(`${parentType}.${field.name}(${arg.name}:)`)));
}

/** Walks a value along its input type; finite, since the value is (the operation's limits bound it). */
function idsIn(subjects: AuditSubjects, value: unknown, type: GraphQLInputType, isSubject: boolean): string[] {
  if (value === null || value === undefined) return [];
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    return Array.isArray(value) ? value.flatMap((item) => idsIn(subjects, item, nullable.ofType, isSubject)) : [];
  }
  if (isSubject) return typeof value === 'string' ? [value] : [];
  if (!isInputObjectType(nullable) || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  return Object.values(nullable.getFields()).flatMap((f) => idsIn(subjects, object[f.name], f.type, subjects.inputFields.has(`${nullable.name}.${f.name}`)));
}
