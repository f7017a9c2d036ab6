/**
 * The GAR stand-in: our own HTTPS server speaking the GAR resource web service's dialect, for the
 * embedded hub and tests. Like the real GAR it requires the ENT's client certificate (mutual TLS)
 * and knows people only from the ENT's export (GAR-ENT files), by their pseudonymous identifiers.
 */
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { SaxesParser } from 'saxes';
import type { Logger } from '../../lib/logger.ts';
import { CATALOGUE } from './catalogue.ts';

export interface GarPerson {
  /** UAI → GAR profile (National_elv, National_ens, National_doc…). */
  profiles: Map<string, string>;
  /** UAI → MEF code (pupils). */
  mefs: Map<string, string>;
}

/** Reads the people of a GAR-ENT export (Eleve and Enseignant files) as the GAR would. */
export async function readGarExport(dir: string): Promise<Map<string, GarPerson>> {
  const people = new Map<string, GarPerson>();
  const files = readdirSync(dir).filter((f) => /_GAR-ENT_Complet_\d{14}_(Eleve|Enseignant)_\d{4}\.xml$/.test(f));
  for (const file of files) {
    const parser = new SaxesParser({ xmlns: false });
    const stack: string[] = [];
    let text = '';
    let current: Record<string, string[]> = {};
    parser.on('opentag', (tag) => {
      stack.push(tag.name);
      text = '';
      if (stack.length === 2) current = {};
    });
    parser.on('text', (t) => (text += t));
    parser.on('closetag', (tag) => {
      const name = tag.name.replace(/^men:/, '');
      if (stack.length >= 3) (current[name] ??= []).push(text.trim());
      stack.pop();
      if (stack.length === 1) {
        const entry = tag.name.replace(/^men:/, '');
        const id = current.GARPersonIdentifiant?.[0];
        if (!id) return;
        const person = people.get(id) ?? { profiles: new Map(), mefs: new Map() };
        if (entry === 'GAREleve' || entry === 'GAREnseignant') {
          const uais = current.GARStructureUAI ?? [];
          const profiles = current.GARPersonProfil ?? [];
          uais.forEach((uai, i) => profiles[i] && person.profiles.set(uai, profiles[i]));
        } else if (entry === 'GARPersonMEF') {
          person.mefs.set(current.GARStructureUAI![0]!, current.GARMEFCode![0]!);
        }
        people.set(id, person);
      }
    });
    for await (const chunk of createReadStream(join(dir, file), { encoding: 'utf8' })) parser.write(chunk as string);
    parser.close();
  }
  return people;
}

export interface GarStandinOptions {
  idEnt: string;
  port: number;
  /** The server's certificate, and the CA whose client certificates it accepts. */
  serverCertPem: string;
  serverKeyPem: string;
  clientCaPem: string;
  people: Map<string, GarPerson>;
  log: Logger;
}

export interface RunningGarStandin {
  url: string;
  port: number;
  /** Fault knobs: added latency, and the share of requests answered 503. */
  faults: { latencyMs: number; errorRate: number };
  requests: number;
  close(): Promise<void>;
}

const erreur = (code: string, message: string, resource: string) => ({ Erreur: { Code: code, Message: message, Resource: resource } });

export async function startGarStandin(options: GarStandinOptions): Promise<RunningGarStandin> {
  const faults = { latencyMs: 0, errorRate: 0 };
  const schools = new Set([...options.people.values()].flatMap((p) => [...p.profiles.keys()]));
  const state = { requests: 0 };

  const catalogueFor = (person: GarPerson, uai: string) => {
    const profile = person.profiles.get(uai);
    const mef = person.mefs.get(uai);
    return CATALOGUE.filter(
      (entry) =>
        profile &&
        entry.audiences.some((audience) => audience === profile) &&
        (profile !== 'National_elv' || !entry.mefPrefixes.length || (mef && entry.mefPrefixes.some((p) => mef.startsWith(p)))),
    ).map((entry) => entry.ressource);
  };

  const server: Server = createServer(
    { cert: options.serverCertPem, key: options.serverKeyPem, ca: [options.clientCaPem], requestCert: true, rejectUnauthorized: true },
    (req, res) =>
      void (async () => {
        state.requests++;
        const send = (status: number, body: unknown) => {
          const json = Buffer.from(JSON.stringify(body));
          const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
          res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
          res.end(gzip ? gzipSync(json) : json);
        };
        if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
        const path = new URL(req.url ?? '/', 'https://gar').pathname;
        if (faults.errorRate && Math.random() < faults.errorRate) return send(503, erreur('Service Unavailable', 'Service momentanément indisponible', path));
        const [, kind, idEnt, uai, garId] = path.split('/').map(decodeURIComponent);
        if (idEnt !== options.idEnt) return send(403, erreur('Forbidden', 'ENT inconnu', path));
        if (!uai || !schools.has(uai)) return send(400, erreur('Bad Request', 'Établissement non trouvé', path));
        if (kind === 'abonnements') {
          return send(200, {
            abonnements: CATALOGUE.map((entry, i) => ({
              idAbonnement: `ABO-${uai}-${i}`,
              idRessource: entry.ressource.idRessource,
              debutValidite: '2026-09-01T00:00:00',
              finValidite: '2027-08-31T23:59:59',
              uaiEtab: uai,
              typeAffectation: 'ETABL',
              nbLicences: [
                { publicCible: 'ELEVE', nombre: entry.audiences.includes('National_elv') ? 'ILLIMITE' : '0' },
                { publicCible: 'ENSEIGNANT', nombre: 'ILLIMITE' },
              ],
            })),
          });
        }
        if (kind !== 'ressources' || !garId) return send(404, erreur('Not Found', 'Ressource inconnue', path));
        const person = options.people.get(garId);
        if (!person) return send(404, erreur('Not Found', 'Utilisateur non trouvé', path));
        if (!person.profiles.has(uai)) return send(403, erreur('Forbidden', 'Utilisateur non rattaché à cet établissement', path));
        return send(200, { listeRessources: { ressource: catalogueFor(person, uai) } });
      })(),
  );
  server.on('tlsClientError', (error) => options.log.debug({ err: error.message }, 'GAR stand-in refused a TLS client'));
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    faults,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
