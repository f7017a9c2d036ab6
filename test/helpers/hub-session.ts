import type { EmbeddedHub } from '../../hub/embedded-hub.ts';
import { loginFlow } from '../../hub/login-flow.ts';

export interface GraphQLAnswer {
  data?: any;
  errors?: any[];
}

/**
 * People using a running embedded hub: each logs in once through the real flow (bearer session),
 * then asks the router queries as themselves.
 */
export function hubSession(hub: EmbeddedHub) {
  const tokens = new Map<string, string>();
  const token = async (login: string): Promise<string> => {
    let value = tokens.get(login);
    if (!value) {
      const account = hub.logins.find((l) => l.login === login);
      if (!account) throw new Error(`no demo account ${login}`);
      const result = await loginFlow({ routerUrl: hub.router.publicUrl, idp: account.idp, login, password: account.password, transport: 'bearer' });
      if (result.kind !== 'bearer') throw new Error(`login ${login} failed: ${JSON.stringify(result).slice(0, 300)}`);
      tokens.set(login, (value = result.token));
    }
    return value;
  };
  const ask = async (login: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GraphQLAnswer> => {
    const response = await fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(login)}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLAnswer;
  };
  return { ask, token };
}
