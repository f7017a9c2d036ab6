import type { DateRange, VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import type { SubmissionKind, SubmissionTarget } from '../../store/outbox/item.ts';
import { addDays } from '../../lib/iso-days.ts';

/** Absences a guardian may justify through the hub: the last 16 weeks and the coming week (an upstream answers at most 120 days). */
const ABSENCE_WINDOW = { from: -112, to: 7 };
/** Homework a pupil may tick or hand in: due within two months either side of today. */
const HOMEWORK_WINDOW = { from: -60, to: 59 };

/**
 * The days whose absences (or homework) a mutation may act on: the one range read to check that an
 * id is the pupil's. One range per kind and day, so every check of a request, and of the next
 * minutes' requests, is the same read (the data source's cache and batching).
 */
export function ownershipRange(kind: SubmissionKind, today: string): DateRange {
  const window = kind === 'justification' ? ABSENCE_WINDOW : HOMEWORK_WINDOW;
  return { from: addDays(today, window.from), to: addDays(today, window.to) };
}

/**
 * Whether the absence (or the homework) is one of this pupil's, asking the school's system directly:
 * the outbox's check before forwarding a submission accepted while the school could not say (no
 * viewer then; a request checks through its data source instead, see resolvers.ts `ownTarget`).
 * Ids are guessable (`A-{pupil}-{day}`, `T-{school}-{class}-…`), so an id is never trusted on its
 * own: it must be in the pupil's own list. Throws (an UpstreamError) when the school's system cannot say.
 */
export async function belongsToPupil(client: VieScolaireClient, target: SubmissionTarget, today: string): Promise<boolean> {
  const range = ownershipRange(target.kind, today);
  if (target.kind === 'justification') {
    const events = (await client.lifeEvents(target.uai, [target.pupilId], range)).get(target.pupilId);
    return !!events?.absences.some((a) => a.id === target.targetId);
  }
  const homework = (await client.homework(target.uai, [target.pupilId], range)).get(target.pupilId);
  return !!homework?.some((h) => h.id === target.targetId);
}

/** The check the outbox runs before forwarding anything (a submission accepted while the school could not say). */
export const submissionCheck = (client: VieScolaireClient, today: () => string) => (target: SubmissionTarget) => belongsToPupil(client, target, today());
