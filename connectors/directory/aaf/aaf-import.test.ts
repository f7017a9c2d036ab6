import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubDatabase } from '../../../store/database.ts';
import { directorySnapshot, importAafIntoDatabase } from '../../../store/directory/aaf-writer.ts';
import { openTestDatabase } from '../../../test/helpers/database.ts';
import { DEMO_ACADEMIE, generateAcademie, type GeneratedEntry } from '../../../tooling/academie/academie.ts';
import { academieOfSize } from '../../../tooling/academie/write-academie.ts';
import { writeAcademie } from '../../../tooling/academie/write-academie.ts';
import { importAafDirectory, type AafImportReport } from './import.ts';
import { aafStats } from './stats.ts';
import { AafStore } from './store.ts';
import type { AafCategory } from './entry.ts';
import { aafDocument, addRequestXml, deleteRequestXml, modifyRequestXml } from './write.ts';

const FIXTURE = fileURLToPath(new URL('../../../../shared/fixtures/aaf-entcore/', import.meta.url));
const tempDir = () => mkdtempSync(join(tmpdir(), 'hub-aaf-'));

let database: HubDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database?.close());

/**
 * Each test runs against both places an import writes: the in-memory AafStore, and the directory
 * tables in PostgreSQL (read back into an AafStore, so that the same assertions hold for both).
 */
interface Target {
  /** A new, empty directory. */
  fresh(): Promise<void>;
  /** Imports a folder into the current directory and returns what it holds then. */
  import(dir: string): Promise<{ store: AafStore; report: AafImportReport }>;
}
const memory = (): Target => {
  let store = new AafStore();
  return {
    fresh: async () => {
      store = new AafStore();
    },
    import: (dir) => importAafDirectory(dir, store),
  };
};
const postgres = (): Target => ({
  fresh: async () => {
    await database.pool.query('TRUNCATE directory_entries, directory_links, directory_imports, directory_files');
  },
  import: async (dir) => {
    const { report } = await importAafIntoDatabase(database, dir);
    const store = new AafStore();
    for (const [category, entries] of Object.entries(await directorySnapshot(database))) {
      for (const [id, attributes] of Object.entries(entries))
        store.apply({ operation: 'add', category: category as AafCategory, id, attributes, file: 'db', line: 0 });
    }
    return { store, report };
  },
});
const TARGETS: [string, () => Target][] = [
  ['in memory', memory],
  ['in PostgreSQL', postgres],
];

if (!existsSync(FIXTURE)) console.warn(`skipped: AAF sample export not found at ${FIXTURE}`);

describe.each(TARGETS)('AAF import %s', (_, makeTarget) => {
  const target = makeTarget();
  const importFresh = async (dir: string) => {
    await target.fresh();
    return target.import(dir);
  };

  describe.skipIf(!existsSync(FIXTURE))('the real-format sample export (../shared/fixtures/aaf-entcore)', () => {
    it('imports with the expected counts', async () => {
      const { store, report } = await importFresh(FIXTURE);
      // Figures cross-checked with grep on the files: addRequest counts per category, distinct
      // ENTEleveClasses/ENTEleveGroupes values, and ENTElevePersRelEleve values whose 4th field is 1.
      expect(aafStats(store, report)).toEqual({
        schools: 10,
        students: 642,
        staff: 701,
        guardians: 9975,
        mefs: 2504,
        subjects: 718,
        studentClasses: 173,
        studentGroups: 70,
        legalGuardianLinks: 622,
        danglingGuardianLinks: 0,
        rejectedEntries: 0,
        brokenFiles: 0,
      });
    });

    it('resolves a pupil’s links as the export states them', async () => {
      const { store } = await importFresh(FIXTURE);
      const pupil = store.record('Eleve', '2605692')!;
      expect(pupil).toMatchObject({
        lastName: 'Long',
        firstName: 'Kù',
        birthDate: '1995-09-14',
        classes: [{ structureId: '52006', code: 'RUS1TERM' }],
        scholarship: false,
        guardians: [
          { adultId: '2867253', relationship: '2', financial: true, legal: 1, contact: false, payment: false },
          { adultId: '2867254', relationship: '1', financial: false, legal: 2, contact: false, payment: false },
        ],
      });
    });
  });

  describe('generated académie', () => {
    it('round-trips: what the generator makes is what the import reads back', async () => {
      const dir = tempDir();
      const written = await writeAcademie(dir, DEMO_ACADEMIE, 100);
      expect(written.files.length).toBeGreaterThan(6); // split at 100 entries a file
      const { store, report } = await importFresh(dir);
      expect(report.rejectedEntries).toBe(0);

      const expected = new AafStore();
      for (const entry of generateAcademie(DEMO_ACADEMIE)) {
        expect(expected.apply({ ...entry, operation: 'add', file: 'generated', line: 0 })).toEqual({ ok: true });
      }
      expect(store.snapshot()).toEqual(expected.snapshot());
    });

    it('is deterministic and holds the hard cases', async () => {
      const first = [...generateAcademie(DEMO_ACADEMIE)];
      expect([...generateAcademie(DEMO_ACADEMIE)]).toEqual(first);
      const store = new AafStore();
      for (const entry of first) store.apply({ ...entry, operation: 'add', file: 'g', line: 0 });
      const students = [...store.records('Eleve')];
      const guardians = [...store.records('PersRelEleve')];
      const byName = (first: string, last: string) => students.find((s) => s.firstName === first && s.lastName === last)!;
      const sophie = guardians.find((g) => g.firstName === 'Sophie' && g.lastName === 'MARTIN')!;
      expect(students.filter((s) => s.guardians.some((l) => l.adultId === sophie.id && l.legal === 1))).toHaveLength(3);
      expect(new Set(byName('Inès', 'PETIT').schoolIds).size).toBe(2);
      const lucas = byName('Lucas', 'BERNARD');
      expect(lucas.guardians.map((l) => l.legal).sort()).toEqual([0, 1]);
      expect(
        byName('Emma', 'ROBERT')
          .guardians.map((l) => l.legal)
          .sort(),
      ).toEqual([1, 2]);
    });

    it('gives every agent an address of their own, however large the académie (the agents’ provider logs in by it)', () => {
      // 9 pairs of schools, ~20,000 people: random names repeat among ~500 agents.
      const names = new Set<string>();
      const mails: string[] = [];
      for (const entry of generateAcademie(academieOfSize(20_000))) {
        if (entry.category !== 'PersEducNat') continue;
        names.add(`${entry.attributes.givenName![0]} ${entry.attributes.sn![0]}`);
        mails.push(entry.attributes.mail![0]!);
      }
      expect(names.size).toBeLessThan(mails.length); // namesakes exist…
      expect(new Set(mails).size).toBe(mails.length); // …and still get distinct addresses
    });
  });

  describe('re-imports and deltas', () => {
    it('re-importing the same export changes nothing', async () => {
      const dir = tempDir();
      await writeAcademie(dir);
      const { store } = await importFresh(dir);
      const before = JSON.stringify(store.snapshot());
      const { report } = await target.import(dir);
      expect(report.rejectedEntries).toBe(0);
      expect(JSON.stringify(store.snapshot())).toBe(before);
    });

    it('a delta applied to a full import gives what the next full import gives', async () => {
      const entries = [...generateAcademie(DEMO_ACADEMIE)];
      const students = entries.filter((e) => e.category === 'Eleve');
      const moved = students[5]!;
      const leaving = students[6]!;
      const newcomer: GeneratedEntry = {
        category: 'Eleve',
        id: '9999999',
        attributes: { ...students[7]!.attributes, ENTPersonJointure: ['9999999'], givenName: ['Nouvel'] },
      };
      const change = { ENTEleveClasses: [`${moved.attributes.ENTEleveClasses![0]!.split('$')[0]}$4EB`], mail: [] as string[] };

      // Day 1: the full export.
      const day1 = tempDir();
      writeFileSync(join(day1, 'ENT_Complet_20260901_Eleve_0000.xml'), aafDocument(entries.map((e) => addRequestXml(e.category, e.id, e.attributes))));
      // Day 2: the delta, and the full export the académie would send instead.
      writeFileSync(
        join(day1, 'ENT_Delta_20260902_Eleve_0000.xml'),
        aafDocument([
          modifyRequestXml('Eleve', moved.id, change),
          deleteRequestXml('Eleve', leaving.id),
          addRequestXml('Eleve', newcomer.id, newcomer.attributes),
        ]),
      );
      const day2 = tempDir();
      const nextFull = entries
        .filter((e) => e !== leaving)
        .map((e) => (e === moved ? { ...e, attributes: { ...e.attributes, ...change } } : e))
        .concat(newcomer);
      writeFileSync(join(day2, 'ENT_Complet_20260902_Eleve_0000.xml'), aafDocument(nextFull.map((e) => addRequestXml(e.category, e.id, e.attributes))));

      const viaDelta = await importFresh(day1);
      const viaFull = await importFresh(day2);
      expect(viaDelta.report.rejectedEntries).toBe(0);
      expect(viaDelta.store.snapshot()).toEqual(viaFull.store.snapshot());
      expect(viaDelta.store.record('Eleve', moved.id)!.classes[0]!.code).toBe('4EB');
      expect(viaDelta.store.record('Eleve', leaving.id)).toBeUndefined();
    });
  });

  describe('bad input is reported and never stops the import', () => {
    const person = (id: string, extra: Record<string, string[]> = {}) =>
      addRequestXml('Eleve', id, { ENTPersonJointure: [id], sn: ['DUPONT'], givenName: ['Jean'], ...extra });

    it('counts and reports bad entries with their file, line and id', async () => {
      const dir = tempDir();
      writeFileSync(
        join(dir, 'X_Complet_20260901_Eleve_0000.xml'),
        aafDocument([
          person('1', { ENTElevePersRelEleve: ['404$1$1$1$1$0'] }),
          person('2', { ENTPersonDateNaissance: ['31/02/2010'] }),
          person('3', { ENTElevePersRelEleve: ['only$three$fields'] }),
          '<addRequest><operationalAttributes><attr name="categoriePersonne"><value>Martien</value></attr></operationalAttributes><identifier><id>4</id></identifier><attributes><attr name="sn"><value>X</value></attr></attributes></addRequest>\n',
          '<addRequest><operationalAttributes><attr name="categoriePersonne"><value>Eleve</value></attr></operationalAttributes><identifier><id></id></identifier><attributes><attr name="sn"><value>X</value></attr></attributes></addRequest>\n',
          person('6', { sn: ["O'BRIEN & FILS"] }),
        ]),
      );
      const { store, report } = await importFresh(dir);
      expect(store.count('Eleve')).toBe(2);
      expect(store.record('Eleve', '6')!.lastName).toBe("O'BRIEN & FILS");
      expect(report.rejectedEntries).toBe(4);
      expect(report.rejections).toEqual([
        expect.objectContaining({ file: 'X_Complet_20260901_Eleve_0000.xml', id: '2', reason: expect.stringContaining('31/02/2010') }),
        expect.objectContaining({ id: '3', reason: expect.stringContaining('only$three$fields') }),
        expect.objectContaining({ id: '4', reason: 'unknown category "Martien"' }),
        expect.objectContaining({ id: undefined, reason: 'entry has no identifier' }),
      ]);
      expect(report.rejections[0]!.line).toBeGreaterThan(1);
      expect(aafStats(store, report).danglingGuardianLinks).toBe(1);
    });

    it('a malformed file is reported with its line; the entries before the fault and the other files are kept', async () => {
      const dir = tempDir();
      const good = aafDocument([person('10'), person('11')]);
      writeFileSync(join(dir, 'X_Complet_20260901_Eleve_0000.xml'), good.replace('</ficAlimMENESR>', '') + person('12').slice(0, 120));
      writeFileSync(join(dir, 'X_Complet_20260901_Eleve_0001.xml'), aafDocument([person('20')]));
      const { store, report } = await importFresh(dir);
      expect([...store.records('Eleve')].map((s) => s.id).sort()).toEqual(['10', '11', '20']);
      expect(report.files[0]!.error).toMatch(/^X_Complet_20260901_Eleve_0000\.xml:\d+: /);
      expect(report.files[1]!.error).toBeUndefined();
    });

    it('never loads a DTD or an external entity, and refuses entity expansion', async () => {
      const dir = tempDir();
      const secret = join(dir, 'secret.txt');
      writeFileSync(secret, 'TOP-SECRET-CONTENT');
      writeFileSync(
        join(dir, 'X_Complet_20260901_Eleve_0000.xml'),
        `<?xml version="1.0"?>\n<!DOCTYPE ficAlimMENESR [<!ENTITY xxe SYSTEM "file://${secret}">]>\n<ficAlimMENESR>${person('30', { sn: ['REF'] }).replace('REF', '&xxe;')}</ficAlimMENESR>`,
      );
      const lol = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
      writeFileSync(
        join(dir, 'X_Complet_20260901_Eleve_0001.xml'),
        `<?xml version="1.0"?>\n<!DOCTYPE ficAlimMENESR [<!ENTITY lol0 "lol">${lol}]>\n<ficAlimMENESR>${person('31', { sn: ['REF'] }).replace('REF', '&lol10;')}</ficAlimMENESR>`,
      );
      const { store, report } = await importFresh(dir);
      expect(store.count('Eleve')).toBe(0);
      expect(report.files.map((f) => f.error)).toEqual([expect.stringMatching(/entity/i), expect.stringMatching(/entity/i)]);
      expect(JSON.stringify(report)).not.toContain('TOP-SECRET');
    });

    it('a real-format file whose DTD is absent still parses (the DOCTYPE is never resolved)', async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'X_Complet_20260901_Eleve_0000.xml'), aafDocument([person('40')]));
      expect(readFileSync(join(dir, 'X_Complet_20260901_Eleve_0000.xml'), 'utf8')).toContain('SYSTEM "ficAlimMENESR.dtd"');
      const { store } = await importFresh(dir);
      expect(store.count('Eleve')).toBe(1);
    });
  });
});
