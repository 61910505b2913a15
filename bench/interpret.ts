// npm run bench:interpret [-- --members 100000 --seconds 5 --seed 1]
//
// The message interpreter (issue 5) on a seed-demo roster of 100,000 members built in memory (no database):
// a realistic mix of messages — talks and visits in many wordings, reports, replies to reminders, chat commands,
// chatter — written by writers of every scope about members of their own branch (and sometimes anyone), with the
// hard names of the demo (王芳/王芳芳, 张伟 ×2, 高兴 …). Interprets them for a bounded time, one at a time, timing
// each, and prints messages/s, p50/p99/max per message, and PASS/FAIL against the targets of issue 5
// (≥ 5,000 messages/s, p99 < 2 ms). Baselines measured in the same run on the same messages, so the figures can
// be compared across machines: JSON.parse of the serialised result (a similar-size object) and a scan of the
// text for 100 keywords with String.prototype.includes. Exit 1 when a target is missed.
import { parseArgs } from 'node:util';
import { interpret, type InterpretContext, type InterpretWriter } from '../src/conversation/interpret/interpret.ts';
import { buildRosterIndex, type RosterIndexInput } from '../src/conversation/interpret/roster-index.ts';
import { sortRoles, type RoleCode } from '../src/domain/roster.ts';
import { generateDemoRoster } from '../src/roster/seed-demo.ts';

const TARGET_RATE = 5_000;
const TARGET_P99_MS = 2;
const NOW = new Date('2026-11-26T10:00:00+08:00');
const TIME_ZONE = 'Asia/Shanghai';

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  allowPositionals: false,
});
if (args.help) {
  console.log('usage: npm run bench:interpret -- [--members N] [--seconds S] [--seed S]');
  process.exit(0);
}
const members = Number(args.members);
const seconds = Number(args.seconds);
if (!Number.isInteger(members) || members < 100 || !(seconds > 0)) {
  console.error('--members must be an integer ≥ 100 and --seconds > 0');
  process.exit(1);
}

// ---- the roster ----
let t0 = performance.now();
const demo = generateDemoRoster({ members, seed: args.seed, today: '2026-11-26' });
const generated = performance.now() - t0;
const gone = new Set([...demo.deceased, ...demo.transferredOut].map((x) => x.userid));
const rows: RosterIndexInput[] = demo.entries.map((e, i) => ({
  memberId: String(i + 1),
  userid: e.userid,
  name: e.name,
  branchId: `${e.generalBranch}\u0000${e.branch}`,
  generalBranchId: e.generalBranch,
  branchName: e.branch,
  generalBranchName: e.generalBranch,
  status: e.userid && gone.has(e.userid) ? 'deceased' : 'active',
}));
t0 = performance.now();
const index = buildRosterIndex(rows);
const built = performance.now() - t0;

// ---- deterministic randomness ----
let seed = 0x9e3779b9;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

// ---- writers: every kind of scope ----
const byBranch = new Map<string, number[]>();
rows.forEach((r, i) => {
  if (r.status !== 'active' || !r.userid) return;
  const list = byBranch.get(r.branchId) ?? [];
  list.push(i);
  byBranch.set(r.branchId, list);
});
const writerOf = (i: number): InterpretWriter => {
  const r = rows[i]!;
  return { memberId: r.memberId, userid: r.userid!, branchId: r.branchId, generalBranchId: r.generalBranchId, roleCodes: [...sortRoles(demo.entries[i]!.roles), 'member'] as RoleCode[] };
};
const holders = rows.map((_, i) => i).filter((i) => demo.entries[i]!.roles.length > 0 && rows[i]!.status === 'active' && rows[i]!.userid);
const plain = rows.map((_, i) => i).filter((i) => demo.entries[i]!.roles.length === 0 && rows[i]!.status === 'active' && rows[i]!.userid);
const hardNames = ['王芳', '王芳芳', '张伟', '张伟民', '高兴', '李娜', '李娜娜', '金鑫', '马力', '刘洋', '刘洋洋', '高峰', '文明', '安全', '田野', '欧阳娜娜'];

// ---- messages ----
const TEMPLATES: Array<(a: string, b: string) => string> = [
  (a) => `今天和${a}谈心了，他岗位变动，情绪稳定`,
  (a) => `11月20日走访${a}，患病住院，送慰问金500元`,
  (a, b) => `谈心 ${a} ${b} 岗位变动`,
  (a) => `报告：${a}住院了`,
  (a) => `${a}的母亲去世了`,
  (a) => `昨天下午去医院看望了${a}同志，做了手术，恢复良好，送去水果和慰问金300元。`,
  (a) => `上周五和${a}谈话，工作中出现失误，已批评教育，本人表示接受😊`,
  (a) => `${a}老师家里遭遇台风，房屋受损，11.18已上门慰问`,
  (a, b) => `和${a}、${b}谈心谈话，两人因工作分工闹矛盾，已调解`,
  (a) => `前天走访${a}，生活困难，送去米面油`,
  (a) => `【谈心】${a}\n群众反映其服务态度差，已谈话提醒`,
  (a) => `2026-11-23 春节前走访慰问老党员${a}，送慰问金1000元`,
  (a) => `跟${a}聊了聊，最近考研失利情绪低落，鼓励他调整心态`,
  (a) => `${a}同志因病去世，请组织部安排慰问`,
  () => '已谈，情绪稳定',
  () => '已走访，送慰问金300元',
  () => '我的待办',
  () => '本月政治生日',
  () => '谈心进度',
  () => '撤销',
  () => '帮助',
  () => '今天很高兴，收到！👍',
  () => '好的，谢谢书记',
  (a) => `本周三和${a}进行了年度谈心，无特殊情况`,
  (a) => `走访${a}（文学院），住院`,
  (a) => `数学与统计学院${a}岗位变动，今天已谈心`,
];
interface Case {
  text: string;
  ctx: InterpretContext;
}
const cases: Case[] = [];
for (let k = 0; k < 20_000; k += 1) {
  const w = random() < 0.85 ? pick(holders) : pick(plain);
  const writer = writerOf(w);
  const mates = byBranch.get(writer.branchId) ?? [w];
  const nameOf = () => (random() < 0.1 ? pick(hardNames) : rows[random() < 0.8 ? pick(mates) : Math.floor(random() * rows.length)]!.name);
  cases.push({ text: pick(TEMPLATES)(nameOf(), nameOf()), ctx: { writer, now: NOW, timeZone: TIME_ZONE, index } });
}
const serialised = cases.map((c) => JSON.stringify({ ...interpret(c.text, c.ctx), text: c.text }));
const KEYWORDS = Array.from({ length: 100 }, (_, k) => ['谈心', '走访', '住院', '去世', '岗位变动', '待办', '慰问', '报告', '困难', '矛盾'][k % 10]! + (k < 10 ? '' : String(k)));

// ---- timing ----
function measure(label: string, fn: (k: number) => unknown): { rate: number; p50: number; p99: number; max: number; n: number } {
  // warm-up: a second, so the JIT has settled before the timed window
  const warmEnd = performance.now() + Math.min(1000, (seconds * 1000) / 5);
  for (let k = 0; performance.now() < warmEnd; k += 1) fn(k % cases.length);
  const durations = new Float64Array(5_000_000);
  let n = 0;
  let sink = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end && n < durations.length) {
    const a = performance.now();
    const r = fn(n % cases.length);
    now = performance.now();
    durations[n] = now - a;
    if (r) sink += 1;
    n += 1;
  }
  const elapsed = now - start;
  const sorted = durations.subarray(0, n).sort();
  const q = (p: number) => sorted[Math.min(n - 1, Math.floor(p * n))]!;
  if (sink < 0) console.log(label); // keep the results alive
  return { rate: (n / elapsed) * 1000, p50: q(0.5), p99: q(0.99), max: sorted[n - 1]!, n };
}

const ms = (x: number) => `${x < 0.01 ? (x * 1000).toFixed(2) + ' µs' : x.toFixed(3) + ' ms'}`;
const fmt = (r: ReturnType<typeof measure>) =>
  `${Math.round(r.rate).toLocaleString('en-US').padStart(10)} msg/s   p50 ${ms(r.p50).padStart(9)}   p99 ${ms(r.p99).padStart(9)}   max ${ms(r.max).padStart(9)}   (${r.n.toLocaleString('en-US')} messages)`;

console.log(`bench:interpret — ${members.toLocaleString('en-US')} members (seed ${args.seed}), ${index.size.toLocaleString('en-US')} active (${index.byUserid.size.toLocaleString('en-US')} with a chat account), ${index.byName.size.toLocaleString('en-US')} distinct names`);
console.log(`  roster generated in ${(generated / 1000).toFixed(2)} s, index built in ${built.toFixed(0)} ms; ${cases.length.toLocaleString('en-US')} distinct messages, ${seconds} s per measurement`);
const mine = measure('interpret', (k) => interpret(cases[k]!.text, cases[k]!.ctx));
const parse = measure('JSON.parse', (k) => JSON.parse(serialised[k]!));
const scan = measure('includes', (k) => {
  const text = cases[k]!.text;
  let hits = 0;
  for (const w of KEYWORDS) if (text.includes(w)) hits += 1;
  return hits;
});
console.log(`  interpret                 ${fmt(mine)}`);
console.log(`  baseline JSON.parse       ${fmt(parse)}`);
console.log(`  baseline 100× includes    ${fmt(scan)}`);
console.log(
  `  ratio: interpret costs ${(parse.rate / mine.rate).toFixed(1)}× a JSON.parse of its result, ${(scan.rate / mine.rate).toFixed(1)}× a 100-keyword includes scan (per message, throughput)`,
);
const okRate = mine.rate >= TARGET_RATE;
const okP99 = mine.p99 < TARGET_P99_MS;
console.log(`  target ≥ ${TARGET_RATE.toLocaleString('en-US')} msg/s: ${okRate ? 'PASS' : 'FAIL'}; target p99 < ${TARGET_P99_MS} ms: ${okP99 ? 'PASS' : 'FAIL'}`);
process.exit(okRate && okP99 ? 0 : 1);
