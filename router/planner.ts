/**
 * Which query planner the router runs. The native one (Rust, `@graphql-hive/router-runtime`) is the
 * one the hub is built and measured with: it passes every case of the federation conformance suite
 * (graphql-hive/federation-gateway-audit, 199 of 199), the JavaScript one 191. So the JavaScript
 * planner runs only when asked for (`ROUTER_PLANNER=javascript`), or, when the native one cannot
 * load, if the fallback is allowed (`ROUTER_PLANNER_FALLBACK=allow`, the default outside
 * production). A production router whose native planner cannot load refuses to start rather than
 * serve the graph differently without anyone deciding it. `/ready` and the startup log say which
 * planner runs, and why.
 */
import type { UnifiedGraphHandler } from '@graphql-hive/gateway-runtime';
import { HubError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

export const PLANNERS = ['native', 'javascript'] as const;
export type QueryPlanner = (typeof PLANNERS)[number];

export const PLANNER_FALLBACKS = ['allow', 'refuse'] as const;
export type PlannerFallback = (typeof PLANNER_FALLBACKS)[number];

/** Loads the native planner's entry point, as the gateway runtime takes it (tests inject one that fails). */
export type NativePlannerLoader = () => Promise<UnifiedGraphHandler>;

export const loadNativePlanner: NativePlannerLoader = async () => (await import('@graphql-hive/router-runtime')).unifiedGraphHandler;

/** What runs, and why: `configured` (asked for), or `native-unavailable` (the fallback). */
export type PlannerStatus = { planner: 'native' } | { planner: 'javascript'; why: 'configured' | 'native-unavailable' };

export interface ChosenPlanner {
  status: PlannerStatus;
  /** The gateway runtime's `unifiedGraphHandler`: the native planner, or undefined for its JavaScript one. */
  handler?: UnifiedGraphHandler;
}

/** The native planner cannot load and the configuration does not allow the JavaScript one. */
export class PlannerUnavailableError extends HubError {
  static override readonly code = 'ERR_PLANNER_UNAVAILABLE';
}

export async function choosePlanner(
  config: { planner: QueryPlanner; plannerFallback: PlannerFallback },
  log: Logger,
  load: NativePlannerLoader = loadNativePlanner,
): Promise<ChosenPlanner> {
  if (config.planner === 'javascript') return { status: { planner: 'javascript', why: 'configured' } };
  try {
    return { status: { planner: 'native' }, handler: await load() };
  } catch (error) {
    if (config.plannerFallback === 'refuse') {
      throw new PlannerUnavailableError(
        `the native query planner cannot load (${(error as Error).message}); refusing to start on the JavaScript planner unless asked: set ROUTER_PLANNER=javascript or ROUTER_PLANNER_FALLBACK=allow`,
        { cause: error },
      );
    }
    log.warn({ err: error, planner: 'javascript' }, 'native query planner unavailable: running on the JavaScript planner (ROUTER_PLANNER_FALLBACK=allow)');
    return { status: { planner: 'javascript', why: 'native-unavailable' } };
  }
}
