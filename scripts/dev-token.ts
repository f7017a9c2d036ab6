/**
 * `npm run -s dev:token -- LOGIN`: prints, on stdout alone, a bearer session token for a demo account
 * of the running embedded hub (`npm start`), obtained through the real login flow against the
 * embedded identity provider. For scripts, tests and benchmarks; refuses to run in production.
 *
 * HUB_URL (default http://localhost:4000) says where the hub runs; HUB_DATA_DIR (`.hub-data`) and
 * HUB_DEMO_PASSWORD_SEED are those of `npm start`. Checked whole before anything runs.
 */
import { readEmbeddedAcademie } from '../tooling/academie/embedded.ts';
import { DEFAULT_DEMO_PASSWORD_SEED } from '../hub/embedded-hub.ts';
import { loginFlow } from '../hub/login-flow.ts';
import { demoAccounts } from '../standins/identity-provider/demo-accounts.ts';
import { COMMON_ENV, ConfigError, envSchema, mergeEnv, readEnv, text, url } from '../lib/config/env.ts';

const DEV_TOKEN_ENV = mergeEnv(
  COMMON_ENV,
  envSchema({
    HUB_URL: url({ default: 'http://localhost:4000' }),
    HUB_DATA_DIR: text({ default: '.hub-data' }),
    HUB_DEMO_PASSWORD_SEED: text({ default: DEFAULT_DEMO_PASSWORD_SEED }),
  }),
);

// A declaration (not an arrow), so that the type checker knows nothing runs after a call.
function fail(message: string, code = 1): never {
  process.stderr.write(`dev:token: ${message}\n`);
  process.exit(code);
}

const config = (() => {
  try {
    return readEnv(DEV_TOKEN_ENV, process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
})();
if (config.NODE_ENV === 'production') fail('refusing to run in production mode (NODE_ENV=production)');
const login = process.argv[2] ?? fail('usage: npm run -s dev:token -- LOGIN', 2);
const hubUrl = config.HUB_URL.replace(/\/$/, '');

const academie = await readEmbeddedAcademie(config.HUB_DATA_DIR);
const { logins } = demoAccounts(academie.store, academie.demo, {
  seed: config.HUB_DEMO_PASSWORD_SEED,
  issuerSecrets: { educonnect: 'unused', agents: 'unused' },
});
const account = logins.find((l) => l.login === login) ?? fail(`no demo account "${login}" (npm start lists them)`);
const result = await loginFlow({ routerUrl: hubUrl, idp: account.idp, login, password: account.password, transport: 'bearer' }).catch((error: unknown) =>
  fail(`cannot log in at ${hubUrl} (is \`npm start\` running?): ${(error as Error).message}`),
);
if (result.kind !== 'bearer')
  fail(`login refused: ${result.kind === 'refused' ? `${result.status} ${result.body.replace(/<[^>]+>/g, ' ').trim()}` : result.kind}`);
process.stdout.write(`${result.token}\n`);
