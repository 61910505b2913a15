// Pairing in chat (结对帮扶, MECHANISM 1.2; the sentences: pairing-phrases.ts). Names are resolved as the OD's
// commands resolve them (src/conversation/od-commands.ts): a name or a chat account; a name nobody bears or
// several bear changes nothing, and the answer says which and how to write it. The member helped is looked for
// only among those the writer may arrange a pairing for (the OD: the committee; a GB secretary: their GB), so
// the answer about anyone else reads as for a name nobody bears. Helpers — members, or organisations named as
// the roster names them (数学学院教工支部) — are looked for in the whole committee.
//
// Talks and visits a helper logs with the member are care records (the care conversation takes them; see
// src/conversation/care-conversation.ts): they are pairing contact without anything written here.
import { OrganisationRepository } from '../db/organisation-repository.ts';
import { PairingRepository, type HelperRef, type NamedOrganisationRow } from '../db/pairing-repository.ts';
import { SettingsRepository } from '../db/settings-repository.ts';
import { mayApprove, type AccessPerson } from '../domain/access.ts';
import { PAIRING_MODE_LABELS } from '../domain/assistance.ts';
import { chineseDate } from '../domain/format.ts';
import type { ConversationContext, ConversationHandler } from '../conversation/context.ts';
import { guarded } from '../conversation/reply-guard.ts';
import type { Reply } from '../conversation/router.ts';
import { normalizeName } from '../conversation/interpret/roster-index.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { endPairing, exemptCadre, pairingOverview, pairsOfHelper, revokeExemption, startPairing, type PairingNotice } from './pairing.ts';
import { matchPairingCommand, organisationForms, type PairingCommand } from './pairing-phrases.ts';
import { myPairsAnswer, overviewAnswer } from './pairing-text.ts';

const say = (content: string, ...notices: PairingNotice[]): Reply[] => [{ message: { type: 'text', content } }, ...notices.map((n) => ({ recipient: n.recipient, onceKey: n.onceKey, message: n.message }))];

const USAGE: Record<Extract<PairingCommand, { kind: 'usage' }>['of'], string> = {
  pair: '请按格式发送，例如“结对：李明 帮扶 王芳”；多人帮扶一人，写“结对：张伟、刘洋 帮扶 王芳”；党组织帮扶，写“结对：数学学院教工支部 帮扶 王芳”。每条消息安排一名帮扶对象。',
  end: '请写明帮扶人和帮扶对象，例如“结束结对：李明 王芳”。',
  exempt: '请写明领导干部姓名和原因，例如“免除结对：李明，原因：长期外派”。',
  revoke_exemption: '请写明姓名，例如“取消免除结对：李明”。',
};

/** Who may arrange pairings at all: the OD and GB secretaries (whom for: the access rule, per member). */
const arranges = (me: AccessPerson) => me.roles.some((r) => r.role === 'od_staff' || r.role === 'gb_secretary');
const isOd = (me: AccessPerson) => me.roles.some((r) => r.role === 'od_staff');

export const pairingConversation: ConversationHandler = guarded(async (ctx) => {
  if (ctx.event.kind !== 'text' || !ctx.identity) return undefined;
  const cmd = matchPairingCommand(ctx.event.text);
  if (!cmd) return undefined;
  const me = accessPersonOf(ctx.identity);
  switch (cmd.kind) {
    case 'my_pairs': {
      const { pairing_nudge_days: nudgeDays } = await new SettingsRepository(ctx.trx).read(['pairing_nudge_days']);
      const pairs = await pairsOfHelper(ctx.trx, { viewer: me, today: ctx.today, nudgeDays });
      return myPairsAnswer({ pairs, today: ctx.today, nudgeDays }).map((message) => ({ message }));
    }
    case 'overview': {
      if (!isOd(me)) return say('结对帮扶情况由党委组织部掌握。查看您本人的结对对象，请发送“我的结对对象”。');
      const lists = await pairingOverview(ctx.trx, me.committeeId);
      return overviewAnswer({ ...lists, today: ctx.today }).map((message) => ({ message }));
    }
    case 'usage':
      if (cmd.of === 'exempt' || cmd.of === 'revoke_exemption' ? !isOd(me) : !arranges(me)) return refusal(cmd.of);
      return say(USAGE[cmd.of]);
    case 'pair':
      return arranges(me) ? pair(ctx, me, cmd) : refusal('pair');
    case 'end':
      return arranges(me) ? end(ctx, me, cmd) : refusal('end');
    case 'exempt':
    case 'revoke_exemption':
      return isOd(me) ? exemption(ctx, me, cmd) : refusal(cmd.kind);
  }
});

function refusal(of: 'pair' | 'end' | 'exempt' | 'revoke_exemption'): Reply[] {
  return say(
    of === 'exempt' || of === 'revoke_exemption'
      ? '免除领导干部结对帮扶由党委组织部办理。'
      : '结对帮扶由党委组织部或帮扶对象所在党总支书记安排。如需结对，请联系所在党总支。',
  );
}

// ---- names ----

type Found = { kind: 'member'; memberId: string; name: string } | { kind: 'organisation'; organisationId: string; name: string };
type Resolution = { found: Found } | { missing: string } | { namesakes: string };

const fullName = (o: NamedOrganisationRow) => (o.kind === 'branch' ? `${o.gb_name ?? ''}${o.name}` : o.name);

/** Helpers by name or account (members) or by an organisation's name, in the writer's committee. */
async function resolveHelpers(ctx: ConversationContext, written: readonly string[]): Promise<Resolution[]> {
  const committee = ctx.identity!.committeeId;
  const people = await new OrganisationRepository(ctx.trx).activeNamed(committee, written);
  const orgs = await new PairingRepository(ctx.trx).organisationsOf(committee);
  const forms = orgs.map((o) => ({ o, forms: organisationForms(o) }));
  return written.map((w) => {
    const byAccount = people.filter((m) => m.userid?.toLowerCase() === w.toLowerCase());
    const bearers = byAccount.length > 0 ? byAccount : people.filter((m) => m.name === w);
    const named = forms.filter((f) => f.forms.has(normalizeName(w))).map((f) => f.o);
    const all = [
      ...bearers.map((b) => ({ found: { kind: 'member' as const, memberId: b.id, name: `${b.name}同志` }, says: `${b.name}（${b.gb}${b.branch}${b.userid ? `，账号 ${b.userid}` : '，无账号'}）` })),
      ...named.map((o) => ({ found: { kind: 'organisation' as const, organisationId: o.id, name: fullName(o) }, says: fullName(o) })),
    ];
    if (all.length === 0) return { missing: w };
    if (all.length > 1) return { namesakes: `“${w}”可指：${all.map((a) => a.says).join('；')}` };
    return { found: all[0]!.found };
  });
}

/** The member helped: among those the writer may arrange a pairing for. */
async function resolveMember(ctx: ConversationContext, me: AccessPerson, written: string): Promise<Resolution> {
  const people = await new OrganisationRepository(ctx.trx).activeNamed(me.committeeId, [written]);
  const byAccount = people.filter((m) => m.userid?.toLowerCase() === written.toLowerCase());
  const bearers = (byAccount.length > 0 ? byAccount : people.filter((m) => m.name === written)).filter((m) =>
    mayApprove(me, 'pairing', { memberId: m.id, branchId: m.branch_id, generalBranchId: m.gb_id, committeeId: m.committee_id }),
  );
  if (bearers.length === 0) return { missing: written };
  if (bearers.length > 1) return { namesakes: `“${written}”可指：${bearers.map((b) => `${b.name}（${b.gb}${b.branch}${b.userid ? `，账号 ${b.userid}` : '，无账号'}）`).join('；')}` };
  return { found: { kind: 'member', memberId: bearers[0]!.id, name: bearers[0]!.name } };
}

/** Nothing is changed while any name is unclear: the answer names each problem and the form to use. */
function unclear(me: AccessPerson, resolutions: readonly Resolution[], member: Resolution | undefined, example: string): Reply[] | undefined {
  const missing = resolutions.flatMap((r) => ('missing' in r ? [r.missing] : []));
  const namesakes = resolutions.flatMap((r) => ('namesakes' in r ? [r.namesakes] : []));
  const lines: string[] = [];
  if (missing.length > 0) lines.push(`名册中没有：${missing.join('、')}，请核对姓名或党组织名称。`);
  if (member && 'missing' in member) lines.push(isOd(me) ? `名册中没有：${member.missing}，请核对姓名。` : `您所在党总支没有名为“${member.missing}”的党员，请核对姓名（结对帮扶由帮扶对象所在党总支安排）。`);
  if (namesakes.length > 0) lines.push(`有同名：${namesakes.join('。')}。请改用账号或写全党组织名称，例如“${example}”。`);
  if (member && 'namesakes' in member) lines.push(`有同名：${member.namesakes}。请改用账号，例如“${example}”。`);
  return lines.length > 0 ? say(`未作修改。${lines.join('\n')}`) : undefined;
}

const refOf = (f: Found): HelperRef & { name: string } => (f.kind === 'member' ? { kind: 'member', memberId: f.memberId, name: f.name } : { kind: 'organisation', organisationId: f.organisationId, name: f.name });

// ---- the commands ----

async function pair(ctx: ConversationContext, me: AccessPerson, cmd: Extract<PairingCommand, { kind: 'pair' }>): Promise<Reply[]> {
  const helpers = await resolveHelpers(ctx, cmd.helpers);
  const member = await resolveMember(ctx, me, cmd.member);
  const asked = unclear(me, helpers, member, `结对：lisi01 帮扶 ${cmd.member}`);
  if (asked) return asked;
  const found = helpers.map((h) => (h as { found: Found }).found);
  const out = await startPairing(ctx.trx, { actor: me, memberId: (member as { found: Found & { kind: 'member' } }).found.memberId, helpers: found.map(refOf), today: ctx.today, now: ctx.now });
  switch (out.status) {
    case 'not_allowed':
      return refusal('pair');
    case 'no_entry':
      return say(`${out.member}同志目前不在生活困难党员名单中（须经本人申报或党支部推荐、党总支审核确定），暂不能安排结对帮扶。`);
    case 'self_help':
      return say(`帮扶人与帮扶对象不能是同一人（${out.member}），请核对后重新发送。`);
    case 'done': {
      const lines: string[] = [];
      if (out.started.length > 0) lines.push(`已安排${out.started.map((s) => s.name).join('、')}与${out.member}同志（${out.place}）结对帮扶，目前为${PAIRING_MODE_LABELS[out.mode]}。`);
      if (out.existing.length > 0) lines.push(`${out.existing.map((s) => s.name).join('、')}已在帮扶${out.member}同志，无需重复安排。`);
      if (out.started.length > 0) {
        const unreachable = out.started.filter((s) => s.unreachable).map((s) => s.name);
        const told = [...(out.started.some((s) => !s.unreachable) ? ['帮扶人（仅告知困难类型，不含补助金额）'] : []), ...(out.memberReachable ? [`${out.member}同志本人`] : [])];
        lines.push(
          (told.length > 0 ? `已告知${told.join('和')}。` : '') +
            (unreachable.length > 0 ? `${unreachable.join('、')}无法通过企业微信/钉钉通知，请线下告知。` : '') +
            (out.memberReachable ? '' : `${out.member}同志无企业微信/钉钉账号，请党支部当面告知。`),
        );
      }
      return say(lines.join('\n'), ...out.notices);
    }
  }
}

async function end(ctx: ConversationContext, me: AccessPerson, cmd: Extract<PairingCommand, { kind: 'end' }>): Promise<Reply[]> {
  const [helper] = await resolveHelpers(ctx, [cmd.helper]);
  const member = await resolveMember(ctx, me, cmd.member);
  const asked = unclear(me, [helper!], member, `结束结对：lisi01 ${cmd.member}`);
  if (asked) return asked;
  const out = await endPairing(ctx.trx, { actor: me, memberId: (member as { found: Found & { kind: 'member' } }).found.memberId, helper: refOf((helper as { found: Found }).found), today: ctx.today });
  switch (out.status) {
    case 'not_allowed':
      return refusal('end');
    case 'not_paired':
      return say(`${out.helper}目前没有结对帮扶${cmd.member}同志，无需结束。`);
    case 'done':
      return say(`已结束${out.helper}与${out.pairing.member_name}同志的结对帮扶（${chineseDate(out.pairing.started_on, ctx.today)}起结对），已告知帮扶人和本人。`, ...out.notices);
  }
}

async function exemption(ctx: ConversationContext, me: AccessPerson, cmd: Extract<PairingCommand, { kind: 'exempt' | 'revoke_exemption' }>): Promise<Reply[]> {
  if (cmd.kind === 'exempt' && cmd.reason === '') {
    // 原则上 (MECHANISM: warn and record a reason rather than refuse): an exemption without one is not taken.
    return say(`免除结对须写明原因，例如“免除结对：${cmd.cadres[0]}，原因：长期外派”。`);
  }
  const people = await resolveHelpers(ctx, cmd.cadres);
  const asked = unclear(me, people, undefined, `${cmd.kind === 'exempt' ? '免除结对' : '取消免除结对'}：lisi01`);
  if (asked) return asked;
  // An organisation is no cadre: said as for a name nobody bears.
  const orgs = people.filter((p) => 'found' in p && p.found.kind === 'organisation');
  if (orgs.length > 0) return say(`未作修改。名册中没有：${orgs.map((p) => (p as { found: Found }).found.name).join('、')}（免除结对仅适用于领导干部本人）。`);
  const lines: string[] = [];
  for (const p of people) {
    const f = (p as { found: Found & { kind: 'member' } }).found;
    if (f.memberId === me.memberId) {
      lines.push('本人的结对帮扶免除，请由党委组织部其他同志办理。');
      continue;
    }
    if (cmd.kind === 'exempt') {
      const out = await exemptCadre(ctx.trx, { actor: me, memberId: f.memberId, reason: cmd.reason, now: ctx.now });
      if (out.status === 'done') lines.push(`已免除${out.name}同志的结对帮扶要求，原因：${out.reason}。此后每月名单将其单独列出。`);
      else if (out.status === 'already') lines.push(`${out.name}同志已免除结对帮扶（原因：${out.reason}），无需重复办理。`);
      else if (out.status === 'not_cadre') lines.push(`${f.name.replace(/同志$/u, '')}同志${out.cadreLevel ? `（${out.cadreLevel}）` : ''}不是副科级及以上党员领导干部，无需免除。`);
      else if (out.status === 'reason_required') lines.push(`免除结对须写明原因。`);
      else lines.push('免除领导干部结对帮扶由党委组织部办理。');
    } else {
      const out = await revokeExemption(ctx.trx, { actor: me, memberId: f.memberId, now: ctx.now });
      if (out.status === 'done') lines.push(`已取消${out.name}同志的结对帮扶免除，此后按要求列入每月名单。`);
      else if (out.status === 'not_exempt') lines.push(`${out.name || f.name.replace(/同志$/u, '')}同志没有免除结对帮扶，无需取消。`);
      else lines.push('免除领导干部结对帮扶由党委组织部办理。');
    }
  }
  return say(lines.join('\n'));
}
