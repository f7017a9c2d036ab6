import { createServer } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.ts';
import { createTestDatabaseUrl, openTestDatabase } from '../test/helpers/database.ts';
import { ConfigError } from '../lib/config/env.ts';
import { databaseConfigFromEnv, DatabaseUnreachableError, openDatabase, type HubDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Database } from './schema.ts';

const log = createLogger('database-test', 'silent');

/** A port nothing listens on: bound, then released. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe('the database layer', () => {
  let database: HubDatabase;
  beforeAll(async () => {
    database = await openTestDatabase({ statementTimeoutMs: 300 });
  });
  afterAll(() => database?.close());

  it('fails to start with an error naming host, port and database, never the password, when the server is down', async () => {
    const port = await closedPort();
    const failure = await openDatabase(
      { url: `postgres://hub:s3cret-Passw0rd@127.0.0.1:${port}/hub_prod`, poolMax: 1, statementTimeoutMs: 1000, connectTimeoutMs: 1000 },
      log,
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DatabaseUnreachableError);
    expect((failure as DatabaseUnreachableError).code).toBe('ERR_DATABASE_UNREACHABLE');
    expect((failure as Error).message).toContain(`127.0.0.1:${port}/hub_prod`);
    expect((failure as Error).message).not.toContain('s3cret-Passw0rd');
  });

  it('a wrong password is refused at start, and the error does not repeat it', async () => {
    const url = new URL(await createTestDatabaseUrl());
    url.password = 'wrong-Passw0rd';
    const failure = await openDatabase({ url: url.toString(), poolMax: 1, statementTimeoutMs: 1000, connectTimeoutMs: 2000 }, log).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DatabaseUnreachableError);
    expect((failure as Error).message).toContain(`127.0.0.1:${url.port}${url.pathname}`);
    expect((failure as Error).message).not.toContain('wrong-Passw0rd');
  });

  it('the server cancels a statement past the statement timeout', async () => {
    const started = Date.now();
    await expect(sql`SELECT pg_sleep(5)`.execute(database.db)).rejects.toMatchObject({ code: '57014' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses a malformed setting, naming the variable', () => {
    expect(() => databaseConfigFromEnv({ DATABASE_URL: 'postgres://h/db', DATABASE_POOL_MAX: 'ten' })).toThrow(ConfigError);
    expect(() => databaseConfigFromEnv({ DATABASE_URL: 'postgres://h/db', DATABASE_POOL_MAX: 'ten' })).toThrow(/DATABASE_POOL_MAX/);
    expect(() => databaseConfigFromEnv({})).toThrow(/DATABASE_URL/);
    expect(databaseConfigFromEnv({ DATABASE_URL: 'postgres://h/db' })).toEqual({
      url: 'postgres://h/db',
      poolMax: 10,
      statementTimeoutMs: 5000,
      connectTimeoutMs: 5000,
    });
  });

  it('migrations run once: a second run (another instance starting) applies nothing, and every listed one is recorded', async () => {
    expect(await migrateToLatest(database, log)).toEqual([]);
    const { rows } = await database.pool.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
  });

  it('several processes migrating a fresh database at once leave it migrated once', async () => {
    const url = await createTestDatabaseUrl();
    const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ url, poolMax: 2, statementTimeoutMs: 5000, connectTimeoutMs: 5000 }, log)));
    try {
      const applied = await Promise.all(opened.map((d) => migrateToLatest(d, log)));
      expect(applied.flat().sort()).toEqual(Object.keys(MIGRATIONS).sort());
    } finally {
      await Promise.all(opened.map((d) => d.close()));
    }
  });

  it('the typed schema (store/schema.ts) names only columns the migrated tables have', async () => {
    // Every column the Database interface declares, read from the migrated tables: a missing one fails the query.
    const columns: { [T in keyof Database]: (keyof Database[T])[] } = {
      sessions: [
        'id',
        'secret_hash',
        'person_id',
        'profile',
        'functions',
        'schools',
        'children',
        'idp',
        'idp_subject',
        'idp_session_id',
        'id_token',
        'created_at',
        'last_seen_at',
        'facts_at',
        'transport',
        'user_agent',
      ],
      login_events: ['id', 'person_id', 'at', 'idp', 'outcome', 'reason', 'user_agent'],
      journal_events: [
        'id',
        'at',
        'request_id',
        'viewer_kind',
        'viewer_person_id',
        'viewer_profile',
        'viewer_client_id',
        'operation_name',
        'targets',
        'fields',
        'outcome',
        'reason',
        'count',
      ],
      journal_targets: ['person_id', 'at', 'event_id'],
      calendar_feeds: ['id', 'token_hash', 'owner_id', 'pupil_id', 'created_at', 'last_used_at', 'revoked_at'],
      directory_entries: ['category', 'id', 'attributes', 'last_name_key', 'first_name_key', 'full_name_key', 'email_key', 'birth_date', 'uai'],
      directory_links: ['category', 'entry_id', 'relation', 'target', 'position'],
      directory_imports: ['source', 'imported_at', 'applied_entries', 'rejected_entries'],
      directory_files: ['name', 'sha256', 'day', 'category', 'imported_at'],
      vie_scolaire_outbox: [
        'id',
        'kind',
        'uai',
        'pupil_id',
        'target_id',
        'submitted_by',
        'reason',
        'comment',
        'file_name',
        'file_content_type',
        'file_bytes',
        'verified',
        'state',
        'upstream_id',
        'attempts',
        'next_attempt_at',
        'claimed_by',
        'claimed_until',
        'last_error',
        'created_at',
        'updated_at',
        'settled_at',
      ],
      vie_scolaire_outbox_files: ['item_id', 'content'],
      hub_job_runs: ['name', 'next_run_at', 'last_started_at', 'last_finished_at', 'last_result'],
      data_exports: [
        'id',
        'person_id',
        'requested_by',
        'request_id',
        'status',
        'requested_at',
        'claimed_at',
        'attempts',
        'ready_at',
        'expires_at',
        'document',
        'token_hash',
        'link_expires_at',
        'finished_at',
      ],
      messages: [
        'id',
        'thread_id',
        'in_reply_to',
        'sender_id',
        'sender_name',
        'subject',
        'body_html',
        'lists',
        'requires_signature',
        'sent_at',
        'recalled_at',
        'sender_trashed_at',
        'search',
      ],
      message_recipients: ['message_id', 'person_id', 'display_name', 'direct', 'sent_at', 'read_at', 'trashed_at', 'recalled_at', 'folder_id'],
      message_folders: ['id', 'person_id', 'name', 'created_at'],
      message_drafts: ['id', 'author_id', 'subject', 'body_html', 'recipient_ids', 'in_reply_to', 'requires_signature', 'updated_at'],
      message_signatures: ['message_id', 'child_id', 'child_name', 'guardian_id', 'guardian_name', 'signed_at'],
      message_attachments: ['id', 'message_id', 'position', 'name', 'content_type', 'bytes', 'content', 'object_key', 'sha256'],
      message_attachment_objects_to_delete: ['object_key', 'not_before'],
      message_reports: ['id', 'message_id', 'reporter_id', 'reporter_name', 'school_id', 'reason', 'reported_at'],
      notification_baselines: ['uai', 'kind', 'covered_from', 'covered_to', 'polled_at', 'fresh_read_at', 'read_at'],
      notification_snapshots: ['uai', 'kind', 'pupil_id', 'items'],
      notification_leases: ['uai', 'holder', 'expires_at'],
      notification_events: [
        'id',
        'kind',
        'uai',
        'pupil_id',
        'dedup_key',
        'details',
        'occurred_at',
        'fanned_out_at',
        'fan_out_attempts',
        'fan_out_retry_at',
        'fan_out_failed_at',
        'fan_out_error',
      ],
      notifications: ['id', 'event_id', 'person_id', 'category', 'child_id', 'title', 'body', 'link', 'created_at', 'read_at'],
      notification_deliveries: [
        'id',
        'event_id',
        'person_id',
        'channel',
        'frequency',
        'state',
        'uai',
        'due_at',
        'attempts',
        'provider_id',
        'error',
        'digest_id',
        'created_at',
        'sent_at',
        'delivered_at',
      ],
      notification_digests: ['id', 'person_id', 'frequency', 'period', 'state', 'items', 'created_at', 'sent_at', 'error', 'sending_since'],
      notification_preferences: ['person_id', 'category', 'in_app', 'email', 'sms', 'updated_at'],
      notification_settings: ['person_id', 'quiet_from', 'quiet_to', 'updated_at'],
      notification_sms_spend: ['uai', 'day', 'spent'],
      notification_contact_problems: ['uai', 'person_id', 'channel', 'problem', 'first_seen_at', 'last_seen_at', 'occurrences'],
      school_events: [
        'id',
        'uai',
        'audience_kind',
        'audience_code',
        'subject_code',
        'category',
        'title',
        'description',
        'location',
        'starts_at',
        'ends_at',
        'created_by',
        'created_by_name',
        'created_at',
        'canceled_at',
        'reminded_at',
      ],
    };
    for (const [table, names] of Object.entries(columns)) {
      const { rows } = await database.pool.query<{ column_name: string }>('SELECT column_name FROM information_schema.columns WHERE table_name = $1', [table]);
      expect(rows.map((r) => r.column_name).sort(), table).toEqual([...names].sort());
    }
  });
});
