/**
 * The vie scolaire stand-in: one HTTP server per school (as one Pronote instance per school),
 * serving the API documented in connectors/vie-scolaire/README.md in the real dialect, with fault
 * knobs for the resilience tests and the benchmark.
 */
import type { AafStore } from '../../connectors/directory/aaf/store.ts';
import type { School } from '../../connectors/directory/model.ts';
import { listen, type RunningServer } from '../../lib/http-server.ts';
import { readBody } from '../../lib/read-body.ts';
import { PERIODS, SLOTS, frDate, schoolData, schoolDays, subjectAt, unit, type SchoolData } from './data.ts';

export interface Faults {
  latencyMs: number;
  /** Share of requests answered 503. */
  errorRate: number;
  /** Requests hang (never answered) while true: the slow-upstream case. */
  hang: boolean;
}

/**
 * What is entered in the school's system beyond the generated data, as a vie scolaire office
 * would (the notification tests enter an absence and watch it reach the families), and the lies
 * of a misbehaving upstream.
 */
export interface Edits {
  /** Absences entered: shown in `/api/vieScolaire` for their pupil and day. */
  absences: { id: string; pupilId: string; day: string; from: string; to: string }[];
  /** Ids of items no longer answered (an absence withdrawn, a lesson gone). */
  removed: Set<string>;
  /** Grade id → the value now answered (`'12,5'`): a grade corrected. */
  gradeValues: Map<string, string>;
  /** Every item of every list answered twice (an upstream repeating itself). */
  repeatItems: boolean;
}

export interface RunningVieScolaire extends RunningServer {
  uai: string;
  faults: Faults;
  edits: Edits;
  /**
   * Submissions received, by the hub's reference (a replayed one is answered, not duplicated);
   * `deliveries` counts how many times it was sent, replays included (the exactly-once tests).
   */
  submissions: Map<string, { id: string; kind: 'justification' | 'homework'; body: Record<string, unknown>; polled: number; deliveries: number }>;
  /** Homework ticked as done, `pupil|homework`. */
  done: Set<string>;
  /** Requests served, by path (the efficiency tests count upstream calls). */
  requests: Map<string, number>;
}

const isoOf = (fr: string | null) => (fr && /^\d{2}\/\d{2}\/\d{4}$/.test(fr) ? `${fr.slice(6, 10)}-${fr.slice(3, 5)}-${fr.slice(0, 2)}` : undefined);
const decimal = (n: number) => String(Math.round(n * 10) / 10).replace('.', ',');

function grades(data: SchoolData, pupilId: string) {
  const entry = data.pupils.get(pupilId);
  if (!entry) return [];
  return PERIODS.slice(0, 1).flatMap((period) =>
    data.subjects.flatMap((subject, s) =>
      [0, 1, 2].map((n) => {
        const key = `${pupilId}|${subject.code}|${period.id}|${n}`;
        const r = unit(key);
        const special = r < 0.04 ? '|1' : r < 0.06 ? '|2' : undefined;
        const outOf = n === 2 ? 10 : 20;
        const value = Math.round(unit(`${key}|v`) * outOf * 2) / 2;
        const day = 10 + ((s * 7 + n * 19) % 70);
        const date = new Date(Date.UTC(2026, 8, day));
        return {
          id: `N-${pupilId}-${subject.code}-${period.id}-${n}`,
          matiere: { code: subject.code, libelle: subject.label },
          note: special ?? decimal(value),
          bareme: String(outOf),
          coefficient: n === 1 ? '2' : '1',
          moyenne: decimal(outOf * (0.45 + unit(`${data.school.uai}|${entry.classCode}|${subject.code}|${n}`) * 0.2)),
          noteMax: decimal(outOf * 0.95),
          noteMin: decimal(outOf * 0.15),
          commentaire: r > 0.9 ? 'Très bon travail' : '',
          date: frDate(date.toISOString().slice(0, 10)),
          periode: period.id,
          estBonus: false,
          estFacultatif: n === 2 && unit(`${key}|f`) < 0.2,
          estRamenerSur20: n === 2,
        };
      }),
    ),
  );
}

function lessons(data: SchoolData, pupilId: string, from: string, to: string) {
  const entry = data.pupils.get(pupilId);
  if (!entry) return [];
  return schoolDays(from, to).flatMap((day) => {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    return SLOTS.flatMap(([start, end], slot) => {
      const subject = subjectAt(data, entry.classCode, weekday, slot);
      if (!subject) return [];
      const key = `${data.school.uai}|${entry.classCode}|${day}|${slot}`;
      const r = unit(key);
      return [
        {
          id: `C-${data.school.uai}-${entry.classCode}-${day}-${slot}`,
          debut: `${frDate(day)} ${start}`,
          fin: `${frDate(day)} ${end}`,
          matiere: { code: subject.code, libelle: subject.label },
          professeurs: data.teachers.get(`${entry.classCode}$${subject.code}`) ?? [],
          salles: [`B${100 + Math.floor(unit(`${key}|room`) * 40)}`],
          groupes: [],
          estAnnule: r < 0.04,
          statut: r < 0.04 ? 'Prof. absent' : r < 0.06 ? 'Cours modifié' : null,
          dispense: false,
          estDevoir: r > 0.97,
        },
      ];
    });
  });
}

/** Whether a class has homework in a subject due that day (about one subject-day in eight). */
const homeworkDue = (data: SchoolData, classCode: string, subjectCode: string, day: string) =>
  unit(`${data.school.uai}|${classCode}|${subjectCode}|${day}|taf`) < 0.12;

/**
 * The first homework due in a class each week is to be handed in online, besides one in five drawn:
 * every pupil has one to hand in within a week (the portal's tests rely on it), whatever the date.
 */
function firstOfItsWeek(data: SchoolData, classCode: string, subjectCode: string, day: string): boolean {
  const monday = new Date(`${day}T12:00:00Z`);
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
  const friday = new Date(monday);
  friday.setUTCDate(friday.getUTCDate() + 4);
  for (const weekDay of schoolDays(monday.toISOString().slice(0, 10), friday.toISOString().slice(0, 10))) {
    const first = data.subjects.find((subject) => homeworkDue(data, classCode, subject.code, weekDay));
    if (first) return weekDay === day && first.code === subjectCode;
  }
  return false;
}

function homework(data: SchoolData, pupilId: string, from: string, to: string, done: Set<string>, handedIn: Set<string>) {
  const entry = data.pupils.get(pupilId);
  if (!entry) return [];
  return schoolDays(from, to).flatMap((day) =>
    data.subjects
      .filter((subject) => homeworkDue(data, entry.classCode, subject.code, day))
      .map((subject) => {
        const given = new Date(`${day}T12:00:00Z`);
        given.setUTCDate(given.getUTCDate() - 3);
        const id = `T-${data.school.uai}-${entry.classCode}-${subject.code}-${day}`;
        return {
          id,
          matiere: { code: subject.code, libelle: subject.label },
          descriptif: `<p>Exercices <b>${1 + Math.floor(unit(`${day}|${subject.code}`) * 9)}</b> à ${10 + Math.floor(unit(`${day}|${subject.code}|b`) * 9)} p. ${20 + Math.floor(unit(day) * 200)}.</p><p><a href="https://lumni.fr/">Vidéo d'appui</a></p>`,
          donneLe: frDate(given.toISOString().slice(0, 10)),
          PourLe: frDate(day),
          TAFFait: done.has(`${pupilId}|${id}`) || unit(`${pupilId}|${subject.code}|${day}|done`) < 0.3,
          piecesJointes: [],
          rendu: {
            type: unit(`${subject.code}|${day}|rendu`) < 0.2 || firstOfItsWeek(data, entry.classCode, subject.code, day) ? 'fichier' : 'papier',
            effectue: handedIn.has(`${pupilId}|${id}`),
          },
        };
      }),
  );
}

function lifeEvents(data: SchoolData, pupilId: string, from: string, to: string) {
  const days = schoolDays(from, to);
  const absences = days
    .filter((day) => unit(`${pupilId}|${day}|abs`) < 0.03)
    .map((day) => {
      const justified = unit(`${pupilId}|${day}|just`) < 0.5;
      return {
        id: `A-${pupilId}-${day}`,
        dateDebut: `${frDate(day)} 08:00:00`,
        dateFin: `${frDate(day)} 12:10:00`,
        justifiee: justified,
        listeMotifs: justified ? ['Maladie'] : [],
        shouldParentsJustify: !justified,
        reglee: justified,
        nbHeures: '4',
      };
    });
  const retards = days
    .filter((day) => unit(`${pupilId}|${day}|ret`) < 0.03)
    .map((day) => ({
      id: `R-${pupilId}-${day}`,
      date: `${frDate(day)} 08:05:00`,
      duree: String(5 + Math.floor(unit(`${pupilId}|${day}|d`) * 15)),
      justifie: false,
      motif: '',
    }));
  const punitions = days
    .filter((day) => unit(`${pupilId}|${day}|pun`) < 0.005)
    .map((day) => ({ id: `P-${pupilId}-${day}`, titre: 'Retenue', motifs: ['Travail non fait'], donneur: 'M. le CPE', date: frDate(day), duree: '60' }));
  return { id: pupilId, absences, retards, punitions };
}

function lessonContents(data: SchoolData, classCode: string, from: string, to: string) {
  return schoolDays(from, to).flatMap((day) => {
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    return SLOTS.flatMap(([start], slot) => {
      const subject = subjectAt(data, classCode, weekday, slot);
      if (!subject) return [];
      return [
        {
          id: `S-${data.school.uai}-${classCode}-${day}-${slot}`,
          debut: `${frDate(day)} ${start}`,
          matiere: { code: subject.code, libelle: subject.label },
          titre: `Séance de ${subject.label.toLowerCase()}`,
          descriptif: '<p>Correction des exercices, puis cours.</p>',
          categorie: 'Cours',
          fichiers: [],
        },
      ];
    });
  });
}

/** Longest date range a request may ask for: an upstream guards itself too. */
const MAX_RANGE_DAYS = 120;

export async function startVieScolaireStandin(store: AafStore, school: School, port: number): Promise<RunningVieScolaire> {
  const data = schoolData(store, school);
  const faults: Faults = { latencyMs: 0, errorRate: 0, hang: false };
  const edits: Edits = { absences: [], removed: new Set(), gradeValues: new Map(), repeatItems: false };
  /** A list as the edits make it: withdrawn items gone, every item twice when the upstream repeats itself. */
  const edited = <T extends { id: string }>(items: T[]): T[] => {
    const kept = items.filter((item) => !edits.removed.has(item.id));
    return edits.repeatItems ? kept.flatMap((item) => [item, item]) : kept;
  };
  const enteredAbsences = (pupilId: string, from: string, to: string) =>
    edits.absences
      .filter((a) => a.pupilId === pupilId && from <= a.day && a.day <= to)
      .map((a) => ({
        id: a.id,
        dateDebut: `${frDate(a.day)} ${a.from}:00`,
        dateFin: `${frDate(a.day)} ${a.to}:00`,
        justifiee: false,
        listeMotifs: [],
        shouldParentsJustify: true,
        reglee: false,
        nbHeures: '2',
      }));
  const requests = new Map<string, number>();
  const submissions: RunningVieScolaire['submissions'] = new Map();
  const done = new Set<string>();
  /** Homework files received, `pupil|homework`: the homework then says it was handed in. */
  const handedIn = new Set<string>();

  /** A field of a request's JSON body as text: '' when absent or not a scalar (then nothing matches it). */
  const textOf = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
  /** Writes: justifications and homework are received, then validated the next time they are looked at. */
  const write = async (req: import('node:http').IncomingMessage, url: URL, send: (status: number, body: unknown) => void) => {
    const body = JSON.parse((await readBody(req, 4 * 1024 * 1024)) || '{}') as Record<string, unknown>;
    const justify = /^\/api\/absences\/([^/]+)\/justificatifs$/.exec(url.pathname);
    const handIn = /^\/api\/travailAFaire\/([^/]+)\/rendu$/.exec(url.pathname);
    const tick = /^\/api\/travailAFaire\/([^/]+)\/fait$/.exec(url.pathname);
    if (tick) {
      if (body.fait) done.add(`${textOf(body.eleve)}|${decodeURIComponent(tick[1]!)}`);
      else done.delete(`${textOf(body.eleve)}|${decodeURIComponent(tick[1]!)}`);
      return send(200, { ok: true });
    }
    if (!justify && !handIn) return send(404, { erreur: 'inconnu' });
    if (!data.pupils.has(textOf(body.eleve))) return send(400, { erreur: 'élève inconnu' });
    const ref = textOf(body.referenceExterne);
    const existing = submissions.get(ref);
    if (existing) {
      existing.deliveries++;
      return send(200, { id: existing.id, etat: 'recu' });
    }
    const id = `${justify ? 'J' : 'R'}-${submissions.size + 1}`;
    submissions.set(ref, { id, kind: justify ? 'justification' : 'homework', body, polled: 0, deliveries: 1 });
    if (handIn) handedIn.add(`${textOf(body.eleve)}|${decodeURIComponent(handIn[1]!)}`);
    return send(201, { id, etat: 'recu' });
  };

  const server = await listen(
    (req, res) => {
      const url = new URL(req.url ?? '/', 'http://pronote');
      requests.set(url.pathname, (requests.get(url.pathname) ?? 0) + 1);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      const answer = () => {
        if (faults.errorRate && Math.random() < faults.errorRate) return send(503, { erreur: 'Service indisponible' });
        const ids = (url.searchParams.get('eleves') ?? '').split(',').filter(Boolean);
        const from = isoOf(url.searchParams.get('du'));
        const to = isoOf(url.searchParams.get('au'));
        const ranged = req.method === 'GET' && !['/api/periodes', '/api/notes'].includes(url.pathname) && !url.pathname.startsWith('/api/justificatifs/');
        if (ranged && (!from || !to || from > to || (Date.parse(to) - Date.parse(from)) / 86_400_000 > MAX_RANGE_DAYS)) {
          return send(400, { erreur: `du/au manquants ou invalides (au plus ${MAX_RANGE_DAYS} jours)` });
        }
        if (req.method === 'POST') {
          write(req, url, send).catch(() => send(400, { erreur: 'requête invalide' }));
          return;
        }
        const justification = /^\/api\/justificatifs\/([^/]+)$/.exec(url.pathname);
        if (justification) {
          const entry = [...submissions.values()].find((s) => s.id === decodeURIComponent(justification[1]!));
          if (!entry) return send(404, { erreur: 'justificatif inconnu' });
          entry.polled++;
          return send(200, { id: entry.id, etat: 'accepte' });
        }
        switch (url.pathname) {
          case '/api/periodes':
            return send(200, { periodes: PERIODS.map(({ start: _s, end: _e, ...p }) => p) });
          case '/api/notes':
            return send(200, {
              eleves: ids
                .filter((id) => data.pupils.has(id))
                .map((id) => ({ id, devoirs: edited(grades(data, id)).map((g) => ({ ...g, note: edits.gradeValues.get(g.id) ?? g.note })) })),
            });
          case '/api/emploiDuTemps':
            return send(200, { eleves: ids.filter((id) => data.pupils.has(id)).map((id) => ({ id, cours: edited(lessons(data, id, from!, to!)) })) });
          case '/api/travailAFaire':
            return send(200, {
              eleves: ids.filter((id) => data.pupils.has(id)).map((id) => ({ id, devoirs: edited(homework(data, id, from!, to!, done, handedIn)) })),
            });
          case '/api/vieScolaire':
            return send(200, {
              eleves: ids
                .filter((id) => data.pupils.has(id))
                .map((id) => {
                  const events = lifeEvents(data, id, from!, to!);
                  return {
                    ...events,
                    absences: edited([...events.absences, ...enteredAbsences(id, from!, to!)]),
                    retards: edited(events.retards),
                    punitions: edited(events.punitions),
                  };
                }),
            });
          case '/api/cahierDeTextes': {
            const classes = (url.searchParams.get('classes') ?? '').split(',').filter((c) => school.classes.includes(c));
            return send(200, { classes: classes.map((code) => ({ code, seances: lessonContents(data, code, from!, to!) })) });
          }
          default:
            return send(404, { erreur: 'inconnu' });
        }
      };
      if (faults.hang) return; // never answered: the client's timeout must end it
      if (faults.latencyMs) setTimeout(answer, faults.latencyMs);
      else answer();
    },
    { port },
  );
  return { ...server, uai: school.uai, faults, edits, requests, submissions, done };
}
