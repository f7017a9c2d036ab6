import type { Absence, FreshKind, Grade, Homework, Lateness, Lesson, Punishment, VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import { addDays } from '../../lib/iso-days.ts';
import { diffPupil, type Change, type DayRange, type Observed, type Seen } from './diff.ts';
import type { EventKind } from './model.ts';

/** An event the detector found, before it is stored: what happened to which pupil, and what a notification says of it. */
export interface DetectedEvent {
  kind: EventKind;
  pupilId: string;
  /** The same change seen twice is one event: its kind, school, pupil, item and new state. */
  key: string;
  details: Record<string, unknown>;
}

/**
 * One kind of vie scolaire data the detector watches: which days it reads (by today's date in
 * Europe/Paris), how it reads them (one call per batch of pupils), how each item is identified
 * and fingerprinted, and which changes are events.
 */
interface WatchedData<T> {
  kind: string;
  /** The client's read it polls: a person's fresh read of it asks for an early poll (fresh-reads.ts). */
  source: FreshKind;
  /** The days read; grades are not read by date (the whole year, one range that never moves). */
  range(today: string): DayRange;
  read(client: VieScolaireClient, uai: string, pupilIds: readonly string[], range: DayRange): Promise<Map<string, Observed<T>[]>>;
  events(change: Change<T>, context: { uai: string; pupilId: string }): DetectedEvent[];
  /** Events due by the calendar rather than by a change (homework due tomorrow), for items already known. */
  reminders?(items: readonly Observed<T>[], context: { uai: string; pupilId: string; today: string }): DetectedEvent[];
}

const key = (...parts: string[]) => parts.join('|');
const lessonDay = (iso: string) => iso.slice(0, 10);
const ALL_YEAR: DayRange = { from: '0000-01-01', to: '9999-12-31' };

const grades: WatchedData<Grade> = {
  kind: 'grades',
  source: 'grades',
  range: () => ALL_YEAR,
  async read(client, uai, pupilIds) {
    const byPupil = await client.grades(uai, pupilIds);
    return new Map(
      [...byPupil].map(([pupil, list]) => [
        pupil,
        list.map((g) => ({ id: g.id, day: '', fingerprint: `${g.value ?? g.kind ?? ''}/${g.outOf}/${g.coefficient}`, item: g })),
      ]),
    );
  },
  events(change, { uai, pupilId }) {
    if (change.change === 'removed') return [];
    const g = change.item;
    const details = { subject: g.subject.label, value: g.value ?? null, special: g.kind ?? null, outOf: g.outOf, date: g.date, comment: null };
    const kind = change.change === 'added' ? 'grade' : 'grade-changed';
    return [{ kind, pupilId, key: key(kind, uai, pupilId, change.id, change.fingerprint), details }];
  },
};

type LifeItem = { absence: Absence } | { lateness: Lateness } | { punishment: Punishment };

const lifeEvents: WatchedData<LifeItem> = {
  kind: 'life-events',
  source: 'lifeEvents',
  // Tomorrow too: absences of today are covered by yesterday's polls already (the day just begun is
  // not « new » to the hub), and absences entered ahead are rare.
  range: (today) => ({ from: addDays(today, -14), to: addDays(today, 1) }),
  async read(client, uai, pupilIds, range) {
    const byPupil = await client.lifeEvents(uai, pupilIds, range);
    return new Map(
      [...byPupil].map(([pupil, events]) => [
        pupil,
        [
          ...events.absences.map((a) => ({ id: `absence:${a.id}`, day: lessonDay(a.start), fingerprint: `${a.start}/${a.end}`, item: { absence: a } })),
          ...events.lateness.map((l) => ({ id: `lateness:${l.id}`, day: lessonDay(l.at), fingerprint: `${l.at}/${l.minutes}`, item: { lateness: l } })),
          ...events.punishments.map((p) => ({ id: `punishment:${p.id}`, day: p.date, fingerprint: `${p.date}/${p.title}`, item: { punishment: p } })),
        ],
      ]),
    );
  },
  events(change, { uai, pupilId }) {
    if (change.change === 'removed') {
      if (!change.id.startsWith('absence:')) return [];
      return [{ kind: 'absence-canceled', pupilId, key: key('absence-canceled', uai, pupilId, change.id, change.fingerprint), details: { day: change.day } }];
    }
    const item = change.item;
    // A change of an absence's times is the same absence, corrected: said again, as a change.
    if ('absence' in item) {
      return [
        {
          kind: 'absence',
          pupilId,
          key: key('absence', uai, pupilId, change.id, change.fingerprint),
          details: { start: item.absence.start, end: item.absence.end, corrected: change.change === 'changed' },
        },
      ];
    }
    if (change.change !== 'added') return [];
    if ('lateness' in item) {
      return [{ kind: 'lateness', pupilId, key: key('lateness', uai, pupilId, change.id), details: { at: item.lateness.at, minutes: item.lateness.minutes } }];
    }
    return [
      { kind: 'punishment', pupilId, key: key('punishment', uai, pupilId, change.id), details: { title: item.punishment.title, date: item.punishment.date } },
    ];
  },
};

const homework: WatchedData<Homework> = {
  kind: 'homework',
  source: 'homework',
  range: (today) => ({ from: today, to: addDays(today, 14) }),
  async read(client, uai, pupilIds, range) {
    const byPupil = await client.homework(uai, pupilIds, range);
    return new Map([...byPupil].map(([pupil, list]) => [pupil, list.map((h) => ({ id: h.id, day: h.dueOn, fingerprint: h.dueOn, item: h }))]));
  },
  events(change, { uai, pupilId }) {
    if (change.change !== 'added') return [];
    return [
      { kind: 'homework', pupilId, key: key('homework', uai, pupilId, change.id), details: { subject: change.item.subject.label, dueOn: change.item.dueOn } },
    ];
  },
  reminders(items, { uai, pupilId, today }) {
    const tomorrow = addDays(today, 1);
    return items
      .filter((o) => o.item.dueOn === tomorrow && !o.item.done && !o.item.submitted)
      .map((o) => ({
        kind: 'homework-due' as const,
        pupilId,
        key: key('homework-due', uai, pupilId, o.id, o.item.dueOn),
        details: { subject: o.item.subject.label, dueOn: o.item.dueOn },
      }));
  },
};

const timetable: WatchedData<Lesson> = {
  kind: 'timetable',
  source: 'timetable',
  range: (today) => ({ from: today, to: addDays(today, 1) }),
  async read(client, uai, pupilIds, range) {
    const byPupil = await client.timetable(uai, pupilIds, range);
    return new Map(
      [...byPupil].map(([pupil, list]) => [
        pupil,
        list.map((l) => ({ id: l.id, day: lessonDay(l.start), fingerprint: `${l.start}/${l.end}/${l.rooms.join(',')}/${l.canceled ? 'X' : ''}`, item: l })),
      ]),
    );
  },
  events(change, { uai, pupilId }) {
    if (change.change === 'removed') {
      return [{ kind: 'lesson-canceled', pupilId, key: key('lesson-canceled', uai, pupilId, change.id), details: { day: change.day } }];
    }
    const l = change.item;
    const details = { subject: l.subject.label, start: l.start, end: l.end, rooms: l.rooms, status: l.status ?? null };
    if (l.canceled) return [{ kind: 'lesson-canceled', pupilId, key: key('lesson-canceled', uai, pupilId, change.id), details }];
    return [{ kind: 'lesson-moved', pupilId, key: key('lesson-moved', uai, pupilId, change.id, change.fingerprint), details }];
  },
};

/** One kind of data read for a batch of pupils, ready to be compared pupil by pupil. */
export interface Reading {
  /** The pupils the school's system answered for (one it left out is not compared: nothing of theirs « disappeared »). */
  readonly pupils: readonly string[];
  /** `changes`: what changed since the last poll; `reminders`: what the calendar brings (homework due tomorrow), not a sign of a lying upstream. */
  compare(
    pupilId: string,
    previous: Seen | undefined,
    covered: { before: DayRange | undefined; now: DayRange },
    today: string,
  ): { changes: DetectedEvent[]; reminders: DetectedEvent[]; next: Seen };
}

export interface Watcher {
  readonly kind: string;
  readonly source: FreshKind;
  range(today: string): DayRange;
  read(client: VieScolaireClient, uai: string, pupilIds: readonly string[], range: DayRange): Promise<Reading>;
}

function watch<T>(data: WatchedData<T>): Watcher {
  return {
    kind: data.kind,
    source: data.source,
    range: (today) => data.range(today),
    async read(client, uai, pupilIds, range) {
      const byPupil = await data.read(client, uai, pupilIds, range);
      return {
        pupils: [...byPupil.keys()],
        compare(pupilId, previous, covered, today) {
          const observed = byPupil.get(pupilId) ?? [];
          const { changes, next } = diffPupil(previous, observed, covered);
          // Reminders only of items seen before: a first sight is a baseline, not a flood.
          const reminders =
            previous && data.reminders
              ? data.reminders(
                  observed.filter((o) => previous[o.id]),
                  { uai, pupilId, today },
                )
              : [];
          return { changes: changes.flatMap((change) => data.events(change, { uai, pupilId })), reminders, next };
        },
      };
    },
  };
}

/** Every kind of data the detector watches, each polled once per school and interval. */
export const WATCHERS: readonly Watcher[] = [watch(grades), watch(lifeEvents), watch(homework), watch(timetable)];
