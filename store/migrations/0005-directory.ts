import { sql, type Kysely } from 'kysely';

/**
 * The imported académie directory (AAF exports), read by every process that needs the directory
 * with indexed queries instead of each holding the whole académie in memory.
 *
 * `directory_entries`: one row per AAF entry (category, id) with its attributes as imported, the
 * one source of truth: a `modifyRequest` replaces some of them and the record is re-derived from
 * them. Beside them, the keys that are searched on, derived at write time by the same code:
 * folded names and email (without accents or case, as people type them), birth date, UAI.
 *
 * `directory_links`: who belongs where, one row per (entry, relation, target): a pupil in a class
 * or group or school, a teacher of a class or group, a staff member of a school, a pupil's guardian (its
 * `position` in the pupil's `ENTElevePersRelEleve`, so the link's flags are read from the pupil).
 *
 * `directory_imports`: which export folders were imported (a start imports its folder only once).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE directory_entries (
      category text NOT NULL CHECK (category IN ('Eleve', 'PersEducNat', 'PersRelEleve', 'EtabEducNat', 'MefEducNat', 'MatiereEducNat')),
      id text NOT NULL,
      attributes jsonb NOT NULL,
      last_name_key text,
      first_name_key text,
      full_name_key text,
      email_key text,
      birth_date text,
      uai text,
      PRIMARY KEY (category, id)
    )`.execute(db);
  // People by id whatever their category (`people(ids)`) walk the primary key with both lists: no index of their own to write.
  await sql`CREATE INDEX directory_schools_by_uai ON directory_entries (uai) WHERE uai IS NOT NULL`.execute(db);
  // text_pattern_ops: a prefix LIKE (search as you type) walks the index, whatever the collation;
  // equality (linking a login by names) uses it too.
  await sql`CREATE INDEX directory_people_by_last_name ON directory_entries (last_name_key text_pattern_ops) WHERE last_name_key IS NOT NULL`.execute(db);
  await sql`CREATE INDEX directory_people_by_first_name ON directory_entries (first_name_key text_pattern_ops) WHERE first_name_key IS NOT NULL`.execute(db);
  await sql`CREATE INDEX directory_people_by_full_name ON directory_entries (full_name_key text_pattern_ops) WHERE full_name_key IS NOT NULL`.execute(db);
  await sql`CREATE INDEX directory_people_by_email ON directory_entries (email_key) WHERE email_key IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE directory_links (
      category text NOT NULL,
      entry_id text NOT NULL,
      relation text NOT NULL CHECK (relation IN ('student_class', 'student_group', 'student_school', 'teacher_class', 'teacher_group', 'staff_school', 'guardian')),
      target text NOT NULL,
      position integer NOT NULL DEFAULT 0,
      PRIMARY KEY (category, entry_id, relation, target, position)
    )`.execute(db);
  // The pupils of a class, the children of an adult…: one index range per target.
  await sql`CREATE INDEX directory_links_by_target ON directory_links (relation, target, entry_id)`.execute(db);

  await sql`
    CREATE TABLE directory_imports (
      source text PRIMARY KEY,
      imported_at timestamptz NOT NULL DEFAULT now(),
      applied_entries integer NOT NULL,
      rejected_entries integer NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE directory_imports`.execute(db);
  await sql`DROP TABLE directory_links`.execute(db);
  await sql`DROP TABLE directory_entries`.execute(db);
}
