/**
 * The subgraphs the benchmark's mix reaches, each in its own process as deployed (their `main.ts`,
 * configured by the environment), over the embedded hub's database and its stand-ins.
 *
 * Why: the embedded hub runs its subgraphs in one process with the stand-ins of the other systems
 * (the schools' vie scolaire systems, the GAR, the identity providers), which keep the académie in
 * memory as those systems would (about 670 MB for 100,000 people, more with the GAR's export and
 * the providers' accounts). With a large académie, that process's major garbage collections paused
 * it 0.4 to 0.7 s at a time, and with it every subgraph: requests queued for seconds. In production
 * no subgraph holds the académie (the directory is in PostgreSQL), so the benchmark measures them
 * the same way.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNodeProcess, type ChildHandle } from '../test/helpers/child-process.ts';
import type { EmbeddedHub } from '../hub/embedded-hub.ts';

/**
 * What runs as deployed (the three routers, bench/run.ts; the deployed subgraphs below)
 * runs in production mode, as docs/security.md asks of every deployment: libraries take their
 * production paths (graphql-js's development mode checks every `instanceof` it makes for a
 * second copy of itself, 1 to 2.6 % of a subgraph's CPU), errors are masked, introspection is off.
 */
export const AS_DEPLOYED = { NODE_ENV: 'production' } as const;

/** The subgraphs the mix reaches: each starts from `subgraphs/<name>/main.ts`. */
const DEPLOYED = ['directory', 'identity', 'vie-scolaire', 'resources'] as const;
type DeployedName = (typeof DEPLOYED)[number];

export interface DeployedSubgraphs {
  /** The embedded hub's subgraph URLs, with those started here in place of its own. */
  subgraphUrls: Record<string, string>;
  stop(): Promise<void>;
}

export async function startDeployedSubgraphs(
  hub: EmbeddedHub,
  options: {
    dataDir: string;
    databaseUrl: string;
    /** Names the subgraphs' CPU profiles' folders under BENCH_PROFILE: `subgraph-<name>-<label>/`. */
    label: string;
  },
): Promise<DeployedSubgraphs> {
  // The GAR's client certificate as files, as an operator would give them (readable by us only; the
  // data folder is made afresh for each setup, so each file is created with its mode).
  const secrets = join(options.dataDir, 'deployed-secrets');
  mkdirSync(secrets, { recursive: true, mode: 0o700 });
  const tls = hub.gar.clientTls;
  const file = (name: string, content: string) => {
    const path = join(secrets, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const common = {
    ...AS_DEPLOYED,
    DATABASE_URL: options.databaseUrl,
    HUB_DATA_DIR: options.dataDir,
    // Their "listening" line says where they are; nothing is logged per request at this level.
    HUB_LOG_LEVEL: 'info',
  };
  const own: Record<DeployedName, Record<string, string>> = {
    directory: { DIRECTORY_PORT: '0' },
    identity: { IDENTITY_PORT: '0' },
    'vie-scolaire': {
      VIE_SCOLAIRE_PORT: '0',
      VIE_SCOLAIRE_METRICS_PORT: '0',
      VIE_SCOLAIRE_DATA_DIR: join(options.dataDir, 'deployed-vie-scolaire'),
      VIE_SCOLAIRE_UPSTREAMS: JSON.stringify(Object.fromEntries(hub.vieScolaire.standins.map((s) => [s.uai, s.url]))),
    },
    resources: {
      RESOURCES_PORT: '0',
      GAR_BASE_URL: hub.gar.standin.url,
      GAR_ID_ENT: hub.gar.idEnt,
      GAR_CERT_FILE: file('gar-client.crt', tls.certPem),
      GAR_KEY_FILE: file('gar-client.key', tls.keyPem),
      GAR_CA_FILE: file('gar-ca.crt', tls.caPem),
      GAR_PSEUDONYM_SECRET: hub.gar.pseudonymSecret,
    },
  };
  const started: ChildHandle[] = [];
  const stop = async () => {
    for (const proc of started) proc.child.kill('SIGTERM');
    await Promise.all(started.map((proc) => proc.exited));
  };
  try {
    const urls = await Promise.all(
      DEPLOYED.map(async (name) => {
        const proc = startNodeProcess([...profiling(name, options.label), '--import', 'tsx', `subgraphs/${name}/main.ts`], { ...common, ...own[name] });
        started.push(proc);
        const line = await proc.waitFor((l) => typeof l.msg === 'string' && l.msg.endsWith('subgraph listening'), 120_000);
        return [name, String(line.url)] as const;
      }),
    );
    return { subgraphUrls: { ...hub.subgraphUrls, ...Object.fromEntries(urls) }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * BENCH_PROFILE=DIR: each deployed subgraph records V8 CPU profiles of its whole life (start and
 * logins included, hence a long BENCH_WINDOW_MS to see the load's share), written when it stops.
 */
function profiling(name: DeployedName, label: string): string[] {
  const dir = process.env.BENCH_PROFILE;
  // Node's own flags (not allowed in NODE_OPTIONS). A folder per process: each thread writes its own
  // profile there (tsx's module loader runs in one), the main thread's the largest.
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, `subgraph-${name}-${label}`)}`] : [];
}
