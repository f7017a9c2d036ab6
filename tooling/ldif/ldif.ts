import type { AafStore } from '../../connectors/directory/aaf/store.ts';
import type { Address, Person } from '../../connectors/directory/model.ts';
import { SdetDns } from '../../connectors/directory/ldap/dn.ts';
import { isoDayToFrench } from '../../lib/french-dates.ts';

type Entry = [dn: string, attributes: [string, string | undefined | (string | undefined)[]][]];

/** LDIF needs base64 for values that are not plain printable ASCII (accents, leading spaces…). */
function line(name: string, value: string): string {
  return /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) && !value.endsWith(' ')
    ? `${name}: ${value}`
    : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

function render([dn, attributes]: Entry): string {
  const out = [line('dn', dn)];
  for (const [name, value] of attributes) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined && v !== '') out.push(line(name, v));
  }
  return `${out.join('\n')}\n`;
}

const addressAttributes = (a: Address): Entry[1] => [
  ['ENTPersonAdresse', a.street],
  ['ENTPersonCodePostal', a.postalCode],
  ['ENTPersonVille', a.city],
  ['ENTPersonPays', a.country],
];

/** `yyyy-MM-dd` → `dd/MM/yyyy`, the SDET's (and AAF's) date format. */
const sdetDate = (iso: string | undefined) => (iso ? isoDayToFrench(iso) : undefined);

/**
 * The académie of an AAF store as an SDET LDIF: what an académie's directory would hold for the
 * same people. Used to load slapd for tests and development (`slapadd`).
 */
export function academieLdif(store: AafStore, base: string, service?: { dn: string; passwordHash: string }): string {
  const dns = new SdetDns(base);
  const [dc] = base.split(',');
  const entries: Entry[] = [
    [
      base,
      [
        ['objectClass', ['dcObject', 'organization']],
        ['dc', dc!.split('=')[1]],
        ['o', 'Académie'],
      ],
    ],
    [
      `ou=people,${base}`,
      [
        ['objectClass', 'organizationalUnit'],
        ['ou', 'people'],
      ],
    ],
    [
      `ou=structures,${base}`,
      [
        ['objectClass', 'organizationalUnit'],
        ['ou', 'structures'],
      ],
    ],
    [
      `ou=services,${base}`,
      [
        ['objectClass', 'organizationalUnit'],
        ['ou', 'services'],
      ],
    ],
  ];
  if (service)
    entries.push([
      service.dn,
      [
        ['objectClass', ['organizationalRole', 'simpleSecurityObject']],
        ['cn', service.dn.split(',')[0]!.split('=')[1]],
        ['userPassword', service.passwordHash],
      ],
    ]);
  for (const school of store.records('EtabEducNat')) {
    const dn = dns.structure(school.id);
    entries.push([
      dn,
      [
        ['objectClass', ['ENTStructure', 'ENTEtablissement']],
        ['ENTStructureJointure', school.id],
        ['ENTStructureUAI', school.uai],
        ['ENTStructureNomCourant', school.name],
        ['ENTStructureTypeStruct', school.type],
        ['ENTServAcAcademie', school.academy],
        ['ENTEtablissementContrat', school.contract],
        ['street', school.address.street],
        ['postalCode', school.address.postalCode],
        ['l', school.address.city],
      ],
    ]);
    entries.push([
      `ou=classes,${dn}`,
      [
        ['objectClass', 'organizationalUnit'],
        ['ou', 'classes'],
      ],
    ]);
    entries.push([
      `ou=groups,${dn}`,
      [
        ['objectClass', 'organizationalUnit'],
        ['ou', 'groups'],
      ],
    ]);
    for (const code of school.classes)
      entries.push([
        dns.unit('classes', { structureId: school.id, code }),
        [
          ['objectClass', 'ENTClasse'],
          ['cn', code],
        ],
      ]);
    for (const code of school.groups)
      entries.push([
        dns.unit('groups', { structureId: school.id, code }),
        [
          ['objectClass', 'ENTGroupe'],
          ['cn', code],
        ],
      ]);
  }
  const person = (p: Pick<Person, 'id' | 'firstName' | 'lastName' | 'otherFirstNames' | 'birthName' | 'title' | 'birthDate' | 'email' | 'schoolIds'>) =>
    [
      ['ENTPersonJointure', p.id],
      ['cn', `${p.firstName} ${p.lastName}`.trim()],
      ['sn', p.lastName],
      ['givenName', p.firstName || undefined],
      ['ENTPersonAutresPrenoms', p.otherFirstNames],
      ['ENTPersonNomPatro', p.birthName],
      ['personalTitle', p.title],
      ['ENTPersonDateNaissance', sdetDate(p.birthDate)],
      ['mail', p.email],
      ['ENTPersonStructRattach', p.schoolIds.map((id) => dns.structure(id))],
    ] as Entry[1];
  for (const s of store.records('Eleve')) {
    entries.push([
      dns.person(s.id),
      [
        ['objectClass', ['ENTPerson', 'ENTEleve']],
        ...person(s),
        ['ENTPersonProfils', 'National_ELV'],
        ['ENTEleveINE', s.ine],
        ['ENTEleveClasses', s.classes.map((c) => dns.unit('classes', c))],
        ['ENTEleveGroupes', s.groups.map((g) => dns.unit('groups', g))],
        ['ENTEleveMEF', s.mef],
        ['ENTEleveLibelleMEF', s.mefLabel],
        ['ENTEleveRegime', s.regime],
        ['ENTEleveBoursier', s.scholarship === undefined ? undefined : s.scholarship ? 'O' : 'N'],
        ['ENTEleveTransport', s.transport === undefined ? undefined : s.transport ? 'O' : 'N'],
        ['ENTEleveStatutEleve', s.status],
        ['ENTEleveNivFormation', s.level],
        ['ENTEleveCodeEnseignements', s.subjectCodes],
        [
          'ENTElevePersRelEleve',
          s.guardians.map((l) => `${l.adultId}$${l.relationship}$${l.financial ? 1 : 0}$${l.legal}$${l.contact ? 1 : 0}$${l.payment ? 1 : 0}`),
        ],
        ['homePhone', s.homePhone],
        ...addressAttributes(s.address),
      ],
    ]);
  }
  for (const t of store.records('PersEducNat')) {
    entries.push([
      dns.person(t.id),
      [
        ['objectClass', ['ENTPerson', t.kind === 'teacher' ? 'ENTAuxEnseignant' : 'ENTAuxNonEnsEtab']],
        ...person(t),
        [
          'ENTPersonProfils',
          t.kind === 'teacher'
            ? 'National_ENS'
            : t.functions.some((f) => f.code === 'DIR')
              ? 'National_DIR'
              : t.functions.some((f) => f.code === 'DOC')
                ? 'National_DOC'
                : 'National_EVS',
        ],
        ['PersEducNatPresenceDevantEleves', t.teachesPupils ? 'O' : 'N'],
        [
          'ENTPersonFonctions',
          t.functions.map((f) => [f.structureId, f.code, f.label ?? '', f.disciplineCode ?? '', f.disciplineLabel ?? ''].join('$').replace(/\$+$/, '')),
        ],
        ...(t.kind === 'teacher'
          ? ([
              ['ENTAuxEnsClasses', t.classes.map((c) => dns.unit('classes', c))],
              ['ENTAuxEnsGroupes', t.groups.map((g) => dns.unit('groups', g))],
              ['ENTAuxEnsClassesMatieres', t.classSubjects.map((a) => `${a.structureId}$${a.code}$${a.subjectCode}`)],
              ['ENTAuxEnsGroupesMatieres', t.groupSubjects.map((a) => `${a.structureId}$${a.code}$${a.subjectCode}`)],
              ['ENTAuxEnsClassesPrincipal', t.principalOf.map((c) => dns.unit('classes', c))],
            ] as Entry[1])
          : []),
      ],
    ]);
  }
  for (const g of store.records('PersRelEleve')) {
    entries.push([
      dns.person(g.id),
      [
        ['objectClass', ['ENTPerson', 'ENTAuxPersRelEleve']],
        ...person(g),
        ['ENTPersonProfils', 'National_TUT'],
        ['homePhone', g.homePhone],
        ['telephoneNumber', g.workPhone],
        ['mobile', g.mobilePhone],
        ['ENTAuxPersRelEleveEleve', g.studentIds.map((id) => dns.person(id))],
        ...addressAttributes(g.address),
      ],
    ]);
  }
  return entries.map(render).join('\n');
}
