import { Kind, parse, type DocumentNode } from 'graphql';

/**
 * What the hub treats as sensitive personal data (RGPD): every field with one of these names, and
 * every field returning one of these types, must carry an authorization directive (on the field, on
 * its type, or on the type it returns). New domains add their names here.
 */
export const SENSITIVE_FIELD_NAMES = [
  'birthDate',
  'ine',
  'address',
  'email',
  'homePhone',
  'workPhone',
  'mobilePhone',
  'regime',
  'scholarship',
  'grades',
  'averages',
  'absences',
  'lateness',
  'punishments',
  'health',
  'justifications',
  'bodyHtml',
];
export const SENSITIVE_TYPES = ['Address', 'Grade', 'Absence', 'Lateness', 'Punishment', 'Justification', 'Message', 'MessageSummary'];

const GUARDS = new Set(['authenticated', 'requiresScopes', 'policy']);

/** `Type.field` of every sensitive field of a supergraph that no authorization directive guards. */
export function unguardedSensitiveFields(supergraph: DocumentNode | string): string[] {
  const document = typeof supergraph === 'string' ? parse(supergraph) : supergraph;
  const guardedTypes = new Set<string>();
  const types: { name: string; fields: { name: string; returns: string; guarded: boolean }[] }[] = [];
  for (const d of document.definitions) {
    if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    if (d.directives?.some((x) => GUARDS.has(x.name.value))) guardedTypes.add(d.name.value);
    types.push({
      name: d.name.value,
      fields: (d.fields ?? []).map((f) => {
        let type = f.type;
        while (type.kind !== Kind.NAMED_TYPE) type = type.type;
        return { name: f.name.value, returns: type.name.value, guarded: !!f.directives?.some((x) => GUARDS.has(x.name.value)) };
      }),
    });
  }
  const out: string[] = [];
  for (const type of types) {
    // Interface fields cannot carry authorization directives in federation; implementations do.
    const isInterface = document.definitions.some((d) => d.kind === Kind.INTERFACE_TYPE_DEFINITION && d.name.value === type.name);
    if (isInterface || type.name.startsWith('join__') || type.name.startsWith('link__')) continue;
    for (const field of type.fields) {
      const sensitive = SENSITIVE_FIELD_NAMES.includes(field.name) || SENSITIVE_TYPES.includes(field.returns);
      if (sensitive && !field.guarded && !guardedTypes.has(type.name) && !guardedTypes.has(field.returns)) out.push(`${type.name}.${field.name}`);
    }
  }
  return out;
}
