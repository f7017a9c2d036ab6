import { DialectError, parseFrenchDate, parseFrenchDateTime, parseGrade, parseOptionalDecimal, sanitizeHtml, toFrenchDate, type GradeKind } from './dialect.ts';
import { Counter, type Registry } from 'prom-client';
import type { CallOptions, UpstreamPool } from './upstream.ts';

export interface Subject {
  code: string;
  label: string;
}

export interface Period {
  id: string;
  name: string;
  start: string;
  end: string;
}

export interface Grade {
  id: string;
  pupilId: string;
  subject: Subject;
  value?: number;
  kind?: GradeKind;
  outOf: number;
  coefficient: number;
  classAverage?: number;
  classMax?: number;
  classMin?: number;
  comment?: string;
  date: string;
  periodId: string;
  bonus: boolean;
  optional: boolean;
  scaleTo20: boolean;
}

export interface Absence {
  id: string;
  /** The school whose system holds it (set by the hub, not sent by the upstream). */
  uai?: string;
  pupilId: string;
  start: string;
  end: string;
  justified: boolean;
  reasons: string[];
  parentsShouldJustify: boolean;
  settled: boolean;
  hoursMissed: number;
}

export interface Lateness {
  id: string;
  pupilId: string;
  at: string;
  minutes: number;
  justified: boolean;
  reason?: string;
}

export interface Punishment {
  id: string;
  pupilId: string;
  title: string;
  reasons: string[];
  givenBy: string;
  date: string;
  durationMinutes?: number;
}

export interface Attachment {
  name: string;
  url: string;
}

export interface Homework {
  id: string;
  /** The school whose system holds it (set by the hub, not sent by the upstream). */
  uai?: string;
  pupilId: string;
  subject: Subject;
  descriptionHtml: string;
  givenOn: string;
  dueOn: string;
  done: boolean;
  attachments: Attachment[];
  returnKind?: 'PAPER' | 'FILE';
  submitted: boolean;
}

export interface Lesson {
  id: string;
  pupilId: string;
  start: string;
  end: string;
  subject: Subject;
  teachers: string[];
  rooms: string[];
  groups: string[];
  canceled: boolean;
  status?: string;
  exempted: boolean;
  test: boolean;
}

export interface LessonContent {
  id: string;
  classCode: string;
  start: string;
  subject: Subject;
  title: string;
  descriptionHtml: string;
  category?: string;
  files: Attachment[];
}

export interface LifeEvents {
  absences: Absence[];
  lateness: Lateness[];
  punishments: Punishment[];
}

/** A file sent upstream (a justification's attachment, a homework). */
export interface UpstreamFile {
  name: string;
  contentType: string;
  base64: string;
}

/** What the school's system says of a submission: received, or validated by the vie scolaire office. */
export type SubmissionState = 'received' | 'accepted' | 'rejected';

export interface DateRange {
  /** `yyyy-MM-dd`, inclusive. */
  from: string;
  to: string;
}

/** Longest date range (`du`..`au`, in days) the upstream answers; it refuses more. */
export const MAX_RANGE_DAYS = 120;

const dayOf = (isoDateOrTime: string) => isoDateOrTime.slice(0, 10);
const dayWithin = (isoDateOrTime: string, range: DateRange) => range.from <= dayOf(isoDateOrTime) && dayOf(isoDateOrTime) <= range.to;

/**
 * What part of an answer for a wider range belongs to a narrower one, as the upstream filters by
 * `du`/`au`: lessons and cahier de textes entries by their day, homework by its due day, absences
 * when they meet the range, lateness and punishments by their day. So the hub can ask once for a
 * range covering several asked in one request, and give each its slice.
 */
export const sliceToRange = {
  timetable: (lessons: Lesson[], range: DateRange): Lesson[] => lessons.filter((l) => dayWithin(l.start, range)),
  homework: (items: Homework[], range: DateRange): Homework[] => items.filter((h) => dayWithin(h.dueOn, range)),
  lessonContents: (items: LessonContent[], range: DateRange): LessonContent[] => items.filter((c) => dayWithin(c.start, range)),
  lifeEvents: (events: LifeEvents, range: DateRange): LifeEvents => ({
    absences: events.absences.filter((a) => dayOf(a.start) <= range.to && dayOf(a.end) >= range.from),
    lateness: events.lateness.filter((l) => dayWithin(l.at, range)),
    punishments: events.punishments.filter((p) => dayWithin(p.date, range)),
  }),
};

type Json = Record<string, unknown>;
/** A date range as the upstream's query string wants it (`du`, `au`: dd/MM/yyyy). */
const inFrench = (range: DateRange) => ({ du: toFrenchDate(range.from), au: toFrenchDate(range.to) });
/** A JSON scalar as text (the upstream writes some codes as numbers); an object or array where text belongs is a lie. */
const str = (v: unknown): string | undefined => {
  if (v === undefined || v === null) return undefined;
  // NUL is no text, and PostgreSQL refuses it (in text and jsonb), where the hub keeps what it read.
  if (typeof v === 'string') return v.replaceAll('\u0000', '\uFFFD');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new DialectError(`expected text, got ${Array.isArray(v) ? 'an array' : typeof v}`);
};
const req = (v: unknown, what: string): string => {
  const s = str(v);
  if (!s) throw new DialectError(`missing ${what}`);
  return s;
};
const bool = (v: unknown) => v === true || v === 'true' || v === 1;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v : []).map((item) => str(String(item))!);
const subjectOf = (v: unknown): Subject => ({
  code: req((v as Json)?.code, 'matiere.code'),
  label: str((v as Json)?.libelle) ?? req((v as Json)?.code, 'matiere.code'),
});
const attachments = (v: unknown): Attachment[] =>
  list(v).flatMap((a) => {
    const url = str(a.url);
    return url && /^https?:\/\//.test(url) ? [{ name: str(a.nom) ?? url, url }] : [];
  });

/** The kinds of item the client parses one by one (the `kind` label of the rejected items metric). */
const ITEM_KINDS = ['period', 'grade', 'absence', 'lateness', 'punishment', 'homework', 'lesson', 'lesson-content'] as const;
type ItemKind = (typeof ITEM_KINDS)[number];

/** The reads a `FreshAnswer` names: the client's read methods. */
export type FreshKind = 'periods' | 'grades' | 'lifeEvents' | 'homework' | 'timetable' | 'lessonContents';

/** A read the school's system just answered (not served from any cache: every read of this client is an upstream call). */
export interface FreshAnswer {
  uai: string;
  kind: FreshKind;
  /** The pupils (or, for `lessonContents`, the classes) asked about; none for `periods`. */
  subjects: readonly string[];
  /** The days asked (none for `periods` and `grades`, read whole). */
  range?: DateRange;
  /** Whose read it was (`CallOptions.caller`); undefined for the hub's own unattributed reads. */
  caller?: string;
}

export interface VieScolaireClientOptions {
  metrics?: Registry;
  /**
   * Told after each read the school's system answered and the client parsed (never after a failed
   * one). A generic observer: what it does (the notifications' early poll) is the composition
   * root's business. Called synchronously; it must not throw, and should not wait.
   */
  onFresh?: (answer: FreshAnswer) => void;
}

/**
 * Reads a school's vie scolaire system (see README.md for the API). Calls are per school and
 * batched over pupils (`eleves=a,b,c`), so a request for several pupils costs one call per school
 * and kind of data. Each item is parsed with the dialect; one that does not parse is dropped and
 * counted (`hub_vie_scolaire_items_rejected_total`, by school and kind, on the `metrics` registry),
 * and the rest is served.
 */
export class VieScolaireClient {
  readonly #rejected: Counter<'school' | 'kind'> | undefined;
  readonly #onFresh: ((answer: FreshAnswer) => void) | undefined;

  constructor(
    readonly upstreams: UpstreamPool,
    options: VieScolaireClientOptions = {},
  ) {
    this.#onFresh = options.onFresh;
    if (options.metrics) {
      this.#rejected = new Counter({
        name: 'hub_vie_scolaire_items_rejected_total',
        help: 'Items a school’s vie scolaire system sent that did not parse (dropped, the rest served), by school and kind.',
        // Both bounded: the configured schools, and the kinds above.
        labelNames: ['school', 'kind'],
        registers: [options.metrics],
      });
      for (const school of upstreams.schools) for (const kind of ITEM_KINDS) this.#rejected.inc({ school, kind }, 0);
    }
  }

  /** A parsed answer, told to the observer (whose failure is not the read's). */
  #fresh<T>(answer: FreshAnswer, options: CallOptions, value: T): T {
    if (!this.#onFresh) return value;
    try {
      this.#onFresh(options.caller === undefined ? answer : { ...answer, caller: options.caller });
    } catch {
      // An observer's bug never fails a person's read.
    }
    return value;
  }

  #items<T>(uai: string, kind: ItemKind, raw: Json[], parse: (item: Json) => T): T[] {
    return raw.flatMap((item) => {
      try {
        return [parse(item)];
      } catch {
        this.#rejected?.inc({ school: uai, kind });
        return [];
      }
    });
  }

  /** Entries keyed by one of their fields (a pupil's `id`, a class's `code`); an entry without it is skipped. */
  #byKey<T>(entries: unknown, key: string, build: (entry: Json, id: string) => T): Map<string, T> {
    const out = new Map<string, T>();
    for (const entry of list(entries)) {
      const id = str(entry[key]);
      if (id) out.set(id, build(entry, id));
    }
    return out;
  }

  /** `{ eleves: [{ id, <field>: [...] }] }` → per pupil. */
  #perPupil<T>(uai: string, kind: ItemKind, body: unknown, field: string, parse: (item: Json, pupilId: string) => T): Map<string, T[]> {
    return this.#byKey((body as Json)?.eleves, 'id', (pupil, id) => this.#items(uai, kind, list(pupil[field]), (item) => parse(item, id)));
  }

  async periods(uai: string, options: CallOptions = {}): Promise<Period[]> {
    const body = await this.upstreams.get(uai).get('/api/periodes', {}, options);
    const periods = this.#items(uai, 'period', list((body as Json)?.periodes), (p) => ({
      id: req(p.id, 'periode.id'),
      name: str(p.nom) ?? req(p.id, 'periode.id'),
      start: parseFrenchDate(req(p.dateDebut, 'dateDebut')),
      end: parseFrenchDate(req(p.dateFin, 'dateFin')),
    }));
    return this.#fresh({ uai, kind: 'periods', subjects: [] }, options, periods);
  }

  async grades(uai: string, pupilIds: readonly string[], options: CallOptions = {}): Promise<Map<string, Grade[]>> {
    const body = await this.upstreams.get(uai).get('/api/notes', { eleves: pupilIds.join(',') }, options);
    const answer = this.#perPupil(uai, 'grade', body, 'devoirs', (d, pupilId) => ({
      id: req(d.id, 'devoir.id'),
      pupilId,
      subject: subjectOf(d.matiere),
      ...parseGrade(req(d.note, 'note')),
      outOf: parseOptionalDecimal(str(d.bareme), 'bareme') ?? 20,
      coefficient: parseOptionalDecimal(str(d.coefficient), 'coefficient') ?? 1,
      classAverage: parseOptionalDecimal(str(d.moyenne), 'moyenne'),
      classMax: parseOptionalDecimal(str(d.noteMax), 'noteMax'),
      classMin: parseOptionalDecimal(str(d.noteMin), 'noteMin'),
      comment: str(d.commentaire) || undefined,
      date: parseFrenchDate(req(d.date, 'date')),
      periodId: req(d.periode, 'periode'),
      bonus: bool(d.estBonus),
      optional: bool(d.estFacultatif),
      scaleTo20: bool(d.estRamenerSur20),
    }));
    return this.#fresh({ uai, kind: 'grades', subjects: pupilIds }, options, answer);
  }

  async lifeEvents(uai: string, pupilIds: readonly string[], range: DateRange, options: CallOptions = {}): Promise<Map<string, LifeEvents>> {
    const body = await this.upstreams.get(uai).get('/api/vieScolaire', { eleves: pupilIds.join(','), ...inFrench(range) }, options);
    const answer = this.#byKey((body as Json)?.eleves, 'id', (pupil, pupilId): LifeEvents => ({
      absences: this.#items(uai, 'absence', list(pupil.absences), (a) => ({
        id: req(a.id, 'absence.id'),
        pupilId,
        start: parseFrenchDateTime(req(a.dateDebut, 'dateDebut')),
        end: parseFrenchDateTime(req(a.dateFin, 'dateFin')),
        justified: bool(a.justifiee),
        reasons: strings(a.listeMotifs),
        parentsShouldJustify: bool(a.shouldParentsJustify),
        settled: bool(a.reglee),
        hoursMissed: parseOptionalDecimal(str(a.nbHeures), 'nbHeures') ?? 0,
      })),
      lateness: this.#items(uai, 'lateness', list(pupil.retards), (r) => ({
        id: req(r.id, 'retard.id'),
        pupilId,
        at: parseFrenchDateTime(req(r.date, 'date')),
        minutes: parseOptionalDecimal(str(r.duree), 'duree') ?? 0,
        justified: bool(r.justifie),
        reason: str(r.motif) || undefined,
      })),
      punishments: this.#items(uai, 'punishment', list(pupil.punitions), (p) => ({
        id: req(p.id, 'punition.id'),
        pupilId,
        title: req(p.titre, 'titre'),
        reasons: strings(p.motifs),
        givenBy: str(p.donneur) ?? '',
        date: parseFrenchDate(req(p.date, 'date')),
        durationMinutes: parseOptionalDecimal(str(p.duree), 'duree'),
      })),
    }));
    return this.#fresh({ uai, kind: 'lifeEvents', subjects: pupilIds, range }, options, answer);
  }

  async homework(uai: string, pupilIds: readonly string[], range: DateRange, options: CallOptions = {}): Promise<Map<string, Homework[]>> {
    const body = await this.upstreams.get(uai).get('/api/travailAFaire', { eleves: pupilIds.join(','), ...inFrench(range) }, options);
    const answer = this.#perPupil(uai, 'homework', body, 'devoirs', (d, pupilId): Homework => {
      const rendu = d.rendu as Json | undefined;
      const kind = str(rendu?.type);
      return {
        id: req(d.id, 'devoir.id'),
        pupilId,
        subject: subjectOf(d.matiere),
        descriptionHtml: sanitizeHtml(str(d.descriptif) ?? ''),
        givenOn: parseFrenchDate(req(d.donneLe, 'donneLe')),
        dueOn: parseFrenchDate(req(d.PourLe, 'PourLe')),
        done: bool(d.TAFFait),
        attachments: attachments(d.piecesJointes),
        returnKind: kind === 'papier' ? 'PAPER' : kind === 'fichier' ? 'FILE' : undefined,
        submitted: bool(rendu?.effectue),
      };
    });
    return this.#fresh({ uai, kind: 'homework', subjects: pupilIds, range }, options, answer);
  }

  async timetable(uai: string, pupilIds: readonly string[], range: DateRange, options: CallOptions = {}): Promise<Map<string, Lesson[]>> {
    const body = await this.upstreams.get(uai).get('/api/emploiDuTemps', { eleves: pupilIds.join(','), ...inFrench(range) }, options);
    const answer = this.#perPupil(uai, 'lesson', body, 'cours', (c, pupilId) => ({
      id: req(c.id, 'cours.id'),
      pupilId,
      start: parseFrenchDateTime(req(c.debut, 'debut')),
      end: parseFrenchDateTime(req(c.fin, 'fin')),
      subject: subjectOf(c.matiere),
      teachers: strings(c.professeurs),
      rooms: strings(c.salles),
      groups: strings(c.groupes),
      canceled: bool(c.estAnnule),
      status: str(c.statut) || undefined,
      exempted: bool(c.dispense),
      test: bool(c.estDevoir),
    }));
    return this.#fresh({ uai, kind: 'timetable', subjects: pupilIds, range }, options, answer);
  }

  /** Sends a guardian's justification of an absence. Not retried here: the outbox retries. */
  async justifyAbsence(
    uai: string,
    submission: { pupilId: string; absenceId: string; reason: string; comment?: string; attachment?: UpstreamFile; clientRef: string },
  ): Promise<{ upstreamId: string; state: SubmissionState }> {
    const body = await this.upstreams.get(uai).post(`/api/absences/${encodeURIComponent(submission.absenceId)}/justificatifs`, {
      eleve: submission.pupilId,
      motif: submission.reason,
      commentaire: submission.comment ?? '',
      pieceJointe: submission.attachment
        ? { nom: submission.attachment.name, type: submission.attachment.contentType, contenuBase64: submission.attachment.base64 }
        : null,
      // The hub's id: the upstream answers the same justification again instead of making a second one.
      referenceExterne: submission.clientRef,
    });
    return submissionAnswer(body);
  }

  /** Where a justification stands upstream (the vie scolaire office validates it later). */
  async justificationState(uai: string, upstreamId: string): Promise<SubmissionState> {
    return submissionAnswer(await this.upstreams.get(uai).get(`/api/justificatifs/${encodeURIComponent(upstreamId)}`)).state;
  }

  /** A pupil ticks a homework as done (or not); `options.caller` is the pupil (their own lane upstream). */
  async markHomeworkDone(uai: string, pupilId: string, homeworkId: string, done: boolean, options: CallOptions = {}): Promise<void> {
    await this.upstreams.get(uai).post(`/api/travailAFaire/${encodeURIComponent(homeworkId)}/fait`, { eleve: pupilId, fait: done }, options);
  }

  /** A pupil hands in a homework file. Not retried here: the outbox retries. */
  async submitHomework(
    uai: string,
    submission: { pupilId: string; homeworkId: string; file: UpstreamFile; clientRef: string },
  ): Promise<{ upstreamId: string; state: SubmissionState }> {
    const body = await this.upstreams.get(uai).post(`/api/travailAFaire/${encodeURIComponent(submission.homeworkId)}/rendu`, {
      eleve: submission.pupilId,
      fichier: { nom: submission.file.name, type: submission.file.contentType, contenuBase64: submission.file.base64 },
      referenceExterne: submission.clientRef,
    });
    return submissionAnswer(body);
  }

  async lessonContents(uai: string, classCodes: readonly string[], range: DateRange, options: CallOptions = {}): Promise<Map<string, LessonContent[]>> {
    const body = await this.upstreams.get(uai).get('/api/cahierDeTextes', { classes: classCodes.join(','), ...inFrench(range) }, options);
    const answer = this.#byKey((body as Json)?.classes, 'code', (klass, classCode) =>
      this.#items(uai, 'lesson-content', list(klass.seances), (s): LessonContent => ({
        id: req(s.id, 'seance.id'),
        classCode,
        start: parseFrenchDateTime(req(s.debut, 'debut')),
        subject: subjectOf(s.matiere),
        title: str(s.titre) ?? '',
        descriptionHtml: sanitizeHtml(str(s.descriptif) ?? ''),
        category: str(s.categorie) || undefined,
        files: attachments(s.fichiers),
      })),
    );
    return this.#fresh({ uai, kind: 'lessonContents', subjects: classCodes, range }, options, answer);
  }
}

const STATES: Record<string, SubmissionState> = { recu: 'received', accepte: 'accepted', refuse: 'rejected' };

function submissionAnswer(body: unknown): { upstreamId: string; state: SubmissionState } {
  const upstreamId = str((body as Json)?.id);
  const state = STATES[str((body as Json)?.etat) ?? ''];
  if (!upstreamId || !state) throw new DialectError('the vie scolaire system answered a submission without id or known state');
  return { upstreamId, state };
}
