// @ts-check
// `npm run lint` (with `prettier --check`): ESLint's recommended rules and typescript-eslint's
// recommended type-checked rules, which see types (floating promises, unsafe `any`, misused
// promises), plus the project's own rules below. Formatting is Prettier's job (.prettierrc).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', '.hub-data/', '**/generated/', 'bench/results/', 'portal/dist/', 'portal/src/gql/', 'test-artifacts/']),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // The type information of tsconfig.json (which includes every folder); files it does not
        // include (this one) get a default project.
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed names are deliberately unused (a callback's position, a destructured-away field).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // An `async` function without `await` is used on purpose: its throws become rejections
      // (e.g. a resolver that must fail its own entity, not the whole `_entities` batch).
      '@typescript-eslint/require-await': 'off',
      // `catch {}` that ignores an error says so with a comment; empty blocks elsewhere are bugs.
      'no-empty': ['error', { allowEmptyCatch: true }],
      // Issue 13: no `as never` (it silences the type checker entirely), no deep imports into a
      // package's build output (not its public API; breaks on any release).
      'no-restricted-syntax': [
        'error',
        { selector: 'TSAsExpression > TSNeverKeyword', message: '`as never` hides a type error: give the value its real type.' },
        { selector: 'TSAsExpression > TSArrayType > TSNeverKeyword', message: '`as never[]` hides a type error: give the value its real type.' },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(@[^/]+/)?[^./][^/]*/(dist|build|lib|esm|cjs)/', message: "Import the package's public entry point, not a file of its build." },
          ],
        },
      ],
      // Strict equality, except `== null` (null or undefined), a common idiom.
      eqeqeq: ['error', 'smart'],
      // A `let` read by a closure before its one assignment (a server's handler, created before the
      // object it serves, which needs the server's port) cannot be a `const`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // graphql-js's string enums (Kind, OperationTypeNode) are compared with their literal values
      // by design: `operation.operation === 'query'` is exact, not an accident.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      // Control characters are matched on purpose (header, URL and id hygiene).
      'no-control-regex': 'off',
    },
  },
  {
    // Tests, fixtures, helpers and the benchmark read JSON responses and log lines of any shape and
    // reach into mocks: `any` there is a convenience, not a hole in production typing.
    files: ['**/*.test.ts', 'test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // `expect(object.method)` and spies pass methods around unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Plain JavaScript configuration files: no type information.
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
