import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAafDirectory } from '../../connectors/directory/aaf/import.ts';
import type { AafStore } from '../../connectors/directory/aaf/store.ts';
import { aafDocument, addRequestXml, deleteRequestXml, modifyRequestXml } from '../../connectors/directory/aaf/write.ts';
import type { Student } from '../../connectors/directory/model.ts';
import { openTestDatabase } from '../../test/helpers/database.ts';
import { writeEmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import type { HubDatabase } from '../database.ts';
import type { Database } from '../schema.ts';
import { directorySnapshot, importAafIntoDatabase } from './aaf-writer.ts';
import { PostgresDirectory } from './postgres-directory.ts';

const tempDir = (name: string) => mkdtempSync(join(tmpdir(), `hub-pg-directory-${name}-`));

let database: HubDatabase;
let directory: PostgresDirectory;
/** The demo académie as exported (in memory), to pick people from and to compare with. */
let exported: AafStore;
let aafDir: string;
const reset = () => database.pool.query('TRUNCATE directory_entries, directory_links, directory_imports, directory_files');

beforeAll(async () => {
  database = await openTestDatabase();
  directory = new PostgresDirectory(database.db);
  ({ aafDir } = await writeEmbeddedAcademie(tempDir('data')));
  ({ store: exported } = await importAafDirectory(aafDir));
});
afterAll(() => database?.close());

const studentNamed = (first: string, last: string) => [...exported.records('Eleve')].find((s) => s.firstName === first && s.lastName === last)!;
const ids = (people: { id: string }[]) => people.map((p) => p.id).sort();

describe('deltas in PostgreSQL', () => {
  it('a delta moves, removes, adds and renames people, and every read follows at once', async () => {
    await reset();
    await importAafIntoDatabase(database, aafDir);
    const moved = studentNamed('Lucas', 'BERNARD');
    const leaving = studentNamed('Emma', 'ROBERT');
    const from = moved.classes[0]!;
    const to = { structureId: from.structureId, code: from.code === '6EA' ? '6EB' : '6EA' };
    const newcomerAttributes = { ...exported.snapshot().Eleve![moved.id]!, ENTPersonJointure: ['9999999'], givenName: ['Zélie'], sn: ['NOUVELLE'] };
    const delta = tempDir('delta');
    writeFileSync(
      join(delta, 'ENT_Delta_20261124_Eleve_0000.xml'),
      aafDocument([
        modifyRequestXml('Eleve', moved.id, { ENTEleveClasses: [`${to.structureId}$${to.code}`], sn: ['BERNARD-ROUX'] }),
        deleteRequestXml('Eleve', leaving.id),
        addRequestXml('Eleve', '9999999', newcomerAttributes),
      ]),
    );
    const { report } = await importAafIntoDatabase(database, delta);
    expect(report).toMatchObject({ appliedEntries: 3, rejectedEntries: 0 });

    // The modify re-derived the record from the stored attributes: new class, new name, the rest kept.
    const [after] = (await directory.people([moved.id])) as Student[];
    expect(after).toMatchObject({ lastName: 'BERNARD-ROUX', firstName: 'Lucas', classes: [to], guardians: moved.guardians, birthDate: moved.birthDate });
    expect(ids(await directory.studentsOfClass(to))).toContain(moved.id);
    expect(ids(await directory.studentsOfClass(from))).not.toContain(moved.id);
    expect(ids(await directory.searchPeople('bernard-r', { limit: 10 }))).toEqual([moved.id]);
    // The delete removed the pupil and every link to her.
    expect(await directory.people([leaving.id])).toEqual([undefined]);
    for (const link of leaving.guardians) expect(ids((await directory.childrenOf(link.adultId)).map((c) => c.student))).not.toContain(leaving.id);
    expect(ids(await directory.studentsOfClass(leaving.classes[0]!))).not.toContain(leaving.id);
    // The add is found by its accent-free, lower-case name.
    expect(ids(await directory.searchPeople('zelie n', { limit: 10 }))).toEqual(['9999999']);
    expect(ids(await directory.findPeople({ lastName: 'nouvelle', firstName: 'ZELIE' }))).toEqual(['9999999']);
  });

  it('entries of one file see each other: an add then a modify then a delete of the same id, in one batch or across batches', async () => {
    for (const batchSize of [1000, 1]) {
      await reset();
      const dir = tempDir('same-file');
      const base = { ENTPersonJointure: ['42'], sn: ['DUPONT'], givenName: ['Jean'] };
      writeFileSync(
        join(dir, 'X_Complet_20260901_Eleve_0000.xml'),
        aafDocument([
          addRequestXml('Eleve', '42', base),
          modifyRequestXml('Eleve', '42', { givenName: ['Paul'] }),
          addRequestXml('Eleve', '43', { ...base, ENTPersonJointure: ['43'] }),
          deleteRequestXml('Eleve', '43'),
        ]),
      );
      const { report } = await importAafIntoDatabase(database, dir, { batchSize });
      expect(report.rejectedEntries).toBe(0);
      expect(await directorySnapshot(database)).toEqual({ Eleve: { '42': { ...base, givenName: ['Paul'] } } });
    }
  });
});

describe('a later full export in PostgreSQL', () => {
  const pupil = (id: string) => addRequestXml('Eleve', id, { ENTPersonJointure: [id], sn: ['DUPONT'], givenName: [`Élève ${id}`] });
  const fullExport = (day: string, ids: string[], broken = false) => {
    const dir = tempDir(`full-${day}`);
    const xml = aafDocument(ids.map(pupil));
    writeFileSync(join(dir, `X_Complet_${day}_Eleve_0000.xml`), broken ? xml.slice(0, xml.lastIndexOf('<addRequest>') + 40) : xml);
    return dir;
  };

  it('removes whom it no longer names (a pupil who left), and only then', async () => {
    await reset();
    await importAafIntoDatabase(database, fullExport('20260901', ['1', '2', '3']));
    const { report } = await importAafIntoDatabase(database, fullExport('20261001', ['1', '2']));
    expect(report.removedEntries).toBe(1);
    expect(ids((await directory.people(['1', '2', '3'])).filter((p) => p !== undefined))).toEqual(['1', '2']);
  });

  it('a broken full export, or one naming nobody, removes nobody', async () => {
    await reset();
    await importAafIntoDatabase(database, fullExport('20260901', ['1', '2', '3']));
    const broken = await importAafIntoDatabase(database, fullExport('20261001', ['1', '2'], true));
    expect(broken.report.files[0]!.error).toBeDefined();
    expect(broken.report.removedEntries).toBeUndefined();
    const empty = await importAafIntoDatabase(database, fullExport('20261002', []));
    expect(empty.report.removedEntries).toBeUndefined();
    // A delivery missing its first part (only `_0001` arrived) is not a full export either.
    const partial = tempDir('full-partial');
    writeFileSync(join(partial, 'X_Complet_20261003_Eleve_0001.xml'), aafDocument(['1'].map(pupil)));
    expect((await importAafIntoDatabase(database, partial)).report.removedEntries).toBeUndefined();
    expect(ids((await directory.people(['1', '2', '3'])).filter((p) => p !== undefined))).toEqual(['1', '2', '3']);
  });
});

describe('re-importing a folder in PostgreSQL', () => {
  const pupil = (id: string, givenName: string) => addRequestXml('Eleve', id, { ENTPersonJointure: [id], sn: ['DUPONT'], givenName: [givenName] });

  it('applies only its new files: an old full export is never replayed over the deltas applied since', async () => {
    await reset();
    const dir = tempDir('replay');
    writeFileSync(join(dir, 'X_Complet_20260901_Eleve_0000.xml'), aafDocument([pupil('1', 'Avant'), pupil('2', 'Deux')]));
    writeFileSync(join(dir, 'X_Delta_20260902_Eleve_0000.xml'), aafDocument([modifyRequestXml('Eleve', '1', { givenName: ['Après'] })]));
    await importAafIntoDatabase(database, dir);
    // The next night: a new delta arrives beside the others, and the folder is imported again.
    writeFileSync(join(dir, 'X_Delta_20260903_Eleve_0000.xml'), aafDocument([pupil('3', 'Trois')]));
    const again = await importAafIntoDatabase(database, dir);
    expect(again.report.files.map((f) => [f.file, f.skipped ?? 'applied'])).toEqual([
      ['X_Complet_20260901_Eleve_0000.xml', 'already imported'],
      ['X_Delta_20260902_Eleve_0000.xml', 'already imported'],
      ['X_Delta_20260903_Eleve_0000.xml', 'applied'],
    ]);
    expect(again.report.appliedEntries).toBe(1);
    expect((await directory.people(['1']))[0]).toMatchObject({ firstName: 'Après' });
    // An older export brought in later (another folder) is refused, naming what is newer.
    const old = tempDir('replay-old');
    writeFileSync(join(old, 'X_Complet_20260815_Eleve_0000.xml'), aafDocument([pupil('1', 'Ancien')]));
    const stale = await importAafIntoDatabase(database, old);
    expect(stale.report.files[0]!.skipped).toBe('older than the 20260903 export already imported for Eleve');
    expect((await directory.people(['1', '3'])).map((p) => p?.firstName)).toEqual(['Après', 'Trois']);
  });
});

describe('rejected entries in PostgreSQL', () => {
  it('are reported exactly as the in-memory import reports them, and change nothing', async () => {
    const dir = tempDir('rejected');
    const person = (id: string, extra: Record<string, string[]> = {}) =>
      addRequestXml('Eleve', id, { ENTPersonJointure: [id], sn: ['DUPONT'], givenName: ['Jean'], ...extra });
    writeFileSync(
      join(dir, 'X_Complet_20260901_Eleve_0000.xml'),
      aafDocument([
        person('1'),
        person('2', { ENTPersonDateNaissance: ['31/02/2010'] }),
        '<addRequest><operationalAttributes><attr name="categoriePersonne"><value>Martien</value></attr></operationalAttributes><identifier><id>4</id></identifier><attributes><attr name="sn"><value>X</value></attr></attributes></addRequest>\n',
      ]),
    );
    writeFileSync(
      join(dir, 'X_Delta_20260902_Eleve_0000.xml'),
      aafDocument([
        modifyRequestXml('Eleve', '404', { sn: ['PERSONNE'] }),
        deleteRequestXml('Eleve', '405'),
        modifyRequestXml('Eleve', '1', { ENTEleveClasses: ['no-dollar'] }),
        modifyRequestXml('Eleve', '1', { sn: ['MARTIN'] }),
      ]),
    );
    await reset();
    const { report } = await importAafIntoDatabase(database, dir);
    const inMemory = await importAafDirectory(dir);
    expect(report).toEqual(inMemory.report);
    expect(report.rejections.map((r) => [r.id, r.reason])).toEqual([
      ['2', expect.stringContaining('31/02/2010')],
      ['4', 'unknown category "Martien"'],
      ['404', 'modifyRequest for unknown Eleve 404'],
      ['405', 'deleteRequest for unknown Eleve 405'],
      ['1', expect.stringContaining('no-dollar')],
    ]);
    // The refused modify left the pupil as she was; the next one applied.
    expect(await directorySnapshot(database)).toEqual(inMemory.store.snapshot());
    expect((await directory.people(['1']))[0]).toMatchObject({ lastName: 'MARTIN', classes: [] });
  });
});

describe('re-imports', () => {
  it('re-importing the same export changes nothing and rewrites no row', async () => {
    await reset();
    await importAafIntoDatabase(database, aafDir);
    const versions = async () =>
      (await database.pool.query<{ v: string }>(`SELECT category || '$' || id || '$' || xmin::text AS v FROM directory_entries ORDER BY 1`)).rows.map(
        (r) => r.v,
      );
    const links = async () => (await database.pool.query<{ n: string }>('SELECT count(*) AS n FROM directory_links')).rows[0]!.n;
    const [before, linksBefore, snapshot] = [await versions(), await links(), await directorySnapshot(database)];
    const { report } = await importAafIntoDatabase(database, aafDir);
    expect(report.rejectedEntries).toBe(0);
    expect(await directorySnapshot(database)).toEqual(snapshot);
    expect(snapshot).toEqual(exported.snapshot());
    // Same row versions (xmin): an unchanged entry is not written again.
    expect(await versions()).toEqual(before);
    expect(await links()).toBe(linksBefore);
  });

  it('an import named and asked once is skipped the second time', async () => {
    await reset();
    const first = await importAafIntoDatabase(database, aafDir, { source: 'generated:test', onlyOnce: true });
    const second = await importAafIntoDatabase(database, aafDir, { source: 'generated:test', onlyOnce: true });
    expect(first.skipped).toBe(false);
    expect(first.report.appliedEntries).toBeGreaterThan(0);
    expect(second).toMatchObject({ skipped: true, report: { appliedEntries: 0 } });
  });
});

describe('reads', () => {
  beforeAll(async () => {
    await reset();
    await importAafIntoDatabase(database, aafDir);
  });

  it('answers as the export states it, the same as the in-memory directory', async () => {
    const lucas = studentNamed('Lucas', 'BERNARD');
    expect(await directory.people([lucas.id, 'nobody', lucas.id])).toEqual([lucas, undefined, lucas]);
    const schools = [...exported.records('EtabEducNat')];
    expect(await directory.allSchools()).toEqual([...schools].sort((a, b) => a.uai.localeCompare(b.uai)));
    expect(await directory.schoolsByUai([schools[1]!.uai, 'X'])).toEqual([schools[1], undefined]);
    const klass = lucas.classes[0]!;
    const pupils = [...exported.records('Eleve')].filter((s) => s.classes.some((c) => c.structureId === klass.structureId && c.code === klass.code));
    expect(ids(await directory.studentsOfClass(klass))).toEqual(ids(pupils));
    const school = lucas.schoolIds[0]!;
    expect(ids(await directory.studentsOfSchool(school))).toEqual(ids([...exported.records('Eleve')].filter((s) => s.schoolIds.includes(school))));
    const guardians = await directory.guardiansOf(lucas.id);
    expect(guardians.map((g) => [g.guardian?.id, g.link])).toEqual(lucas.guardians.map((link) => [link.adultId, link]));
    const adults = lucas.guardians.map((l) => l.adultId);
    const children = await directory.childrenOfMany([...adults, 'nobody']);
    expect(children.map((list) => list.map((c) => c.student.id))).toEqual([...adults.map(() => expect.arrayContaining([lucas.id])), []]);
    expect(children[0]!.find((c) => c.student.id === lucas.id)!.link).toEqual(lucas.guardians[0]);
  });

  it('searchPeople stops at its limit and matches names without accents or case', async () => {
    const all = await directory.searchPeople('m', { limit: 10_000 });
    expect(all.length).toBeGreaterThan(5);
    expect(await directory.searchPeople('m', { limit: 5 })).toHaveLength(5);
    expect(ids(await directory.searchPeople('INES P', { limit: 10 }))).toEqual(
      ids([...exported.records('Eleve')].filter((s) => s.firstName === 'Inès' && s.lastName === 'PETIT')),
    );
    // LIKE's wildcards typed by a user are plain characters.
    expect(await directory.searchPeople('%', { limit: 10 })).toEqual([]);
    expect(await directory.searchPeople('_', { limit: 10 })).toEqual([]);
  });

  it('every read is an indexed query: no sequential scan of the directory tables', async () => {
    // The same pool, with Kysely logging each query the directory sends.
    const queries: CompiledQuery[] = [];
    const logged = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: database.pool }),
      log: (event) => {
        if (event.level === 'query') queries.push(event.query);
      },
    });
    const reader = new PostgresDirectory(logged);
    const lucas = studentNamed('Lucas', 'BERNARD');
    const [school] = [...exported.records('EtabEducNat')];
    const staff = [...exported.records('PersEducNat')][0]!;
    await reader.people([lucas.id]);
    await reader.schoolsByUai([school!.uai]);
    await reader.schoolsById([school!.id]);
    await reader.allSchools();
    await reader.studentsOfClass(lucas.classes[0]!);
    await reader.studentsOfGroup({ structureId: school!.id, code: 'G1' });
    await reader.teachersOfClass(lucas.classes[0]!);
    await reader.teachersOfGroup({ structureId: school!.id, code: 'G1' });
    await reader.childrenOfMany(lucas.guardians.map((l) => l.adultId));
    await reader.guardiansOf(lucas.id);
    await reader.staffOfSchool(school!.id);
    await reader.subjects(['030201']);
    await reader.mefs(['10010012110']);
    await reader.findPeople({ email: staff.email ?? 'x@y' });
    await reader.findPeople({ lastName: lucas.lastName, firstName: lucas.firstName, birthDate: lucas.birthDate, schoolUai: school!.uai });
    await reader.searchPeople('ber', { limit: 20 });
    await reader.searchPeople('lucas b', { limit: 20 });
    expect(queries.length).toBeGreaterThan(15);

    interface PlanNode {
      'Node Type': string;
      'Relation Name'?: string;
      Plans?: PlanNode[];
    }
    const scans = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(scans)];
    for (const query of queries) {
      const { rows } = await database.pool.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (FORMAT JSON) ${query.sql}`, [...query.parameters]);
      const nodes = scans(rows[0]!['QUERY PLAN'][0]!.Plan).filter((n) => n['Relation Name']?.startsWith('directory_'));
      expect(nodes.length, query.sql).toBeGreaterThan(0);
      for (const node of nodes)
        expect(node['Node Type'], `${node['Relation Name']} in ${query.sql}`).toMatch(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/);
    }
  });
});
