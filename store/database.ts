import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { envSchema, integer, mergeEnv, port, readEnv, url, type Env } from '../lib/config/env.ts';
import { HubError } from '../lib/errors.ts';
import { EMBEDDED_POSTGRES_PORT } from './postgres/embedded-server.ts';
import type { Logger } from '../lib/logger.ts';
import type { Database } from './schema.ts';

export interface DatabaseConfig {
  /** `postgres://user:password@host:port/database` (`DATABASE_URL`). */
  url: string;
  /** Connections this process holds at most (`DATABASE_POOL_MAX`). */
  poolMax: number;
  /** Any statement running longer is cancelled by the server (`DATABASE_STATEMENT_TIMEOUT_MS`). */
  statementTimeoutMs: number;
  /** How long to wait for a connection, from the server or the pool (`DATABASE_CONNECT_TIMEOUT_MS`). */
  connectTimeoutMs: number;
}

export const DATABASE_DEFAULTS = { poolMax: 10, statementTimeoutMs: 5_000, connectTimeoutMs: 5_000 } as const;

/** The store's variables, checked with every other of the process (lib/config/env.ts). */
export const DATABASE_ENV = envSchema({
  DATABASE_POOL_MAX: integer({ min: 1, max: 1_000, default: DATABASE_DEFAULTS.poolMax }),
  DATABASE_STATEMENT_TIMEOUT_MS: integer({ min: 1, max: 3_600_000, default: DATABASE_DEFAULTS.statementTimeoutMs }),
  DATABASE_CONNECT_TIMEOUT_MS: integer({ min: 1, max: 600_000, default: DATABASE_DEFAULTS.connectTimeoutMs }),
  /** The embedded server's port when there is no DATABASE_URL (`npm start`, `npm run migrate`). */
  HUB_POSTGRES_PORT: port(EMBEDDED_POSTGRES_PORT),
});

/**
 * The database settings from the environment; `url` may come from elsewhere (the embedded server).
 * Throws a ConfigError naming every malformed variable.
 */
export function databaseConfigFromEnv(env: Env, url = env.DATABASE_URL): DatabaseConfig {
  const values = readEnv(DATABASE_ENV, env);
  if (!url) throw new DatabaseConfigError('DATABASE_URL is not set');
  return {
    url,
    poolMax: values.DATABASE_POOL_MAX,
    statementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: values.DATABASE_CONNECT_TIMEOUT_MS,
  };
}

/** The embedded PostgreSQL's port from the environment (`HUB_POSTGRES_PORT`, 4300 by default). */
export const embeddedPostgresPort = (env: Env): number => readEnv(DATABASE_ENV, env).HUB_POSTGRES_PORT;

/**
 * For a process that keeps its state only in the hub's database (the identity and vie scolaire
 * subgraphs): `DATABASE_URL` is required, checked with the rest (no embedded server here: that is
 * `npm start`'s).
 */
export const REQUIRED_DATABASE_ENV = mergeEnv(envSchema({ DATABASE_URL: url({ required: true, protocols: ['postgres:', 'postgresql:'] }) }), DATABASE_ENV);

/** A database setting is missing or malformed: the process refuses to start, naming the variable. */
export class DatabaseConfigError extends HubError {
  static override readonly code = 'ERR_DATABASE_CONFIG';
}

/** The database does not answer or refuses us; the message names host, port and database, never the password. */
export class DatabaseUnreachableError extends HubError {
  static override readonly code = 'ERR_DATABASE_UNREACHABLE';
}

/** A migration failed; the message names the database and the migration. */
export class DatabaseMigrationError extends HubError {
  static override readonly code = 'ERR_DATABASE_MIGRATION';
}

/** `host:port/database` of a URL: what an operator needs to find the server, without the credentials. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}/${decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)'}`;
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

export interface HubDatabase {
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  readonly config: DatabaseConfig;
  /** `host:port/database`, for logs and errors. */
  readonly name: string;
  /** One round trip: for `/ready`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The pool every store of this process shares, and Kysely over it. Connecting is checked at once,
 * so a wrong URL or a server down fails the start with an error naming the server (never later,
 * on a user's request).
 */
export async function openDatabase(config: DatabaseConfig, log: Logger): Promise<HubDatabase> {
  const name = describeDatabase(config.url);
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolMax,
    connectionTimeoutMillis: config.connectTimeoutMs,
    // Set by the server for each connection: a runaway query cannot hold a connection for long.
    statement_timeout: config.statementTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: 'ent-hub',
  });
  // An idle connection the server drops (restart, failover) must not crash the process: the pool replaces it.
  pool.on('error', (error) => log.warn({ err: error, database: name }, 'idle database connection lost'));
  const ping = async () => {
    await pool.query('SELECT 1');
  };
  try {
    await ping();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new DatabaseUnreachableError(`cannot reach the database ${name}: ${(error as Error).message}`, { cause: error });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | undefined;
  return {
    db,
    pool,
    config,
    name,
    ping,
    close: () => (closing ??= db.destroy()),
  };
}
