import { createServer } from 'node:net';

/** Every port of the embedded hub left to the OS, so parallel test files never collide. */
export const FREE_PORTS = {
  routerPort: 0,
  subgraphPorts: { directory: 0, identity: 0, resources: 0, 'vie-scolaire': 0, communication: 0 },
  idpPorts: { educonnect: 0, agents: 0 },
  garPort: 0,
  vieScolaireBasePort: 0,
  smtpPort: 0,
  smsGatewayPort: 0,
  /** The embedded PostgreSQL server, when a test gives no database of its own (test/helpers/database.ts). */
  postgresPort: 0,
};

/**
 * A port free on 127.0.0.1 now, for a server whose URL must be known before it starts (a child
 * process a provider redirects to, say). Another process may take it in between: rare enough in tests.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
