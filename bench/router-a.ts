/**
 * (a) The hub's router as deployed: login, authentication, authorization, audit, viewer context.
 * It links logins with its own copy of the académie (the same files as the backends').
 */
import { databaseConfigFromEnv, openDatabase } from '../store/database.ts';
import { PostgresDirectory } from '../store/directory/postgres-directory.ts';
import { AnswerChanges } from '../store/answer-changes.ts';
import { linkLogin, relinkPerson } from '../connectors/sso/linking.ts';
import type { IdentityProviderConfig } from '../connectors/sso/provider-config.ts';
import { createLogger } from '../lib/logger.ts';
import { routerConfigFromEnv } from '../router/config.ts';
import { startRouter } from '../router/router.ts';
import { SUPERGRAPH_PATH } from '../schema/subgraphs.ts';
import { profileIfAsked } from './cpu-profile.ts';

const backend = (await (await fetch(process.env.BENCH_STATS_URL!)).json()) as {
  subgraphUrls: Record<string, string>;
  providers: IdentityProviderConfig[];
  databaseUrl: string;
};
// The directory as a deployed router reads it: the imported académie in the hub's database.
const database = await openDatabase(databaseConfigFromEnv(process.env, backend.databaseUrl), createLogger('router-a-store', 'warn'));
const directory = new PostgresDirectory(database.db);
// As deployed with a database: the router hears what changed, and its response cache runs.
const answerChanges = await AnswerChanges.start(database, createLogger('router-a-changes', 'warn'));
const router = await startRouter(
  {
    ...routerConfigFromEnv({
      // The load comes from one address (the load generator on loopback): counting per address would
      // measure the limiter, not the router. Per-person limits stay on at their default (68 people
      // at a few hundred req/s in all stay well under it), so their cost is in the figures.
      ROUTER_RATE_LIMIT_PER_ADDRESS: '0',
      ROUTER_RATE_LIMIT_AUTH_PER_ADDRESS: '0',
      ROUTER_METRICS_PORT: '0',
      ...process.env,
      ROUTER_AUDIT_DIR: `${process.env.HUB_DATA_DIR}/audit-router-a`,
    }),
    supergraphPath: SUPERGRAPH_PATH,
    port: Number(process.env.BENCH_PORT),
    subgraphUrls: backend.subgraphUrls,
  },
  createLogger('router-a', 'warn'),
  {
    login: {
      providers: () => backend.providers,
      link: (claims, provider) => linkLogin(claims, provider, directory),
      relink: (personId) => relinkPerson(personId, directory),
    },
    answerChanges,
  },
);
const writeProfile = await profileIfAsked('a');
process.stdout.write(`${JSON.stringify({ ready: true, url: router.graphqlUrl, metricsUrl: router.metricsUrl })}\n`);
process.once('SIGTERM', () => void shutdown());
async function shutdown(): Promise<void> {
  await writeProfile();
  await router.stop();
  await answerChanges.close();
  process.exit(0);
}
