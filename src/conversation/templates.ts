// User-facing Chinese text for the conversation, kept in one place (not scattered in code).
import { ROLE_LABELS, type RoleCode } from '../domain/roster.ts';

/** One line of the help text: what a person can do, and who may do it. */
interface Capability {
  line: string;
  /** Roles that get this line; undefined = everyone in the roster. */
  roles?: RoleCode[];
}

const LEADERS: RoleCode[] = ['committee_secretary', 'committee_member', 'od_staff', 'gb_secretary', 'gb_member', 'branch_secretary'];

const CAPABILITIES: Capability[] = [
  // The pointer to the other helps, short: a branch secretary's 帮助 is within a few bytes of one message.
  { line: '发送「考评帮助」「权利帮助」「统计帮助」：查看其他说明' },
  { line: '发送「我的待办」或点菜单：查看需要您完成的谈心、走访', roles: LEADERS },
  { line: '发送“报告：本人住院了”等：向组织报告本人遇到的困难或变故，组织会安排走访或谈心' },
  { line: '发送“报告：张三住院了”：报告所负责党员的情况，系统将通知负责同志走访或谈心', roles: LEADERS },
  { line: '一句话登记谈心或走访，例如“今天和张三谈心了，岗位变动，情绪稳定”“11月20日走访李四，患病住院，送慰问金500元”', roles: LEADERS },
  { line: '收到提醒后直接回复“已谈，情绪稳定”或“已走访，送慰问金300元”即可登记', roles: LEADERS },
  { line: '发送「撤销」：撤销24小时内的上一条登记', roles: LEADERS },
  { line: '发送「谈心进度」：查看年度谈心完成情况', roles: ['committee_secretary', 'committee_member', 'branch_secretary'] },
  { line: '发送「本月政治生日」：查看本支部本月过政治生日的党员', roles: ['branch_secretary', 'gb_secretary', 'gb_member'] },
  { line: '发送“已开展11月集体政治生日活动”：登记本支部集体过政治生日活动', roles: ['branch_secretary'] },
  { line: '发送“申请困难帮扶：母亲重病，家庭开支大”：申请列入生活困难党员，由党总支审核；发送「我的帮扶」查看本人登记、补助和帮扶人' },
  { line: '发送“申请突发困难补助：孩子上学学费困难，申请2000元”：遇突发困难申请补助，经党总支提出意见、党委组织部审批后发放' },
  { line: '发送“为王芳申请突发困难补助：家中遭火灾，申请5000元”：为本支部党员代为申请（须经本人同意）', roles: ['branch_secretary'] },
  { line: '发送“为张伟设定长期生活补助，每月300元，2027年1月至12月”：设定定额补助；每月首个工作日收到发放名单，发放后发送“本月补助已发放”登记', roles: ['od_staff'] },
  { line: '发送“推荐王芳为生活困难党员，因病”：经本人同意后推荐（本人无账号的，写明“本人已同意”）；发送「困难党员名单」查看本支部名单', roles: ['branch_secretary'] },
  { line: '发送「困难党员名单」查看所辖生活困难党员名单；“王芳已好转，归档困难党员：家庭收入已恢复”：将其信息归档', roles: ['gb_secretary', 'od_staff'] },
  { line: '发送“结对：张三 帮扶 李四”安排结对帮扶（多人用“、”分隔，党组织写名称，如“数学学院教工支部”）；“结束结对：张三 李四”：结束结对', roles: ['od_staff', 'gb_secretary'] },
  { line: '发送「结对情况」：查看未结对的领导干部和尚无帮扶人的生活困难党员；“免除结对：张三，原因：长期外派”：免除结对要求', roles: ['od_staff'] },
  { line: '发送「我的结对对象」：查看您结对帮扶的党员和最近联系情况；与帮扶对象谈心、走访后一句话登记，即计入结对联系' },
  { line: '5月、11月核实困难党员：点名单卡片上的“仍困难”“已好转”，或一次回复“王芳 已好转；张伟 仍困难 病；新增 冯无号 残”；发送「核实名单」再看名单，发送「核实完毕」上报党委组织部', roles: ['gb_secretary'] },
  { line: '发送“设为突出贡献：张三”或“取消突出贡献：张三”：设置或取消突出贡献党员标记（其遇五必访情形时，党委组织部也将收到走访任务）', roles: ['od_staff'] },
];

/** The general branch's leaders (MECHANISM 3: the GB secretary, its committee members, the unit's main Party leader). */
const GB_LEADERS: RoleCode[] = ['gb_secretary', 'gb_member', 'unit_leader'];

/** The incentive sentences (考评帮助, issue 13), apart from 帮助 so that each reply stays one message. */
const INCENTIVE_CAPABILITIES: Capability[] = [
  { line: '发送“亮岗承诺：立足岗位，做好本职工作”：登记或更新本人年度亮岗承诺；「我的亮岗承诺」「本支部目标」「本总支目标」：查看' },
  { line: '每季度最后两周发送“季度自评：本季度完成了……”：提交季度自评；「我的季度自评」：查看' },
  { line: '发送「我的考评」：查看本人本年度考评等次；「我的表彰」：查看本人所获表彰' },
  { line: '年底收到领导班子评议卡片后点选评价，可发送“评议意见：……”匿名提出意见；「评议领导班子」：再次查看评议卡片' },
  { line: '发送“本支部2027年目标：……”：登记支部年度目标；「本支部亮岗承诺」：查看本支部党员的承诺和未登记名单', roles: ['branch_secretary'] },
  { line: '发送「本季度未自评名单」：查看未提交季度自评的党员；“代冯无号提交季度自评：……”：为无账号党员代为提交', roles: ['branch_secretary'] },
  { line: '发送“年底总评：全体合格，其中王芳优秀”或“半年考评：……”：登记本支部考评；「本支部考评情况」：查看', roles: ['branch_secretary'] },
  { line: '发送“本总支2027年目标：……”：登记党总支年度目标；“教工第二党支部年底总评：全体合格”：为书记空缺的支部登记考评', roles: ['gb_secretary'] },
  { line: '年底发送“评选优秀党员：张伟、王芳”：评选本总支优秀党员（名额不超过在册党员的规定比例）', roles: ['gb_secretary'] },
  { line: '发送「本季度未自评名单」「本总支考评情况」「本总支优秀党员名单」：查看本总支情况', roles: GB_LEADERS },
  { line: '发送「纪念证书未颁发名单」：查看应颁发“光荣在党50年”纪念证书的党员', roles: ['od_staff', ...GB_LEADERS, 'branch_secretary'] },
  { line: '发送“张伟的表彰”：查看所辖党员所获表彰', roles: ['od_staff', 'committee_secretary', ...GB_LEADERS, 'branch_secretary'] },
  { line: '发送“校党委优秀共产党员：张伟”“校党委优秀党务工作者：周支书”：登记党委评选；“表彰：张伟 专项表彰 抢险抗灾 2026年”：登记表彰', roles: ['od_staff'] },
  { line: '发送“纪念证书符合条件：郑老党员”“已颁发纪念证书：郑老党员，2027-07-01”：确认条件、登记颁发；「考评情况」：查看党委各党总支考评情况', roles: ['od_staff'] },
  { line: '发送「开启领导班子评议」：开启年度领导班子评议', roles: ['od_staff'] },
  { line: '发送「领导班子评议结果」：查看评议进度和结果', roles: ['od_staff', 'gb_secretary'] },
];

/**
 * The members'-voice sentences (权利帮助, issue 14; MECHANISM 3.1 党员政治权利), apart from 帮助 so that each reply
 * stays one message: reporting work and open Party affairs first.
 */
const VOICE_CAPABILITIES: Capability[] = [
  { line: '收到通报或党务公开卡片后点「已阅」；发送「党务公开」：查看发给您的通报（「党务公开 第2页」翻页），「党务公开12」：查看全文' },
  { line: '发送“向本支部党员通报：……”：向本支部党员通报工作（先预览，点「发送」后发出）', roles: ['branch_secretary'] },
  { line: '发送“向本总支党员通报：……”或“向各支部书记通报：……”：向本总支党员或各支部书记通报工作（先预览，确认后发出）', roles: ['gb_secretary'] },
  { line: '发送“向各支部通报：……”：向各党总支、党支部书记通报工作；“党务公开：……”：向全体党员公开（先预览，确认后发出）', roles: ['od_staff'] },
  // The reminder period is a setting (announcement_reminder_days): the line names no number of days.
  {
    line: '通报可注明类别，如“向本支部党员通报典型事迹：……”“党务公开（表彰公示）：……”；发送「通报阅读情况」「未读名单」「我的通报」：查看阅读情况，未阅的到期将提醒一次',
    roles: ['od_staff', 'gb_secretary', 'branch_secretary'],
  },
  { line: '发送“意见建议：希望支部活动安排在周末”：向支部书记提出意见建议，限期答复' },
  { line: '也可发送“向党总支书记反映：……”“向挂联党委委员反映：……”“向党委书记反映：……”“向组织部反映：……”；前面加“匿名”，对方看不到您的姓名（党委组织部可见）' },
  { line: '发送「我的建议」：查看您的意见建议和答复；“建议12”：查看其中一条' },
  { line: '收到意见建议卡片后点“回复”再发送答复，或随时发送“回复建议12：……”；「待回复的建议」：查看待您答复的意见建议', roles: [...LEADERS, 'unit_leader'] },
  // Delegates' proposals (issue 14 section 3): a delegate is a roster flag, not a role, so the line is everyone's.
  { line: '党代会代表发送“提案：关于……的建议”提交提案；「我的提案」：查看办理和答复情况' },
  { line: '发送「待办提案」「提案列表」办理代表提案；点卡片或发送“提案3立案”“提案3不予立案：理由”；“提案3交由后勤处办理”交办；“提案3答复：……”登记答复', roles: ['od_staff'] },
];

/** The lines of a list of capabilities that a person with these roles may use. */
const linesFor = (list: readonly Capability[], roles: readonly RoleCode[]) => list.filter((c) => !c.roles || c.roles.some((r) => roles.includes(r))).map((c) => `· ${c.line}`);

const greetingOf = (name: string, roles: readonly RoleCode[]) => {
  const held = roles.filter((r) => r !== 'member').map((r) => ROLE_LABELS[r]);
  return `${name}同志${held.length ? `（${held.join('、')}）` : ''}，您好！`;
};

export function helpFor(name: string, roles: readonly RoleCode[]): string {
  return [
    `【党员关怀助手】${greetingOf(name, roles)}我可以为您办理：`,
    ...linesFor(CAPABILITIES, roles),
    '我还会在您的政治生日送上祝福，并按时提醒谈心、走访和各类报送。',
  ].join('\n');
}

/** 权利帮助 (党员权利帮助): the members'-voice sentences the person's roles may use (通报、党务公开、意见建议、提案). */
export function voiceHelpFor(name: string, roles: readonly RoleCode[]): string {
  return [
    `【党员权利帮助】${greetingOf(name, roles)}通报、党务公开、意见建议和代表提案可以这样办理：`,
    ...linesFor(VOICE_CAPABILITIES, roles),
    '答复、逾期督办的情况我会及时告诉您；休息时间（21:00—8:00）确认的通报，将于次日8:00发出。',
  ].join('\n');
}

/** 考评帮助: the incentive sentences the person's roles may use (组织目标、亮岗承诺、季度自评、考评、表彰、评议). */
export function incentiveHelpFor(name: string, roles: readonly RoleCode[]): string {
  return [`【考评帮助】${greetingOf(name, roles)}组织目标、亮岗承诺、季度自评、考评、表彰、领导班子评议可以这样办理：`, ...linesFor(INCENTIVE_CAPABILITIES, roles), '年份可不写，默认为今年；到时我会提醒您登记和提交。'].join('\n');
}

/** The dashboard's figures in chat (统计帮助, issue 16 section 4), apart from 帮助 so that each reply stays one message. */
const FIGURE_CAPABILITIES: Capability[] = [
  { line: '发送「本支部谈心进度」「本支部逾期事项」「本支部走访情况」：查看本支部年度谈心、逾期事项（含党员姓名和应完成日期）和走访情况', roles: ['branch_secretary'] },
  { line: '发送「本总支谈心进度」「本总支逾期事项」「本总支走访情况」：查看本总支各支部的情况；写支部名称可查看该支部，如“教工第一党支部逾期事项”', roles: GB_LEADERS },
  { line: '发送「全校谈心进度」「全校逾期事项」「全校走访情况」：查看各党总支的情况；写党总支名称可查看该党总支，如“计算机学院走访情况”', roles: ['od_staff', 'committee_secretary'] },
  { line: '发送「全校谈心进度」「逾期事项」：查看您联系的党总支的情况；写党总支名称可查看该党总支，如“计算机学院走访情况”', roles: ['committee_member'] },
  { line: '每周首个工作日，党总支书记、支部书记收到本周工作提示（待办和逾期事项）；党委组织部每月、党委书记每季度收到一次；没有待办事项的不发送', roles: ['od_staff', 'committee_secretary', 'gb_secretary', 'branch_secretary'] },
  { line: '发送「后台」获取工作台登录链接，查看图表、明细并下载数据' },
];

/** 统计帮助: the figures the person's roles may ask for, and the digests they get. */
export function figureHelpFor(name: string, roles: readonly RoleCode[]): string {
  const lines = linesFor(FIGURE_CAPABILITIES, roles);
  // A plain member sees no organisation's figures: only the way to their own page.
  const intro = lines.length > 1 ? '谈心、走访和逾期事项的统计可以这样查看（数字与工作台一致）：' : '各党组织的统计由支部书记、党总支负责同志、党委组织部和党委书记查看。您可以：';
  return [`【统计帮助】${greetingOf(name, roles)}${intro}`, ...lines].join('\n');
}

export const T = {
  hint: '抱歉，我暂时没有理解这句话。发送「帮助」可以查看我能做什么。',
  greeting: (name: string) => `${name}同志，您好！我是党员关怀助手。发送「帮助」可以查看我能做什么。`,
  thanks: '不客气。如需帮助，请随时发送「帮助」。',
  acknowledgement: '好的。如需帮助，请随时发送「帮助」。',
  groupMention: '您好，我是党内激励关怀帮扶助手。谈心谈话、走访、帮扶等事项涉及个人情况，请私聊我办理；私聊发送「帮助」查看可以办理的事项。',
  nonText: '目前我只能理解文字消息，请用文字告诉我。发送「帮助」查看我能做什么。',
  welcome: (name: string) => `${name}同志，您好！欢迎使用党员关怀助手。发送「帮助」或点击下方菜单，查看我能为您做什么。`,
  unknownUser: (userId: string) =>
    `您好，您的账号（${userId}）还不在党员名册中，暂时无法使用党员关怀助手。请联系所在党支部书记或党委组织部，将您的账号登记到名册后再试。`,
  unknownMenu: '这个菜单项暂不可用，请发送「帮助」查看可用功能。',
  staleCard: '这个按钮已失效，请重新发送您的消息或发送「帮助」。',
};
