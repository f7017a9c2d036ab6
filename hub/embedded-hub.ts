import { randomBytes } from 'node:crypto';
import { loadEmbeddedAcademie, type EmbeddedAcademie } from '../connectors/directory/embedded.ts';
import { createLogger, type Logger } from '../lib/logger.ts';
import { viewerContextKey } from '../lib/viewer-context.ts';
import { routerConfigFromEnv, type RouterConfig } from '../router/config.ts';
import { startRouter, type HubRouter } from '../router/router.ts';
import { SUBGRAPHS, SUPERGRAPH_PATH } from '../schema/subgraphs.ts';
import type { StartedSubgraph } from '../subgraphs/kit/subgraph-server.ts';
import { startDirectorySubgraph } from '../subgraphs/directory/server.ts';

export interface EmbeddedHubOptions {
  dataDir: string;
  routerPort: number;
  /** Port per subgraph name; 0 picks a free port (tests). Defaults to the registry's ports. */
  subgraphPorts?: Partial<Record<string, number>>;
  routerOverrides?: Partial<RouterConfig>;
  log?: Logger;
}

export interface ServiceInfo {
  name: string;
  url: string;
  role: string;
}

export interface EmbeddedHub {
  router: HubRouter;
  academie: EmbeddedAcademie;
  services: ServiceInfo[];
  stop(): Promise<void>;
}

/**
 * The whole hub in one process, with embedded defaults and no configuration: the generated
 * académie, every subgraph on its own port, and the router. It is what `npm start` runs, and what
 * end-to-end tests and the benchmark start. In production each piece starts alone instead.
 */
export async function startEmbeddedHub(options: EmbeddedHubOptions): Promise<EmbeddedHub> {
  const log = options.log ?? createLogger('hub');
  // One secret for this run: every piece lives in this process, so nothing needs to be configured.
  const secret = process.env.HUB_VIEWER_CONTEXT_SECRET ?? randomBytes(32).toString('base64url');
  const key = viewerContextKey(secret);
  const portOf = (name: string) => options.subgraphPorts?.[name] ?? SUBGRAPHS.find((s) => s.name === name)!.port;
  const started: { close(graceMs?: number): Promise<void> }[] = [];

  try {
    const academie = await loadEmbeddedAcademie(options.dataDir);
    const directory: StartedSubgraph = await startDirectorySubgraph({
      directory: academie.directory,
      perimeter: { personInChargeSeesChild: false },
      viewerContextKey: key,
      log: log.child({ component: 'directory' }),
      port: portOf('directory'),
    });
    started.push(directory);

    const subgraphUrls: Record<string, string> = { directory: directory.graphqlUrl };
    const router = await startRouter(
      {
        ...routerConfigFromEnv({ ...process.env, HUB_VIEWER_CONTEXT_SECRET: secret }),
        supergraphPath: SUPERGRAPH_PATH,
        port: options.routerPort,
        subgraphUrls,
        ...options.routerOverrides,
      },
      log.child({ component: 'router' }),
    );
    return {
      router,
      academie,
      services: [
        { name: 'router', url: router.graphqlUrl, role: 'the one graph (GraphiQL in a browser)' },
        { name: 'directory', url: directory.graphqlUrl, role: 'subgraph: schools, classes, people (AAF)' },
      ],
      async stop() {
        await router.stop();
        await Promise.all(started.map((s) => s.close(2000)));
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.close(0)));
    throw error;
  }
}
