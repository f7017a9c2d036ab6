import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { codeKey, foldName } from '../../connectors/directory/directory.ts';
import { withValues, type AafAttributes, type AafCategory, type AafEntry } from '../../connectors/directory/aaf/entry.ts';
import { aafFileOrder, importAafFolder, type AafFileIdentity, type AafImportReport, type AafImportTarget } from '../../connectors/directory/aaf/import.ts';
import { AafValueError, recordOf, type RecordOf } from '../../connectors/directory/aaf/map.ts';
import type { ApplyResult } from '../../connectors/directory/aaf/store.ts';
import type { HubDatabase } from '../database.ts';
import type { DirectoryLinksTable } from '../schema.ts';

/** Entries a batch writes at once: a few MB of attributes, a few round trips per thousand entries. */
export const DIRECTORY_WRITE_BATCH = 1000;

/** An import waits for another one (another instance starting) and runs its statements with this timeout. */
const IMPORT_STATEMENT_TIMEOUT_MS = 600_000;

interface StoredEntry {
  category: AafCategory;
  id: string;
  attributes: AafAttributes;
  record: RecordOf[AafCategory];
}

const keyOf = (category: string, id: string) => `${category}\u0000${id}`;

/**
 * The directory in PostgreSQL as an import target: each file is one transaction, its entries are
 * applied a batch at a time with the same rules as the in-memory AafStore (an add replaces, a modify
 * replaces the attributes it names and re-derives the record, a delete removes; a modify or delete of
 * an unknown entry, or a value the mapping refuses, is rejected and changes nothing), and written with
 * multi-row `INSERT … SELECT FROM unnest(…)` statements.
 */
export class PostgresAafTarget implements AafImportTarget {
  readonly batchSize: number;

  constructor(
    private readonly client: pg.ClientBase,
    options: { batchSize?: number } = {},
  ) {
    this.batchSize = options.batchSize ?? DIRECTORY_WRITE_BATCH;
  }

  async importFile(work: (apply: (entries: readonly AafEntry[]) => Promise<ApplyResult[]>) => Promise<void>, file: AafFileIdentity): Promise<void> {
    await this.client.query('BEGIN');
    try {
      await work((entries) => this.#apply(entries));
      // Recorded with the file's changes: applied and remembered together, or neither.
      await this.client.query('INSERT INTO directory_files (name, sha256, day, category) VALUES ($1, $2, $3, $4) ON CONFLICT (name, sha256) DO NOTHING', [
        file.name,
        file.sha256,
        file.day ?? null,
        file.category ?? null,
      ]);
      await this.client.query('COMMIT');
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * A file applied before (same name and content) is not applied again; one older than the newest
   * applied for its category would replay old state over newer (a parent's lost authority back for
   * the seconds between two files, a pupil added since removed) and is refused.
   */
  async skipReason(file: AafFileIdentity): Promise<string | undefined> {
    const { rowCount } = await this.client.query('SELECT 1 FROM directory_files WHERE name = $1 AND sha256 = $2', [file.name, file.sha256]);
    if (rowCount) return 'already imported';
    if (!file.day || !file.category) return undefined;
    const { rows } = await this.client.query<{ latest: string | null }>('SELECT max(day) AS latest FROM directory_files WHERE category = $1', [file.category]);
    const latest = rows[0]?.latest;
    return latest && file.day < latest ? `older than the ${latest} export already imported for ${file.category}` : undefined;
  }

  /**
   * After a complete full export of `category`: its entries the export did not name are deleted,
   * with their links, in one transaction (a pupil who left; a guardian's link that ended no longer
   * opens the child's data). A hash anti-join: one pass however large the académie.
   */
  async removeAbsent(category: AafCategory, named: ReadonlySet<string>): Promise<number> {
    await this.client.query('BEGIN');
    try {
      const { rows } = await this.client.query<{ id: string }>(
        `SELECT e.id FROM directory_entries e LEFT JOIN unnest($2::text[]) AS n(id) ON n.id = e.id
          WHERE e.category = $1 AND n.id IS NULL`,
        [category, [...named]],
      );
      if (rows.length) await this.#delete(rows.map((r) => [category, r.id]));
      await this.client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async #apply(entries: readonly AafEntry[]): Promise<ApplyResult[]> {
    if (!entries.length) return [];
    const known = await this.#current(entries.filter((e) => e.operation !== 'add'));
    /** What the batch leaves for each entry it touches: the new state, or null when deleted. */
    const state = new Map<string, StoredEntry | null>();
    const results = entries.map((entry): ApplyResult => {
      const key = keyOf(entry.category, entry.id);
      const current = state.has(key) ? state.get(key)?.attributes : known.get(key);
      if (entry.operation === 'delete') {
        if (!current) return { ok: false, reason: `deleteRequest for unknown ${entry.category} ${entry.id}` };
        state.set(key, null);
        return { ok: true };
      }
      if (entry.operation === 'modify' && !current) return { ok: false, reason: `modifyRequest for unknown ${entry.category} ${entry.id}` };
      const attributes = entry.operation === 'modify' ? { ...current!, ...entry.attributes } : entry.attributes;
      try {
        state.set(key, { category: entry.category, id: entry.id, attributes: withValues(attributes), record: recordOf(entry.category, entry.id, attributes) });
        return { ok: true };
      } catch (error) {
        if (error instanceof AafValueError) return { ok: false, reason: error.message };
        throw error;
      }
    });
    const kept = [...state.values()].filter((s): s is StoredEntry => s !== null);
    const deleted = [...state.entries()].filter(([, s]) => s === null).map(([key]) => key.split('\u0000') as [string, string]);
    if (deleted.length) await this.#delete(deleted);
    if (kept.length) await this.#upsert(kept);
    return results;
  }

  /** The stored attributes of the entries a modify or delete names, in one query. */
  async #current(entries: readonly AafEntry[]): Promise<Map<string, AafAttributes>> {
    const out = new Map<string, AafAttributes>();
    if (!entries.length) return out;
    const { rows } = await this.client.query<{ category: AafCategory; id: string; attributes: AafAttributes }>(
      `SELECT e.category, e.id, e.attributes FROM directory_entries e
         JOIN unnest($1::text[], $2::text[]) AS k(category, id) ON e.category = k.category AND e.id = k.id`,
      [entries.map((e) => e.category), entries.map((e) => e.id)],
    );
    for (const row of rows) out.set(keyOf(row.category, row.id), row.attributes);
    return out;
  }

  async #delete(keys: [string, string][]): Promise<void> {
    const params = [keys.map(([c]) => c), keys.map(([, id]) => id)];
    await this.client.query(
      `DELETE FROM directory_links l USING unnest($1::text[], $2::text[]) AS k(category, id) WHERE l.category = k.category AND l.entry_id = k.id`,
      params,
    );
    await this.client.query(
      `DELETE FROM directory_entries e USING unnest($1::text[], $2::text[]) AS k(category, id) WHERE e.category = k.category AND e.id = k.id`,
      params,
    );
  }

  /**
   * Writes the entries whose attributes changed (an unchanged re-import writes nothing), then
   * replaces the links of those that were updated and adds those of the new ones.
   */
  async #upsert(entries: StoredEntry[]): Promise<void> {
    const keys = entries.map((e) => searchKeysOf(e.record));
    const { rows } = await this.client.query<{ category: AafCategory; id: string; inserted: boolean }>(
      `INSERT INTO directory_entries (category, id, attributes, last_name_key, first_name_key, full_name_key, email_key, birth_date, uai)
       SELECT category, id, attributes::jsonb, last_name_key, first_name_key, full_name_key, email_key, birth_date, uai
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
           AS t(category, id, attributes, last_name_key, first_name_key, full_name_key, email_key, birth_date, uai)
       ON CONFLICT (category, id) DO UPDATE SET
         attributes = excluded.attributes, last_name_key = excluded.last_name_key, first_name_key = excluded.first_name_key,
         full_name_key = excluded.full_name_key, email_key = excluded.email_key, birth_date = excluded.birth_date, uai = excluded.uai
         WHERE directory_entries.attributes IS DISTINCT FROM excluded.attributes
       RETURNING category, id, (xmax = 0) AS inserted`,
      [
        entries.map((e) => e.category),
        entries.map((e) => e.id),
        entries.map((e) => JSON.stringify(e.attributes)),
        keys.map((k) => k.lastName),
        keys.map((k) => k.firstName),
        keys.map((k) => k.fullName),
        keys.map((k) => k.email),
        keys.map((k) => k.birthDate),
        keys.map((k) => k.uai),
      ],
    );
    if (!rows.length) return;
    const updated = rows.filter((r) => !r.inserted);
    if (updated.length) {
      await this.client.query(
        `DELETE FROM directory_links l USING unnest($1::text[], $2::text[]) AS k(category, id) WHERE l.category = k.category AND l.entry_id = k.id`,
        [updated.map((r) => r.category), updated.map((r) => r.id)],
      );
    }
    const written = new Set(rows.map((r) => keyOf(r.category, r.id)));
    const links = entries.filter((e) => written.has(keyOf(e.category, e.id))).flatMap(linksOf);
    if (!links.length) return;
    await this.client.query(
      `INSERT INTO directory_links (category, entry_id, relation, target, position)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[])`,
      [links.map((l) => l.category), links.map((l) => l.entry_id), links.map((l) => l.relation), links.map((l) => l.target), links.map((l) => l.position)],
    );
  }
}

interface SearchKeys {
  lastName: string | null;
  firstName: string | null;
  fullName: string | null;
  email: string | null;
  birthDate: string | null;
  uai: string | null;
}

/** The keys an entry is found by, folded by the same function the queries fold their input with. */
function searchKeysOf(record: RecordOf[AafCategory]): SearchKeys {
  if ('kind' in record) {
    return {
      lastName: foldName(record.lastName),
      firstName: foldName(record.firstName),
      fullName: foldName(`${record.firstName} ${record.lastName}`),
      email: record.email === undefined ? null : foldName(record.email),
      birthDate: record.birthDate ?? null,
      uai: null,
    };
  }
  return { lastName: null, firstName: null, fullName: null, email: null, birthDate: null, uai: 'uai' in record ? record.uai : null };
}

type LinkRow = { category: AafCategory; entry_id: string; relation: DirectoryLinksTable['relation']; target: string; position: number };

/** Who belongs where, as AafDirectory's indexes had it: one row per distinct (relation, target). */
function linksOf({ category, id, record }: StoredEntry): LinkRow[] {
  const rows: LinkRow[] = [];
  const add = (relation: LinkRow['relation'], targets: Iterable<string>) => {
    for (const target of new Set(targets)) rows.push({ category, entry_id: id, relation, target, position: 0 });
  };
  if (!('kind' in record)) return rows;
  if (record.kind === 'student') {
    add('student_class', record.classes.map(codeKey));
    add('student_group', record.groups.map(codeKey));
    add('student_school', record.schoolIds);
    // Each link keeps its place in the pupil's list: its flags are read from there.
    record.guardians.forEach((link, position) => rows.push({ category, entry_id: id, relation: 'guardian', target: link.adultId, position }));
  } else if (record.kind === 'teacher' || record.kind === 'staff') {
    // A teacher of a class is named in ENTAuxEnsClasses or ENTAuxEnsClassesMatieres (real exports
    // fill one or the other, sometimes with different structure ids).
    add('teacher_class', [...record.classes, ...record.classSubjects].map(codeKey));
    add('teacher_group', [...record.groups, ...record.groupSubjects].map(codeKey));
    add('staff_school', [...record.schoolIds, ...record.functions.map((f) => f.structureId)]);
  }
  return rows;
}

export interface DirectoryImportOutcome {
  report: AafImportReport;
  /** True when `onlyOnce` found the source already imported: nothing was read. */
  skipped: boolean;
}

/**
 * Imports an AAF export folder into the directory tables, one transaction per file. Imports are
 * serialized across processes by an advisory lock (instances starting at once import once).
 * `source` names what was imported in `directory_imports`; with `onlyOnce`, a source already
 * recorded there is skipped (a start that finds its académie imported reads nothing).
 */
export async function importAafIntoDatabase(
  database: HubDatabase,
  dir: string,
  options: { source?: string; onlyOnce?: boolean; batchSize?: number } = {},
): Promise<DirectoryImportOutcome> {
  const source = options.source ?? (await folderSource(dir));
  const client = await database.pool.connect();
  try {
    // The lock is waited for as long as another instance's import takes, not the pool's statement timeout.
    await client.query(`SET statement_timeout = ${IMPORT_STATEMENT_TIMEOUT_MS}`);
    await client.query(`SELECT pg_advisory_lock(hashtext('directory_import'))`);
    if (options.onlyOnce) {
      const { rowCount } = await client.query('SELECT 1 FROM directory_imports WHERE source = $1', [source]);
      if (rowCount) return { report: { files: [], appliedEntries: 0, rejectedEntries: 0, rejections: [] }, skipped: true };
    }
    const report = await importAafFolder(dir, new PostgresAafTarget(client, { batchSize: options.batchSize }));
    await client.query(
      `INSERT INTO directory_imports (source, applied_entries, rejected_entries) VALUES ($1, $2, $3)
       ON CONFLICT (source) DO UPDATE SET imported_at = now(), applied_entries = excluded.applied_entries, rejected_entries = excluded.rejected_entries`,
      [source, report.appliedEntries, report.rejectedEntries],
    );
    // Fresh statistics, so that the planner picks the indexes right after a first import.
    await client.query('ANALYZE directory_entries, directory_links');
    return { report, skipped: false };
  } finally {
    // The session's settings and lock go with the connection: it is closed, never given back to the pool.
    client.release(true);
  }
}

/** `folder:<sha256>` of the folder's AAF files (names, sizes, modification times): a changed export is a new source. */
export async function folderSource(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of aafFileOrder(await readdir(dir))) {
    const info = await stat(join(dir, name));
    hash.update(`${name}\u0000${info.size}\u0000${info.mtimeMs}\n`);
  }
  return `folder:${hash.digest('hex')}`;
}

/** True when nothing was imported yet. */
export async function directoryIsEmpty(database: HubDatabase): Promise<boolean> {
  return (await database.db.selectFrom('directory_entries').select('id').limit(1).executeTakeFirst()) === undefined;
}

/**
 * Every stored entry's attributes, by category and id, sorted: the shape of AafStore.snapshot(), so
 * that a directory in the database and one imported in memory compare equal when they hold the same.
 * Reads the whole directory: for tests and checks, never for serving.
 */
export async function directorySnapshot(database: HubDatabase): Promise<Record<string, Record<string, AafAttributes>>> {
  const rows = await database.db.selectFrom('directory_entries').select(['category', 'id', 'attributes']).orderBy('category').orderBy('id').execute();
  const out: Record<string, Record<string, AafAttributes>> = {};
  for (const row of rows) (out[row.category] ??= {})[row.id] = row.attributes;
  return out;
}
