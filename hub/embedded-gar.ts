import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Directory } from '../connectors/directory/directory.ts';
import { exportToGar } from '../connectors/gar/export/gar-export.ts';
import { GarClient } from '../connectors/gar/gar-client.ts';
import { garPseudonymSecret } from '../connectors/gar/pseudonym.ts';
import type { Logger } from '../lib/logger.ts';
import { createDevCa } from '../standins/dev-pki.ts';
import { readGarExport, startGarStandin, type RunningGarStandin } from '../standins/gar/gar-standin.ts';

export interface EmbeddedGar {
  client: GarClient;
  standin: RunningGarStandin;
  pseudonymSecret: string;
  /** The ENT's identifier at the GAR. */
  idEnt: string;
  /** The ENT's client certificate and the GAR's CA (a dev PKI made at start), for a resources subgraph in its own process (the benchmark). */
  clientTls: { certPem: string; keyPem: string; caPem: string };
  close(): Promise<void>;
}

/**
 * The GAR side of the embedded hub: the export of the académie (as the ENT sends it to the GAR),
 * the stand-in that learns people from it, a dev PKI made at start, and the connector with its
 * client certificate. The pseudonym secret is made once and kept, so pseudonyms stay stable.
 */
export async function startEmbeddedGar(options: { dataDir: string; directory: Directory; port: number; idEnt?: string; log: Logger }): Promise<EmbeddedGar> {
  const idEnt = options.idEnt ?? 'ENTHUB';
  const secretFile = join(options.dataDir, 'secrets', 'gar-pseudonym-secret');
  if (!process.env.GAR_PSEUDONYM_SECRET && !existsSync(secretFile)) {
    mkdirSync(join(options.dataDir, 'secrets'), { recursive: true, mode: 0o700 });
    writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  const pseudonymSecret = garPseudonymSecret(process.env.GAR_PSEUDONYM_SECRET ?? readFileSync(secretFile, 'utf8'));
  const exportDir = join(options.dataDir, 'gar', 'export');
  rmSync(exportDir, { recursive: true, force: true });
  await exportToGar(options.directory, { idEnt, outDir: exportDir, pseudonymSecret });

  const ca = createDevCa('GAR stand-in CA');
  const server = ca.issue('127.0.0.1', 'server');
  const client = ca.issue('ENT hub', 'client');
  const standin = await startGarStandin({
    idEnt,
    port: options.port,
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
    clientCaPem: ca.certPem,
    people: await readGarExport(exportDir),
    log: options.log,
  });
  const garClient = new GarClient({ baseUrl: standin.url, idEnt, certPem: client.certPem, keyPem: client.keyPem, caPem: ca.certPem, timeoutMs: 3000 });
  return {
    client: garClient,
    standin,
    pseudonymSecret,
    idEnt,
    clientTls: { certPem: client.certPem, keyPem: client.keyPem, caPem: ca.certPem },
    async close() {
      await garClient.close();
      await standin.close();
    },
  };
}
