// The dashboard's pages as HTML (issue 16 sections 2 and 3): pure functions from what the page read and what the
// access rule allowed to markup. The routes (pages.ts) load the data and ask the access rule; nothing here decides
// who sees what — a figure or a link is drawn only when the route says `sensitive`, `canOpen` or `shown`.
import { SNAPSHOT_EVERY_MINUTES } from './snapshot-source.ts';
import { REASON_LABELS } from '../domain/obligations.ts';
import { monthsSvg, quotaBarsSvg, visitCalendarSvg } from './charts.ts';
import { FIGURE_DEFINITIONS, percentOf, type FigureKey, type Figures } from './figures.ts';
import { Html, html } from './html.ts';
import type { BranchMemberRow, GreetingState, OwedObligationRow, ReceivedCareRow, GreetingRow } from './member-rows-repository.ts';
import type { DayCount, MonthPoint } from './source.ts';

export type OrgKind = 'committee' | 'general_branch' | 'branch';

/** A link on the page, or only a name where the viewer may not open it. */
export interface Crumb {
  name: string;
  href?: string | undefined;
}

/** A row of the children table: a GB of the committee, a branch of a GB. */
export interface ChildRow {
  id: string;
  name: string;
  href?: string | undefined;
  figures: Figures;
  /** The GB's cap on excellent members (committee page only). */
  excellentCap?: number | undefined;
}

export interface OrgPageData {
  kind: OrgKind;
  name: string;
  crumbs: Crumb[];
  figures: Figures;
  /** The cap of excellent members: a GB's, the committee's (sum of its GBs'); undefined on a branch page. */
  excellentCap?: number | undefined;
  children: ChildRow[];
  /** Where the children are shown a page at a time (more than CHILD_ROWS_PER_PAGE): this page of them. */
  childPager?: { page: number; pages: number; total: number; from: number; href: (page: number) => string } | undefined;
  /** A branch page's members (names link where the viewer may open the member's page). */
  members?: Array<BranchMemberRow & { href?: string | undefined; reasonsShown: boolean }>;
  months: MonthPoint[];
  visitDays: DayCount[];
  year: number;
  today: string;
  /** HH:mm when the figures come from the snapshot of a very large scope (snapshot-source.ts); undefined: counted now. */
  countedAt?: string | undefined;
  sensitive: boolean;
  /** Download links per export kind (only the kinds the viewer may download). */
  downloads: Partial<Record<DownloadKind, string>>;
}

/** The children a page's tables show at once: 50 rows keep a GB page of thousands of branches under 200 KB. */
export const CHILD_ROWS_PER_PAGE = 50;

export const DOWNLOAD_KINDS = ['talks', 'visits', 'obligations', 'greetings', 'hardship', 'relief', 'evaluations', 'excellent', 'announcements', 'suggestions'] as const;
export type DownloadKind = (typeof DOWNLOAD_KINDS)[number];
/** The downloads that carry sensitive data: only where the sensitive figures are shown. */
export const SENSITIVE_DOWNLOADS: readonly DownloadKind[] = ['hardship', 'relief'];

const DOWNLOAD_LABELS: Record<DownloadKind, string> = {
  talks: '谈心谈话记录',
  visits: '走访慰问记录',
  obligations: '应办事项',
  greetings: '政治生日祝福',
  hardship: '困难党员名册',
  relief: '帮扶发放',
  evaluations: '民主评议',
  excellent: '优秀党员',
  announcements: '通报阅读',
  suggestions: '意见建议',
};

const label = (k: FigureKey) => FIGURE_DEFINITIONS[k].zh;

/** "3 / 10（30%）", or "—" when nothing is owed. */
export function progressText(done: number, owed: number): string {
  const p = percentOf(done, owed);
  return p === null ? '—' : `${done} / ${owed}（${p}%）`;
}

const ORG_WORD: Record<OrgKind, string> = { committee: '党委', general_branch: '党总支', branch: '党支部' };

function crumbs(items: readonly Crumb[]): Html {
  return html`<nav class="crumbs">${items.map((c, i) => html`${i > 0 ? ' › ' : ''}${c.href ? html`<a href="${c.href}">${c.name}</a>` : c.name}`)}</nav>`;
}

function downloadLinks(d: OrgPageData, kinds: readonly DownloadKind[]): Html {
  const shown = kinds.filter((k) => d.downloads[k]);
  if (shown.length === 0) return html``;
  return html`<p class="downloads muted">下载（CSV）：${shown.map((k) => html`<a href="${d.downloads[k]!}" data-download="${k}">${DOWNLOAD_LABELS[k]}</a>`)}</p>`;
}

function card(title: string, value: string | number, note = ''): Html {
  return html`<div class="card">${title}<b>${value}</b>${note ? html`<span class="muted">${note}</span>` : ''}</div>`;
}

/** A table of the children with these figures, and a total row (the page's own figures). */
function figureTable(d: OrgPageData, columns: ReadonlyArray<{ head: string; cell: (f: Figures, row?: ChildRow) => string | number; key?: string }>, caption: string): Html {
  const head = d.kind === 'committee' ? '党总支' : d.kind === 'general_branch' ? '党支部' : '';
  if (d.children.length === 0) return html``;
  return html`<div class="scroll"><table data-table="${caption}"><thead><tr><th>${head}</th>${columns.map((c) => html`<th>${c.head}</th>`)}</tr></thead><tbody>${d.children.map(
    (r) => html`<tr data-org="${r.id}"><td>${r.href ? html`<a href="${r.href}">${r.name}</a>` : r.name}</td>${columns.map((c) => html`<td${c.key ? html` data-k="${c.key}"` : ''}>${c.cell(r.figures, r)}</td>`)}</tr>`,
  )}<tr class="total" data-org="total"><td><b>合计</b></td>${columns.map((c) => html`<td${c.key ? html` data-k="${c.key}"` : ''}><b>${c.cell(d.figures)}</b></td>`)}</tr></tbody></table></div>`;
}

/** A branch page's figures (no children table): each number tagged with its key. */
const figLine = (f: Figures, keys: readonly FigureKey[]) => html`<p>${keys.map((k, i) => html`${i > 0 ? ' · ' : ''}${label(k)} <b data-k="${k}">${f[k]}</b>`)}</p>`;

const num = (k: FigureKey) => ({ head: label(k), key: k, cell: (f: Figures) => f[k] });

/** The page of the committee, a general branch or a branch. */
export function orgPage(d: OrgPageData): Html {
  const f = d.figures;
  const quotaBars = d.children.map((c) => ({ name: c.name, done: c.figures.talkQuotaDone, owed: c.figures.talkQuotaOwed }));
  const excellentCap = d.excellentCap;
  const cards = html`<section><h2>${d.name} · ${d.year}年</h2><div class="cards" data-cards>
    ${card('在册党员', f.members)}
    ${card('年度谈心', progressText(f.talkQuotaDone, f.talkQuotaOwed))}
    ${card('事由逾期', f.triggerOverdue, `待办 ${f.triggerOpen}`)}
    ${card('节日走访', progressText(f.holidayVisited, f.holidayOwed))}
    ${card('政治生日祝福', f.greetingsSent, `失败 ${f.greetingsFailed} · 无账号 ${f.greetingsNoAccount}`)}
    ${card('意见建议待答复', f.suggestionsAwaiting, `逾期 ${f.suggestionsOverdue}`)}
    ${card('本季度自评', progressText(f.selfEvaluationsSubmitted, f.selfEvaluationsExpected))}
    ${d.sensitive ? card('困难党员在册', f.hardshipRegistered, `待核实 ${f.hardshipAwaitingVerification}`) : ''}
  </div><p class="muted">${d.countedAt ? `统计于 ${d.today} ${d.countedAt}（范围较大，每${SNAPSHOT_EVERY_MINUTES}分钟更新一次；下载的明细为当前数据）。` : `统计截至 ${d.today}。`}</p></section>`;

  const quota = html`<section id="quota"><h2>年度谈心谈话进度</h2>
    ${quotaBars.length > 1 ? html`<div class="chart">${new Html(quotaBarsSvg(quotaBars))}</div>` : ''}
    ${figureTable(d, [num('talkQuotaDone'), num('talkQuotaOwed'), { head: '完成率', cell: (x) => (percentOf(x.talkQuotaDone, x.talkQuotaOwed) ?? '—') + (x.talkQuotaOwed > 0 ? '%' : '') }], 'quota')}
    ${d.children.length === 0 ? figLine(f, ['talkQuotaDone', 'talkQuotaOwed']) : ''}
    ${downloadLinks(d, ['obligations', 'talks'])}</section>`;

  const months = html`<section id="months"><h2>事由应办与逾期（按月）</h2>
    <div class="grid"><div class="chart">${new Html(monthsSvg(d.months))}</div>
    <div class="scroll"><table data-table="months"><thead><tr><th>月份</th><th>谈心谈话</th><th>走访慰问</th><th>月末逾期事项</th></tr></thead><tbody>${d.months.map(
      (m) => html`<tr><td>${m.month}</td><td>${m.talks}</td><td>${m.visits}</td><td>${m.overdueAtEnd}</td></tr>`,
    )}</tbody></table></div></div>
    ${figureTable(d, [num('triggerOpen'), num('triggerOverdue'), num('triggerDoneInTime'), num('triggerDoneLate')], 'triggers')}
    ${d.children.length === 0 ? figLine(f, ['triggerOpen', 'triggerOverdue', 'triggerDoneInTime', 'triggerDoneLate']) : ''}
    ${downloadLinks(d, ['obligations'])}</section>`;

  const visitTotal = d.visitDays.reduce((n, x) => n + x.count, 0);
  const busiest = [...d.visitDays].sort((a, b) => b.count - a.count || a.date.localeCompare(b.date)).slice(0, 5);
  const visits = html`<section id="visits"><h2>走访慰问</h2>
    <div class="chart">${new Html(visitCalendarSvg(d.visitDays, d.year, d.today))}</div>
    <p>今年走访 <b data-k="visitsYear">${visitTotal}</b> 次，涉及 ${d.visitDays.length} 天。${busiest.length > 0 ? html`走访最多的日子：${busiest.map((b, i) => html`${i > 0 ? '、' : ''}${b.date}（${b.count}次）`)}` : ''}</p>
    ${figureTable(d, [num('holidayVisited'), num('holidayOwed'), { head: '走访率', cell: (x) => (percentOf(x.holidayVisited, x.holidayOwed) ?? '—') + (x.holidayOwed > 0 ? '%' : '') }], 'holiday')}
    ${d.children.length === 0 ? figLine(f, ['holidayVisited', 'holidayOwed']) : ''}
    ${downloadLinks(d, ['visits', 'obligations'])}</section>`;

  const greetings = html`<section id="greetings"><h2>政治生日</h2>
    ${figureTable(d, [num('greetingsSent'), num('greetingsFailed'), num('greetingsNoAccount'), num('withoutAccount')], 'greetings')}
    ${d.children.length === 0 ? figLine(f, ['greetingsSent', 'greetingsFailed', 'greetingsNoAccount', 'withoutAccount']) : ''}
    ${downloadLinks(d, ['greetings'])}</section>`;

  const assistance = d.sensitive
    ? html`<section id="assistance"><h2>困难帮扶</h2>
    ${figureTable(d, [num('hardshipRegistered'), num('hardshipVerified'), num('hardshipAwaitingVerification'), num('reliefDue'), num('reliefPaid')], 'assistance')}
    ${d.children.length === 0 ? figLine(f, ['hardshipRegistered', 'hardshipVerified', 'hardshipAwaitingVerification', 'reliefDue', 'reliefPaid']) : ''}
    ${downloadLinks(d, ['hardship', 'relief'])}</section>`
    : html``;

  const capColumn = { head: '优秀党员限额', cell: (_x: Figures, row?: ChildRow) => (row ? (row.excellentCap ?? '—') : (excellentCap ?? '—')) };
  const incentive = html`<section id="incentive"><h2>评议与表彰</h2>
    ${figureTable(d, [num('selfEvaluationsSubmitted'), num('selfEvaluationsExpected'), num('excellentCount'), ...(d.kind === 'committee' ? [capColumn] : [])], 'incentive')}
    ${d.children.length === 0 ? figLine(f, ['selfEvaluationsSubmitted', 'selfEvaluationsExpected', 'excellentCount']) : ''}
    ${excellentCap !== undefined ? html`<p>优秀党员 <b data-k="excellentCount">${f.excellentCount}</b>，限额 <b data-k="excellentCap">${excellentCap}</b>${f.excellentCount > excellentCap ? html` <span class="warn">已超出限额</span>` : ''}</p>` : html`<p class="muted">优秀党员限额按党总支计算。</p>`}
    ${downloadLinks(d, ['evaluations', 'excellent'])}</section>`;

  const voice = html`<section id="voice"><h2>通报与意见建议</h2>
    ${figureTable(d, [num('announcementReads'), num('announcementRecipients'), { head: '阅读率', cell: (x) => (percentOf(x.announcementReads, x.announcementRecipients) ?? '—') + (x.announcementRecipients > 0 ? '%' : '') }, num('suggestionsAwaiting'), num('suggestionsOverdue')], 'voice')}
    ${d.children.length === 0 ? figLine(f, ['announcementReads', 'announcementRecipients', 'suggestionsAwaiting', 'suggestionsOverdue']) : ''}
    ${downloadLinks(d, ['announcements', 'suggestions'])}</section>`;

  const members = d.members ? memberTable(d.members) : html``;
  const pager = childPager(d);
  return html`${crumbs(d.crumbs)}${cards}${pager}${members}${quota}${months}${visits}${greetings}${assistance}${incentive}${voice}`;
}

/** "党支部 第 51–100 个，共 3265 个 · 上一页 · 下一页": the tables below show this page of the children. */
function childPager(d: OrgPageData): Html {
  const p = d.childPager;
  if (!p) return html``;
  const word = d.kind === 'committee' ? '党总支' : '党支部';
  const to = p.from + d.children.length - 1;
  const prev = p.page > 1 ? html` · <a href="${p.href(p.page - 1)}" rel="prev">‹ 上一页</a>` : '';
  const next = p.page < p.pages ? html` · <a href="${p.href(p.page + 1)}" rel="next">下一页 ›</a>` : '';
  return html`<nav class="pager muted" data-pager="${p.page}/${p.pages}">下列各表为${word}第 ${p.from}–${to} 个，共 ${p.total} 个（第 ${p.page}/${p.pages} 页；合计行为全部${word}）${prev}${next}</nav>`;
}

const GREETING_WORDS: Record<GreetingState, string> = { sent: '已发送', failed: '发送失败', no_account: '无账号', pending: '待发送' };

export const reasonWords = (code: string): string => (code === 'restricted' ? '（不可见）' : (REASON_LABELS as Record<string, string>)[code] ?? code);

function memberTable(rows: NonNullable<OrgPageData['members']>): Html {
  return html`<section id="members"><h2>党员（${rows.length}人）</h2><div class="scroll"><table data-table="members"><thead><tr><th>姓名</th><th>今年谈心</th><th>今年走访</th><th>待办</th><th>逾期</th><th>事由</th><th>政治生日祝福</th></tr></thead><tbody>${rows.map(
    (m) => html`<tr data-member="${m.memberId}"><td>${m.href ? html`<a href="${m.href}">${m.name}</a>` : m.name}${m.hasAccount ? '' : html` <span class="muted">无账号</span>`}</td><td>${m.talks}</td><td>${m.visits}</td><td>${m.open}</td><td${m.overdue > 0 ? html` class="warn"` : ''}>${m.overdue}</td><td>${m.open + m.overdue === 0 ? '' : m.reasonsShown ? m.openReasons.map(reasonWords).join('、') : '（不可见）'}</td><td>${m.greeting ? GREETING_WORDS[m.greeting] : '—'}</td></tr>`,
  )}</tbody></table></div></section>`;
}

export interface MemberPageData {
  name: string;
  place: string;
  crumbs: Crumb[];
  own: boolean;
  today: string;
  year: number;
  /** Obligations they owe others: `reasonShown` where the viewer sees the member it is about sensitively. */
  owed: Array<OwedObligationRow & { reasonShown: boolean; href?: string | undefined }>;
  /** Care received: reasons and notes as the viewer may see them (already redacted). */
  received: ReceivedCareRow[];
  greetings: GreetingRow[];
  suggestions: Array<{ filedOn: string; dueOn: string; state: 'awaiting_reply' | 'replied'; addressee: string; text: string; reply: string | null; anonymous: boolean }>;
  /** Suggestions are shown (the viewer may see them); false: the section says nothing of them. */
  suggestionsShown: boolean;
}

const KIND_WORDS = { talk: '谈心谈话', visit: '走访慰问' } as const;

/** A member's own page: what they owe others, the care they received, their greetings and suggestions. */
export function memberPage(d: MemberPageData): Html {
  const overdue = d.owed.filter((o) => o.dueOn < d.today).length;
  const owed = d.owed.length === 0
    ? html``
    : html`<section id="owed"><h2>我负责的事项（${d.owed.length}项，逾期 <span data-k="owedOverdue">${overdue}</span>项）</h2><div class="scroll"><table data-table="owed"><thead><tr><th>对象</th><th>事项</th><th>事由</th><th>应完成日期</th><th>状态</th></tr></thead><tbody>${d.owed.map(
        (o) => html`<tr><td>${o.href ? html`<a href="${o.href}">${o.aboutName}</a>` : o.aboutName}</td><td>${KIND_WORDS[o.kind]}</td><td>${o.reasonShown ? reasonWords(o.reason) : '（不可见）'}</td><td>${o.dueOn}</td><td${o.dueOn < d.today ? html` class="warn"` : ''}>${o.dueOn < d.today ? '已逾期' : '待办'}</td></tr>`,
      )}</tbody></table></div></section>`;
  const talks = d.received.filter((r) => r.kind === 'talk').length;
  const received = html`<section id="received"><h2>${d.year}年收到的谈心谈话与走访慰问</h2><p>谈心谈话 <b data-k="talksReceived">${talks}</b> 次，走访慰问 <b data-k="visitsReceived">${d.received.length - talks}</b> 次。</p>${
    d.received.length === 0
      ? ''
      : html`<div class="scroll"><table data-table="received"><thead><tr><th>日期</th><th>方式</th><th>谈话人/走访人</th><th>事由</th><th>备注</th></tr></thead><tbody>${d.received.map(
          (r) => html`<tr><td>${r.happenedOn}</td><td>${KIND_WORDS[r.kind]}</td><td>${r.leaderName}</td><td>${reasonWords(r.reason)}</td><td>${r.note}</td></tr>`,
        )}</tbody></table></div>`
  }</section>`;
  const greetings = html`<section id="greetings"><h2>政治生日祝福</h2>${
    d.greetings.length === 0 ? html`<p class="muted">暂无记录。</p>` : html`<ul>${d.greetings.map((g) => html`<li>${g.period}年（${g.dueOn}）：${GREETING_WORDS[g.state]}</li>`)}</ul>`
  }</section>`;
  const suggestions = !d.suggestionsShown
    ? html``
    : html`<section id="suggestions"><h2>意见建议</h2>${
        d.suggestions.length === 0
          ? html`<p class="muted">暂无意见建议。</p>`
          : html`<ul>${d.suggestions.map(
              (s) => html`<li>${s.filedOn} 向${s.addressee}${s.anonymous ? '（匿名）' : ''}：${s.text}<br><span class="muted">${s.state === 'replied' ? html`已答复：${s.reply ?? ''}` : s.dueOn < d.today ? html`<span class="warn">逾期未答复</span>（应于${s.dueOn}前答复）` : `待答复（应于${s.dueOn}前答复）`}</span></li>`,
            )}</ul>`
      }</section>`;
  return html`${crumbs(d.crumbs)}<section><h2>${d.name}</h2><p>${d.place}</p></section>${owed}${received}${greetings}${suggestions}`;
}

/** The home page when a person has several views. */
export function homePage(name: string, views: ReadonlyArray<{ name: string; href: string; kind: OrgKind }>, ownHref: string): Html {
  return html`<section><h2>${name}，您好</h2><p>请选择要查看的范围：</p><ul>${views.map((v) => html`<li><a href="${v.href}">${v.name}</a> <span class="muted">${ORG_WORD[v.kind]}</span></li>`)}<li><a href="${ownHref}">我的页面</a></li></ul></section>`;
}

