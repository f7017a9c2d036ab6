import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './build.ts';
import { undeclaredImports } from './declared-imports.ts';

describe('undeclaredImports', () => {
  it('names an undeclared package, and a development dependency loaded by production code', () => {
    const root = mkdtempSync(join(tmpdir(), 'hub-declared-'));
    const write = (file: string, text: string) => {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), text);
    };
    write('package.json', JSON.stringify({ dependencies: { graphql: '*' }, devDependencies: { vitest: '*', '@types/pg': '*' } }));
    write(
      'router/main.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import { parse } from 'graphql';",
        "import { helper } from './helper.ts';",
        "import type { Pool } from 'pg';", // types from @types/pg: fine
        "import type { Fixture } from './fixture.ts';", // type-only: fixture.ts is not loaded at runtime
      ].join('\n'),
    );
    write('router/helper.ts', "import { merge } from '@graphql-tools/utils/merge';\nimport { expect } from 'vitest';\n");
    write('router/fixture.ts', "import { it } from 'vitest';\n");
    write('router/main.test.ts', "import { it } from 'vitest';\nimport { loadFiles } from '@graphql-tools/load-files';\n");
    expect(undeclaredImports(root, ['router/main.ts'])).toEqual([
      { where: 'router/helper.ts:1', specifier: '@graphql-tools/utils/merge', problem: 'undeclared' },
      { where: 'router/helper.ts:2', specifier: 'vitest', problem: 'dev dependency in production code' },
      { where: 'router/main.test.ts:2', specifier: '@graphql-tools/load-files', problem: 'undeclared' },
    ]);
    rmSync(root, { recursive: true, force: true });
  });
});

describe('package.json', () => {
  it('declares every package the code imports (production code: in dependencies)', () => {
    const problems = undeclaredImports(PROJECT_ROOT);
    expect(problems.map((p) => `${p.where} ${p.specifier}: ${p.problem}`)).toEqual([]);
  });
});
