import { startEmbeddedHub } from './hub/embedded-hub.ts';
import { loginFlow } from './hub/login-flow.ts';
import { FREE_PORTS } from './test/helpers/free-ports.ts';
import { OPERATIONS } from './bench/workload.ts';
import { mkdtempSync } from 'node:fs';
const hub = await startEmbeddedHub({ dataDir: mkdtempSync('/tmp/hubrace-'), ...FREE_PORTS, today: () => '2026-11-23' });
const guardians = hub.logins.filter(l => l.profile === 'guardian').slice(0, 30);
const sessions = await Promise.all(guardians.map(async g => ({ g, token: ((await loginFlow({ routerUrl: hub.router.publicUrl, idp: g.idp, login: g.login, password: g.password, transport: 'bearer' })) as any).token })));
const q = OPERATIONS.guardian.query;
let errors = 0, total = 0;
await Promise.all(Array.from({ length: 8 }, async () => {
  for (let i = 0; i < 40; i++) {
    const s = sessions[Math.floor(Math.random() * sessions.length)]!;
    const r = await fetch(hub.router.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` }, body: JSON.stringify({ query: q }) });
    const j = await r.json() as any; total++;
    if (j.errors) { errors++; if (errors < 4) console.log(s.g.login, s.g.personId, JSON.stringify(j.errors).slice(0, 600), JSON.stringify(j.data).slice(0,200)); }
  }
}));
console.log('errors', errors, 'of', total);
await hub.stop();
