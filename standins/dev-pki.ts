/**
 * A development PKI made with openssl at start (nothing committed): a CA, and certificates it signs
 * for servers (with their loopback names) and for clients (mutual TLS). For the embedded stand-ins
 * and tests only; real deployments use the certificates the GAR or the académie issues.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DevCertificate {
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
}

export interface DevCa extends DevCertificate {
  dir: string;
  name: string;
  /** Issues a certificate signed by this CA: a server one (names as SANs) or a client one. */
  issue(commonName: string, usage: 'server' | 'client'): DevCertificate;
}

export function createDevCa(name: string, dir = mkdtempSync(join(tmpdir(), 'hub-pki-'))): DevCa {
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const slug = name.replace(/\W+/g, '-').toLowerCase();
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30', '-subj', `/CN=${name}`, '-keyout', `${slug}-ca.key`, '-out', `${slug}-ca.crt`]);
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  let serial = 0;
  return {
    dir,
    name,
    certFile: join(dir, `${slug}-ca.crt`),
    keyFile: join(dir, `${slug}-ca.key`),
    certPem: read(`${slug}-ca.crt`),
    keyPem: read(`${slug}-ca.key`),
    issue(commonName, usage) {
      const base = `${slug}-${usage}-${++serial}`;
      run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${commonName}`, '-keyout', `${base}.key`, '-out', `${base}.csr`]);
      writeFileSync(
        join(dir, `${base}.ext`),
        usage === 'server' ? 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' : 'extendedKeyUsage=clientAuth\n',
      );
      run([
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        `${slug}-ca.crt`,
        '-CAkey',
        `${slug}-ca.key`,
        '-CAcreateserial',
        '-days',
        '30',
        '-extfile',
        `${base}.ext`,
        '-out',
        `${base}.crt`,
      ]);
      return { certPem: read(`${base}.crt`), keyPem: read(`${base}.key`), certFile: join(dir, `${base}.crt`), keyFile: join(dir, `${base}.key`) };
    },
  };
}
