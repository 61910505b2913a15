// The dashboard's figures on demand in chat (issue 16 section 4; the sentences: figure-phrases.ts): "本总支谈心进度",
// "本支部逾期事项", "全校谈心进度", "计算机学院走访情况". The numbers are FigureSource's — the dashboard's own — and
// whose figures a person gets is the access rule's (officeLists, dashboardViewsOf, maySeeOrganisation). An
// organisation named outside the writer's scope gets the same answer as a name nobody bears. Every answer ends with
// the way to the dashboard (发送“后台”).
import { ChatFiguresRepository, type CommitteeOrganisation } from '../dashboard/chat-figures-repository.ts';
import { figureSourceOf } from '../dashboard/figure-source.ts';
import { overdueAnswer, talkProgressAnswer, visitsAnswer, type FigureTarget, type OverdueLine } from '../dashboard/figure-text.ts';
import { periodOf, rollUp, sumFigures, type BranchFigures, type FigurePeriod } from '../dashboard/figures.ts';
import type { FigureScope, FigureSource } from '../dashboard/source.ts';
import { dashboardViewsOf, maySeeOrganisation, officeLists, viewerOf, type AccessPerson, type OrganisationPlace } from '../domain/access.ts';
import { REASON_LABELS, type CareReason } from '../domain/obligations.ts';
import { redactFor, RESTRICTED_REASON } from '../care/visibility.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { organisationForms } from '../assistance/pairing-phrases.ts';
import type { ConversationContext, ConversationHandler } from './context.ts';
import { looksLikeOrganisation, matchFigureQuery, type FigureQueryScope, type FigureTopic } from './figure-phrases.ts';
import { normalizeName } from './interpret/roster-index.ts';
import { guarded } from './reply-guard.ts';
import type { Reply } from './router.ts';
import { figureHelpFor } from './templates.ts';

const say = (content: string): Reply[] => [{ message: { type: 'text', content } }];

const TOPIC_WORDS: Record<FigureTopic, string> = { talks: '谈心进度', overdue: '逾期事项', visits: '走访情况' };

/** What an answer covers: the committee, general branches, or branches (each its own part of the answer). */
type Subject =
  | { kind: 'committee' }
  /** A committee member's linked general branches: one answer, a line each. */
  | { kind: 'linked'; ids: string[] }
  | { kind: 'general_branches'; ids: string[] }
  | { kind: 'branches'; ids: string[] };

/** What to suggest instead, from what the writer does see. */
function alternatives(me: AccessPerson, topic: FigureTopic): string {
  const views = dashboardViewsOf(me);
  const office = officeLists(me);
  const asks = [
    office.branchIds.length > 0 ? `“本支部${TOPIC_WORDS[topic]}”` : '',
    office.generalBranchIds.length > 0 ? `“本总支${TOPIC_WORDS[topic]}”` : '',
    views.committee || views.generalBranchIds.length > office.generalBranchIds.length ? `“全校${TOPIC_WORDS[topic]}”` : '',
  ].filter(Boolean);
  return asks.length > 0 ? `您可发送${asks.join('或')}。` : topic === 'talks' ? '查看本人的年度谈心任务，请发送「谈心进度」。' : '查看本人的待办，请发送「我的待办」。';
}

const isCommitteeMember = (me: AccessPerson) => me.roles.some((r) => r.role === 'committee_member' && r.organisationId === me.committeeId);

/** The subject of a level ("本支部", "本总支", "全校", or none: the widest), or the refusal. */
function subjectOfLevel(me: AccessPerson, level: 'branch' | 'general_branch' | 'committee' | 'widest', topic: FigureTopic): Subject | string {
  const views = dashboardViewsOf(me);
  const office = officeLists(me);
  const linked = isCommitteeMember(me) ? me.linkedGeneralBranchIds : [];
  const word = TOPIC_WORDS[topic];
  switch (level) {
    case 'branch':
      return office.branchIds.length > 0 ? { kind: 'branches', ids: office.branchIds } : `本支部${word}由支部书记查看。${alternatives(me, topic)}`;
    case 'general_branch':
      return office.generalBranchIds.length > 0 ? { kind: 'general_branches', ids: office.generalBranchIds } : `本总支${word}由党总支书记、委员和单位党员主要领导查看。${alternatives(me, topic)}`;
    case 'committee':
      if (views.committee) return { kind: 'committee' };
      return linked.length > 0 ? { kind: 'linked', ids: [...linked] } : `全校${word}由党委组织部和党委书记查看。${alternatives(me, topic)}`;
    case 'widest':
      if (views.committee) return { kind: 'committee' };
      if (linked.length > 0) return { kind: 'linked', ids: [...linked] };
      if (office.generalBranchIds.length > 0) return { kind: 'general_branches', ids: office.generalBranchIds };
      if (office.branchIds.length > 0) return { kind: 'branches', ids: office.branchIds };
      return `${word}由支部书记（本支部）、党总支负责同志（本总支）和党委组织部（全校）查看。${alternatives(me, topic)}`;
  }
}

const fullName = (o: CommitteeOrganisation) => (o.kind === 'branch' ? `${o.generalBranchName}${o.name}` : o.name);
const placeOf = (o: CommitteeOrganisation, committeeId: string): OrganisationPlace => ({ id: o.id, kind: o.kind, generalBranchId: o.generalBranchId, committeeId });

/**
 * The organisation a message names, among those the writer may see (maySeeOrganisation) — the forms the chat
 * knows organisations by (organisationForms: 文学院, 计算机学院, 教工第一支部, 数学学院教工支部 …). Undefined: the
 * name is not an organisation's and does not read like one (not ours to answer).
 */
async function subjectOfName(ctx: ConversationContext, me: AccessPerson, written: string, topic: FigureTopic): Promise<Subject | string | undefined> {
  const orgs = await new ChatFiguresRepository(ctx.trx).organisationsOf(me.committeeId);
  const visible = orgs.filter((o) => maySeeOrganisation(me, placeOf(o, me.committeeId)));
  const name = normalizeName(written);
  const named = visible.filter((o) => organisationForms({ kind: o.kind, name: o.name, gb_name: o.kind === 'branch' ? o.generalBranchName : null }).has(name));
  if (named.length === 0) {
    if (!looksLikeOrganisation(name)) return undefined;
    // The same answer whether nobody bears the name or it is outside the writer's scope.
    const example = visible[0];
    return example
      ? `没有找到您可查看的“${written}”。请写您负责的党总支或党支部的名称，例如“${fullName(example)}${TOPIC_WORDS[topic]}”。`
      : `没有找到您可查看的“${written}”。各党组织的统计由党委组织部、党委书记、党委委员（所联系的党总支）、党总支和党支部负责同志查看。`;
  }
  // A general branch and its own branch of the same name: the general branch is meant.
  const gbs = named.filter((o) => o.kind === 'general_branch');
  const chosen = gbs.length === 1 ? gbs : named;
  if (chosen.length > 1) return `“${written}”可指：${chosen.map(fullName).join('、')}。请写明党总支和支部全称，例如“${fullName(chosen[0]!)}${TOPIC_WORDS[topic]}”。`;
  const o = chosen[0]!;
  return o.kind === 'general_branch' ? { kind: 'general_branches', ids: [o.id] } : { kind: 'branches', ids: [o.id] };
}

const scopeOf = (s: Subject, committeeId: string): FigureScope =>
  s.kind === 'committee' ? { committeeId, committee: true } : s.kind === 'branches' ? { committeeId, branchIds: s.ids } : { committeeId, generalBranchIds: s.ids };

/** The parts of the answer: one target per organisation asked about, with what is listed under each. */
function targetsOf(s: Subject, branches: readonly BranchFigures[]): FigureTarget[] {
  const gbs = rollUp(branches);
  switch (s.kind) {
    case 'committee':
      return [{ title: '全校', figures: sumFigures(gbs.map((g) => g.figures)), parts: gbs.map((g) => ({ name: g.generalBranchName, figures: g.figures })) }];
    case 'linked':
      return [{ title: '您联系的党总支', figures: sumFigures(gbs.map((g) => g.figures)), parts: gbs.map((g) => ({ name: g.generalBranchName, figures: g.figures })) }];
    case 'general_branches':
      return gbs.map((g) => ({ title: g.generalBranchName, figures: g.figures, parts: g.branches.map((b) => ({ name: b.branchName, figures: b.figures })) }));
    case 'branches':
      return branches.map((b) => ({ title: b.branchName, figures: b.figures, parts: [] }));
  }
}

/** The overdue trigger obligations of a branch, each reason shown only where the writer may see it (canSeeSensitive). */
async function overdueLines(ctx: ConversationContext, me: AccessPerson, branchId: string, period: FigurePeriod): Promise<OverdueLine[]> {
  const rows = await new ChatFiguresRepository(ctx.trx).overdueTriggers([branchId], period.today);
  const viewer = viewerOf(me);
  return rows.map((r) => {
    const { reason } = redactFor(viewer, { memberId: r.memberId, branchId: r.branchId, generalBranchId: r.generalBranchId, committeeId: r.committeeId }, r.reason, '');
    return { kind: r.kind, memberName: r.memberName, reason: reason === RESTRICTED_REASON ? null : (REASON_LABELS[reason as CareReason] ?? null), dueOn: r.dueOn };
  });
}

async function answer(ctx: ConversationContext, source: FigureSource, topic: FigureTopic, scope: FigureQueryScope): Promise<Reply[] | undefined> {
  const me = accessPersonOf(ctx.identity!);
  const subject = 'name' in scope ? await subjectOfName(ctx, me, scope.name, topic) : subjectOfLevel(me, scope.level, topic);
  if (subject === undefined) return undefined;
  if (typeof subject === 'string') return say(subject);
  const period = periodOf(ctx.today);
  const figureScope = scopeOf(subject, me.committeeId);
  const branches = await source.branchFigures(figureScope, period);
  if (branches.length === 0) return say(`没有可统计的党支部。${alternatives(me, topic)}`);
  const targets = targetsOf(subject, branches);
  const ownBranches = new Set(officeLists(me).branchIds);
  switch (topic) {
    case 'talks':
      return targets.map((t, i) => ({ message: talkProgressAnswer(t, { year: period.year, ownListHint: subject.kind === 'branches' && ownBranches.has(branches[i]!.branchId) }) }));
    case 'overdue': {
      const out: Reply[] = [];
      for (const [i, t] of targets.entries()) {
        const obligations = subject.kind === 'branches' && t.figures.triggerOverdue > 0 ? await overdueLines(ctx, me, branches[i]!.branchId, period) : subject.kind === 'branches' ? [] : undefined;
        out.push({ message: overdueAnswer(t, { today: period.today, ...(obligations ? { obligations } : {}) }) });
      }
      return out;
    }
    case 'visits': {
      const months = await source.months(figureScope, period);
      // One organisation at a time: a visit count of several would not say whose it is.
      if (targets.length > 1) return say(`请写明要查看哪个党组织的走访情况，例如“${targets[0]!.title}走访情况”。`);
      const visitsThisYear = months.reduce((n, m) => n + m.visits, 0);
      const visitsThisMonth = months.find((m) => m.month === period.month)?.visits ?? 0;
      return [{ message: visitsAnswer(targets[0]!, { year: period.year, visitsThisYear, visitsThisMonth }) }];
    }
  }
}

/** The handler over a FigureSource (the database's by default; tests give their own). */
export function figureConversation(sourceOf: (ctx: ConversationContext) => FigureSource = (ctx) => figureSourceOf(ctx.trx, ctx.timeZone)): ConversationHandler {
  return guarded(async (ctx) => {
    if (ctx.event.kind !== 'text' || !ctx.identity) return undefined;
    const query = matchFigureQuery(ctx.event.text);
    if (!query) return undefined;
    if (query.kind === 'help') return say(figureHelpFor(ctx.identity.name, ctx.identity.roleCodes));
    return answer(ctx, sourceOf(ctx), query.topic, query.scope);
  });
}
