import { Migrator, type Kysely } from 'kysely';
import type { Logger } from '../lib/logger.ts';
import { DatabaseMigrationError, type HubDatabase } from './database.ts';
import { listedMigrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

export function migratorOf(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: listedMigrations });
}

/**
 * Brings the database to the latest schema. Safe with several processes starting at once: Kysely's
 * migrator holds an advisory lock while it runs, and a migration already applied is skipped.
 */
export async function migrateToLatest(database: HubDatabase, log: Logger): Promise<string[]> {
  const { error, results } = await migratorOf(database.db).migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new DatabaseMigrationError(`migrating ${database.name} failed${failed ? ` at ${failed}` : ''}: ${(error as Error).message}`, { cause: error });
  }
  if (applied.length) log.info({ database: database.name, applied }, 'database migrated');
  return applied;
}
