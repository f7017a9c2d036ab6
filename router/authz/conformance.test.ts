/**
 * Conformance of the router's authorization with the Apollo Router's documented semantics for
 * @authenticated, @requiresScopes and @policy, through the real router and real subgraphs.
 */
import { putBearerSession } from '../../test/helpers/sessions.ts';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import type { StartedSubgraph } from '../../subgraphs/kit/subgraph-server.ts';
import { calls, gradesTypeDefs, schoolTypeDefs, startGradesSubgraph, startSchoolSubgraph } from '../../test/fixtures/authz-subgraphs.ts';
import { composedSupergraphFile } from '../../test/helpers/supergraph-file.ts';
import { TEST_VIEWER_SECRET } from '../../test/helpers/viewer.ts';
import { routerConfigFromEnv } from '../config.ts';
import { startRouter, type HubRouter } from '../router.ts';
import type { AuthorizationMode } from '../plugins/use-authorization.ts';

const ISSUER = 'https://issuer.test';
const UNAUTHORIZED = { message: 'Unauthorized field or type', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } };
const denied = (...path: (string | number)[]) => ({ ...UNAUTHORIZED, path });

describe('authorization conformance', () => {
  let school: StartedSubgraph;
  let grades: StartedSubgraph;
  const routers: Partial<Record<AuthorizationMode, HubRouter>> = {};
  let sign: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    school = await startSchoolSubgraph();
    grades = await startGradesSubgraph();
    const { dir, supergraphPath } = composedSupergraphFile('hub-authz-', [
      { name: 'school', url: school.graphqlUrl, typeDefs: schoolTypeDefs },
      { name: 'grades', url: grades.graphqlUrl, typeDefs: gradesTypeDefs },
    ]);
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    sign = (claims) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience('ent-hub')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
    for (const mode of ['enforce', 'reject', 'dry-run'] as const) {
      routers[mode] = await startRouter(
        {
          ...routerConfigFromEnv({ ROUTER_METRICS_PORT: '0', HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET, ROUTER_AUDIT_DIR: join(dir, `audit-${mode}`) }),
          port: 0,
          supergraphPath,
          authorizationMode: mode,
          trustedIssuers: [{ issuer: ISSUER, audience: 'ent-hub', jwks: { keys: [jwk] }, policyClaim: 'policies' }],
        },
        createLogger(`router-${mode}`),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(routers).map((r) => r?.stop()));
    await Promise.all([school?.close(0), grades?.close(0)]);
  });

  type Viewer = { scopes?: string[]; policies?: string[] } | 'anonymous' | { session: 'guardian' | 'student' };
  async function run(viewer: Viewer, query: string, variables: Record<string, unknown> = {}, mode: AuthorizationMode = 'enforce') {
    const router = routers[mode]!;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (viewer !== 'anonymous' && 'session' in viewer) {
      const id = `conformance-${viewer.session}`;
      headers.authorization = `Bearer ${await putBearerSession(router.sessions, { id, personId: `person-${viewer.session}`, profile: viewer.session })}`;
    } else if (viewer !== 'anonymous') {
      headers.authorization = `Bearer ${await sign({ client_id: 'svc', scope: (viewer.scopes ?? []).join(' '), policies: viewer.policies ?? [] })}`;
    }
    const response = await fetch(router.graphqlUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return (await response.json()) as { data?: any; errors?: any[] };
  }
  const as = (scopes: string[], policies: string[] = []) => ({ scopes, policies });

  describe('@authenticated', () => {
    it('1. anonymous reads a public field', async () => {
      expect(await run('anonymous', '{ public }')).toEqual({ data: { public: 'public' } });
    });
    it('2. anonymous gets null and an error for an @authenticated field, the rest still served', async () => {
      expect(await run('anonymous', '{ public secret }')).toEqual({ data: { public: 'public', secret: null }, errors: [denied('secret')] });
    });
    it('3. an authenticated viewer reads it', async () => {
      expect(await run(as([]), '{ secret }')).toEqual({ data: { secret: 'secret' } });
    });
    it('4. a hub session is authenticated too', async () => {
      expect(await run({ session: 'student' }, '{ secret }')).toEqual({ data: { secret: 'secret' } });
    });
  });

  describe('@requiresScopes: inner lists AND, outer lists OR', () => {
    it('5. the scope held: served', async () => {
      expect(await run(as(['a']), '{ scoped }')).toEqual({ data: { scoped: 'scoped' } });
    });
    it('6. the scope missing: null and an error', async () => {
      expect(await run(as(['b']), '{ public scoped }')).toEqual({ data: { public: 'public', scoped: null }, errors: [denied('scoped')] });
    });
    it('7. AND with one of two scopes: denied', async () => {
      expect((await run(as(['a']), '{ andScopes }')).errors).toEqual([denied('andScopes')]);
    });
    it('8. AND with both: served', async () => {
      expect(await run(as(['a', 'b']), '{ andScopes }')).toEqual({ data: { andScopes: 'and' } });
    });
    it('9. OR with the second alternative: served', async () => {
      expect(await run(as(['c']), '{ orScopes }')).toEqual({ data: { orScopes: 'or' } });
    });
    it('10. OR with neither: denied', async () => {
      expect((await run(as(['b', 'd']), '{ orScopes }')).errors).toEqual([denied('orScopes')]);
    });
    it('11. OR of ANDs, the second AND complete: served', async () => {
      expect(await run(as(['c', 'd']), '{ nestedOr }')).toEqual({ data: { nestedOr: 'nested' } });
    });
    it('12. OR of ANDs, one scope of each: denied', async () => {
      expect((await run(as(['a', 'c']), '{ nestedOr }')).errors).toEqual([denied('nestedOr')]);
    });
    it('13. anonymous never holds scopes', async () => {
      expect((await run('anonymous', '{ public scoped }')).errors).toEqual([denied('scoped')]);
    });
    it('14. several directives on one field must all pass', async () => {
      expect((await run(as(['b']), '{ public both }')).errors).toEqual([denied('both')]);
      expect(await run(as(['a']), '{ both }')).toEqual({ data: { both: 'both' } });
    });
  });

  describe('@policy', () => {
    it('15. a policy granted to a service client by its token: served', async () => {
      expect(await run(as([], ['guardian']), '{ guardianOnly }')).toEqual({ data: { guardianOnly: 'guardian' } });
    });
    it('16. a policy not granted: denied', async () => {
      expect((await run(as([], ['p1']), '{ public guardianOnly }')).errors).toEqual([denied('guardianOnly')]);
    });
    it('17. a named policy implemented in the router holds for a guardian session', async () => {
      expect(await run({ session: 'guardian' }, '{ guardianOnly }')).toEqual({ data: { guardianOnly: 'guardian' } });
    });
    it('18. …and not for a pupil session', async () => {
      expect((await run({ session: 'student' }, '{ public guardianOnly }')).errors).toEqual([denied('guardianOnly')]);
    });
    it('19. policies AND: both needed', async () => {
      expect((await run(as([], ['p1']), '{ public policyAnd }')).errors).toEqual([denied('policyAnd')]);
      expect(await run(as([], ['p1', 'p2']), '{ policyAnd }')).toEqual({ data: { policyAnd: 'policyAnd' } });
    });
    it('20. policies OR: either alternative', async () => {
      expect(await run(as([], ['p3']), '{ policyOr }')).toEqual({ data: { policyOr: 'policyOr' } });
      expect((await run(as([], ['p2']), '{ public policyOr }')).errors).toEqual([denied('policyOr')]);
    });
  });

  describe('type directives and lists', () => {
    it('21. a field returning a restricted type is null with an error', async () => {
      expect(await run(as([]), '{ public dossier { content } }')).toEqual({ data: { public: 'public', dossier: null }, errors: [denied('dossier')] });
    });
    it('22. …and served with the type’s scope', async () => {
      expect(await run(as(['dossier']), '{ dossier { content } }')).toEqual({ data: { dossier: { content: 'confidential' } } });
    });
    it('23. a denied field inside a list: null in every item, one error per item', async () => {
      expect(await run(as([]), '{ pupils { name phone } }')).toEqual({
        data: {
          pupils: [
            { name: 'Léa', phone: null },
            { name: 'Hugo', phone: null },
          ],
        },
        errors: [denied('pupils', 0, 'phone'), denied('pupils', 1, 'phone')],
      });
    });
    it('24. the response keeps the operation’s key order', async () => {
      const result = await run(as([]), '{ pupil(id: "p1") { phone name } }');
      expect(Object.keys(result.data.pupil)).toEqual(['phone', 'name']);
    });
  });

  describe('non-null propagation', () => {
    it('25. a removed non-null field nulls its nullable parent', async () => {
      expect(await run(as([]), '{ public pupil(id: "p1") { name secretNote } }')).toEqual({
        data: { public: 'public', pupil: null },
        errors: [denied('pupil', 'secretNote')],
      });
    });
    it('26. …nulls the items of a list of nullable items', async () => {
      expect(await run(as([]), '{ pupilsNullable { secretNote } }')).toEqual({
        data: { pupilsNullable: [null, null] },
        errors: [denied('pupilsNullable', 0, 'secretNote'), denied('pupilsNullable', 1, 'secretNote')],
      });
    });
    it('27. …and propagates to data when every level up is non-null', async () => {
      expect(await run(as([]), '{ requiredPupil { secretNote } }')).toEqual({ data: null, errors: [denied('requiredPupil', 'secretNote')] });
    });
    it('28. a non-null list of non-null items nulls up to the nearest nullable field', async () => {
      const result = await run(as([]), '{ public pupils { secretNote } }');
      expect(result.data).toBeNull(); // pupils: [Pupil!]! under Query: nothing nullable in between
      expect(result.errors).toEqual([denied('pupils', 0, 'secretNote'), denied('pupils', 1, 'secretNote')]);
    });
  });

  describe('aliases, fragments, variables, @skip/@include', () => {
    it('29. an aliased denied field is reported at its alias', async () => {
      expect(await run(as([]), '{ open: public hidden: scoped }')).toEqual({ data: { open: 'public', hidden: null }, errors: [denied('hidden')] });
    });
    it('30. the same field twice under two aliases: two nulls, two errors', async () => {
      expect(await run(as([]), '{ public x: scoped y: scoped }')).toEqual({ data: { public: 'public', x: null, y: null }, errors: [denied('x'), denied('y')] });
    });
    it('31. a named fragment used in two places is decided in each place', async () => {
      const query = '{ first: pupil(id: "p1") { ...P } second: pupil(id: "p2") { ...P } } fragment P on Pupil { name phone }';
      expect(await run(as([]), query)).toEqual({
        data: { first: { name: 'Léa', phone: null }, second: { name: 'Hugo', phone: null } },
        errors: [denied('first', 'phone'), denied('second', 'phone')],
      });
    });
    it('32. a field switched off by @skip is neither fetched nor reported', async () => {
      expect(await run('anonymous', 'query($s: Boolean!) { public secret @skip(if: $s) }', { s: true })).toEqual({ data: { public: 'public' } });
    });
    it('33. …and switched on by the variable, it is denied', async () => {
      expect((await run('anonymous', 'query($s: Boolean!) { public secret @skip(if: $s) }', { s: false })).errors).toEqual([denied('secret')]);
    });
    it('34. @include(if: false) on a denied field: nothing reported', async () => {
      expect(await run('anonymous', '{ public secret @include(if: false) }')).toEqual({ data: { public: 'public' } });
    });
    it('35. __typename is always allowed', async () => {
      expect(await run('anonymous', '{ __typename public }')).toEqual({ data: { __typename: 'Query', public: 'public' } });
    });
  });

  describe('variables as executed, not as sent (defaults, null, absent, fragments)', () => {
    it('52. @include with a variable defaulting to true, sent without variables: the field is denied', async () => {
      expect(await run(as([]), 'query($v: Boolean = true) { public scoped @include(if: $v) }')).toEqual({
        data: { public: 'public', scoped: null },
        errors: [denied('scoped')],
      });
    });
    it('53. @skip with a variable defaulting to true, sent without variables: skipped, nothing reported', async () => {
      expect(await run('anonymous', 'query($s: Boolean = true) { public secret @skip(if: $s) }')).toEqual({ data: { public: 'public' } });
    });
    it('54. @skip with a variable defaulting to false: executed, so denied', async () => {
      expect(await run('anonymous', 'query($s: Boolean = false) { public secret @skip(if: $s) }')).toEqual({
        data: { public: 'public', secret: null },
        errors: [denied('secret')],
      });
    });
    it('55. a defaulted variable inside a named fragment is decided as executed', async () => {
      const query = 'query($v: Boolean = true) { pupil(id: "p1") { ...P } } fragment P on Pupil { name phone @include(if: $v) }';
      expect(await run(as([]), query)).toEqual({ data: { pupil: { name: 'Léa', phone: null } }, errors: [denied('pupil', 'phone')] });
    });
    it('56. …and on a fragment spread', async () => {
      const query = 'query($v: Boolean = true) { pupil(id: "p1") { name ...P @include(if: $v) } } fragment P on Pupil { phone }';
      expect(await run(as([]), query)).toEqual({ data: { pupil: { name: 'Léa', phone: null } }, errors: [denied('pupil', 'phone')] });
    });
    it('57. an explicit value overrides the default', async () => {
      expect(await run(as([]), 'query($v: Boolean = true) { public scoped @include(if: $v) }', { v: false })).toEqual({ data: { public: 'public' } });
      expect(await run('anonymous', 'query($s: Boolean = true) { public secret @skip(if: $s) }', { s: false })).toEqual({
        data: { public: 'public', secret: null },
        errors: [denied('secret')],
      });
    });
    it('58. an explicit null where the directive needs a Boolean: never served', async () => {
      const result = await run(as([]), 'query($v: Boolean = true) { public scoped @include(if: $v) }', { v: null });
      expect(result.data?.scoped ?? null).toBeNull();
      expect(result.errors?.length).toBeGreaterThan(0);
    });
    it('59. a value the executor would not accept (a string for a Boolean) is refused, not read as true or false', async () => {
      const result = await run(as([]), 'query($v: Boolean = true) { public scoped @include(if: $v) }', { v: 'no' });
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    });
    it('61. @defer (incremental delivery, which the response restore and the audit never see) is not served', async () => {
      const result = await run(as([]), '{ public ... @defer { scoped } }');
      expect(JSON.stringify(result)).not.toContain('"scoped":"scoped"');
      expect(result.errors?.length).toBeGreaterThan(0);
    });
    it('60. a defaulted variable in a mutation is decided as executed', async () => {
      const before = calls.justify;
      const result = await run(as([]), 'mutation($v: Boolean = true) { note justify(id: "a1") @include(if: $v) }');
      expect(result).toEqual({ data: { note: 'noted', justify: null }, errors: [denied('justify')] });
      expect(calls.justify).toBe(before);
    });
  });

  describe('interfaces and unions', () => {
    it('36. an interface field is denied when any implementation restricts it', async () => {
      expect(await run(as([]), '{ people { name phone } }')).toEqual({
        data: {
          people: [
            { name: 'Léa', phone: null },
            { name: 'M. Durand', phone: null },
          ],
        },
        errors: [denied('people', 0, 'phone'), denied('people', 1, 'phone')],
      });
    });
    it('37. …and served when the viewer holds what every implementation requires', async () => {
      expect(await run(as(['contact']), '{ people { phone } }')).toEqual({ data: { people: [{ phone: '0601' }, { phone: '0699' }] } });
    });
    it('38. inline fragments on implementations are decided per type', async () => {
      expect(await run(as([]), '{ people { ... on Pupil { phone } ... on Teacher { phone } } }')).toEqual({
        data: { people: [{ phone: null }, { phone: '0699' }] },
        errors: [denied('people', 0, 'phone')],
      });
    });
    it('39. a union member of a restricted type: its fields are null with errors, the others served', async () => {
      expect(await run(as([]), '{ search { ... on Pupil { name } ... on Dossier { content } } }')).toEqual({
        data: { search: [{ name: 'Hugo' }, { content: null }] },
        errors: [denied('search', 1, 'content')],
      });
    });
    it('62. two viewers whose removed fields differ but sit at the same response path never share a filtered operation', async () => {
      // Same operation, same variables; the first viewer may not see Pupil.phone, the second not
      // Teacher.salary. Both removals are at people.x: a cache keyed by paths served the second
      // the first one's filtered operation (the salary fetched for a viewer without "hr").
      const query = '{ people { ... on Pupil { x: phone } ... on Teacher { x: salary } } }';
      expect(await run(as(['hr']), query)).toEqual({ data: { people: [{ x: null }, { x: '2400' }] }, errors: [denied('people', 0, 'x')] });
      expect(await run(as(['contact']), query)).toEqual({ data: { people: [{ x: '0601' }, { x: null }] }, errors: [denied('people', 1, 'x')] });
      expect(await run(as(['hr']), query)).toEqual({ data: { people: [{ x: null }, { x: '2400' }] }, errors: [denied('people', 0, 'x')] });
    });
    it('40. …and the whole union served with the type’s scope', async () => {
      expect(await run(as(['dossier']), '{ search { __typename ... on Dossier { content } } }')).toEqual({
        data: { search: [{ __typename: 'Pupil' }, { __typename: 'Dossier', content: 'confidential' }] },
      });
    });
  });

  describe('federation: removed fields are never fetched', () => {
    it('41. a denied field owned by another subgraph causes no request to it', async () => {
      const before = calls.grades;
      // grades is non-null: each pupil becomes null (the list's items are nullable here).
      const result = await run(as([]), '{ pupilsNullable { name grades { value } } }');
      expect(result.data).toEqual({ pupilsNullable: [null, null] });
      expect(result.errors).toEqual([denied('pupilsNullable', 0, 'grades'), denied('pupilsNullable', 1, 'grades')]);
      expect(calls.grades).toBe(before);
    });
    it('42. with the scope, the other subgraph is asked, and directives apply inside it', async () => {
      const before = calls.grades;
      const result = await run(as(['grades']), '{ pupil(id: "p1") { grades { value comment } } }');
      expect(calls.grades).toBeGreaterThan(before);
      expect(result).toEqual({
        data: {
          pupil: {
            grades: [
              { value: 12, comment: null },
              { value: 17, comment: null },
            ],
          },
        },
        errors: [denied('pupil', 'grades', 0, 'comment'), denied('pupil', 'grades', 1, 'comment')],
      });
    });
  });

  describe('whole operations and mutations', () => {
    it('43. an operation whose every field is unauthorized is refused without running', async () => {
      expect(await run('anonymous', '{ secret scoped }')).toEqual({ errors: [denied('secret'), denied('scoped')] });
    });
    it('44. a denied mutation is refused and its resolver never runs', async () => {
      const before = calls.justify;
      expect(await run(as([]), 'mutation { justify(id: "a1") }')).toEqual({ errors: [denied('justify')] });
      expect(calls.justify).toBe(before);
    });
    it('45. a mixed mutation runs the allowed field only', async () => {
      const before = { ...calls };
      expect(await run(as([]), 'mutation { note justify(id: "a1") }')).toEqual({ data: { note: 'noted', justify: null }, errors: [denied('justify')] });
      expect(calls.note).toBe(before.note + 1);
      expect(calls.justify).toBe(before.justify);
    });
    it('46. an allowed mutation runs', async () => {
      expect(await run(as(['write']), 'mutation { justify(id: "a1") }')).toEqual({ data: { justify: 'justified' } });
    });
  });

  describe('modes', () => {
    it('47. reject mode refuses the whole operation and lists every path', async () => {
      expect(await run(as([]), '{ public scoped pupils { phone } }', {}, 'reject')).toEqual({ errors: [denied('scoped'), denied('pupils', 'phone')] });
    });
    it('48. reject mode runs an operation with nothing denied', async () => {
      expect(await run(as(['a']), '{ public scoped }', {}, 'reject')).toEqual({ data: { public: 'public', scoped: 'scoped' } });
    });
    it('49. dry-run mode serves everything and only counts the denials', async () => {
      expect(await run('anonymous', 'query DryRun { public secret }', {}, 'dry-run')).toEqual({ data: { public: 'public', secret: 'secret' } });
      const metrics = await routers['dry-run']!.metrics.metrics();
      expect(metrics).toMatch(/hub_authorization_denials_total\{operation_name="unregistered",mode="dry-run"\} 1/);
    });
    it('51. strict audit: with the journal failing and its buffer full, requests are refused, not served unjournaled', async () => {
      const failing = { append: async () => Promise.reject(new Error('disk full')), about: async () => [] };
      const strict = await startRouter(
        {
          ...routerConfigFromEnv({ ROUTER_METRICS_PORT: '0', HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET }),
          port: 0,
          supergraphPath: routers.enforce!.supergraphPath,
          audit: { dir: '', subjectTypes: ['Pupil'], strict: true, maxBuffered: 2 },
          trustedIssuers: [],
        },
        createLogger('router-strict'),
        { auditStore: failing },
      );
      try {
        const ask = () =>
          fetch(strict.graphqlUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ pupils { phone } }' }),
          });
        expect((await ask()).status).toBe(200); // two denials journaled: the buffer is now full
        const refused = await ask();
        expect(refused.status).toBe(503);
        expect((await refused.json()).errors[0].extensions.code).toBe('AUDIT_UNAVAILABLE');
      } finally {
        await strict.stop().catch(() => undefined);
      }
    });

    it('50. denials are counted in enforce mode (operation names outside a trusted-documents manifest share one label)', async () => {
      const counted = async () =>
        Number(
          /hub_authorization_denials_total\{operation_name="unregistered",mode="enforce"\} (\d+)/.exec(await routers.enforce!.metrics.metrics())?.[1] ?? 0,
        );
      const before = await counted();
      await run('anonymous', 'query Counted { public secret scoped }');
      expect(await counted()).toBe(before + 2);
      expect(await routers.enforce!.metrics.metrics()).not.toContain('Counted');
    });
  });
});
