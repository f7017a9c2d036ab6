import type { StructureCode } from '../model.ts';

/**
 * Where things live in the SDET directory, relative to a base DN:
 *   people      ENTPersonJointure={id},ou=people,{base}
 *   schools     ENTStructureJointure={id},ou=structures,{base}
 *   classes     cn={code},ou=classes,ENTStructureJointure={id},ou=structures,{base}
 *   groups      cn={code},ou=groups,ENTStructureJointure={id},ou=structures,{base}
 */

/** RFC 4514 escaping of an attribute value inside a DN. */
export function escapeDnValue(value: string): string {
  return value
    .replace(/[\\,+"<>;=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

function unescapeDnValue(value: string): string {
  return value.replace(/\\([0-9a-fA-F]{2}|.)/g, (_, e: string) => (e.length === 2 ? String.fromCharCode(parseInt(e, 16)) : e));
}

/** Splits a DN into `[attribute, value]` pairs, honouring escaped commas. */
export function rdns(dn: string): [string, string][] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === '\\' && i + 1 < dn.length) {
      current += c + dn[++i];
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => {
    const eq = p.indexOf('=');
    return [p.slice(0, eq).trim().toLowerCase(), unescapeDnValue(p.slice(eq + 1).trim())];
  });
}

export class SdetDns {
  constructor(readonly base: string) {}

  person(id: string) {
    return `ENTPersonJointure=${escapeDnValue(id)},ou=people,${this.base}`;
  }
  structure(id: string) {
    return `ENTStructureJointure=${escapeDnValue(id)},ou=structures,${this.base}`;
  }
  unit(kind: 'classes' | 'groups', unit: StructureCode) {
    return `cn=${escapeDnValue(unit.code)},ou=${kind},${this.structure(unit.structureId)}`;
  }

  /** The person id in a person DN, or undefined. */
  personId(dn: string): string | undefined {
    const [first] = rdns(dn);
    return first?.[0] === 'entpersonjointure' ? first[1] : undefined;
  }
  structureId(dn: string): string | undefined {
    return rdns(dn).find(([a]) => a === 'entstructurejointure')?.[1];
  }
  /** `cn=5EA,ou=classes,ENTStructureJointure=60000,…` → `{ structureId: '60000', code: '5EA' }`. */
  unitOf(dn: string): StructureCode | undefined {
    const parts = rdns(dn);
    const structureId = parts.find(([a]) => a === 'entstructurejointure')?.[1];
    return parts[0]?.[0] === 'cn' && structureId ? { structureId, code: parts[0][1] } : undefined;
  }
}
