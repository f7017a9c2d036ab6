import { createServer, type Server } from 'node:http';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { VieScolaireClient, type FreshAnswer } from './client.ts';
import { UpstreamPool } from './upstream.ts';

/** A grade as the upstream writes it. */
const grade = (id: string, note: string, libelle: unknown = 'Mathématiques') => ({
  id,
  matiere: { code: 'MATHS', libelle },
  note,
  bareme: '20',
  coefficient: '1',
  date: '12/11/2026',
  periode: 'T1',
});

/** A school's system that answers a grade list with one grade the dialect cannot read (or the grades given). */
async function lyingSystem(devoirs?: ReturnType<typeof grade>[]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ eleves: [{ id: 'p1', devoirs: devoirs ?? [grade('D1', '12,5'), grade('D2', 'douze'), grade('D3', '|1')] }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('vie scolaire client', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(() => Promise.all(cleanup.map((c) => c())));

  it('serves what parses, drops what does not, and counts the dropped items as a metric by school and kind', async () => {
    const system = await lyingSystem();
    const upstreams = new UpstreamPool({ '0751000E': system.url });
    cleanup.push(system.close, () => upstreams.close());
    const metrics = new Registry();
    const client = new VieScolaireClient(upstreams, { metrics });
    const rejected = async () =>
      (await metrics.getMetricsAsJSON())
        .find((m) => m.name === 'hub_vie_scolaire_items_rejected_total')
        ?.values.find((v) => v.labels.school === '0751000E' && v.labels.kind === 'grade')?.value;

    expect(await rejected()).toBe(0); // the series exists before anything goes wrong
    const grades = await client.grades('0751000E', ['p1']);
    expect(grades.get('p1')?.map((g) => g.id)).toEqual(['D1', 'D3']);
    expect(await rejected()).toBe(1);
    await client.grades('0751000E', ['p1']);
    expect(await rejected()).toBe(2);
  });

  it('drops an item with an object where text belongs, rather than serving "[object Object]"', async () => {
    const system = await lyingSystem([grade('D1', '12,5'), grade('D2', '14', { texte: 'Mathématiques' })]);
    const upstreams = new UpstreamPool({ '0751000E': system.url });
    cleanup.push(system.close, () => upstreams.close());
    const client = new VieScolaireClient(upstreams, { metrics: new Registry() });
    const grades = await client.grades('0751000E', ['p1']);
    expect(grades.get('p1')?.map((g) => g.id)).toEqual(['D1']);
  });

  it('calls a submission answer without id or known state a dialect error, with its stable code', async () => {
    const server: Server = createServer((_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ etat: 'recu' })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const upstreams = new UpstreamPool({ '0751000E': `http://127.0.0.1:${(server.address() as { port: number }).port}` });
    cleanup.push(
      () => new Promise((r) => server.close(() => r())),
      () => upstreams.close(),
    );
    const client = new VieScolaireClient(upstreams, { metrics: new Registry() });
    await expect(client.justifyAbsence('0751000E', { pupilId: 'p1', absenceId: 'A1', reason: 'malade', clientRef: 'ref-1' })).rejects.toMatchObject({
      name: 'DialectError',
      code: 'ERR_VIE_SCOLAIRE_DIALECT',
    });
  });

  it('tells its observer of each read the school answered (whose, what, which days), never of a failed one, and an observer’s bug fails no read', async () => {
    let refuse = false;
    const server: Server = createServer((_req, res) => {
      if (refuse) res.writeHead(400, { 'content-type': 'text/plain' }).end('refused');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ eleves: [{ id: 'p1', absences: [], retards: [], punitions: [] }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const upstreams = new UpstreamPool({ '0751000E': `http://127.0.0.1:${(server.address() as { port: number }).port}` });
    cleanup.push(
      () => new Promise((r) => server.close(() => r())),
      () => upstreams.close(),
    );
    const told: FreshAnswer[] = [];
    const client = new VieScolaireClient(upstreams, { onFresh: (answer) => told.push(answer) });
    const range = { from: '2026-11-10', to: '2026-11-25' };
    await client.lifeEvents('0751000E', ['p1', 'p2'], range, { caller: 'person:g1' });
    await client.lifeEvents('0751000E', ['p1'], range);
    expect(told).toEqual([
      { uai: '0751000E', kind: 'lifeEvents', subjects: ['p1', 'p2'], range, caller: 'person:g1' },
      { uai: '0751000E', kind: 'lifeEvents', subjects: ['p1'], range },
    ]);
    refuse = true;
    await expect(client.lifeEvents('0751000E', ['p1'], range, { caller: 'person:g1' })).rejects.toMatchObject({ name: 'UpstreamError' });
    expect(told).toHaveLength(2);

    refuse = false;
    const clumsy = new VieScolaireClient(upstreams, {
      onFresh: () => {
        throw new Error('observer bug');
      },
    });
    expect((await clumsy.lifeEvents('0751000E', ['p1'], range, { caller: 'person:g1' })).get('p1')?.absences).toEqual([]);
  });
});
