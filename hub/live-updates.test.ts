import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ExecutionResult } from 'graphql-sse';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loginFlow } from './login-flow.ts';
import { testHubOptions } from '../test/helpers/database.ts';
import { hubSession } from '../test/helpers/hub-session.ts';
import { startEmbeddedHub, type EmbeddedHub } from './embedded-hub.ts';

const UPDATES = `subscription { viewerUpdates { changes unreadNotifications unreadMessages } }`;
const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id } }`;
const UNREAD = `{ mailbox { unreadCount } }`;
const SUBGRAPH_TIMEOUT_MS = 1500;

type Update = ExecutionResult<{ viewerUpdates: { changes: string[]; unreadNotifications: number; unreadMessages: number } }>;

/**
 * Live updates (issues 15 and 16): `subscription { viewerUpdates }` over Server-Sent Events through
 * the router, as a browser's page holds it, with graphql-sse's own client.
 */
describe('live updates through the router', { timeout: 90_000 }, () => {
  let hub: EmbeddedHub;
  let session: ReturnType<typeof hubSession>;
  let teacher: string;
  const personOf = (login: string) => hub.logins.find((l) => l.login === login)!.personId;

  /** A page following its updates with `token`; `next(ms)` gives the next event, or 'nothing', or 'ended'. */
  const follow = (token: string, query = UPDATES) => {
    const client = createClient({ url: hub.router.graphqlUrl, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    const iterator = client.iterate<Update['data']>({ query })[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<Update>> | undefined;
    opened.push(() => iterator.return?.());
    return {
      next: async (ms = 5000): Promise<Update | 'nothing' | 'ended' | { failed: string }> => {
        pending ??= iterator.next() as Promise<IteratorResult<Update>>;
        const outcome = await Promise.race([
          pending.then(
            (r) => (r.done ? ('ended' as const) : r.value),
            (error: unknown) => ({ failed: String((error as Error)?.message ?? error) }),
          ),
          new Promise<'nothing'>((r) => setTimeout(() => r('nothing'), ms)),
        ]);
        if (outcome !== 'nothing') pending = undefined;
        return outcome;
      },
      stop: () => iterator.return?.(),
    };
  };
  const send = async (to: string, subject: string) => {
    const sent = await session.ask(teacher, SEND, { input: { to: [personOf(to)], subject, body: '<p>Un mot</p>' } });
    expect(sent.errors).toBeUndefined();
    return sent.data.sendMessage.id as string;
  };
  const freshLogin = async (login: string) => {
    const account = hub.logins.find((l) => l.login === login)!;
    const result = await loginFlow({ routerUrl: hub.router.publicUrl, idp: account.idp, login, password: account.password, transport: 'bearer' });
    if (result.kind !== 'bearer') throw new Error('login failed');
    return result.token;
  };
  /** Every page a test opened, closed after it whatever its outcome. */
  const opened: (() => unknown)[] = [];
  const settle = () => new Promise((r) => setTimeout(r, 400));

  beforeAll(async () => {
    hub = await startEmbeddedHub({
      dataDir: mkdtempSync(join(tmpdir(), 'hub-live-')),
      ...(await testHubOptions()),
      routerOverrides: { subgraphTimeoutMs: SUBGRAPH_TIMEOUT_MS, liveStreams: { maxStreamsPerSession: 2, checkEveryMs: 200 } },
      // The notification worker runs only when a test says (its notifications would be updates too).
      notifications: { schedule: { tickMs: 0, detect: false } },
    });
    session = hubSession(hub);
    const { data } = await session.ask('lea.martin', '{ me { ... on Student { classes { teachers { id } } } } }');
    teacher = hub.logins.find((l) => l.personId === data.me.classes[0].teachers[0].id)!.login;
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((close) => close()));
    await settle();
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('a message reaches the guardian’s open page at once, with her unread count; her daughter’s page hears nothing', async () => {
    const before = (await session.ask('sophie.martin', UNREAD)).data.mailbox.unreadCount as number;
    const mother = follow(await session.token('sophie.martin'));
    const daughter = follow(await session.token('lea.martin'));
    await settle();
    await send('sophie.martin', 'Sortie de jeudi');
    expect(await mother.next()).toEqual({ data: { viewerUpdates: { changes: ['MESSAGES'], unreadNotifications: 0, unreadMessages: before + 1 } } });
    expect(await daughter.next(1000)).toBe('nothing');
    await mother.stop();
    await daughter.stop();
  });

  it('a notification reaches the page too, with the unread count; marking it read elsewhere lowers it', async () => {
    const page = follow(await session.token('sophie.martin'));
    await settle();
    const before = (await session.ask('sophie.martin', '{ viewer { unreadNotifications } }')).data.viewer.unreadNotifications as number;
    await send('sophie.martin', 'Réunion');
    expect(await page.next()).toMatchObject({ data: { viewerUpdates: { changes: ['MESSAGES'] } } });
    // The worker turns the message into a notification (in the app at once, by default).
    await hub.notifications.worker.tick();
    const after = (await session.ask('sophie.martin', '{ viewer { unreadNotifications } }')).data.viewer.unreadNotifications as number;
    expect(after).toBeGreaterThan(before);
    expect(await page.next()).toMatchObject({ data: { viewerUpdates: { changes: ['NOTIFICATIONS'], unreadNotifications: after } } });
    await session.ask('sophie.martin', 'mutation { markNotificationsRead }');
    expect(await page.next()).toMatchObject({ data: { viewerUpdates: { changes: ['NOTIFICATIONS'], unreadNotifications: 0 } } });
    await page.stop();
  });

  it('reading the message in another tab lowers the count on this one', async () => {
    const id = await send('sophie.martin', 'Cantine');
    const page = follow(await session.token('sophie.martin'));
    await settle();
    const before = (await session.ask('sophie.martin', UNREAD)).data.mailbox.unreadCount as number;
    await session.ask('sophie.martin', `query Open($id: ID!) { message(id: $id) { id } }`, { id });
    expect(await page.next()).toMatchObject({ data: { viewerUpdates: { changes: ['MESSAGES'], unreadMessages: before - 1 } } });
    await page.stop();
  });

  it('a quiet stream outlives the subgraph timeout, and still speaks after it', async () => {
    const page = follow(await session.token('sophie.martin'));
    expect(await page.next(SUBGRAPH_TIMEOUT_MS * 2)).toBe('nothing');
    await send('sophie.martin', 'Plus tard');
    expect(await page.next()).toMatchObject({ data: { viewerUpdates: { changes: ['MESSAGES'] } } });
    await page.stop();
  });

  it('ending the session ends its streams within a second, saying why', async () => {
    const token = await freshLogin('sophie.martin');
    const page = follow(token);
    await settle();
    const own = await fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ viewer { session { id } } }' }),
    }).then((r) => r.json() as Promise<{ data: { viewer: { session: { id: string } } } }>);
    const ended = await fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation End($id: ID!) { endSession(id: $id) }', variables: { id: own.data.viewer.session.id } }),
    }).then((r) => r.json());
    expect(ended).toEqual({ data: { endSession: true } });
    const started = Date.now();
    // Updates sent before the end may come first (the notification of an earlier message, say).
    let last = await page.next(3000);
    while (typeof last === 'object' && 'data' in last) last = await page.next(3000);
    expect(last).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await page.next(1000)).toBe('ended');
  });

  it('closed pages give their place back, even for a person to whom nothing happens', async () => {
    const token = await freshLogin('lea.martin');
    const page = () => {
      const abort = new AbortController();
      const text = fetch(hub.router.graphqlUrl, {
        method: 'POST',
        signal: abort.signal,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: 'subscription { viewerUpdates { changes } }' }),
      })
        .then((r) => r.text())
        // Closing the page aborts the request, or the reading of its stream.
        .catch(() => '');
      return { text, close: () => abort.abort() };
    };
    // More pages than one person may hold at once (5 on the subgraph), opened and closed one after another.
    for (let i = 0; i < 7; i++) {
      const p = page();
      await settle();
      p.close();
      await new Promise((r) => setTimeout(r, 200));
    }
    const last = page();
    const outcome = await Promise.race([last.text, new Promise((r) => setTimeout(() => r('still open'), 1500))]);
    last.close();
    expect(outcome).toBe('still open');
  });

  it('a subscription over GET is refused: its operation would be in the URL', async () => {
    const url = `${hub.router.graphqlUrl}?query=${encodeURIComponent(UPDATES)}`;
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', authorization: `Bearer ${await session.token('sophie.martin')}`, 'x-graphql-csrf': '1' },
    });
    const text = await response.text();
    expect(text).toContain('METHOD_NOT_ALLOWED');
    expect(text).not.toContain('unreadMessages');
  });

  it('without a session there is no stream, and a session holds a bounded number', async () => {
    const anonymous = await fetch(hub.router.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: UPDATES }),
    });
    const text = await anonymous.text();
    expect(text).toContain('UNAUTHORIZED_FIELD_OR_TYPE');
    expect(text).not.toContain('unreadCount');

    const token = await freshLogin('thomas.martin');
    const pages = [follow(token), follow(token)];
    for (const p of pages) void p.next(100);
    await settle();
    const third = follow(token);
    expect(await third.next()).toMatchObject({ errors: [{ extensions: { code: 'TOO_MANY_STREAMS' } }] });
    await pages[0]!.stop();
    await settle();
    const again = follow(token);
    expect(await again.next(800)).toBe('nothing');
    await pages[1]!.stop();
    await again.stop();
  });
});
