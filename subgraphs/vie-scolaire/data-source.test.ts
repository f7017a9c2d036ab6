import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { DateRange, Lesson, VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import type { Viewer } from '../../lib/viewer-context.ts';
import { coveringRanges, createDataSource, UpstreamBudgets, VieScolaireCache } from './data-source.ts';
import { addDays, daysBetween } from '../../lib/iso-days.ts';

const UAI = '0750001A';
const pupil = (id: string): Viewer => ({ kind: 'person', personId: id, profile: 'student', scopes: [], policies: [] });

/** A client whose timetable has one lesson a day for every pupil asked, and which records each call. */
function recordingClient() {
  const calls: { ids: string[]; range: DateRange; caller?: string }[] = [];
  const client = {
    async timetable(_uai: string, ids: readonly string[], range: DateRange, options: { caller?: string } = {}) {
      calls.push({ ids: [...ids], range, caller: options.caller });
      const lessons = (id: string): Lesson[] =>
        Array.from({ length: daysBetween(range.from, range.to) + 1 }, (_, i) => {
          const day = addDays(range.from, i);
          return {
            id: `${id}-${day}`,
            pupilId: id,
            start: `${day}T08:00:00+01:00`,
            end: `${day}T09:00:00+01:00`,
            subject: { code: 'M', label: 'Maths' },
            teachers: [],
            rooms: [],
            groups: [],
            canceled: false,
            exempted: false,
            test: false,
          };
        });
      return new Map(ids.map((id) => [id, lessons(id)]));
    },
  };
  return { client: client as unknown as VieScolaireClient, calls };
}

const days = (answer: unknown) => ((answer as { known: true; value: Lesson[] }).value ?? []).map((l) => l.start.slice(0, 10));

describe('vie scolaire data source', () => {
  it('fetches overlapping ranges of one request as one covering range, and gives each its own slice', async () => {
    const { client, calls } = recordingClient();
    const data = createDataSource(client, new VieScolaireCache(), new UpstreamBudgets().forRequest(pupil('p1')));
    const ranges = [
      { from: '2026-11-23', to: '2026-11-25' },
      { from: '2026-11-24', to: '2026-11-30' },
      { from: '2026-12-10', to: '2026-12-10' },
    ];
    const answers = await Promise.all(ranges.map((range) => data.timetable.load({ uai: UAI, pupilId: 'p1', range })));
    expect(calls).toEqual([{ ids: ['p1'], range: { from: '2026-11-23', to: '2026-12-10' }, caller: 'person:p1' }]);
    expect(days(answers[0])).toEqual(['2026-11-23', '2026-11-24', '2026-11-25']);
    expect(days(answers[1])).toHaveLength(7);
    expect(days(answers[2])).toEqual(['2026-12-10']);
  });

  it('never covers more than the upstream’s 120 days: ranges further apart are separate calls', () => {
    const covers = coveringRanges([
      { from: '2026-01-01', to: '2026-01-02' },
      { from: '2026-04-01', to: '2026-04-30' }, // within 120 days of January 1st
      { from: '2026-05-05', to: '2026-05-06' }, // not any more
      { from: '2027-01-01', to: '2027-01-01' },
    ]);
    expect(covers).toEqual([
      { from: '2026-01-01', to: '2026-04-30' },
      { from: '2026-05-05', to: '2026-05-06' },
      { from: '2027-01-01', to: '2027-01-01' },
    ]);
    for (const cover of covers) expect(daysBetween(cover.from, cover.to)).toBeLessThanOrEqual(120);
  });

  it('caps the upstream calls of one request: the excess fails with UPSTREAM_BUDGET_EXCEEDED, the rest is served', async () => {
    const { client, calls } = recordingClient();
    const data = createDataSource(client, new VieScolaireCache(), new UpstreamBudgets({ perRequest: 2 }).forRequest(pupil('p1')));
    const ranges = [0, 1, 2, 3].map((i) => ({ from: addDays('2026-01-01', i * 200), to: addDays('2026-01-01', i * 200) }));
    const answers = await Promise.allSettled(ranges.map((range) => data.timetable.load({ uai: UAI, pupilId: 'p1', range })));
    expect(calls).toHaveLength(2);
    expect(answers.filter((a) => a.status === 'fulfilled')).toHaveLength(2);
    const refused = answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected').map((a) => a.reason as GraphQLError);
    expect(refused).toHaveLength(2);
    expect(refused[0]!.extensions).toMatchObject({ code: 'UPSTREAM_BUDGET_EXCEEDED', limit: 'request' });
  });

  it('caps one viewer’s calls over a window, across requests, without touching another viewer', async () => {
    const { client, calls } = recordingClient();
    const budgets = new UpstreamBudgets({ perRequest: 10, perViewer: 3 });
    const cache = new VieScolaireCache();
    const ask = (viewer: Viewer, i: number) =>
      createDataSource(client, cache, budgets.forRequest(viewer)).timetable.load({
        uai: UAI,
        pupilId: viewer.personId!,
        range: { from: addDays('2026-01-01', i * 200), to: addDays('2026-01-01', i * 200) },
      });
    const first = await Promise.allSettled([0, 1, 2, 3, 4].map((i) => ask(pupil('attacker'), i)));
    expect(first.filter((a) => a.status === 'rejected').map((a) => (a.reason as GraphQLError).extensions.limit)).toEqual(['viewer', 'viewer']);
    expect(calls).toHaveLength(3);
    await expect(ask(pupil('someone-else'), 0)).resolves.toMatchObject({ known: true });
  });
});
