// `npm run lint`: typescript-eslint's recommended type-checked rules over everything tsconfig.json
// compiles, run in .ci/run after the type-check. Rules are tuned only where they fight the code on
// purpose; each tuning says why. The layout's import rules live in .dependency-cruiser.cjs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The few globals plain JavaScript files use (no `globals` package for four names).
const NODE_GLOBALS = { process: 'readonly', console: 'readonly', URL: 'readonly', module: 'writable', require: 'readonly' };

// What the web chat's page script uses of the browser.
const BROWSER_GLOBALS = Object.fromEntries(
  ['document', 'window', 'Node', 'TextEncoder', 'localStorage', 'fetch', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'console', 'URL', 'URLSearchParams'].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  // What git ignores (installed packages, the compiled output, the embedded database, coverage) and the scripts.
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'docs/', 'scripts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The house convention for a deliberately unused name is a leading underscore: interface methods
      // that ignore an argument, and `{ at: _at, ...fields }` to leave a field out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `async` without `await` is used on purpose: fastify plugins and route handlers are async by
      // fastify's contract, senders implement a Promise-returning interface, and `async` turns a throw
      // into a rejection the caller already handles.
      '@typescript-eslint/require-await': 'off',
      // Input from the outside (query strings, JSON bodies, error values) arrives as `unknown`; once null
      // and undefined are ruled out TypeScript calls it `{}`, and `String(v)` is how we echo it back in an
      // error message. Typed objects are still checked.
      '@typescript-eslint/no-base-to-string': [
        'error',
        { ignoredTypeNames: ['Error', 'RegExp', 'URL', 'URLSearchParams', '{}'] },
      ],
      // The regexes that match control characters exist to find and refuse or strip them (XML 1.0,
      // PostgreSQL text, spreadsheet cells).
      'no-control-regex': 'off',
    },
  },
  {
    // Kysely's documented convention: migrations and the migrator use Kysely<any>, because a migration must
    // not depend on today's schema type.
    files: ['migrations/**/*.ts', 'src/db/migrate.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The emoji pattern lists joiners, variation selectors and the keycap mark as single characters on
    // purpose, so each one is stripped even when it stands alone.
    files: ['src/conversation/interpret/**/*.ts'],
    rules: { 'no-misleading-character-class': 'off' },
  },
  {
    // Tests read JSON from app.inject, fake platform servers and SQL rows as `any` and assert on it field
    // by field; typing every payload would add nothing the assertions do not already check.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain JavaScript (the installed command, the browser-side markdown parser, config files) is outside
    // tsconfig.json: checked with the rules that need no type information.
    files: ['**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: NODE_GLOBALS },
  },
  {
    // The local web chat's page script runs in the browser (served as /local/chat.js, a file of its own so the
    // page's Content-Security-Policy allows no inline script).
    files: ['src/platforms/local/chat.js'],
    languageOptions: { globals: BROWSER_GLOBALS },
  },
);
