import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../lib/logger.ts';
import type { LoginError } from '../../connectors/sso/errors.ts';
import { SESSION_PROFILES, type SessionStore } from '../../store/sessions/session.ts';

/**
 * `hub_sessions_active{profile}`: sessions used within the idle timeout, read from the session store
 * at each scrape (one query for a shared store; every instance reports the same figure).
 */
export function registerSessionMetrics(registry: Registry, sessions: SessionStore, idleMs: number, log: Logger): void {
  const gauge: Gauge<'profile'> = new Gauge({
    name: 'hub_sessions_active',
    help: 'Hub sessions used within the idle timeout, by profile.',
    labelNames: ['profile'],
    registers: [registry],
    collect: async () => {
      try {
        const counts = await sessions.countActive(idleMs);
        for (const profile of SESSION_PROFILES) gauge.set({ profile }, counts[profile] ?? 0);
      } catch (error) {
        log.warn({ err: error }, 'active sessions not counted for the metrics');
      }
    },
  });
}

/** How a login ended: a session, or the reason it was refused (a closed list: bounded label values). */
export type LoginOutcome = 'success' | LoginError['reason'];

/** `hub_logins_total{outcome}`: logins completed, and refused by reason. */
export function loginCounter(registry: Registry): (outcome: LoginOutcome) => void {
  const counter = new Counter({
    name: 'hub_logins_total',
    help: 'Logins through /auth: success, or the reason of the refusal.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  counter.inc({ outcome: 'success' }, 0);
  return (outcome) => counter.inc({ outcome });
}
