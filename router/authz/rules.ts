import { Kind, type ConstArgumentNode, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { oncePerObject } from '../../lib/once-per-object.ts';

/**
 * One authorization directive as composed into the supergraph. `anyOf` is the directive's list of
 * lists: the viewer passes when every item of at least one inner list holds (outer OR, inner AND).
 */
export type Requirement = { kind: 'authenticated' } | { kind: 'scopes'; anyOf: string[][] } | { kind: 'policies'; anyOf: string[][] };

/** Directives by type (`Student`) and by field (`Student.birthDate`). */
export interface AuthorizationRules {
  types: Map<string, Requirement[]>;
  fields: Map<string, Requirement[]>;
}

function listOfLists(argument: ConstArgumentNode | undefined): string[][] {
  if (argument?.value.kind !== Kind.LIST) return [];
  return argument.value.values.map((inner) =>
    inner.kind === Kind.LIST ? inner.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : inner.kind === Kind.STRING ? [inner.value] : [],
  );
}

function requirementsOf(directives: readonly ConstDirectiveNode[] | undefined): Requirement[] {
  const out: Requirement[] = [];
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name === 'authenticated') out.push({ kind: 'authenticated' });
    else if (name === 'requiresScopes') out.push({ kind: 'scopes', anyOf: listOfLists(directive.arguments?.find((a) => a.name.value === 'scopes')) });
    else if (name === 'policy') out.push({ kind: 'policies', anyOf: listOfLists(directive.arguments?.find((a) => a.name.value === 'policies')) });
  }
  return out;
}

/** The rules of a supergraph document, computed once per document (a reload brings a new one). */
export const authorizationRulesOf = oncePerObject(authorizationRules);

/** Reads the authorization directives of a supergraph SDL (composition copies them there). */
function authorizationRules(supergraph: DocumentNode): AuthorizationRules {
  const rules: AuthorizationRules = { types: new Map(), fields: new Map() };
  const add = (map: Map<string, Requirement[]>, key: string, requirements: Requirement[]) => {
    if (!requirements.length) return;
    map.set(key, [...(map.get(key) ?? []), ...requirements]);
  };
  for (const definition of supergraph.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION &&
      definition.kind !== Kind.SCALAR_TYPE_DEFINITION &&
      definition.kind !== Kind.ENUM_TYPE_DEFINITION
    ) {
      continue;
    }
    const typeName = definition.name.value;
    add(rules.types, typeName, requirementsOf(definition.directives));
    if ('fields' in definition) {
      for (const field of definition.fields ?? []) add(rules.fields, `${typeName}.${field.name.value}`, requirementsOf(field.directives));
    }
  }
  return rules;
}
