// Fictional people and units for seed-demo: surnames weighted roughly by how common they are in China, given
// names from common characters (with pinyin, for ascii demo accounts like zhangwei01), and the names that
// make name matching hard — the same name in several units, one name the prefix of another (王芳/王芳芳),
// names that are also words (高兴 "glad", 金鑫, 马力 "horsepower").

export interface NamePart {
  han: string;
  pinyin: string;
}

/** [surname, pinyin, weight ‰] */
export const SURNAMES: readonly (readonly [string, string, number])[] = [
  ['王', 'wang', 71], ['李', 'li', 70], ['张', 'zhang', 68], ['刘', 'liu', 54], ['陈', 'chen', 46], ['杨', 'yang', 31],
  ['黄', 'huang', 22], ['赵', 'zhao', 22], ['吴', 'wu', 20], ['周', 'zhou', 19], ['徐', 'xu', 13], ['孙', 'sun', 13],
  ['马', 'ma', 12], ['朱', 'zhu', 12], ['胡', 'hu', 11], ['郭', 'guo', 11], ['何', 'he', 10], ['高', 'gao', 10],
  ['林', 'lin', 10], ['罗', 'luo', 9], ['郑', 'zheng', 9], ['梁', 'liang', 8], ['谢', 'xie', 7], ['宋', 'song', 6],
  ['唐', 'tang', 6], ['许', 'xu', 6], ['韩', 'han', 6], ['冯', 'feng', 6], ['邓', 'deng', 6], ['曹', 'cao', 5],
  ['彭', 'peng', 5], ['曾', 'zeng', 5], ['肖', 'xiao', 5], ['田', 'tian', 5], ['董', 'dong', 5], ['袁', 'yuan', 4],
  ['潘', 'pan', 4], ['于', 'yu', 4], ['蒋', 'jiang', 4], ['蔡', 'cai', 4], ['余', 'yu', 4], ['杜', 'du', 4],
  ['叶', 'ye', 4], ['程', 'cheng', 4], ['魏', 'wei', 3], ['苏', 'su', 3], ['吕', 'lv', 3], ['丁', 'ding', 3],
  ['任', 'ren', 3], ['沈', 'shen', 3], ['姚', 'yao', 3], ['卢', 'lu', 3], ['姜', 'jiang', 3], ['崔', 'cui', 3],
  ['钟', 'zhong', 3], ['谭', 'tan', 3], ['陆', 'lu', 3], ['汪', 'wang', 3], ['范', 'fan', 3], ['金', 'jin', 3],
  ['石', 'shi', 3], ['廖', 'liao', 3], ['贾', 'jia', 3], ['夏', 'xia', 2], ['韦', 'wei', 2], ['方', 'fang', 2],
  ['白', 'bai', 2], ['龙', 'long', 1], ['安', 'an', 1], ['欧阳', 'ouyang', 1], ['司马', 'sima', 1],
];

const part = (s: string): NamePart[] =>
  s.split(' ').map((x) => {
    const [han, pinyin] = x.split(':') as [string, string];
    return { han, pinyin };
  });

export const MALE_CHARS = part(
  '伟:wei 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 杰:jie 涛:tao 明:ming 超:chao 刚:gang 平:ping 辉:hui 鹏:peng 华:hua 飞:fei 鑫:xin 波:bo 斌:bin 宇:yu 浩:hao 凯:kai 健:jian 俊:jun 帆:fan 建:jian 国:guo 志:zhi 文:wen 龙:long 海:hai 峰:feng 东:dong 林:lin 成:cheng 新:xin 民:min 永:yong 立:li 德:de 庆:qing 振:zhen 家:jia 博:bo 轩:xuan 晨:chen 子:zi 天:tian 一:yi',
);

export const FEMALE_CHARS = part(
  '芳:fang 娜:na 敏:min 静:jing 丽:li 艳:yan 娟:juan 霞:xia 秀:xiu 玲:ling 桂:gui 英:ying 红:hong 梅:mei 琳:lin 燕:yan 婷:ting 雪:xue 慧:hui 颖:ying 倩:qian 萍:ping 琴:qin 兰:lan 淑:shu 珍:zhen 莉:li 欣:xin 怡:yi 佳:jia 雨:yu 梦:meng 璐:lu 晶:jing 凤:feng 云:yun 月:yue 思:si 涵:han',
);

/** Placed first, spread over units, so that even a small demo has the hard cases. [name, pinyin, gender] */
export const HARD_NAMES: readonly (readonly [string, string, 'male' | 'female'])[] = [
  ['王芳', 'wangfang', 'female'],
  ['王芳芳', 'wangfangfang', 'female'],
  ['张伟', 'zhangwei', 'male'],
  ['张伟', 'zhangwei', 'male'],
  ['张伟民', 'zhangweimin', 'male'],
  ['高兴', 'gaoxing', 'male'],
  ['李娜', 'lina', 'female'],
  ['李娜娜', 'linana', 'female'],
  ['金鑫', 'jinxin', 'male'],
  ['马力', 'mali', 'male'],
  ['王芳', 'wangfang', 'female'],
  ['白雪', 'baixue', 'female'],
  ['刘洋', 'liuyang', 'male'],
  ['刘洋洋', 'liuyangyang', 'female'],
  ['方圆', 'fangyuan', 'female'],
  ['高峰', 'gaofeng', 'male'],
  ['文明', 'wenming', 'male'],
  ['安全', 'anquan', 'male'],
  ['田野', 'tianye', 'male'],
  ['欧阳娜娜', 'ouyangnana', 'female'],
];

export const COMMITTEE_NAME = '中共示范大学委员会';

export type UnitKind = 'offices' | 'college' | 'service' | 'retired';

/** General branches of a fictional university, in the order a demo of few members takes them. */
export const UNITS: readonly (readonly [string, UnitKind])[] = [
  ['机关党总支', 'offices'],
  ['离退休工作处党总支', 'retired'],
  ['计算机科学与技术学院党总支', 'college'],
  ['数学与统计学院党总支', 'college'],
  ['文学院党总支', 'college'],
  ['外国语学院党总支', 'college'],
  ['马克思主义学院党总支', 'college'],
  ['图书馆党总支', 'service'],
  ['物理与电子工程学院党总支', 'college'],
  ['化学化工学院党总支', 'college'],
  ['经济管理学院党总支', 'college'],
  ['法学院党总支', 'college'],
  ['生命科学学院党总支', 'college'],
  ['机械工程学院党总支', 'college'],
  ['土木工程学院党总支', 'college'],
  ['材料科学与工程学院党总支', 'college'],
  ['医学院党总支', 'college'],
  ['艺术学院党总支', 'college'],
  ['体育学院党总支', 'college'],
  ['后勤保障处党总支', 'service'],
];

export const OFFICE_BRANCHES = ['组织人事党支部', '党政办公室党支部', '教务处党支部', '科研处党支部', '学生工作部党支部', '财务处党支部'];

const DIGITS = '零一二三四五六七八九';

/** 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五; beyond 999 arabic digits, as sheets do. */
export function chineseNumber(n: number): string {
  if (n < 1 || n > 999 || !Number.isInteger(n)) return String(n);
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const u = n % 10;
  let s = h > 0 ? `${DIGITS[h]}百` : '';
  if (t > 0) s += `${h === 0 && t === 1 ? '' : DIGITS[t]}十`;
  else if (h > 0 && u > 0) s += '零';
  if (u > 0) s += DIGITS[u];
  return s;
}
