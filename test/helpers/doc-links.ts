// Finds links in the project's Markdown that lead outside the repository (issue 9, point 18): a clone must be
// able to follow every link and path its documentation names. Pure: the caller says which files exist and
// hands over the Markdown to check, so the rules can be tested on made-up documents too.
import { posix } from 'node:path';

export interface DocFile {
  /** Path relative to the repository root, with forward slashes (README.md, docs/mechanism.md). */
  path: string;
  text: string;
}

export interface Repo {
  /** Whether a path relative to the root exists (a file or a directory). */
  exists(path: string): boolean;
  /** The text of a Markdown file in the repository, to check #fragments against its headings. */
  readMarkdown(path: string): string | undefined;
}

export interface LinkProblem {
  file: string;
  line: number;
  target: string;
  why: string;
}

/** Machine-specific absolute paths and the sibling folder a development checkout happened to sit next to. */
const OUTSIDE: Array<{ pattern: RegExp; why: string }> = [
  { pattern: /\.\.\/shared\b|\bshared\/MECHANISM\.md\b/g, why: 'names the shared folder beside the checkout, which a clone does not have' },
  { pattern: /(?<![\w.:/-])\/(?:work|home|root|tmp|Users|mnt|opt|srv|var)\/[^\s`)'"\]]*/g, why: 'an absolute path on some machine' },
  { pattern: /\b[A-Za-z]:\\[^\s`)'"]*/g, why: 'an absolute Windows path' },
  { pattern: /\bfile:\/\/[^\s`)'"]*/g, why: 'a file:// link' },
];

/** Paths in inline code that claim to be in the repository (`src/app.ts`, `test/fixtures/…`). */
const REPO_PATH = /^(?:src|test|docs|scripts|migrations|workers|bench|bin)\/[\w./-]*$/;

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** GitHub's heading anchors: lower case, punctuation dropped (letters of any script kept), spaces to hyphens. */
export function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutFences(markdown).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    slugs.add(n === 0 ? base : `${base}-${n}`);
  }
  return slugs;
}

/** Fenced code blocks blanked (line numbers kept): their text is an example, not a link. */
function withoutFences(markdown: string): string {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        inFence = !inFence;
        return '';
      }
      return inFence ? '' : line;
    })
    .join('\n');
}

export function linkProblems(files: readonly DocFile[], repo: Repo): LinkProblem[] {
  const problems: LinkProblem[] = [];
  for (const file of files) {
    const lines = file.text.split('\n');
    // Anything pointing outside, wherever it appears (code blocks included: a command there is copied too).
    lines.forEach((line, i) => {
      for (const { pattern, why } of OUTSIDE) {
        for (const m of line.matchAll(pattern)) problems.push({ file: file.path, line: i + 1, target: m[0], why });
      }
    });
    const prose = withoutFences(file.text).split('\n');
    prose.forEach((line, i) => {
      const inline = [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      const outsideCode = line.replace(/`[^`]*`/g, '');
      const links = [
        ...[...outsideCode.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
        ...[...outsideCode.matchAll(/\bhref="([^"]+)"/g)].map((m) => m[1]!),
      ];
      for (const target of links) {
        const why = checkLink(file.path, target, repo);
        if (why) problems.push({ file: file.path, line: i + 1, target, why });
      }
      for (const code of inline) {
        if (!REPO_PATH.test(code)) continue;
        if (!repo.exists(code.replace(/\/+$/, ''))) problems.push({ file: file.path, line: i + 1, target: code, why: 'names a path that is not in the repository' });
      }
    });
  }
  return problems;
}

function checkLink(from: string, target: string, repo: Repo): string | undefined {
  if (SCHEME.test(target)) return undefined; // http(s), mailto: the web, not the repository
  if (target.startsWith('/')) return 'an absolute link: use a path relative to this file';
  const hash = target.indexOf('#');
  const pathPart = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
  const fragment = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const resolved = pathPart === '' ? from : posix.normalize(posix.join(posix.dirname(from), pathPart));
  if (resolved === '..' || resolved.startsWith('../')) return 'leads outside the repository';
  if (!repo.exists(resolved.replace(/\/+$/, ''))) return `${resolved} does not exist in the repository`;
  if (fragment !== undefined && resolved.endsWith('.md')) {
    const markdown = repo.readMarkdown(resolved);
    if (markdown === undefined) return `${resolved} cannot be read`;
    if (!headingSlugs(markdown).has(fragment)) return `${resolved} has no section #${fragment}`;
  }
  return undefined;
}
