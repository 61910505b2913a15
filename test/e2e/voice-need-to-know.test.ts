// Issue 14 (members' voice), need to know end to end through signed WeCom callbacks, the fake WeCom API, the admin
// API, the exports and the sweep: every role of the care roster against every voice surface. Who sees what is the
// access rule's (domain/access.ts): a suggestion its writer, its addressee and the OD; a proposal its delegate, its
// assignee and the OD; an announcement's text its recipients and sender, its figures and unread list its sender and
// the OD. Whatever the surface — a number in chat, a forged card key, an admin route with an actor — a number the
// asker may not see gets exactly the answer of a number nobody has. The final scan reads every message the fake
// WeCom delivered (the chat's answers, the cards, the sweep's reminders and escalations) and proves the anonymous
// writer's name reached nobody but the writer and the OD.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningClock, startStack, waitForAllDelivered, type Stack } from '../helpers/stack.ts';
import { textOf, wecomChat } from '../helpers/wecom-chat.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import type { SentMessage } from '../helpers/fake-wecom.ts';
import { runSweep } from '../../src/notices/sweep.ts';
import { sweepDeps } from '../../workers/sweep.ts';
import { collectVoice } from '../../src/voice/export.ts';
import { viewerOf } from '../../src/domain/access.ts';
import { loadAccessPerson } from '../../src/roster/responsibility.ts';

const TOKEN = 'voice-need-to-know-admin-token-0123456789ab';
type Card = { task_id: string; button_list: Array<{ key: string; text: string }> };

/** Every chatting role of the care roster (冯无号 has no account and says nothing). */
const ROLES = {
  committeeSecretary: 'lishuji',
  od: 'zhaozuzhi',
  linkedCommitteeMember: 'qianweiyuan',
  gbSecretary: 'sunzongzhi',
  branchSecretary: 'zhouzhishu',
  writer: 'wushengri',
  anonymousWriter: 'zhenglao',
  sameBranchMember: 'wangjinnian',
  otherGbMember: 'chenbiezhi',
  otherGbSecretary: 'chuzhishu',
} as const;
type Role = keyof typeof ROLES;
const ALL = Object.keys(ROLES) as Role[];
const UNKNOWN = '99999';

/** Who may see each thing (MECHANISM 3.1 and "Rules for every reminder"), written out. */
const SEES = {
  // 匿名向党总支书记提意见 by 郑老党员: to the GB secretary.
  anonymousSuggestion: ['anonymousWriter', 'gbSecretary', 'od'],
  // 意见建议 by 吴生日: to the branch secretary.
  suggestion: ['writer', 'branchSecretary', 'od'],
  // 提案 by 吴生日 (a delegate): to the OD.
  proposal: ['writer', 'od'],
  // 向本支部党员通报 by 周支书: the text to the branch (孙总支, 吴生日, 郑老党员, 王今年 sit in it) and the sender.
  announcementText: ['branchSecretary', 'gbSecretary', 'writer', 'anonymousWriter', 'sameBranchMember'],
  // Its figures and unread list: the sender and the OD.
  announcementReads: ['branchSecretary', 'od'],
} as const satisfies Record<string, readonly Role[]>;
const sees = (what: keyof typeof SEES, role: Role) => (SEES[what] as readonly Role[]).includes(role);

describe('issue 14: members’ voice — need to know, every role against every surface', () => {
  let stack: Stack;
  // 10:00 on Monday 30 November 2026 in Shanghai.
  const time = runningClock('2026-11-30T02:00:00Z');
  const { say, click } = wecomChat(() => stack, time.clock, 9_700_000_000n);
  const answerTo = async (who: string, content: string) => textOf((await say(who, content)).find((m) => m.touser === who)!);
  const clickKey = async (who: string, key: string) => {
    time.set(new Date(time.clock().getTime() + 1_000).toISOString());
    return textOf((await click(who, { task_id: `forged-${key}`, button_list: [{ key, text: 'x' }] }, 'x')).find((m) => m.touser === who)!);
  };
  const admin = (path: string) => fetch(`${stack.baseUrl}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const ids = { anonymousSuggestion: '', suggestion: '', proposal: '', announcement: '' };
  /** The answer for a number as the answer for the unknown number reads, both with the number blanked. */
  const same = (answer: string, id: string, unknown: string) => expect(answer.replaceAll(id, 'N')).toBe(unknown.replaceAll(UNKNOWN, 'N'));

  beforeAll(async () => {
    stack = await startStack({ wecom: true, workers: true, env: { ADMIN_TOKEN: TOKEN }, overrides: { clock: time.clock } });
    await importCareRoster(stack.deps.db.db);
    await sql`update members set party_congress_delegate = true where userid = 'wushengri'`.execute(stack.deps.db.db);
    const number = (re: RegExp, text: string) => re.exec(text)?.[1] ?? '';
    ids.anonymousSuggestion = number(/（建议(\d+)）/u, await answerTo('zhenglao', '匿名向党总支书记提意见：老同志座谈会太少'));
    ids.suggestion = number(/（建议(\d+)）/u, await answerTo('wushengri', '意见建议：希望支部活动安排在周末'));
    ids.proposal = number(/提案(\d+)/u, await answerTo('wushengri', '提案：关于改善实验室条件的建议'));
    const preview = await say('zhouzhishu', '向本支部党员通报：本周五下午召开组织生活会', 2);
    const card = preview.find((m) => m.msgtype === 'template_card')!.body.template_card as Card;
    await click('zhouzhishu', card, '发送', 2);
    await waitForAllDelivered(stack);
    ids.announcement = number(/annsend-(\d+)/u, card.button_list[0]!.key);
    for (const id of Object.values(ids)) expect(id).toMatch(/^\d+$/);
  }, 120_000);
  afterAll(() => stack.close());

  it('chat reads: a number the asker may not see is answered as a number nobody has', async () => {
    const reads: Array<[keyof typeof SEES, (id: string) => string, string]> = [
      ['anonymousSuggestion', (id) => `建议${id}`, ids.anonymousSuggestion],
      ['suggestion', (id) => `建议${id}`, ids.suggestion],
      ['proposal', (id) => `提案${id}`, ids.proposal],
      ['announcementText', (id) => `党务公开${id}`, ids.announcement],
      ['announcementReads', (id) => `通报阅读情况${id}`, ids.announcement],
      ['announcementReads', (id) => `通报${id}未读名单`, ids.announcement],
    ];
    for (const role of ALL) {
      const who = ROLES[role];
      for (const [what, sentence, id] of reads) {
        const answer = await answerTo(who, sentence(id));
        const unknown = await answerTo(who, sentence(UNKNOWN));
        if (sees(what, role)) expect(answer.replaceAll(id, 'N'), `${role} ${sentence(id)}`).not.toBe(unknown.replaceAll(UNKNOWN, 'N'));
        else same(answer, id, unknown);
      }
    }
  }, 300_000);

  it('forged card keys: 回复, 立案 / 不予立案, 发送, 已阅 by anyone not entitled do nothing and say what an unknown number says', async () => {
    const keys: Array<[string, string, readonly Role[]]> = [
      ['sgreply', ids.anonymousSuggestion, ['gbSecretary']],
      ['sgreply', ids.suggestion, ['branchSecretary']],
      ['prreg', ids.proposal, ['od', 'writer']],
      ['prdecl', ids.proposal, ['od', 'writer']],
      ['annsend', ids.announcement, ['branchSecretary']],
      ['anncancel', ids.announcement, ['branchSecretary']],
    ];
    for (const role of ALL) {
      for (const [action, id, entitled] of keys) {
        if (entitled.includes(role)) continue;
        same(await clickKey(ROLES[role], `${action}-${id}`), id, await clickKey(ROLES[role], `${action}-${UNKNOWN}`));
      }
      if (!sees('announcementText', role) || role === 'branchSecretary') {
        same(await clickKey(ROLES[role], `annread-${ids.announcement}`), ids.announcement, await clickKey(ROLES[role], `annread-${UNKNOWN}`));
      }
    }
    // Nothing moved: the proposal is still to be registered, the suggestions await their reply.
    expect(await answerTo('wushengri', '我的提案')).toContain('待立案');
    expect(await answerTo('wushengri', `建议${ids.suggestion}`)).toContain('待回复');
  }, 300_000);

  it('admin routes with an actor: 404 alike for a number not theirs and an unknown one', async () => {
    const routes: Array<[keyof typeof SEES, string, string]> = [
      ['anonymousSuggestion', '/admin/voice/suggestions/', ids.anonymousSuggestion],
      ['suggestion', '/admin/voice/suggestions/', ids.suggestion],
      ['proposal', '/admin/voice/proposals/', ids.proposal],
      ['announcementReads', '/admin/voice/announcements/', ids.announcement],
    ];
    for (const role of ALL) {
      for (const [what, path, id] of routes) {
        const res = await admin(`${path}${id}?actor=${ROLES[role]}`);
        const unknown = await admin(`${path}${UNKNOWN}?actor=${ROLES[role]}`);
        expect(unknown.status).toBe(404);
        if (sees(what, role)) {
          expect(res.status, `${role} ${path}${id}`).toBe(200);
          const body = await res.text();
          if (what === 'anonymousSuggestion' && role === 'gbSecretary') expect(body).not.toContain('郑老党员');
        } else {
          expect(res.status, `${role} ${path}${id}`).toBe(404);
          same(await res.text(), id, await unknown.text());
        }
      }
    }
  }, 120_000);

  it('exports: each role gets the rows the rule lets them see; the anonymous writer named only for the OD and the writer', async () => {
    const db = stack.deps.db.db;
    for (const role of ALL) {
      const person = (await loadAccessPerson(db, String((await db.selectFrom('members').select('id').where('userid', '=', ROLES[role]).executeTakeFirstOrThrow()).id)))!;
      const viewer = viewerOf(person);
      const suggestions = await collectVoice(db, 'suggestions', { today: '2026-11-30', viewer });
      expect(suggestions.map((r) => r.id).sort(), role).toEqual([ids.anonymousSuggestion, ids.suggestion].filter((id) => sees(id === ids.suggestion ? 'suggestion' : 'anonymousSuggestion', role)).sort());
      if (!['od', 'anonymousWriter'].includes(role)) expect(JSON.stringify(suggestions), role).not.toContain('郑老党员');
      const proposals = await collectVoice(db, 'proposals', { today: '2026-11-30', viewer });
      expect(proposals.map((r) => r.id), role).toEqual(sees('proposal', role) ? [ids.proposal] : []);
    }
  }, 120_000);

  it('every message delivered — answers, cards, the sweep’s reminders and escalations — names the anonymous writer only to them and the OD', async () => {
    // The due day, +3 and +7 working days overdue: the reminders and both escalations of the anonymous suggestion.
    for (const date of ['2026-12-07', '2026-12-10', '2026-12-16']) {
      time.set(`${date}T02:00:00Z`);
      await runSweep(sweepDeps(stack.deps), date);
      await waitForAllDelivered(stack);
    }
    const all: SentMessage[] = stack.fake!.sent;
    const escalated = all.filter((m) => textOf(m).includes(`（建议${ids.anonymousSuggestion}）`) && textOf(m).includes('督办'));
    expect(escalated.map((m) => m.touser)).toEqual(expect.arrayContaining(['zhaozuzhi']));
    const aboutIt = all.filter((m) => textOf(m).includes(`建议${ids.anonymousSuggestion}`) || textOf(m).includes('老同志座谈会太少'));
    expect(aboutIt.length).toBeGreaterThan(5);
    for (const m of aboutIt) {
      if (m.touser === 'zhenglao' || m.touser === 'zhaozuzhi') continue;
      expect(textOf(m), `to ${m.touser}`).not.toContain('郑老党员');
    }
  }, 120_000);

  it('the latest question wins: a reason for 不予立案 written after tapping 回复 on a suggestion is the proposal’s, never sent to the suggestion’s writer', async () => {
    time.set('2026-12-17T02:00:00Z');
    const filed = await say('chenbiezhi', '向组织部反映：食堂价格偏高', 2);
    const suggestionCard = filed.find((m) => m.touser === 'zhaozuzhi' && m.msgtype === 'template_card' && textOf(m).includes('食堂价格偏高'))!.body.template_card as Card;
    await click('zhaozuzhi', suggestionCard, '回复');
    time.set('2026-12-17T02:01:00Z');
    await clickKey('zhaozuzhi', `prdecl-${ids.proposal}`);
    const reason = await say('zhaozuzhi', '建议内容属于学校行政事务，请通过教代会提出', 2);
    expect(reason.filter((m) => m.touser === 'chenbiezhi')).toEqual([]);
    expect(textOf(reason.find((m) => m.touser === 'wushengri')!)).toContain('建议内容属于学校行政事务');
    expect(await answerTo('wushengri', `提案${ids.proposal}`)).toContain('不予立案');
  }, 60_000);
});
