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
