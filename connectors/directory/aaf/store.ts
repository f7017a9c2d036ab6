import type { Person } from '../model.ts';
import { withValues, type AafAttributes, type AafCategory, type AafEntry } from './entry.ts';
import { AafValueError, recordOf, type RecordOf } from './map.ts';

export type ApplyResult = { ok: true } | { ok: false; reason: string };

/**
 * The directory as imported from AAF files: every entry's attributes (so that a `modifyRequest`
 * can replace some of them and re-derive the record) and the typed record derived from them.
 * Records are a pure function of attributes, which is what makes re-imports idempotent and makes
 * "full + delta" equal "the next full".
 */
export class AafStore {
  readonly #attributes = new Map<AafCategory, Map<string, AafAttributes>>();
  readonly #records = new Map<AafCategory, Map<string, RecordOf[AafCategory]>>();
  #version = 0;

  /** Bumped on every change, so derived indexes know when to rebuild. */
  get version(): number {
    return this.#version;
  }

  apply(entry: AafEntry): ApplyResult {
    const attributes = this.#table(this.#attributes, entry.category);
    const current = attributes.get(entry.id);
    switch (entry.operation) {
      case 'add':
        return this.#put(entry.category, entry.id, entry.attributes);
      case 'modify':
        if (!current) return { ok: false, reason: `modifyRequest for unknown ${entry.category} ${entry.id}` };
        return this.#put(entry.category, entry.id, { ...current, ...entry.attributes });
      case 'delete':
        if (!current) return { ok: false, reason: `deleteRequest for unknown ${entry.category} ${entry.id}` };
        attributes.delete(entry.id);
        this.#table(this.#records, entry.category).delete(entry.id);
        this.#version++;
        return { ok: true };
    }
  }

  #put(category: AafCategory, id: string, attributes: AafAttributes): ApplyResult {
    let record: RecordOf[AafCategory];
    try {
      record = recordOf(category, id, attributes);
    } catch (error) {
      if (error instanceof AafValueError) return { ok: false, reason: error.message };
      throw error;
    }
    this.#table(this.#attributes, category).set(id, withValues(attributes));
    this.#table(this.#records, category).set(id, record);
    this.#version++;
    return { ok: true };
  }

  #table<V>(tables: Map<AafCategory, Map<string, V>>, category: AafCategory): Map<string, V> {
    let table = tables.get(category);
    if (!table) tables.set(category, (table = new Map<string, V>()));
    return table;
  }

  records<C extends AafCategory>(category: C): IterableIterator<RecordOf[C]> {
    return (this.#table(this.#records, category) as Map<string, RecordOf[C]>).values();
  }

  record<C extends AafCategory>(category: C, id: string): RecordOf[C] | undefined {
    return (this.#table(this.#records, category) as Map<string, RecordOf[C]>).get(id);
  }

  count(category: AafCategory): number {
    return this.#table(this.#records, category).size;
  }

  person(id: string): Person | undefined {
    return this.record('Eleve', id) ?? this.record('PersEducNat', id) ?? this.record('PersRelEleve', id);
  }

  /** A canonical dump (sorted), for comparing two stores: re-imports and deltas are tested with it. */
  snapshot(): Record<string, Record<string, AafAttributes>> {
    const out: Record<string, Record<string, AafAttributes>> = {};
    for (const [category, table] of [...this.#attributes].sort(([a], [b]) => a.localeCompare(b))) {
      out[category] = Object.fromEntries([...table].sort(([a], [b]) => a.localeCompare(b)));
    }
    return out;
  }
}
