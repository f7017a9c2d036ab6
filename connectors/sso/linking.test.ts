import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEmbeddedAcademie } from '../../tooling/academie/embedded.ts';
import type { Directory } from '../directory/directory.ts';
import { AafDirectory } from '../directory/aaf/aaf-directory.ts';
import type { Person } from '../directory/model.ts';
import { linkLogin } from './linking.ts';
import type { IdentityProviderConfig } from './provider-config.ts';

const provider = (linking: IdentityProviderConfig['linking'], fallbackLinking = false): IdentityProviderConfig => ({
  id: linking,
  label: linking,
  issuer: 'https://idp.example',
  clientId: 'hub',
  clientSecret: 'x'.repeat(32),
  scopes: ['openid'],
  linking,
  fallbackLinking,
});

/** A provider that lies, or is misconfigured: what it may make of a login. */
describe('linking a login to the directory', () => {
  let directory: Directory;
  let principal: Person;
  let pupil: Person;
  beforeAll(async () => {
    const academie = await readEmbeddedAcademie(mkdtempSync(join(tmpdir(), 'hub-linking-')));
    directory = new AafDirectory(academie.store);
    const byLogin = (pattern: RegExp) => academie.demo.find((d) => pattern.test(d.description))!.id;
    principal = (await directory.people([byLogin(/principal/)]))[0]!;
    pupil = (await directory.people([academie.demo.find((d) => d.profile === 'student')!.id]))[0]!;
  });

  it('EduConnect logs in pupils and families only: a reference naming a member of staff logs in no one', async () => {
    const claims = { sub: 's', FrEduCtRefId: [`{AAF}ENS||${principal.id}`] };
    await expect(linkLogin(claims, provider('educonnect'), directory)).rejects.toMatchObject({ code: 'ERR_LOGIN', reason: 'profile-mismatch' });
    await expect(linkLogin({ sub: 's', FrEduCtRefId: [`{AAF}ELV||${pupil.id}`] }, provider('educonnect'), directory)).resolves.toMatchObject({
      personId: pupil.id,
      profile: 'student',
    });
  });

  it('the agents’ provider links by an address it vouches for, and only to staff', async () => {
    const email = principal.email!;
    await expect(linkLogin({ sub: 's', email, email_verified: false }, provider('agent'), directory)).rejects.toMatchObject({ reason: 'no-directory-match' });
    await expect(linkLogin({ sub: 's', email }, provider('agent'), directory)).rejects.toMatchObject({ reason: 'no-directory-match' });
    await expect(linkLogin({ sub: 's', email, email_verified: true }, provider('agent'), directory)).resolves.toMatchObject({ personId: principal.id });
  });

  it('a fallback on names, birth date and school links no member of staff through the agents’ provider', async () => {
    const student = pupil as Person & { kind: 'student' };
    const [school] = await directory.schoolsById([student.classes[0]!.structureId]);
    const claims = { sub: 's', family_name: student.lastName, given_name: student.firstName, birthdate: student.birthDate, FrEduRne: [school!.uai] };
    await expect(linkLogin(claims, provider('agent', true), directory)).rejects.toMatchObject({ reason: 'profile-mismatch' });
    // The same facts through EduConnect's fallback: the pupil.
    await expect(linkLogin(claims, provider('educonnect', true), directory)).resolves.toMatchObject({ personId: pupil.id });
  });
});
