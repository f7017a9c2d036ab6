import { buildSchema, parse, print, type DocumentNode, type ExecutionArgs } from 'graphql';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import { useAuthorization, type AuthorizationDecision } from './use-authorization.ts';

/** A graph of another domain than the hub's, with each kind of requirement. */
const sdl = /* GraphQL */ `
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT
  directive @policy(policies: [[String!]!]!) on FIELD_DEFINITION | OBJECT
  directive @authenticated on FIELD_DEFINITION | OBJECT
  type Query {
    member: Member
  }
  type Member {
    name: String
    loans: String @requiresScopes(scopes: [["loans:read"]])
    fines: String @policy(policies: [["treasurer"]])
    card: String @authenticated
  }
`;
const schema = buildSchema(sdl);
const supergraph = parse(sdl);

const person = (personId: string, scopes: string[]): Viewer => ({ kind: 'person', personId, scopes, policies: [] });

describe('authorization decisions reused across requests', () => {
  it('gives each viewer the result of their own decisions, whoever asked the same operation before', () => {
    const decisions: AuthorizationDecision[] = [];
    const plugin = useAuthorization({
      supergraph: () => supergraph,
      // A policy on something no profile or scope says (the person's id): the cache must not assume
      // that viewers with the same scopes decide alike.
      policies: { treasurer: (viewer) => viewer.personId === 'p-treasurer' },
      mode: 'enforce',
      metrics: new Registry(),
      log: createLogger('test', 'silent'),
      onDenied: (decision) => decisions.push(decision),
    });
    // One document object for every request, as the runtime's parse cache hands it out.
    const document = parse('query Card { member { name loans fines card } }');
    const ask = (viewer: Viewer | undefined): { document: DocumentNode; denied: string[] } => {
      const args = { schema, document, operationName: 'Card', variableValues: {}, contextValue: { viewer } } as unknown as ExecutionArgs;
      const before = decisions.length;
      (plugin.onExecute as (payload: unknown) => void)({ args, setResultAndStopExecution: () => undefined });
      return { document: args.document, denied: decisions.slice(before).flatMap((d) => d.fields) };
    };

    const treasurer = person('p-treasurer', ['loans:read']);
    const member = person('p-member', ['loans:read']);
    const guest = person('p-guest', []);
    for (let round = 0; round < 2; round++) {
      expect(ask(treasurer)).toEqual({ document, denied: [] });
      const asMember = ask(member);
      expect(asMember.denied).toEqual(['Member.fines']);
      expect(print(asMember.document)).not.toContain('fines');
      expect(print(asMember.document)).toContain('loans');
      const asGuest = ask(guest);
      expect(asGuest.denied).toEqual(['Member.fines', 'Member.loans']);
      expect(print(asGuest.document)).not.toMatch(/fines|loans/);
      expect(ask(undefined).denied).toEqual(['Member.card', 'Member.fines', 'Member.loans']);
    }
  });
});
