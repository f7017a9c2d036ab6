/**
 * A real OpenLDAP server (Debian's slapd) for the LDAP tests: a temporary configuration holding the
 * SDET schema, TLS certificates made with openssl (LDAPS and StartTLS), a read-only service account,
 * and a size limit, on free loopback ports. It can be stopped and restarted on the same ports.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createDevCa } from '../../standins/dev-pki.ts';
import { connect } from 'node:net';
import { freePort } from './free-ports.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SLAPD = '/usr/sbin/slapd';
export const slapdAvailable = () => existsSync(SLAPD) && existsSync('/usr/sbin/slapadd');
const SCHEMA = fileURLToPath(new URL('../../connectors/directory/ldap/sdet.schema', import.meta.url));

export interface RunningSlapd {
  base: string;
  url: string;
  ldapsUrl: string;
  caPem: string;
  serviceDn: string;
  servicePassword: string;
  sizeLimit: number;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`slapd did not listen on ${port}`);
}

export async function startSlapd(
  ldif: (service: { dn: string; passwordHash: string }) => string,
  options: { base?: string; sizeLimit?: number } = {},
): Promise<RunningSlapd> {
  const dir = mkdtempSync(join(tmpdir(), 'hub-slapd-'));
  const base = options.base ?? 'dc=ent,dc=test';
  const sizeLimit = options.sizeLimit ?? 50;
  const serviceDn = `cn=hub,ou=services,${base}`;
  const servicePassword = randomBytes(12).toString('base64url');
  const passwordHash = execFileSync('/usr/sbin/slappasswd', ['-s', servicePassword], { encoding: 'utf8' }).trim();
  const ca = createDevCa('Test LDAP CA', dir);
  const server = ca.issue('127.0.0.1', 'server');
  mkdirSync(join(dir, 'db'));
  writeFileSync(
    join(dir, 'slapd.conf'),
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      `include ${SCHEMA}`,
      `pidfile ${join(dir, 'slapd.pid')}`,
      `argsfile ${join(dir, 'slapd.args')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      `TLSCACertificateFile ${ca.certFile}`,
      `TLSCertificateFile ${server.certFile}`,
      `TLSCertificateKeyFile ${server.keyFile}`,
      `sizelimit ${sizeLimit}`,
      'database mdb',
      'maxsize 268435456',
      `suffix "${base}"`,
      `rootdn "cn=admin,${base}"`,
      `rootpw ${randomBytes(12).toString('hex')}`,
      `directory ${join(dir, 'db')}`,
      'index objectClass eq',
      'index ENTPersonJointure eq',
      'index ENTStructureUAI,ENTStructureJointure eq',
      'index ENTEleveClasses,ENTEleveGroupes,ENTAuxEnsClasses,ENTAuxEnsGroupes,ENTAuxPersRelEleveEleve eq',
      'index sn,givenName eq,sub',
      // The service account reads everything; a paged search may go past the size limit.
      `limits dn.exact="${serviceDn}" size.soft=${sizeLimit} size.hard=${sizeLimit} size.prtotal=unlimited`,
      'access to attrs=userPassword by anonymous auth by * none',
      `access to * by dn.exact="${serviceDn}" read by * none`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'data.ldif'), ldif({ dn: serviceDn, passwordHash }));
  execFileSync('/usr/sbin/slapadd', ['-q', '-f', join(dir, 'slapd.conf'), '-l', join(dir, 'data.ldif')], { stdio: 'pipe' });

  const [port, tlsPort] = [await freePort(), await freePort()];
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(SLAPD, ['-f', join(dir, 'slapd.conf'), '-h', `ldap://127.0.0.1:${port}/ ldaps://127.0.0.1:${tlsPort}/`, '-d', '0'], { stdio: 'ignore' });
    await waitForPort(port);
    await waitForPort(tlsPort);
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    base,
    url: `ldap://127.0.0.1:${port}`,
    ldapsUrl: `ldaps://127.0.0.1:${tlsPort}`,
    caPem: ca.certPem,
    serviceDn,
    servicePassword,
    sizeLimit,
    stop,
    async restart() {
      await stop();
      await start();
    },
  };
}
