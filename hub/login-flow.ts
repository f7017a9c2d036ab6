import { HubError } from '../lib/errors.ts';
/**
 * Logs in through the real flow, without a browser: the hub's `/auth/login`, the provider's
 * authorization endpoint, its login form (posted like a browser would), the redirects back, and the
 * hub's callback. For `dev:token`, tests and the benchmark; never used by the hub itself.
 */

export interface LoginFlowOptions {
  routerUrl: string;
  idp: string;
  login: string;
  password: string;
  /** `bearer`: the callback answers a session token (apps). `cookie`: it sets the session cookie. */
  transport: 'bearer' | 'cookie';
  /** Extra query parameters for `/auth/login` (e.g. `return_to`). */
  params?: Record<string, string>;
  /** Stop before following the redirect to the hub's callback, and return its URL (refusal tests). */
  stopAtCallback?: boolean;
  /** The cookies kept along the way (the provider's session cookie among them); a new jar by default. */
  jar?: CookieJar;
  /** Cookies sent to the hub from the start (a session-fixation attempt plants one). */
  presetHubCookie?: string;
  /**
   * Go on with a login started earlier with the same jar: the provider's authorization URL that
   * `/auth/login` redirected to (tests: a person still typing her password while something happens).
   */
  resumeAt?: string;
  /** Extra headers on every request to the hub (tests: `x-forwarded-for` behind a trusted proxy). */
  routerHeaders?: Record<string, string>;
}

export type LoginFlowResult =
  | { kind: 'bearer'; token: string; profile: string }
  | { kind: 'cookie'; cookie: string; setCookie: string; location: string }
  | { kind: 'callback'; url: string }
  | { kind: 'refused'; status: number; body: string };

export class LoginFlowError extends HubError {
  static override readonly code = 'ERR_LOGIN_FLOW';
}

/** Cookies by host, the way a browser would keep them for these few requests. */
export class CookieJar {
  readonly #byHost = new Map<string, Map<string, string>>();

  store(url: URL, response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      let jar = this.#byHost.get(url.host);
      if (!jar) this.#byHost.set(url.host, (jar = new Map<string, string>()));
      const value = pair!.slice(eq + 1);
      if (/max-age=0/i.test(header) || value === '') jar.delete(pair!.slice(0, eq));
      else jar.set(pair!.slice(0, eq), value);
    }
  }

  /** Plants a cookie (`name=value`) for a URL's host, as an attacker's page could. */
  set(url: URL, pair: string): void {
    const eq = pair.indexOf('=');
    let jar = this.#byHost.get(url.host);
    if (!jar) this.#byHost.set(url.host, (jar = new Map<string, string>()));
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }

  header(url: URL): string {
    return [...(this.#byHost.get(url.host) ?? [])].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export async function loginFlow(options: LoginFlowOptions): Promise<LoginFlowResult> {
  const jar = options.jar ?? new CookieJar();
  if (options.presetHubCookie) jar.set(new URL(options.routerUrl), options.presetHubCookie);
  const routerHost = new URL(options.routerUrl).host;
  const isCallback = (u: URL) => u.host === routerHost && u.pathname === '/auth/callback';
  const params = new URLSearchParams({ idp: options.idp, ...(options.transport === 'bearer' ? { response: 'token' } : {}), ...options.params });
  let url = options.resumeAt ? new URL(options.resumeAt) : new URL(`/auth/login?${params}`, options.routerUrl);
  let method = 'GET';
  let body: string | undefined;
  let postedCredentials = false;

  for (let hop = 0; hop < 20; hop++) {
    if (options.stopAtCallback && isCallback(url)) return { kind: 'callback', url: url.href };
    const response = await fetch(url, {
      method,
      body,
      redirect: 'manual',
      headers: {
        cookie: jar.header(url),
        'user-agent': 'ent-hub-login-flow',
        ...(url.host === routerHost ? options.routerHeaders : {}),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
    });
    jar.store(url, response);
    method = 'GET';
    body = undefined;
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      if (isCallback(url) && options.transport === 'cookie') {
        const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__Host-hub_session='));
        if (!cookie) throw new LoginFlowError('callback redirected without a session cookie');
        return { kind: 'cookie', cookie: cookie.split(';')[0]!, setCookie: cookie, location };
      }
      url = new URL(location, url);
      continue;
    }
    const text = await response.text();
    if (isCallback(url)) {
      if (response.ok && options.transport === 'bearer') {
        const json = JSON.parse(text) as { token: string; profile: string };
        return { kind: 'bearer', token: json.token, profile: json.profile };
      }
      return { kind: 'refused', status: response.status, body: text };
    }
    const form = /<form method="post" action="([^"]+)"/.exec(text);
    if (response.ok && form && !postedCredentials) {
      postedCredentials = true;
      url = new URL(form[1]!.replaceAll('&amp;', '&'), url);
      method = 'POST';
      body = new URLSearchParams({ login: options.login, password: options.password }).toString();
      continue;
    }
    return { kind: 'refused', status: response.status, body: text };
  }
  throw new LoginFlowError('too many redirects');
}
