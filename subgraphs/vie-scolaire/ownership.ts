import type { DateRange, VieScolaireClient } from '../../connectors/vie-scolaire/client.ts';
import type { SubmissionTarget } from '../../connectors/vie-scolaire/outbox.ts';
import { addDays } from './days.ts';

/** Absences a guardian may justify through the hub: the last 16 weeks and the coming week (an upstream answers at most 120 days). */
const ABSENCE_WINDOW = { from: -112, to: 7 };
/** Homework a pupil may tick or hand in: due within two months either side of today. */
const HOMEWORK_WINDOW = { from: -60, to: 59 };

const around = (today: string, window: { from: number; to: number }): DateRange => ({ from: addDays(today, window.from), to: addDays(today, window.to) });

/**
 * Whether the absence (or the homework) is one of this pupil's, as the school's own system says.
 * Ids are guessable (`A-{pupil}-{day}`, `T-{school}-{class}-…`), so an id taken from a mutation's
 * arguments is never trusted on its own: it must be in the pupil's own list. Throws (an
 * UpstreamError) when the school's system cannot say.
 */
export async function belongsToPupil(client: VieScolaireClient, target: SubmissionTarget, today: string): Promise<boolean> {
  if (target.kind === 'justification') {
    const events = (await client.lifeEvents(target.uai, [target.pupilId], around(today, ABSENCE_WINDOW))).get(target.pupilId);
    return !!events?.absences.some((a) => a.id === target.targetId);
  }
  const homework = (await client.homework(target.uai, [target.pupilId], around(today, HOMEWORK_WINDOW))).get(target.pupilId);
  return !!homework?.some((h) => h.id === target.targetId);
}

/** The check the outbox runs before forwarding anything (a submission accepted while the school could not say). */
export const submissionCheck = (client: VieScolaireClient, today: () => string) => (target: SubmissionTarget) => belongsToPupil(client, target, today());
