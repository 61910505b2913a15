// Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by area of the code, so a
// profile can be read in the terminal. `tsx bench/lib/profile-summary.ts FILE [TOP]`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Coarse areas, first match wins. */
const AREAS: Array<[string, RegExp]> = [
  ['xml (fast-xml-parser and its helpers)', /fast-xml-parser|path-expression-matcher|strnum|xml-naming/],
  ['xml (src/platforms/wecom/xml.ts)', /platforms\/wecom\/xml\.ts/],
  ['crypto + signature (src)', /platforms\/wecom\/(crypto|signature)\.ts|@wecom\/crypto/],
  ['callback route + inbound mapping', /platforms\/wecom\/(callback|inbound)\.ts/],
  ['ingest (batcher, record)', /src\/ingest\//],
  ['kysely (SQL building)', /kysely/],
  ['pg (driver)', /node_modules\/pg|pg-protocol|pg-types|pg-pool/],
  ['bullmq', /bullmq/],
  ['ioredis', /ioredis|redis-parser|cluster-key-slot/],
  ['msgpackr', /msgpackr/],
  ['fastify (+ find-my-way, fast-querystring…)', /fastify|find-my-way|avvio|light-my-request|fast-json-stringify|secure-json-parse|toad-cache|process-warning|fast-querystring|fast-decode-uri|content-type|abstract-logging|rfdc|fast-uri|ret\/|safe-regex2/],
  ['tsx (module loading, start-up only)', /\/tsx\//],
  ['pino (logging)', /pino|sonic-boom/],
  ['node: http', /node:_http|node:http/],
  ['node: net/stream', /node:net|node:internal\/streams|node:stream|node:internal\/stream_base/],
  ['node: crypto', /node:internal\/crypto|node:crypto/],
  ['node: other', /^node:/],
];

export function summarise(file: string, top = 25): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + dt);
    total += dt;
  }
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const short = url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench|workers)\//, '$1/');
    const fn = `${functionName || '(anonymous)'}  ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    let area = functionName.startsWith('(') ? functionName : url ? `other: ${short.split(':')[0]}` : 'native (no url)';
    if (functionName === '(program)' || functionName === '(idle)' || functionName === '(garbage collector)') area = functionName;
    else for (const [name, re] of AREAS) if (re.test(url)) { area = name; break; }
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  const busy = total - (byArea.get('(idle)') ?? 0);
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const lines = [`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy time)`, '', 'by area:'];
  for (const [a, us] of [...byArea].filter(([a, v]) => a !== '(idle)' && v / busy >= 0.003).sort((x, y) => y[1] - x[1])) lines.push(`  ${pct(us)}  ${a}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const [f, us] of [...byFn].filter(([f]) => !f.startsWith('(idle)')).sort((x, y) => y[1] - x[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${f}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/lib/profile-summary.ts FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  console.log(summarise(file, top ? Number(top) : 25));
}
