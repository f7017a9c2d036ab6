import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEmbeddedAcademie, type EmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import { openTestDatabase } from './database.ts';

let cached: Promise<EmbeddedAcademie> | undefined;

/** The demo académie, generated and imported once per test file, into a database of its own on the run's server. */
export function demoAcademie(): Promise<EmbeddedAcademie> {
  cached ??= (async () => loadEmbeddedAcademie(mkdtempSync(join(tmpdir(), 'hub-demo-')), await openTestDatabase()))();
  return cached;
}

/** A viewer for a demo login, with every directory scope (scopes are the router's business). */
export function viewerFor(academie: EmbeddedAcademie, login: string): Viewer {
  const person = academie.demo.find((d) => d.login === login);
  if (!person) throw new Error(`no demo person ${login}: ${academie.demo.map((d) => d.login).join(', ')}`);
  return {
    kind: 'person',
    personId: person.id,
    profile: person.profile,
    scopes: ['directory:identity:read', 'directory:contact:read', 'directory:schooling:read'],
    policies: [],
  };
}

export function demoId(academie: EmbeddedAcademie, login: string): string {
  const person = academie.demo.find((d) => d.login === login);
  if (!person) throw new Error(`no demo person ${login}`);
  return person.id;
}
