import type { AnswerChanges } from '../../store/answer-changes.ts';
import { until } from './until.ts';

/**
 * Runs `write` (a change of the directory's tables: an import, an UPDATE) and returns what it
 * returned once `changes` (a hub's, `hub.answerChanges`) has heard of it, as every process of a
 * deployment does milliseconds after the commit: from then on, the directory caches it feeds have
 * forgotten what they held. A `write`
 * that changes nothing is never heard: the wait fails, saying so.
 */
export async function directoryChange<T>(changes: Pick<AnswerChanges, 'onChange'>, write: () => Promise<T>): Promise<T> {
  let heard = false;
  const stop = changes.onChange((change) => {
    if (change.kind === 'directory') heard = true;
  });
  try {
    const result = await write();
    await until(async () => heard, 5000, 10).catch(() => {
      throw new Error('the directory change was not heard within 5 s (did the write change anything?)');
    });
    return result;
  } finally {
    stop();
  }
}
