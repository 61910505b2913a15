import { describe, expect, it } from 'vitest';
import { routeInbound, isHelpRequest } from '../../src/conversation/router.ts';
import { helpFor, incentiveHelpFor, T } from '../../src/conversation/templates.ts';
import { MESSAGE_MAX_BYTES } from '../../src/notices/message-limit.ts';
import type { RoleCode } from '../../src/domain/roster.ts';
import { MENU } from '../../src/conversation/menu-keys.ts';
import { buildWecomMenu } from '../../src/platforms/wecom/menu.ts';
import { jobId } from '../../src/jobs/queues.ts';
import { localDateKey } from '../../src/domain/dates.ts';

const member = { name: '吴党员', roleCodes: ['member'] as const };
const ctx = { localDate: '20261126', sender: member };

describe('conversation router (foundation)', () => {
  it.each(['帮助', 'help', 'HELP', '？', ' 帮助。'])('%s asks for help', (t) => expect(isHelpRequest(t)).toBe(true));
  it.each(['帮我', '你好', '今天和张三谈心了'])('%s is not a help request', (t) => expect(isHelpRequest(t)).toBe(false));

  // issue 9 point 15: a space inside a short command, traditional characters, and how-to questions
  it.each(['帮 助', '幫助', '幫 助', '幫助！', '怎么记录谈心？', '谈心怎么记录', '使用 说明'])('%s asks for help too', (t) => expect(isHelpRequest(t)).toBe(true));

  it('greetings, thanks and acknowledgements get a short polite answer pointing to 帮助, not "not understood"', () => {
    const say = (t: string) => routeInbound({ kind: 'text', userId: 'u', text: t, msgId: '1', createTime: 0 }, ctx)[0]!.message;
    for (const t of ['你好', '您好！', '你好呀', '在吗？', '早上好', 'Hello', '妳好'.replace('妳', '你')]) expect(say(t), t).toEqual({ type: 'text', content: T.greeting('吴党员') });
    for (const t of ['谢谢', '謝謝', '谢谢！', '好的，谢谢', '辛苦了', '感谢']) expect(say(t), t).toEqual({ type: 'text', content: T.thanks });
    for (const t of ['收到', '好的', 'OK', '知道了。']) expect(say(t), t).toEqual({ type: 'text', content: T.acknowledgement });
    expect(T.greeting('吴党员')).toBe('吴党员同志，您好！我是党员关怀助手。发送「帮助」可以查看我能做什么。');
    expect(T.thanks).toContain('「帮助」');
    expect(say('你好，我想问一下食堂几点开门')).toEqual({ type: 'text', content: T.hint });
  });

  it('answers help, and a hint to anything else', () => {
    expect(routeInbound({ kind: 'text', userId: 'u', text: '帮助', msgId: '1', createTime: 0 }, ctx)).toEqual([{ message: { type: 'text', content: helpFor('吴党员', ['member']) } }]);
    expect(routeInbound({ kind: 'text', userId: 'u', text: '随便说说', msgId: '1', createTime: 0 }, ctx)).toEqual([{ message: { type: 'text', content: T.hint } }]);
  });

  it('the router answers help and unknown menu keys (the care conversation answers the care buttons)', () => {
    expect(routeInbound({ kind: 'click', userId: 'u', eventKey: MENU.help, createTime: 0 }, ctx)[0]!.message).toEqual({ type: 'text', content: helpFor('吴党员', ['member']) });
    expect(routeInbound({ kind: 'click', userId: 'u', eventKey: 'nope', createTime: 0 }, ctx)[0]!.message).toEqual({ type: 'text', content: T.unknownMenu });
    expect(routeInbound({ kind: 'card_click', userId: 'u', eventKey: 'x-1', taskId: 't', responseCode: '', selected: {}, createTime: 0 }, ctx)[0]!.message).toEqual({ type: 'text', content: T.staleCard });
  });

  it('the welcome is keyed per user per local day', () => {
    const [r] = routeInbound({ kind: 'enter_agent', userId: 'lisi', createTime: 0 }, ctx);
    expect(r).toEqual({ message: { type: 'text', content: T.welcome('吴党员') }, onceKey: 'welcome-lisi-20261126' });
  });

  it('an account not in the roster gets the polite answer whatever it sends; entering the app, once a day', () => {
    const stranger = { ...ctx, sender: undefined };
    expect(routeInbound({ kind: 'text', userId: 'x1', text: '帮助', msgId: '1', createTime: 0 }, stranger)).toEqual([{ message: { type: 'text', content: T.unknownUser('x1') } }]);
    expect(routeInbound({ kind: 'click', userId: 'x1', eventKey: MENU.todo, createTime: 0 }, stranger)[0]!.message).toEqual({ type: 'text', content: T.unknownUser('x1') });
    expect(routeInbound({ kind: 'enter_agent', userId: 'x1', createTime: 0 }, stranger)[0]!.onceKey).toBe('unknown-x1-20261126');
    expect(routeInbound({ kind: 'other', userId: 'x1', msgType: 'event', event: 'subscribe', createTime: 0 }, stranger)).toEqual([]);
  });

  it('help lists only what the person can do', () => {
    const plain = helpFor('吴党员', ['member']);
    const secretary = helpFor('周委员', ['gb_member', 'branch_secretary', 'member']);
    expect(plain).not.toContain('记录谈心');
    expect(plain).not.toContain('本月政治生日');
    expect(secretary).toContain('谈心');
    expect(secretary).toContain('本月政治生日');
    expect(secretary).toContain('（党总支委员、支部书记）');
  });

  it('help tells who arranges pairings how (the OD and GB secretaries), and everyone 我的结对对象 (issue 12)', () => {
    expect(helpFor('赵组织', ['od_staff', 'member'])).toContain('结对情况');
    expect(helpFor('孙总支', ['gb_secretary', 'member'])).toContain('“结对：张三 帮扶 李四”');
    expect(helpFor('孙总支', ['gb_secretary', 'member'])).not.toContain('免除结对');
    expect(helpFor('吴党员', ['member'])).toContain('我的结对对象');
    expect(helpFor('吴党员', ['member'])).not.toContain('帮扶 李四');
  });

  it('help tells the OD, and only the OD, how to set an outstanding contributor (issue 11 point 5)', () => {
    const od = helpFor('赵组织', ['od_staff', 'member']);
    expect(od).toContain('“设为突出贡献：张三”');
    expect(od).toContain('“取消突出贡献：张三”');
    for (const roles of [['member'], ['branch_secretary', 'member'], ['gb_secretary', 'member'], ['committee_secretary', 'member']] as const) {
      expect(helpFor('某同志', roles)).not.toContain('突出贡献');
    }
  });

  it('media get a hint, silent events get nothing', () => {
    expect(routeInbound({ kind: 'other', userId: 'u', msgType: 'image', createTime: 0 }, ctx)).toHaveLength(1);
    expect(routeInbound({ kind: 'other', userId: 'u', msgType: 'event', event: 'location', createTime: 0 }, ctx)).toHaveLength(0);
  });
});

describe('menu', () => {
  it('fits WeCom limits and uses the router keys', () => {
    const m = buildWecomMenu();
    expect(m.button.length).toBeLessThanOrEqual(3);
    const keys = m.button.flatMap((b) => (b.sub_button ? b.sub_button.map((s) => s.key) : [b.key]));
    expect(keys.sort()).toEqual(Object.values(MENU).sort());
  });
  it('refuses a top-level name over 16 bytes', () => {
    expect(() => buildWecomMenu([{ name: '本月政治生日提醒', key: MENU.help }])).toThrow('16 bytes');
  });
});

describe('ids and dates', () => {
  it('job ids have no colon and are never all digits', () => {
    for (const id of [jobId.inbound('0a1b2c3d', '123'), jobId.outbound('12345678', '9007199254740993'), jobId.batch('12345678', '42')]) {
      expect(id).not.toContain(':');
      expect(/^\d+$/.test(id)).toBe(false);
    }
  });
  it('dedupe keys use the local date, not UTC', () => {
    // 2026-11-26 17:30 UTC is already 27 November in Shanghai.
    expect(localDateKey(new Date('2026-11-26T17:30:00Z'), 'Asia/Shanghai')).toBe('20261127');
    expect(localDateKey(new Date('2026-11-26T17:30:00Z'), 'UTC')).toBe('20261126');
  });

  describe('help within WeCom’s 2,048 bytes; the incentive sentences in 考评帮助 (issue 13)', () => {
    const bytes = (t: string) => Buffer.byteLength(t, 'utf8');
    const ROLES: RoleCode[] = ['committee_secretary', 'committee_member', 'od_staff', 'gb_secretary', 'gb_member', 'branch_secretary', 'unit_leader'];
    // Every single role, the usual combinations, and everything at once (a long name: 4 characters).
    const SETS: RoleCode[][] = [['member'], ...ROLES.map((r): RoleCode[] => [r, 'member']), ['gb_member', 'branch_secretary', 'member'], ['gb_secretary', 'branch_secretary', 'gb_member', 'member'], [...ROLES, 'member']];
    const ask = (roles: RoleCode[], t: string) => routeInbound({ kind: 'text', userId: 'u', text: t, msgId: '1', createTime: 0 }, { localDate: '20261126', sender: { name: '欧阳晓明', roleCodes: roles } });

    it.each(SETS.map((s) => [s.join(','), s] as const))('%s: every help message is within the limit and together they hold every line', (_label, roles) => {
      for (const [t, full] of [['帮助', helpFor('欧阳晓明', roles)], ['考评帮助', incentiveHelpFor('欧阳晓明', roles)]] as const) {
        const replies = ask(roles, t);
        for (const r of replies) expect(bytes(r.message.type === 'text' ? r.message.content : ''), `${t} ${roles.join(',')}`).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
        const said = replies.map((r) => (r.message.type === 'text' ? r.message.content : '')).join('\n');
        for (const line of full.split('\n')) expect(said).toContain(line);
      }
    });

    it('the main help of one office, and every 考评帮助 of one office, is one message', () => {
      // Measured (name of 4 characters): 考评帮助 at most ~1,550 bytes for one office. The main help of the OD
      // (~2,470) and of a GB secretary (~2,250) is over the limit on its own and is sent as two messages.
      for (const roles of SETS.slice(0, ROLES.length + 1)) {
        expect(bytes(incentiveHelpFor('欧阳晓明', roles)), roles.join(',')).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
        expect(ask(roles, '考评帮助')).toHaveLength(1);
      }
      for (const roles of [['member'], ['branch_secretary', 'member'], ['gb_member', 'member'], ['committee_secretary', 'member'], ['unit_leader', 'member']] as RoleCode[][]) {
        expect(bytes(helpFor('欧阳晓明', roles)), roles.join(',')).toBeLessThanOrEqual(MESSAGE_MAX_BYTES);
        expect(ask(roles, '帮助')).toHaveLength(1);
      }
      expect(ask(['od_staff', 'member'], '帮助').length).toBe(2);
      expect(ask(['od_staff', 'member'], '帮助')[1]!.message).toMatchObject({ content: expect.stringMatching(/^（续）/u) });
    });

    it('帮助 points to 考评帮助; 考评帮助 lists only what the roles may use', () => {
      expect(helpFor('吴党员', ['member'])).toContain('「考评帮助」');
      const plain = incentiveHelpFor('吴党员', ['member']);
      for (const s of ['亮岗承诺：', '季度自评：', '「我的考评」', '「我的表彰」', '评议意见：']) expect(plain).toContain(s);
      for (const s of ['本支部2027年目标', '年底总评', '评选优秀党员', '纪念证书', '开启领导班子评议', '本季度未自评名单', '张伟的表彰']) expect(plain).not.toContain(s);
      const branch = incentiveHelpFor('周支书', ['branch_secretary', 'member']);
      for (const s of ['本支部2027年目标', '「本支部亮岗承诺」', '代冯无号提交季度自评', '年底总评：全体合格', '「本支部考评情况」', '纪念证书未颁发名单']) expect(branch).toContain(s);
      expect(branch).not.toContain('评选优秀党员');
      const gb = incentiveHelpFor('孙总支', ['gb_secretary', 'member']);
      for (const s of ['本总支2027年目标', '评选优秀党员', '「本总支考评情况」', '「领导班子评议结果」']) expect(gb).toContain(s);
      expect(gb).not.toContain('开启领导班子评议');
      const od = incentiveHelpFor('赵组织', ['od_staff', 'member']);
      for (const s of ['校党委优秀共产党员', '表彰：', '已颁发纪念证书', '「考评情况」', '「开启领导班子评议」', '「领导班子评议结果」']) expect(od).toContain(s);
      expect(od).not.toContain('评选优秀党员');
    });

    it.each(['考评帮助', '考评 帮助', '激励帮助', '考评说明'])('%s asks for 考评帮助 (not the main help)', (t) => {
      expect(isHelpRequest(t)).toBe(false);
      expect(ask(['member'], t)[0]!.message).toEqual({ type: 'text', content: incentiveHelpFor('欧阳晓明', ['member']) });
    });
  });
});
