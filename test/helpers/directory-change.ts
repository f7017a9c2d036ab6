import type { EmbeddedHub } from '../../hub/embedded-hub.ts';
import { until } from './until.ts';

/**
 * Runs `write` (a change of the directory's tables: an import, an UPDATE) and returns what it
 * returned once the hub has heard of it, as every process of a deployment does milliseconds after
 * the commit: from then on, its subgraphs' directory cache has forgotten what it held. A `write`
 * that changes nothing is never heard: the wait fails, saying so.
 */
export async function directoryChange<T>(hub: Pick<EmbeddedHub, 'answerChanges'>, write: () => Promise<T>): Promise<T> {
  let heard = false;
  const stop = hub.answerChanges.onChange((change) => {
    if (change.kind === 'directory') heard = true;
  });
  try {
    const result = await write();
    await until(async () => heard, 5000, 10).catch(() => {
      throw new Error('the hub did not hear of the directory change within 5 s (did the write change anything?)');
    });
    return result;
  } finally {
    stop();
  }
}
