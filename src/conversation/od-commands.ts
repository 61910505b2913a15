// Commands only the Organisation Department gives in chat. 突出贡献 (MECHANISM "Who is who"): the OD marks an
// outstanding contributor — "设为突出贡献：张三" — or clears the mark — "取消突出贡献：张三"; on a visit trigger the OD
// then owes its own visit (issue 11 point 5). The roster's 突出贡献 column sets the same flag.
import { OrganisationRepository } from '../db/organisation-repository.ts';
import { RosterRepository } from '../roster/repository.ts';
import type { ConversationHandler } from './context.ts';
import { guarded } from './reply-guard.ts';

const text = (content: string) => [{ message: { type: 'text' as const, content } }];

export type OdCommand = { kind: 'outstanding'; set: boolean; names: string[] };

const SET = /^(?:请)?(?:设为|设置为|设定为|标记为?|认定为?|添加)突出贡献(?:党员)?[:：]?\s*(?<names>[^:：\s].*)$/u;
const CLEAR = /^(?:请)?(?:取消|撤销|去掉|移除)突出贡献(?:党员)?(?:标记|认定)?[:：]?\s*(?<names>[^:：\s].*)$/u;
const NAME_LIST = /[、,，;；\s]+/u;

/** Pure: the command a message gives, if any. Names are as written (names or chat accounts), in order, once each. */
export function matchOdCommand(message: string): OdCommand | undefined {
  const t = message.trim().replace(/[。！!.]+$/u, '');
  const set = SET.exec(t);
  const m = set ?? CLEAR.exec(t);
  if (!m) return undefined;
  const names = [...new Set(m.groups!['names']!.split(NAME_LIST).map((n) => n.replace(/(?:同志|党员)$/u, '').trim()).filter((n) => n !== ''))];
  return names.length > 0 ? { kind: 'outstanding', set: set !== null, names } : undefined;
}

export const odCommands: ConversationHandler = guarded(async (ctx) => {
  if (ctx.event.kind !== 'text' || !ctx.identity) return undefined;
  const cmd = matchOdCommand(ctx.event.text);
  if (!cmd) return undefined;
  const od = ctx.identity.roles.find((r) => r.role === 'od_staff');
  if (!od) return text('突出贡献党员由党委组织部认定和设置。如需设置，请联系党委组织部。');
  const found = await new OrganisationRepository(ctx.trx).activeNamed(od.organisation.id, cmd.names);
  const missing: string[] = [];
  const namesakes: string[] = [];
  const chosen: typeof found = [];
  for (const written of cmd.names) {
    const byAccount = found.filter((m) => m.userid?.toLowerCase() === written.toLowerCase());
    const bearers = byAccount.length > 0 ? byAccount : found.filter((m) => m.name === written);
    if (bearers.length === 0) missing.push(written);
    else if (bearers.length > 1) namesakes.push(`${written}（${bearers.map((b) => `${b.gb}${b.branch}${b.userid ? `，账号 ${b.userid}` : '，无账号'}`).join('；')}）`);
    else chosen.push(bearers[0]!);
  }
  // Nothing is changed while any name is unclear: the OD sends the corrected list again.
  if (missing.length > 0 || namesakes.length > 0) {
    const lines = [
      ...(missing.length > 0 ? [`名册中没有：${missing.join('、')}，请核对姓名。`] : []),
      ...(namesakes.length > 0 ? [`有同名同志：${namesakes.join('；')}。请改用账号，例如“${cmd.set ? '设为' : '取消'}突出贡献：zhangwei02”。`] : []),
    ];
    return text(`未作修改。${lines.join('\n')}`);
  }
  await new RosterRepository(ctx.trx).setOutstanding(
    chosen.map((m) => m.id),
    cmd.set,
  );
  const who = chosen.map((m) => `${m.name}（${m.gb}${m.branch}）`).join('、');
  return text(
    cmd.set
      ? `已设为突出贡献党员：${who}。今后其遇到五必访情形时，除所在党支部外，党委组织部也将收到走访任务。`
      : `已取消突出贡献党员标记：${who}。`,
  );
});
