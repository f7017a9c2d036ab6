import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { list as listTar } from 'tar';
import { beforeAll, describe, expect, it } from 'vitest';
import { importAafDirectory } from '../../directory/aaf/import.ts';
import type { AafStore } from '../../directory/aaf/store.ts';
import { academieOfSize, writeAcademie } from '../../../tooling/academie/write-academie.ts';
import { garPersonId } from '../pseudonym.ts';
import { exportToGar, type GarExportResult } from './gar-export.ts';

const XSD = fileURLToPath(new URL('../../../../shared/specs/GAR-ENT-v1.7.xsd', import.meta.url));
const xmllint = (() => {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();
if (!existsSync(XSD)) console.warn(`skipped: XSD validation needs ${XSD} (../shared/specs)`);
if (!xmllint) console.warn('skipped: XSD validation needs xmllint (Debian libxml2-utils); .ci/run installs it');

const SECRET = 'test-only-gar-pseudonym-secret-0123456789abcdef';

describe('GAR-ENT v1.7 export', () => {
  let store: AafStore;
  let out: string;
  let result: GarExportResult;

  beforeAll(async () => {
    // Two pairs of schools: about 1,500 pupils, so the Eleve file passes 10,000 entries and splits.
    const aafDir = mkdtempSync(join(tmpdir(), 'hub-gar-aaf-'));
    await writeAcademie(aafDir, academieOfSize(4000));
    ({ store } = await importAafDirectory(aafDir));
    out = mkdtempSync(join(tmpdir(), 'hub-gar-out-'));
    result = await exportToGar(store, { idEnt: 'ENTTEST', outDir: out, pseudonymSecret: SECRET, now: new Date('2026-11-22T10:43:05Z') });
  }, 120_000);

  it('names the files as the reference does and splits at 10,000 entries', () => {
    expect(result.files.every((f) => /^ENTTEST_GAR-ENT_Complet_20261122104305_(Eleve|Enseignant|Etab|Groupe|RespAff)_\d{4}\.xml$/.test(f))).toBe(true);
    const eleve = result.files.filter((f) => f.includes('_Eleve_'));
    expect(result.entries.Eleve).toBeGreaterThan(10_000);
    expect(eleve.length).toBe(Math.ceil(result.entries.Eleve / 10_000));
    for (const file of result.files) {
      const entries = readFileSync(join(out, file), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('<men:GAR') && !l.startsWith('<men:GAR-ENT')).length;
      expect(entries, file).toBeLessThanOrEqual(10_000);
    }
    for (const kind of ['Enseignant', 'Etab', 'Groupe', 'RespAff']) expect(result.files.some((f) => f.includes(`_${kind}_`))).toBe(true);
  });

  it.skipIf(!existsSync(XSD) || !xmllint)('every file validates against the official XSD (xmllint)', () => {
    for (const file of result.files) {
      const output = execFileSync('xmllint', ['--noout', '--schema', XSD, join(out, file)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(output).toBe('');
    }
  });

  it('identifies people by a stable pseudonym, never by their AAF jointure', () => {
    const eleve = readFileSync(
      join(
        out,
        result.files.find((f) => f.includes('_Eleve_0000'))!,
      ),
      'utf8',
    );
    const pupil = [...store.records('Eleve')][0]!;
    expect(eleve).toContain(`<men:GARPersonIdentifiant>${garPersonId(SECRET, pupil.id)}</men:GARPersonIdentifiant>`);
    const ids = [...eleve.matchAll(/<men:GARPersonIdentifiant>([^<]+)</g)].map((m) => m[1]!);
    const jointures = new Set([...store.records('Eleve')].map((s) => s.id));
    expect(ids.some((id) => jointures.has(id))).toBe(false);
    expect(garPersonId(SECRET, pupil.id)).toBe(garPersonId(SECRET, pupil.id));
    expect(garPersonId('another-secret-of-at-least-32-bytes!!', pupil.id)).not.toBe(garPersonId(SECRET, pupil.id));
  });

  it('lists the assignment role holders (documentation, direction) in RespAff, with their schools', () => {
    const respAff = readFileSync(
      join(
        out,
        result.files.find((f) => f.includes('_RespAff_'))!,
      ),
      'utf8',
    );
    const holders = [...store.records('PersEducNat')].filter((p) => p.functions.some((f) => f.code === 'DOC' || f.code === 'DIR'));
    expect(respAff.match(/<men:GARRespAff>/g)).toHaveLength(holders.length);
    expect(respAff).toContain(`<men:GARPersonIdentifiant>${garPersonId(SECRET, holders[0]!.id)}</men:GARPersonIdentifiant>`);
  });

  it('exports only the schools asked for, and the people in them', async () => {
    const [first] = [...store.records('EtabEducNat')];
    const only = mkdtempSync(join(tmpdir(), 'hub-gar-one-'));
    const one = await exportToGar(store, { idEnt: 'ENTTEST', outDir: only, pseudonymSecret: SECRET, uais: [first!.uai] });
    const etab = readFileSync(
      join(
        only,
        one.files.find((f) => f.includes('_Etab_'))!,
      ),
      'utf8',
    );
    expect(etab.match(/<men:GAREtab>/g)).toHaveLength(1);
    expect(one.entries.Eleve).toBeLessThan(result.entries.Eleve);
  });

  it('bundles every file in the tar.gz', async () => {
    const names: string[] = [];
    await listTar({ file: join(out, result.bundle), onentry: (entry) => names.push(entry.path) });
    expect(names.sort()).toEqual([...result.files].sort());
  });
});
