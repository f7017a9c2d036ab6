/**
 * BENCH_PROFILE=DIR: a router of the benchmark records a V8 CPU profile of its whole run and writes
 * it to DIR/router-<id>.cpuprofile when stopped. The same for the three routers, so that (a) and (b)
 * can be compared function by function (`npx tsx bench/profile-summary.ts DIR/router-a.cpuprofile
 * DIR/router-b.cpuprofile`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/** Starts profiling when BENCH_PROFILE names a folder; the returned function writes the profile (a no-op otherwise). */
export async function profileIfAsked(routerId: 'a' | 'b' | 'c'): Promise<() => Promise<void>> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return async () => undefined;
  const session = new Session();
  session.connect();
  const post = <T>(method: string) =>
    new Promise<T>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = await post<{ profile: unknown }>('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `router-${routerId}.cpuprofile`), JSON.stringify(profile));
  };
}
