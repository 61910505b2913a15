// The layout's rules, checked by `npm run lint:arch` (dependency-cruiser) in .ci/run.
//
// How the tree is meant to depend on itself:
//   src/domain/        pure rules (dates, calendar, roster facts, obligations): no I/O of any kind
//   src/platforms/X/   one folder per chat platform (wecom, local, …): wire formats live only there;
//                      everyone else speaks the neutral model of src/platforms/types.ts
//   src/conversation/, src/notices/   produce neutral messages; never reach into one platform's folder
//   src/care/          care records and obligations; src/notices/ plans from them, not the other way round
//   src/cli/           command implementations, reached only through src/cli.ts
//   migrations/        frozen history: Kysely<any> + sql, never code from src/ (which changes under them)
//
// No import cycles, type-only imports included: platform adapters see the app through the narrow
// PlatformSettings/PlatformDeps of src/platforms/platform.ts, never the composition root (config.ts, deps.ts)
// that builds them. test/ is not cruised: tests import whatever module they test (src/cli/… included).

// Modules that do I/O or wire the process together; src/domain/ must import none of them.
const IO_IN_SRC = [
  '^src/(db|platforms|cli|admin|ingest|services)/',
  '^src/roster/(repository|import|files|export|seed-demo)[.]ts$',
  // Every repository does I/O, wherever its aggregate lives (care/, roster/, notices/, …).
  '(^|[/-])repository[.]ts$',
  '^src/(app|boot|cli|config|deps|logger|main|redis|server)[.]ts$',
  '^workers/',
];
const IO_PACKAGES = [
  // Databases, queues, servers, logging, files of the world outside.
  'node_modules/(pg|pg-[^/]+|kysely|kysely-pglite-dialect|@electric-sql/pglite|ioredis|bullmq|fastify|@fastify/[^/]+|pino|exceljs|@wecom/crypto|puppeteer-core)/',
];
const IO_CORE = [
  '^(node:)?(fs|fs/promises|net|http|http2|https|child_process|cluster|dgram|dns|tls|worker_threads|readline|os|stream|zlib)$',
];

module.exports = {
  forbidden: [
    {
      // An import cycle means neither module can be read, tested or loaded without the other; type-only
      // edges count too, because they tie the layout together just the same.
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles (type-only imports included).',
      from: {},
      to: { circular: true },
    },
    {
      // Pure rules are a function of data and a date: they can run in a test, a bench or the browser
      // without a database, a queue or a network. Type-only imports are checked too (no Kysely types).
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'src/domain/ imports no I/O module: no db/, platforms/, node:fs, pg, kysely, ioredis, bullmq, fastify, ….',
      from: { path: '^src/domain/' },
      to: { path: [...IO_IN_SRC, ...IO_PACKAGES, ...IO_CORE] },
    },
    {
      // A second platform is a new folder: conversation and notices must not depend on one platform's
      // folder, only on the neutral model (src/platforms/types.ts) or other neutral modules.
      name: 'no-platform-specifics-in-conversation-or-notices',
      severity: 'error',
      comment: 'src/conversation/ and src/notices/ import no src/platforms/<name>/ (src/platforms/types.ts is fine).',
      from: { path: '^src/(conversation|notices)/' },
      to: { path: '^src/platforms/[^/]+/' },
    },
    {
      // config.ts and deps.ts pick and build the adapters from the registry; an adapter that imported them
      // back (even for Config or Deps as a type) would close a cycle. Adapters take platform.ts's narrow
      // PlatformSettings and PlatformDeps instead.
      name: 'platforms-do-not-import-the-composition-root',
      severity: 'error',
      comment: 'src/platforms/ imports neither src/config.ts nor src/deps.ts.',
      from: { path: '^src/platforms/' },
      to: { path: '^src/(config|deps)[.]ts$' },
    },
    {
      // Command-line code parses arguments, prints and exits; library code never depends on it.
      name: 'cli-only-from-cli-entry',
      severity: 'error',
      comment: 'Nothing imports src/cli/ except src/cli.ts (and src/cli/ itself).',
      from: {
        pathNot: [
          '^src/cli[.]ts$',
          '^src/cli/',
        ],
      },
      to: { path: '^src/cli/' },
    },
    {
      // Care records and obligations are what notices plan from; care never depends on notices.
      // Together with no-circular this keeps the two folders from importing each other.
      name: 'care-does-not-import-notices',
      severity: 'error',
      comment: 'src/care/ imports nothing from src/notices/.',
      from: { path: '^src/care/' },
      to: { path: '^src/notices/' },
    },
    {
      // A migration must run the same in a year as today: code in src/ changes, migrations must not.
      name: 'migrations-stand-alone',
      severity: 'error',
      comment: 'migrations/ import nothing from src/ (or workers/).',
      from: { path: '^migrations/' },
      to: { path: '^(src|workers)/' },
    },
    {
      // Production installs with --omit=dev: the app must not need a devDependency at run time.
      name: 'no-dev-dependencies-at-run-time',
      severity: 'error',
      comment: 'src/, workers/ and migrations/ import no devDependency (type-only imports excepted).',
      from: { path: '^(src|workers|migrations)/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      // An import that resolves to nothing is a typo or a file moved without its importers.
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Tests are left out on purpose (see the header).
    exclude: { path: '^test/' },
    doNotFollow: { path: 'node_modules' },
    // See type-only imports too (import type …), so the rules cover them.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
