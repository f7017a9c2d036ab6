import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabaseUrl } from '../test/helpers/database.ts';
import { startNodeProcess, type ChildHandle } from '../test/helpers/child-process.ts';
import { TEST_VIEWER_SECRET } from '../test/helpers/viewer.ts';
import { build, buildProblems, javaScriptFiles, PROJECT_ROOT } from './build.ts';

describe('buildProblems', () => {
  it('names each import of tsx or of a .ts file, each missing relative import and each file read relative to a module that is not there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-build-problems-'));
    mkdirSync(join(dir, 'router'));
    writeFileSync(join(dir, 'router/ok.js'), 'export const ok = 1;\n');
    writeFileSync(
      join(dir, 'router/main.js'),
      [
        "// import 'tsx' in a comment is not an import",
        "import 'tsx';",
        "import { ok } from './ok.js';",
        "import { helper } from './helper.ts';",
        "import { gone } from './gone.js';",
        "const schema = new URL('./schema.graphql', import.meta.url);",
        'const computed = new URL(`./${ok}.graphql`, import.meta.url);',
      ].join('\n'),
    );
    expect(buildProblems(dir)).toEqual([
      'router/main.js:2 imports tsx',
      'router/main.js:4 imports a TypeScript file: ./helper.ts',
      'router/main.js:5 imports a missing file: ./gone.js',
      'router/main.js:6 reads ./schema.graphql, which is not in the build (and not in the sources)',
      'router/main.js:7 reads a computed path relative to itself: the build cannot tell which file to copy; use a literal path',
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
});

/** The production build, run as production runs it: plain node, away from the sources. */
describe('npm run build', () => {
  let work: string;
  let outDir: string;
  const processes: ChildHandle[] = [];
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'hub-build-'));
    outDir = join(work, 'dist');
    // Type-checking is `npm run typecheck`'s job; here only what is emitted matters (and it is faster).
    build({ outDir, typeCheck: false });
    // As deployed: the build beside the production node_modules.
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  }, 120_000);
  afterAll(() => {
    for (const p of processes) p.child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  const emitted = () => javaScriptFiles(outDir).map((f) => relative(outDir, f));

  it('emits every production entry point, and no test, benchmark, stand-in or embedded-hub code', () => {
    const entries = [
      'router/main.ts',
      ...readdirSync(join(PROJECT_ROOT, 'subgraphs')).map((s) => `subgraphs/${s}/main.ts`),
      ...readdirSync(join(PROJECT_ROOT, 'workers')).map((w) => `workers/${w}/main.ts`),
    ].filter((f) => existsSync(join(PROJECT_ROOT, f)));
    for (const entry of entries) expect(existsSync(join(outDir, entry.replace(/\.ts$/, '.js'))), entry).toBe(true);
    expect(emitted().filter((f) => /\.test\.js$/.test(f) || /^(test|bench|standins|hub)\//.test(f))).toEqual([]);
  });

  it('has no import of tsx or of a .ts file, and every file the code reads beside itself', () => {
    expect(buildProblems(outDir)).toEqual([]);
  });

  it('runs with plain node: a compiled directory subgraph behind the compiled router on the built-in supergraph', async () => {
    const directory = startNodeProcess(
      [join(outDir, 'subgraphs/directory/main.js')],
      {
        HUB_DATA_DIR: join(work, 'data'),
        HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET,
        DIRECTORY_PORT: '0',
        // The directory is read from the hub's database (the demo académie imported into it at start).
        DATABASE_URL: await createTestDatabaseUrl(),
      },
      work,
    );
    processes.push(directory);
    const directoryUrl = (await directory.waitFor((l) => l.msg === 'directory subgraph listening', 60_000)).url as string;

    const router = startNodeProcess(
      [join(outDir, 'router/main.js'), '--port', '0'],
      {
        HUB_VIEWER_CONTEXT_SECRET: TEST_VIEWER_SECRET,
        ROUTER_METRICS_PORT: '0',
        ROUTER_AUDIT_DIR: join(work, 'audit'),
        ROUTER_SUBGRAPH_URL_DIRECTORY: directoryUrl,
      },
      work,
    );
    processes.push(router);
    const listening = await router.waitFor((l) => l.msg === 'router listening', 60_000);
    // The supergraph the build copied beside the compiled router, not the one in the sources.
    expect(relative(outDir, listening.supergraph as string)).toBe(join('schema', 'supergraph.graphql'));

    const url = new URL(listening.url as string);
    expect((await fetch(new URL('/health', url))).status).toBe(200);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ schools { uai name } }' }),
    });
    const body = (await response.json()) as { data?: { schools: { uai: string; name: string }[] }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.schools.length).toBeGreaterThan(0);
  }, 150_000);
});
