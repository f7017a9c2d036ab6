/**
 * Everything the vie scolaire process reads (README), checked whole before anything starts: its own
 * variables, its quotas and upstream budgets, how calendar feeds are served, the resilience settings of the connector, its metrics
 * listener, and the directory backend's (the perimeter is decided from the same directory).
 */
import { z } from 'zod';
import { COMMON_ENV, envSchema, integer, json, mergeEnv, port, text, url, VIEWER_CONTEXT_ENV } from '../../lib/config/env.ts';
import { REQUIRED_DATABASE_ENV } from '../../store/database.ts';
import { DIRECTORY_BACKEND_ENV } from '../directory/backend.ts';
import { UPSTREAM_BUDGET_ENV } from './data-source.ts';
import { VIE_SCOLAIRE_METRICS_ENV } from './metrics.ts';
import { QUOTAS_ENV } from './quotas.ts';
import { FEED_SERVING_ENV } from './calendar/feed-route.ts';
// Shared with the store's daily purge (store/retention/), which applies it to the outbox table.
import { OUTBOX_RETENTION_ENV } from '../../store/retention/config.ts';

/** `VIE_SCOLAIRE_UPSTREAMS`: each school's system, by UAI. */
const upstreams = z.record(z.string().min(1), z.string().url()).refine((map) => Object.keys(map).length > 0, { message: 'no school' });

/** Where each school's system is: the subgraph and the notifications' worker read the same variable. */
export const VIE_SCOLAIRE_UPSTREAMS_ENV = envSchema({
  VIE_SCOLAIRE_UPSTREAMS: json(upstreams, 'a JSON object {"UAI": "https://…"} naming each school’s system', { required: true }),
});

const VIE_SCOLAIRE_OWN_ENV = mergeEnv(
  VIE_SCOLAIRE_UPSTREAMS_ENV,
  envSchema({
    VIE_SCOLAIRE_DATA_DIR: text({ default: '.hub-data' }),
    VIE_SCOLAIRE_CALENDAR_BASE_URL: url({}),
    VIE_SCOLAIRE_HOST: text({}),
    VIE_SCOLAIRE_PORT: port(4004),
    // The connector's per-viewer bulkhead and the breaker's spread; its defaults where unset.
    VIE_SCOLAIRE_MAX_CONCURRENT_PER_VIEWER: integer({ min: 1, max: 1000 }),
    VIE_SCOLAIRE_MAX_QUEUED_PER_VIEWER: integer({ min: 1, max: 10_000 }),
    VIE_SCOLAIRE_BREAKER_MIN_CALLERS: integer({ min: 1, max: 1000 }),
  }),
);

/** The hub's database: the outbox and the calendar feeds are there, shared by every instance. */
const VIE_SCOLAIRE_DATABASE_ENV = REQUIRED_DATABASE_ENV;

export const VIE_SCOLAIRE_PROCESS_ENV = mergeEnv(
  mergeEnv(mergeEnv(COMMON_ENV, VIEWER_CONTEXT_ENV), mergeEnv(mergeEnv(VIE_SCOLAIRE_OWN_ENV, OUTBOX_RETENTION_ENV), VIE_SCOLAIRE_METRICS_ENV)),
  mergeEnv(mergeEnv(QUOTAS_ENV, UPSTREAM_BUDGET_ENV), mergeEnv(mergeEnv(FEED_SERVING_ENV, DIRECTORY_BACKEND_ENV), VIE_SCOLAIRE_DATABASE_ENV)),
);
