import { envSchema, integer, readEnv, type Env } from '../../lib/config/env.ts';

/** The right of access's settings (docs/privacy.md). */
export const DATA_EXPORT_ENV = envSchema({
  /** How long a download link works once given out (it works once). */
  HUB_DATA_EXPORT_LINK_MINUTES: integer({ min: 1, max: 60, default: 15 }),
  /** How long a produced export waits for its download before it is deleted. */
  HUB_DATA_EXPORT_KEEP_HOURS: integer({ min: 1, max: 24 * 7, default: 24 }),
  /** Exports one person may ask for in 24 hours (for themselves and their children together). */
  HUB_DATA_EXPORTS_PER_DAY: integer({ min: 1, max: 100, default: 3 }),
});

export interface DataExportConfig {
  linkMs: number;
  keepMs: number;
  perDay: number;
}

export const DEFAULT_DATA_EXPORT: DataExportConfig = dataExportConfigFromEnv({});

export function dataExportConfigFromEnv(env: Env): DataExportConfig {
  const v = readEnv(DATA_EXPORT_ENV, env);
  return { linkMs: v.HUB_DATA_EXPORT_LINK_MINUTES * 60_000, keepMs: v.HUB_DATA_EXPORT_KEEP_HOURS * 3_600_000, perDay: v.HUB_DATA_EXPORTS_PER_DAY };
}
