import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportToGar } from '../../connectors/gar/export/gar-export.ts';
import type { GarClientOptions } from '../../connectors/gar/gar-client.ts';
import type { Logger } from '../../lib/logger.ts';
import { createDevCa, type DevCa, type DevCertificate } from '../../standins/dev-pki.ts';
import { readGarExport, startGarStandin, type RunningGarStandin } from '../../standins/gar/gar-standin.ts';
import type { EmbeddedAcademie } from '../../tooling/academie/embedded.ts';

/** The pseudonym secret of the GAR tests (test-only, never deployed). */
export const TEST_GAR_PSEUDONYM_SECRET = 'test-only-gar-pseudonym-secret-0123456789abcdef';

export interface TestGar {
  gar: RunningGarStandin;
  ca: DevCa;
  /** The ENT's client certificate, issued by `ca`. */
  client: DevCertificate;
  /** A GAR client's options for this stand-in (mutual TLS), to complete or override. */
  clientOptions: Pick<GarClientOptions, 'baseUrl' | 'idEnt' | 'certPem' | 'keyPem' | 'caPem' | 'timeoutMs'>;
}

/** The académie exported to the GAR's format, and the GAR stand-in serving it over mutual TLS on a free port. */
export async function startTestGar(academie: EmbeddedAcademie, log: Logger): Promise<TestGar> {
  const exportDir = mkdtempSync(join(tmpdir(), 'hub-gar-export-'));
  await exportToGar(academie.directory, { idEnt: 'ENTTEST', outDir: exportDir, pseudonymSecret: TEST_GAR_PSEUDONYM_SECRET });
  const ca = createDevCa('GAR test CA');
  const server = ca.issue('127.0.0.1', 'server');
  const client = ca.issue('ENT hub', 'client');
  const gar = await startGarStandin({
    idEnt: 'ENTTEST',
    port: 0,
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
    clientCaPem: ca.certPem,
    people: await readGarExport(exportDir),
    log,
  });
  return {
    gar,
    ca,
    client,
    clientOptions: { baseUrl: gar.url, idEnt: 'ENTTEST', certPem: client.certPem, keyPem: client.keyPem, caPem: ca.certPem, timeoutMs: 2000 },
  };
}
