/** The six AAF categories, as the `operationalAttributes` of each entry name them. */
export const AAF_CATEGORIES = ['Eleve', 'PersEducNat', 'PersRelEleve', 'EtabEducNat', 'MefEducNat', 'MatiereEducNat'] as const;
export type AafCategory = (typeof AAF_CATEGORIES)[number];

export type AafOperation = 'add' | 'modify' | 'delete';

/** Attribute name → non-empty values, in file order. `<value/>` ("no value") is dropped. */
export type AafAttributes = Record<string, string[]>;

/** One `addRequest`, `modifyRequest` or `deleteRequest` of a `ficAlimMENESR` file. */
export interface AafEntry {
  operation: AafOperation;
  category: AafCategory;
  id: string;
  /** For `add`: the full attribute set. For `modify`: the attributes to replace. For `delete`: empty. */
  attributes: AafAttributes;
  file: string;
  line: number;
}

/** An entry that could not be read; the import counts and reports it, then goes on. */
export interface AafRejectedEntry {
  file: string;
  line: number;
  id?: string;
  /** When the entry named a known one. */
  category?: AafCategory;
  reason: string;
}

/** `MatEducNat` is the older spelling of `MatiereEducNat`; both occur in real exports. */
export function categoryOf(value: string | undefined): AafCategory | undefined {
  if (value === 'MatEducNat') return 'MatiereEducNat';
  return (AAF_CATEGORIES as readonly string[]).includes(value ?? '') ? (value as AafCategory) : undefined;
}

export function first(attributes: AafAttributes, name: string): string | undefined {
  return attributes[name]?.[0];
}

/** Only the attributes that hold a value: what is stored (`<value/>` everywhere would otherwise cost room). */
export function withValues(attributes: AafAttributes): AafAttributes {
  const compact: AafAttributes = {};
  for (const [name, values] of Object.entries(attributes)) if (values.length) compact[name] = values;
  return compact;
}
