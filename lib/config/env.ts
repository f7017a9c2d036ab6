/**
 * A process's configuration, read from its environment once at start and checked whole: every
 * variable is declared with what it must be (zod does the checking), and a bad one stops the process
 * with an error naming it, and every other bad one, with what was expected. A typo never becomes a
 * silent `NaN`, a silent `false` or a silent default.
 *
 * Each module that is configured declares its variables (`envSchema({...})`); a process merges the
 * schemas of the modules it runs (`mergeEnv`) and reads them once (`readEnv`). An empty variable is
 * an unset one (as `VAR= cmd` in a shell). A secret's value never appears in an error or a log.
 */
import { existsSync, statSync } from 'node:fs';
import { z } from 'zod';
import { HubError } from '../errors.ts';
import { LOG_LEVELS } from '../logger.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** One bad variable: its name, and what it should have been. */
export interface ConfigProblem {
  variable: string;
  expected: string;
  /** The value given, cut short; absent for a secret and for a missing variable. */
  got?: string;
  /** What the check said beyond `expected` (a file that does not parse, say); absent for a secret. */
  detail?: string;
}

/** The configuration is invalid: the process refuses to start. `problems` lists every bad variable. */
export class ConfigError extends HubError {
  static override readonly code = 'ERR_CONFIG';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(`invalid configuration: ${problems.map(describeProblem).join('; ')}`);
    this.problems = problems;
  }
}

function describeProblem(problem: ConfigProblem): string {
  const given = problem.got === undefined ? '' : `, got ${problem.got}`;
  const detail = problem.detail ? ` (${problem.detail})` : '';
  return `${problem.variable} must be ${problem.expected}${given}${detail}`;
}

/** How one variable is read. Build them with the helpers below, not by hand. */
export interface EnvVariable<T> {
  /** In errors: `NAME must be <expected>`. */
  readonly expected: string;
  /** Reads the variable `name` of `env`, or adds what is wrong with it to `problems`. */
  read(env: Env, name: string, problems: ConfigProblem[]): { ok: true; value: T } | { ok: false };
}

type Variables = Record<string, EnvVariable<unknown>>;

/** The values a schema's variables give, by variable name. */
export type EnvValues<V extends Variables> = { [K in keyof V]: V[K] extends EnvVariable<infer T> ? T : never };

/** A rule across variables (one required by another's value, say), run on those that read well. */
export type EnvCheck<V extends Variables> = (values: Partial<EnvValues<V>>) => ConfigProblem[];

export interface EnvSchema<V extends Variables> {
  readonly variables: V;
  readonly checks: readonly EnvCheck<V>[];
}

export function envSchema<V extends Variables>(variables: V, ...checks: EnvCheck<V>[]): EnvSchema<V> {
  return { variables, checks };
}

/** The schema of a process that runs several configured modules. */
export function mergeEnv<A extends Variables, B extends Variables>(a: EnvSchema<A>, b: EnvSchema<B>): EnvSchema<A & B> {
  const checks: EnvCheck<A & B>[] = [...a.checks, ...b.checks];
  return { variables: { ...a.variables, ...b.variables }, checks };
}

/** Reads every variable of `schema` from `env`; throws a ConfigError listing every bad one. */
export function readEnv<V extends Variables>(schema: EnvSchema<V>, env: Env): EnvValues<V> {
  const problems: ConfigProblem[] = [];
  const values: Partial<Record<keyof V, unknown>> = {};
  for (const [name, variable] of Object.entries(schema.variables)) {
    const read = variable.read(env, name, problems);
    if (read.ok) values[name as keyof V] = read.value;
  }
  const bad = new Set(problems.map((p) => p.variable));
  // A check names a variable that read well but does not fit the others; one that read badly is already listed.
  for (const check of schema.checks) problems.push(...check(values as Partial<EnvValues<V>>).filter((p) => !bad.has(p.variable)));
  if (problems.length) throw new ConfigError(problems);
  return values as EnvValues<V>;
}

/** Marks a custom issue whose message is a reason worth showing (`detail`), unlike zod's generic ones. */
const DETAIL = 'hubDetail';
const detail = (message: string) => ({ message, params: { [DETAIL]: true } });

const MAX_SHOWN = 80;
const shown = (raw: string) => JSON.stringify(raw.length > MAX_SHOWN ? `${raw.slice(0, MAX_SHOWN)}…` : raw);

// --- Variables -------------------------------------------------------------------------------

/** Unset (or empty) is allowed and gives `undefined`, or the default; or the variable is required. */
export type Presence<T> = { default: T } | { required: true } | { optional?: true };
type Given<T, P> = P extends { default: unknown } | { required: true } ? T : T | undefined;

/**
 * A variable whose set value `value` checks and converts; `expected` says what it must be. The one
 * place the three presences (default, required, optional) are built, and problems are worded.
 */
export function variable<T, P extends Presence<T>>(
  value: z.ZodType<T, z.ZodTypeDef, string>,
  expected: string,
  presence: P,
  options: { secret?: boolean } = {},
): EnvVariable<Given<T, P>> {
  return {
    expected,
    read(env, name, problems) {
      // Spaces around a value are a copy-paste accident, except in a secret, which is taken as given.
      const raw = options.secret ? env[name] : env[name]?.trim();
      if (raw === undefined || raw.trim() === '') {
        if ('required' in presence && presence.required) {
          problems.push({ variable: name, expected: `set to ${expected}` });
          return { ok: false };
        }
        // Without a default, the presence is optional and `Given` says `T | undefined`.
        return { ok: true, value: ('default' in presence ? presence.default : undefined) as Given<T, P> };
      }
      const result = value.safeParse(raw);
      if (result.success) return { ok: true, value: result.data };
      if (options.secret) {
        problems.push({ variable: name, expected });
      } else {
        // Our own reasons (a file that does not parse, say) say more than `expected`; zod's generic messages do not.
        const detail = result.error.issues.find((issue) => issue.code === z.ZodIssueCode.custom && issue.params?.[DETAIL])?.message;
        problems.push({ variable: name, expected, got: shown(raw), ...(detail ? { detail } : {}) });
      }
      return { ok: false };
    },
  };
}

export interface IntegerBounds {
  min?: number;
  max?: number;
}

function integerExpected({ min = 0, max = Number.MAX_SAFE_INTEGER }: IntegerBounds): string {
  if (max === Number.MAX_SAFE_INTEGER) return min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer of at least ${min}`;
  return `an integer from ${min} to ${max}`;
}

/** A whole number in `[min, max]` (0 and the largest safe integer by default), written in decimal digits. */
export function integer<P extends Presence<number>>(options: IntegerBounds & P): EnvVariable<Given<number, P>> {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = options;
  const value = z
    .string()
    .regex(/^[+-]?\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
  return variable(value, integerExpected(options), options);
}

/** A TCP port; 0 lets the system pick one (tests). */
export const port = (fallback: number) => integer({ min: 0, max: 65_535, default: fallback });

/** `true` or `false`, nothing else (a `yes` is a mistake, not a `false`). */
export function boolean<P extends Presence<boolean>>(options: P): EnvVariable<Given<boolean, P>> {
  return variable(
    z.enum(['true', 'false']).transform((v) => v === 'true'),
    'true or false',
    options,
  );
}

/** One of a fixed list of words. */
export function oneOf<const W extends readonly [string, ...string[]], P extends Presence<W[number]>>(words: W, options: P): EnvVariable<Given<W[number], P>> {
  const value: z.ZodType<W[number], z.ZodTypeDef, string> = z.string().refine((v): v is W[number] => (words as readonly string[]).includes(v));
  return variable(value, `one of ${words.join(', ')}`, options);
}

/** Free text (a host name, a folder). */
export function text<P extends Presence<string>>(options: P): EnvVariable<Given<string, P>> {
  return variable(z.string(), 'a non-empty text', options);
}

/** A comma-separated list; blank items are dropped, each item is checked by `item`. */
export function list<T, P extends Presence<T[]>>(item: z.ZodType<T, z.ZodTypeDef, string>, itemExpected: string, options: P): EnvVariable<Given<T[], P>> {
  const value = z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));
  return variable(value, `a comma-separated list of ${itemExpected}`, options);
}

/** An absolute URL of one of `protocols` (http and https by default). */
export function url<P extends Presence<string>>(options: P & { protocols?: string[] }): EnvVariable<Given<string, P>> {
  const protocols = options.protocols ?? ['http:', 'https:'];
  const value = z
    .string()
    .url()
    .refine(
      (v) => !URL.canParse(v) || protocols.includes(new URL(v).protocol),
      detail(`the scheme must be ${protocols.map((p) => p.replace(/:$/, '')).join(' or ')}`),
    );
  return variable(value, `an absolute ${protocols.map((p) => p.replace(/:$/, '')).join(' or ')} URL`, options);
}

/** A secret of at least `minBytes` bytes. Never defaulted, never shown. */
export function secret<P extends { required: true } | { optional?: true }>(options: P & { minBytes: number }): EnvVariable<Given<string, P>> {
  const value = z.string().refine((v) => Buffer.byteLength(v) >= options.minBytes);
  return variable(value, `a secret of at least ${options.minBytes} bytes`, options, { secret: true });
}

/** The path of a file that exists. */
/** The path of an existing file (a variable's value, or one entry of a `list`). */
export const existingFilePath = z.string().refine((path) => existsSync(path) && statSync(path).isFile(), detail('no such file'));

export function file<P extends Presence<string>>(options: P): EnvVariable<Given<string, P>> {
  return variable(existingFilePath, 'the path of an existing file', options);
}

/**
 * A value read by an existing parser of the code base (a JSON file loader, say): what it throws
 * becomes the problem's detail, so the variable is named and the parser's reason kept.
 */
export function parsedBy<T, P extends Presence<T>>(parse: (raw: string) => T, expected: string, options: P): EnvVariable<Given<T, P>> {
  const value = z.string().transform((raw, ctx): T => {
    try {
      return parse(raw);
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, ...detail(error instanceof Error ? error.message : String(error)) });
      return z.NEVER;
    }
  });
  return variable(value, expected, options);
}

/** JSON text whose value `shape` checks (a map of UAI to URL, say). */
export function json<T, P extends Presence<T>>(shape: z.ZodType<T, z.ZodTypeDef, unknown>, expected: string, options: P): EnvVariable<Given<T, P>> {
  const value = z
    .string()
    .transform((raw, ctx): unknown => {
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        ctx.addIssue({ code: z.ZodIssueCode.custom, ...detail('not JSON') });
        return z.NEVER;
      }
    })
    .pipe(shape);
  return variable(value, expected, options);
}

/**
 * Every variable named `PREFIX<NAME>` (declare it as `PREFIX`, e.g. `ROUTER_SUBGRAPH_URL_`): their values by `<name>`
 * (lower-cased, `_` becoming `-`), each read as `member`.
 */
export function family<T>(member: EnvVariable<T | undefined>): EnvVariable<Record<string, T>> {
  return {
    expected: member.expected,
    read(env, name, problems) {
      const members: Record<string, T> = {};
      let ok = true;
      for (const key of Object.keys(env)) {
        if (!key.startsWith(name) || key === name) continue;
        const read = member.read(env, key, problems);
        if (!read.ok) ok = false;
        else if (read.value !== undefined) members[key.slice(name.length).toLowerCase().replaceAll('_', '-')] = read.value;
      }
      return ok ? { ok: true, value: members } : { ok: false };
    },
  };
}

// --- What every process reads ----------------------------------------------------------------

/** Variables every process of the hub reads. */
export const COMMON_ENV = envSchema({
  NODE_ENV: oneOf(['production', 'development', 'test'], {}),
  HUB_LOG_LEVEL: oneOf(LOG_LEVELS, {}),
});

/** The router's and every subgraph's: the key of the signed viewer context. */
export const VIEWER_CONTEXT_ENV = envSchema({
  HUB_VIEWER_CONTEXT_SECRET: secret({ required: true, minBytes: 32 }),
});
