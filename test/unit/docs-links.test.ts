// Issue 9, point 18: the README linked ../shared/MECHANISM.md, which a clone does not have. Every link and path
// in the project's own documentation must lead to something in the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { headingSlugs, linkProblems, type DocFile, type Repo } from '../helpers/doc-links.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** README.md, every Markdown file under docs/, and any other Markdown git would carry (node_modules aside). */
function projectMarkdown(): DocFile[] {
  const out: DocFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'data') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) out.push({ path: relative(ROOT, full).split(sep).join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  walk(ROOT);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

const onDisk: Repo = {
  exists: (path) => existsSync(join(ROOT, path)),
  readMarkdown: (path) => (existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), 'utf8') : undefined),
};

describe('the documentation stays inside the repository', () => {
  it('README.md and docs/mechanism.md are there to be checked', () => {
    const paths = projectMarkdown().map((f) => f.path);
    expect(paths).toContain('README.md');
    expect(paths).toContain('docs/mechanism.md');
  });

  it('no link or path in README.md or docs/ leads outside the repository or to something missing', () => {
    expect(linkProblems(projectMarkdown(), onDisk)).toEqual([]);
  });

  it('the README points to the mechanism the bot enforces', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/\]\(docs\/mechanism\.md(#[^)]*)?\)/);
  });
});

describe('linkProblems', () => {
  const files = new Map<string, string>([
    ['README.md', '# Title\n'],
    ['docs/mechanism.md', '# The mechanism\n\n## 2.1 Five must-visits (五必访)\n\n## Defaults\n'],
    ['src/app.ts', ''],
  ]);
  const repo: Repo = {
    exists: (p) => files.has(p) || [...files.keys()].some((k) => k.startsWith(`${p}/`)),
    readMarkdown: (p) => files.get(p),
  };
  const check = (path: string, text: string) => linkProblems([{ path, text }], repo).map((p) => p.target);

  it('refuses the shared folder beside a development checkout, in prose, links and code alike', () => {
    expect(check('README.md', 'the rules are in `../shared/MECHANISM.md`.')).toEqual(['../shared']);
    expect(check('README.md', 'see [the rules](../shared/MECHANISM.md)')).toEqual(['../shared', '../shared/MECHANISM.md']);
    expect(check('docs/x.md', '```sh\ncat ../shared/MECHANISM.md\n```')).toEqual(['../shared']);
  });

  it('refuses absolute paths of some machine', () => {
    expect(check('README.md', 'Run it from /work/main or /home/dev/partycare.')).toEqual(['/work/main', '/home/dev/partycare.']);
    // Named as the shared file, as a machine path, and as an absolute link.
    expect(check('README.md', 'see [x](/work/shared/MECHANISM.md)')).toEqual(['shared/MECHANISM.md', '/work/shared/MECHANISM.md', '/work/shared/MECHANISM.md']);
    expect(check('README.md', 'C:\\Users\\dev\\partycare and file:///tmp/x')).toEqual(['C:\\Users\\dev\\partycare', 'file:///tmp/x']);
  });

  it('refuses relative links to files and sections that do not exist, and links that climb out', () => {
    expect(check('README.md', '[m](docs/mechanism.md#21-five-must-visits-五必访) [d](docs/mechanism.md#defaults) [s](#title)')).toEqual([]);
    expect(check('README.md', '[m](docs/missing.md)')).toEqual(['docs/missing.md']);
    expect(check('README.md', '[m](docs/mechanism.md#22-five-must-talks)')).toEqual(['docs/mechanism.md#22-five-must-talks']);
    expect(check('docs/mechanism.md', '[r](../README.md) [r](../../README.md)')).toEqual(['../../README.md']);
    expect(check('README.md', '[nowhere](#no-such-section)')).toEqual(['#no-such-section']);
  });

  it('checks repository paths named in inline code, and leaves web links and URL paths alone', () => {
    expect(check('README.md', '`src/app.ts` and `src/missing.ts`')).toEqual(['src/missing.ts']);
    expect(check('README.md', '[web](https://example.org/x) `POST /admin/roster/import` http://127.0.0.1:3000/')).toEqual([]);
  });

  it('makes anchors the way GitHub does: lower case, punctuation dropped, Chinese kept, repeats numbered', () => {
    expect([...headingSlugs('## 1.1 Hardship registry (生活困难党员信息库)\n## Rules for every reminder\n## Rules for every reminder\n```\n# not a heading\n```')]).toEqual([
      '11-hardship-registry-生活困难党员信息库',
      'rules-for-every-reminder',
      'rules-for-every-reminder-1',
    ]);
  });
});
