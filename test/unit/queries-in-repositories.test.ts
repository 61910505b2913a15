// Issue 10, point 1: every query goes through a repository. A query builder call (selectFrom, insertInto,
// updateTable, deleteFrom, …) or a `sql` template may appear only in a repository file (…repository.ts), in
// the data layer's own plumbing, or in migrations (outside src/). Files that still hold inline queries are
// listed below: the list may only shrink — a new file with inline SQL fails, and so does a listed file that
// no longer needs its entry.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** A Kysely query builder call, or a `sql` template or helper. */
const INLINE_QUERY = /\bsql(<[^`]*?>)?`|\bsql\.(raw|ref|lit|join|id|table|val)\(|\.(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\(/;

const isRepository = (path: string) => /(^|[/-])repository\.ts$/.test(path);

/** The data layer's plumbing, not an aggregate's queries: these stay. */
const DATA_LAYER: Record<string, string> = {
  'src/db/connect.ts': 'checks a new connection with select 1',
  'src/db/lease.ts': 'the one lease protocol the inbound and delivery repositories share',
};

/** Files cleaned in issue 10 (point 1): they must stay free of inline queries. */
const CLEANED = [
  'src/notices/sweep.ts',
  'src/notices/settings.ts',
  'src/platforms/local/callback.ts',
  'src/admin/audit.ts',
  'src/admin/import-jobs.ts',
  'src/admin/care-routes.ts',
  'src/admin/routes.ts',
  'src/cli/care-commands.ts',
  'src/cli/export-commands.ts',
  'src/cli/inbound-commands.ts',
  'src/deps.ts',
  'src/ingest/retention.ts',
  'src/conversation/secretary-commands.ts',
  'src/app.ts',
  'src/conversation/care-queries.ts',
  'src/conversation/card-actions.ts',
];

/**
 * Files that still write SQL inline, to be moved into repositories. Remove a line when its file is cleaned;
 * never add one.
 */
const REMAINING: Record<string, string> = {
  'src/care/export.ts': 'care exports',
  'src/care/obligations.ts': 'care obligations',
  'src/care/quota-pairs.ts': 'talk quota pairs',
  'src/conversation/care-conversation.ts': 'care records, conversation memory',
  'src/conversation/roster-cache.ts': 'the roster index',
  'src/roster/export.ts': 'roster export',
  'src/roster/responsibility.ts': 'roles and committee links',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

const hasInlineQuery = (path: string) => INLINE_QUERY.test(readFileSync(join(ROOT, path), 'utf8'));

describe('queries live in repositories (issue 10)', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('workers')];

  it('recognises a query builder call and a sql template', () => {
    expect(INLINE_QUERY.test("await db.selectFrom('members').selectAll().execute()")).toBe(true);
    expect(INLINE_QUERY.test('await trx.insertInto(\'notices\')')).toBe(true);
    expect(INLINE_QUERY.test('const r = await sql<{ id: string }>`select 1`.execute(db)')).toBe(true);
    expect(INLINE_QUERY.test('await sql`select 1`.execute(db)')).toBe(true);
    expect(INLINE_QUERY.test("sql.raw('x')")).toBe(true);
    expect(INLINE_QUERY.test('await new SweepRepository(db).recentDays(14)')).toBe(false);
    expect(INLINE_QUERY.test("import { sql } from 'kysely';")).toBe(false);
  });

  it('the cleaned files hold no inline query', () => {
    for (const path of CLEANED) expect(files, path).toContain(path);
    expect(CLEANED.filter(hasInlineQuery)).toEqual([]);
  });

  it('no file outside repositories, the data layer and the remaining list writes SQL inline', () => {
    const offenders = files.filter((f) => !isRepository(f) && !(f in DATA_LAYER) && !(f in REMAINING) && hasInlineQuery(f));
    expect(offenders).toEqual([]);
  });

  it('the remaining list only shrinks: every file on it still needs its entry', () => {
    const cleaned = Object.keys(REMAINING).filter((f) => !files.includes(f) || !hasInlineQuery(f));
    expect(cleaned, 'remove these from REMAINING').toEqual([]);
    for (const f of Object.keys(REMAINING)) expect(isRepository(f) || f in DATA_LAYER, f).toBe(false);
  });

  it('the data layer entries still exist', () => {
    for (const f of Object.keys(DATA_LAYER)) expect(files, f).toContain(f);
  });

  it('repository files are where the queries went', () => {
    const repositories = files.filter(isRepository).map((f) => relative('src', f));
    expect(repositories).toEqual(
      expect.arrayContaining([
        'db/settings-repository.ts',
        'db/organisation-repository.ts',
        'notices/sweep-repository.ts',
        'platforms/local/chat-repository.ts',
        'admin/audit-repository.ts',
        'admin/import-job-repository.ts',
      ]),
    );
  });
});
