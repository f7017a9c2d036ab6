import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { list as listTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AafDirectory } from '../../directory/aaf/aaf-directory.ts';
import { importAafDirectory } from '../../directory/aaf/import.ts';
import { LdapDirectory } from '../../directory/ldap/ldap-directory.ts';
import { LdapPool } from '../../directory/ldap/ldap-pool.ts';
import { slapdAvailable, startSlapd, type RunningSlapd } from '../../../test/helpers/slapd.ts';
import { academieLdif } from '../../../tooling/ldif/ldif.ts';
import type { EmbeddedAcademie } from '../../../tooling/academie/embedded.ts';
import { demoAcademie } from '../../../test/helpers/demo-academie.ts';
import type { Directory } from '../../directory/directory.ts';
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
const validatesAgainstXsd = (dir: string, files: string[]) => {
  for (const file of files) {
    const output = execFileSync('xmllint', ['--noout', '--schema', XSD, join(dir, file)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(output).toBe('');
  }
};

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
    result = await exportToGar(new AafDirectory(store), { idEnt: 'ENTTEST', outDir: out, pseudonymSecret: SECRET, now: new Date('2026-11-22T10:43:05Z') });
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
    validatesAgainstXsd(out, result.files);
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
    const one = await exportToGar(new AafDirectory(store), { idEnt: 'ENTTEST', outDir: only, pseudonymSecret: SECRET, uais: [first!.uai] });
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

/** The entries of an export, sorted, labels aside (the SDET holds no MEF or subject nomenclature). */
function entriesOf(dir: string, files: string[]): string[] {
  return files
    .flatMap((file) => readFileSync(join(dir, file), 'utf8').split('\n'))
    .filter((line) => line.startsWith('<men:GAR') && !line.startsWith('<men:GAR-ENT'))
    .map((line) => line.replace(/<men:(GARMEFLibelle|GARMatiereLibelle)>[^<]*<\/men:\1>/g, ''))
    .sort();
}

describe.skipIf(!slapdAvailable())('GAR-ENT v1.7 export from every directory backend', () => {
  let academie: EmbeddedAcademie;
  let slapd: RunningSlapd;
  let pool: LdapPool;

  beforeAll(async () => {
    // One académie three ways: parsed in memory (AAF), imported into the hub's database, and loaded into a real slapd.
    academie = await demoAcademie();
    slapd = await startSlapd((service) => academieLdif(academie.store, 'dc=ent,dc=test', service));
    pool = new LdapPool({ url: slapd.url, bindDn: slapd.serviceDn, password: slapd.servicePassword, base: slapd.base, timeoutMs: 5000, pageSize: 50 });
  }, 120_000);
  afterAll(async () => {
    await pool?.close();
    await slapd?.stop();
  });

  const exportOf = async (directory: Directory) => {
    const outDir = mkdtempSync(join(tmpdir(), 'hub-gar-backend-'));
    const result = await exportToGar(directory, { idEnt: 'ENTTEST', outDir, pseudonymSecret: SECRET, now: new Date('2026-11-22T10:43:05Z') });
    return { result, outDir, entries: entriesOf(outDir, result.files) };
  };

  it('the SDET directory over LDAP gives the same entries as the AAF export it was loaded from, valid against the XSD', async () => {
    const ldap = await exportOf(new LdapDirectory(pool));
    const aaf = await exportOf(new AafDirectory(academie.store));
    expect(ldap.result.entries.Eleve).toBeGreaterThan(0);
    expect(ldap.result.entries.Enseignant).toBeGreaterThan(0);
    expect(ldap.result.entries.RespAff).toBeGreaterThan(0);
    expect(ldap.result.entries).toEqual(aaf.result.entries);
    expect(ldap.entries).toEqual(aaf.entries);
    if (existsSync(XSD) && xmllint) validatesAgainstXsd(ldap.outDir, ldap.result.files);
  });

  it('the directory imported into the hub’s database gives the same entries too', async () => {
    const database = await exportOf(academie.directory);
    const aaf = await exportOf(new AafDirectory(academie.store));
    expect(database.result.entries).toEqual(aaf.result.entries);
    expect(database.entries).toEqual(aaf.entries);
  });
});
