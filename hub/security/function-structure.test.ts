/**
 * Attack class: a right that comes from a staff function, used outside that function's school.
 *
 * A session's scopes are a coarse gate: the router grants a function's scopes (`directory:contact:read`
 * from EDU or DIR, `resources:assign` from DIR or DOC) whatever school the function is held in. The
 * subgraphs are the fine gate: they decide with the (function, school) pairs of the directory. The
 * case of the review: a CPE (EDU) of the collège who also teaches a class of the lycée, and a
 * principal (DIR) of the collège who teaches there too. As teachers they see their lycée pupils; as
 * CPE or principal they have no say there. The académie has no such person: an AAF delta makes them,
 * as a real export would.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAafIntoDatabase } from '../../store/directory/aaf-writer.ts';
import { directoryChange } from '../../test/helpers/directory-change.ts';
import { aafDocument, modifyRequestXml } from '../../connectors/directory/aaf/write.ts';
import type { School } from '../../connectors/directory/model.ts';
import { testHubOptions } from '../../test/helpers/database.ts';
import { hubSession } from '../../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from '../embedded-hub.ts';

const SECRET = 'function-structure-test-secret-0123456789ab';
const CONTACT = `query($id: ID!) { person(id: $id) { displayName ... on Student {
  email address { street } homePhone regime scholarship
  guardians { guardian { displayName mobilePhone address { city } } } } } }`;
const SUBSCRIPTIONS = 'query($uai: ID!) { school(uai: $uai) { name subscriptions { id } } }';

describe('rights from a staff function hold only in that function’s school', () => {
  let hub: EmbeddedHub;
  let ask: ReturnType<typeof hubSession>['ask'];
  let college: School;
  let lycee: School;
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-function-structure-'));
  const staff = (prefix: string) => hub.academie.demo.find((d) => d.description.startsWith(prefix))!;
  const id = (login: string) => hub.logins.find((l) => l.login === login)!.personId;
  const codesOf = (answer: { errors?: { extensions?: { code?: string } }[] }) => (answer.errors ?? []).map((e) => e.extensions?.code);

  beforeAll(async () => {
    process.env.HUB_VIEWER_CONTEXT_SECRET = SECRET;
    hub = await startEmbeddedHub({ dataDir, ...(await testHubOptions()) });
    ({ ask } = hubSession(hub));
    const store = hub.academie.store;
    const schools = [...store.records('EtabEducNat')];
    college = schools.find((s) => s.name.startsWith('Collège'))!;
    lycee = schools.find((s) => s.name.startsWith('Lycée'))!;

    // The delta: the collège's CPE and principal each teach English to the lycée's 2NDA (Chloé's
    // class), with an ENS function there, attached to both schools.
    const alsoTeachesAtLycee = (personId: string) => {
      const current = store.snapshot().PersEducNat![personId]!;
      return modifyRequestXml('PersEducNat', personId, {
        ENTPersonStructRattach: [college.id, lycee.id],
        ENTPersonFonctions: [...current.ENTPersonFonctions!, `${lycee.id}$ENS$ENSEIGNEMENT$030201$ANGLAIS LV1`],
        ENTAuxEnsClasses: [`${lycee.id}$2NDA`],
        ENTAuxEnsClassesMatieres: [`${lycee.id}$2NDA$030201`],
        PersEducNatPresenceDevantEleves: ['O'],
      });
    };
    const deltaDir = mkdtempSync(join(tmpdir(), 'hub-function-structure-delta-'));
    writeFileSync(
      join(deltaDir, 'ENT_Delta_20261124_PersEducNat_0000.xml'),
      aafDocument([alsoTeachesAtLycee(staff('CPE, Collège').id), alsoTeachesAtLycee(staff('principal, Collège').id)]),
    );
    // Applied to the directory the hub reads, in its database, as `npm run aaf:import` does.
    const { report } = await directoryChange(hub.answerChanges, () => importAafIntoDatabase(hub.store.store.database, deltaDir));
    expect(report.appliedEntries).toBe(2);
  });
  afterAll(async () => {
    delete process.env.HUB_VIEWER_CONTEXT_SECRET;
    await hub?.stop();
  });

  it('the case exists: the collège’s CPE now teaches Chloé’s class at the lycée, and sees Chloé', async () => {
    const cpe = staff('CPE, Collège').login;
    const me = await ask(cpe, '{ me { profile ... on Teacher { functions { code school { uai } } classes { id } } } }');
    expect(me.errors).toBeUndefined();
    expect(me.data.me.functions).toEqual(
      expect.arrayContaining([
        { code: 'EDU', school: { uai: college.uai } },
        { code: 'ENS', school: { uai: lycee.uai } },
      ]),
    );
    expect(me.data.me.classes).toContainEqual({ id: `${lycee.uai}:2NDA` });
    const chloe = await ask(cpe, 'query($id: ID!) { person(id: $id) { displayName } }', { id: id('chloe.martin') });
    expect(chloe.data.person.displayName).toBe('Chloé MARTIN');
  });

  it('a CPE of the collège who teaches at the lycée reads no contact or schooling data of her lycée pupils or their parents', async () => {
    const cpe = staff('CPE, Collège').login;
    // A pupil of the class she teaches whose family is the lycée's only.
    const directory = hub.academie.directory;
    const classmates = await directory.studentsOfClass({ structureId: lycee.id, code: '2NDA' });
    const familyAtLyceeOnly = async (pupilId: string) => {
      const guardians = (await directory.guardiansOf(pupilId)).flatMap((l) => (l.guardian ? [l.guardian.id] : []));
      const children = (await directory.childrenOfMany(guardians)).flat();
      return guardians.length > 0 && children.every((c) => c.student.schoolIds.every((s) => s === lycee.id));
    };
    let pupil: string | undefined;
    for (const s of classmates)
      if (await familyAtLyceeOnly(s.id)) {
        pupil = s.id;
        break;
      }
    expect(pupil).toBeDefined();

    const answer = await ask(cpe, CONTACT, { id: pupil });
    const person = answer.data.person;
    // What a teacher may see of her pupil is there…
    expect(person.displayName).toEqual(expect.any(String));
    expect(person.guardians.length).toBeGreaterThan(0);
    for (const link of person.guardians) expect(link.guardian.displayName).toEqual(expect.any(String));
    // …what only the CPE function unlocks is not: her function is the collège's, this family the lycée's.
    for (const field of ['email', 'address', 'homePhone', 'regime', 'scholarship']) expect(person[field], field).toBeNull();
    for (const link of person.guardians) {
      expect(link.guardian.mobilePhone).toBeNull();
      expect(link.guardian.address).toBeNull();
    }
    expect(codesOf(answer).length).toBeGreaterThan(0);
    expect(codesOf(answer).every((c) => c === 'FORBIDDEN')).toBe(true);
    // The refusal is journaled against the pupil.
    await hub.router.audit.flush();
    const events = await hub.router.auditStore.about(pupil!, 200);
    expect(events.some((e) => e.viewer.personId === id(cpe) && e.outcome === 'denied' && e.reason === 'outside-perimeter')).toBe(true);

    // Chloé, at the lycée, has a mother with children at the collège: the CPE reads the mother's
    // phone (a parent of her school), not Chloé's address.
    const chloe = (await ask(cpe, CONTACT, { id: id('chloe.martin') })).data.person;
    expect(chloe.address).toBeNull();
    expect(chloe.guardians.find((l: any) => l.guardian.displayName === 'Sophie MARTIN').guardian.mobilePhone).toEqual(expect.any(String));
  });

  it('the same CPE still reads the contact data of the collège’s pupils and their parents', async () => {
    const answer = await ask(staff('CPE, Collège').login, CONTACT, { id: id('lea.martin') });
    expect(answer.errors).toBeUndefined();
    expect(answer.data.person.address.street).toEqual(expect.any(String));
    expect(answer.data.person.regime).toEqual(expect.any(String));
    expect(answer.data.person.guardians.some((l: any) => l.guardian.mobilePhone || l.guardian.address)).toBe(true);
  });

  it('a principal of the collège who teaches at the lycée does not see the lycée’s GAR subscriptions, only the collège’s', async () => {
    const principal = staff('principal, Collège').login;
    const atLycee = await ask(principal, SUBSCRIPTIONS, { uai: lycee.uai });
    expect(atLycee.data.school.subscriptions).toBeNull();
    expect(codesOf(atLycee)).toEqual(['FORBIDDEN']);
    const atCollege = await ask(principal, SUBSCRIPTIONS, { uai: college.uai });
    expect(atCollege.errors).toBeUndefined();
    expect(atCollege.data.school.subscriptions.length).toBeGreaterThan(0);
    // The lycée's own documentaliste does.
    const documentalist = await ask(staff('documentaliste, Lycée').login, SUBSCRIPTIONS, { uai: lycee.uai });
    expect(documentalist.errors).toBeUndefined();
    expect(documentalist.data.school.subscriptions.length).toBeGreaterThan(0);
  });
});
