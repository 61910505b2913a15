// Excellent members (优秀党员, MECHANISM 3.3, issue 13 section 4): each GB names them — the cap is the GB's, not a
// branch's — so the nudges go to whoever answers for each GB's secretary office (vacant: passed up), with the GB's
// own numbers: on December's first working day to every GB, on January's first working day only to GBs that have
// not recorded a list for the year just ended. The list itself: incentive/honours.ts.
import { CommendationRepository } from '../../db/commendation-repository.ts';
import { SettingsRepository } from '../../db/settings-repository.ts';
import { excellentMemberCap } from '../../domain/incentive.ts';
import { escapeMarkdown as esc } from '../markdown.ts';
import { OfficeDirectory } from '../offices.ts';
import { calendarPlanner, toNotices, type PlannedNotice } from '../planner.ts';
import type { OutboundMessage } from '../../platforms/types.ts';

/** The GB's nudge (or reminder) with its numbers. */
export function excellentMembersMessage(p: { generalBranch: string; year: number; active: number; cap: number; reminder: boolean; late: boolean }): OutboundMessage {
  const title = p.reminder ? `**提醒：${p.year}年度优秀党员尚未评选**` : `**${p.year}年度优秀党员评选**`;
  const capLine = `本总支在册党员${p.active}人，${p.reminder ? '' : '今年'}可评优秀党员不超过${p.cap}人（按在册党员的比例向下取整，去世、转出的不计）。`;
  const how = p.cap === 0 ? '本总支今年没有优秀党员名额。' : `评选后请发送“评选优秀党员：张伟、王芳”登记名单，系统将核对名额、通知本人，并以党总支名义编号颁发荣誉证书。`;
  const deadline = p.reminder ? `请${esc(p.generalBranch)}于1月底前完成评选。` : `请${esc(p.generalBranch)}结合年底总评开展评选，1月底前完成。`;
  return { type: 'markdown', content: [title, `${deadline}${capLine}`, how].join('\n') + (p.late ? '\n> 系统维护期间延迟送达，敬请谅解。' : '') };
}

export const excellentMembers = calendarPlanner({
  kinds: {
    excellent_members_nudge: '优秀党员评选提醒',
    excellent_members_reminder: '优秀党员评选催办',
  },
  async plan(db, notice, ctx) {
    const year = notice.params.evaluatedYear;
    const reminder = notice.kind === 'excellent_members_reminder';
    const percent = (await new SettingsRepository(db).read(['excellent_member_cap_percent'])).excellent_member_cap_percent;
    const gbs = (await new CommendationRepository(db).gbCaps(year)).filter((g) => !(reminder && g.has_list));
    if (gbs.length === 0) return [];
    const offices = await OfficeDirectory.load(db);
    const out: PlannedNotice[] = [];
    for (const g of gbs) {
      const message = excellentMembersMessage({ generalBranch: g.name, year, active: g.active, cap: excellentMemberCap(g.active, percent), reminder, late: ctx.late });
      out.push(...toNotices(notice.kind, notice.period, offices.addressed('gb_secretary', g.id, message).map((n) => ({ ...n, subject: `gb-${g.id}` }))));
    }
    return out;
  },
});
