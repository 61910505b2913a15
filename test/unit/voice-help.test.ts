// 权利帮助 (issue 14): the members'-voice sentences apart from 帮助, one message for any one office (someone holding
// every office gets it in parts, each within the limit, nothing cut), each person's lines only; 帮助 points to it.
import { describe, expect, it } from 'vitest';
import { routeInbound } from '../../src/conversation/router.ts';
import { helpFor, voiceHelpFor } from '../../src/conversation/templates.ts';
import type { RoleCode } from '../../src/domain/roster.ts';
import { MESSAGE_MAX_BYTES } from '../../src/notices/message-limit.ts';

const ROLES: RoleCode[] = ['committee_secretary', 'committee_member', 'od_staff', 'gb_secretary', 'gb_member', 'branch_secretary', 'unit_leader'];
const SETS: RoleCode[][] = [['member'], ...ROLES.map((r): RoleCode[] => [r, 'member']), [...ROLES, 'member']];
const ask = (roles: RoleCode[], t: string) => routeInbound({ kind: 'text', userId: 'u', text: t, msgId: '1', createTime: 0 }, { localDate: '20261126', sender: { name: '欧阳晓明', roleCodes: roles } });

describe('权利帮助', () => {
  it.each(SETS.map((s) => [s.join(','), s] as const))('%s: within the limit', (_label, roles) => {
    for (const t of ['权利帮助', '党员权利帮助', '通报帮助', '党务公开帮助', '意见建议帮助']) {
      const replies = ask(roles, t);
      const whole = voiceHelpFor('欧阳晓明', roles);
      if (roles.length <= 2) {
        expect(replies).toHaveLength(1);
        expect(replies[0]!.message).toEqual({ type: 'text', content: whole });
      }
      for (const r of replies) {
        expect(r.message.type).toBe('text');
        if (r.message.type === 'text') expect(Buffer.byteLength(r.message.content, 'utf8')).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
      }
      // Nothing cut: every line of the help is in one of the parts.
      const said = replies.map((r) => (r.message.type === 'text' ? r.message.content : '')).join('\n');
      for (const line of whole.split('\n').slice(1)) expect(said).toContain(line);
    }
  });

  it('lists what the roles may send; everyone the archive; 帮助 points to it', () => {
    const plain = voiceHelpFor('吴党员', ['member']);
    expect(plain).toContain('「党务公开」');
    for (const s of ['向本支部党员通报', '向本总支党员通报', '向各支部通报', '通报阅读情况']) expect(plain).not.toContain(s);
    const branch = voiceHelpFor('周支书', ['branch_secretary', 'member']);
    expect(branch).toContain('向本支部党员通报：');
    expect(branch).toContain('「通报阅读情况」');
    expect(branch).not.toContain('党务公开：');
    expect(voiceHelpFor('孙总支', ['gb_secretary', 'member'])).toContain('向各支部书记通报：');
    expect(voiceHelpFor('赵组织', ['od_staff', 'member'])).toContain('党务公开：');
    expect(helpFor('吴党员', ['member'])).toContain('「权利帮助」');
    // A branch secretary's 帮助 stays one message even with a four-character name: two parts may arrive in either order.
    expect(Buffer.byteLength(helpFor('欧阳晓明', ['branch_secretary', 'member']), 'utf8')).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
    // Suggestions and proposals are every member's; handling proposals is the OD's.
    expect(plain).toContain('意见建议：');
    expect(plain).toContain('提案：');
    expect(plain).not.toContain('「待办提案」');
    const od = voiceHelpFor('赵组织', ['od_staff', 'member']);
    for (const s of ['「待办提案」', '提案3立案', '提案3不予立案：', '提案3交由', '提案3答复：']) expect(od).toContain(s);
    // The reminder period is a setting: the help names no number of days for it.
    expect(voiceHelpFor('周支书', ['branch_secretary', 'member'])).not.toMatch(/\d+天未阅/u);
  });
});
