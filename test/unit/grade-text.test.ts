// The Chinese answers about evaluations (src/incentive/grade-text.ts): what a recording changed, and the member's
// own view with the place left for the quarterly self-evaluations.
import { describe, expect, it } from 'vitest';
import { myEvaluationsText, recordedText } from '../../src/incentive/grade-text.ts';

describe('evaluation answers', () => {
  it('a repeated 全体合格 says whose earlier grade it replaced', () => {
    const text = recordedText({
      branch: '教工第一党支部',
      year: 2026,
      kind: 'year_end',
      firstTime: false,
      heldOn: '2026-12-10',
      rest: 'competent',
      set: [
        { name: '王芳', grade: 'excellent', before: 'excellent', named: true },
        { name: '冯无号', grade: 'competent', before: 'basically_competent', named: false },
        { name: '吴生日', grade: 'competent', before: 'competent', named: false },
      ],
      after: { held_on: '2026-12-10', members: [
        { member_id: '1', name: '王芳', userid: 'wangfang', grade: 'excellent' },
        { member_id: '2', name: '冯无号', userid: null, grade: 'competent' },
        { member_id: '3', name: '吴生日', userid: 'wushengri', grade: 'competent' },
      ] },
    });
    expect(text).toContain('已更新教工第一党支部2026年年底总评的评定结果');
    expect(text).toContain('王芳：优秀');
    expect(text).toContain('其余2名同志：合格（其中冯无号原为基本合格）');
    expect(text).toContain('本支部在册3人：优秀1人、合格2人、基本合格0人、不合格0人。');
  });

  it('the member’s view: commitment, goals, the extra lines (self-evaluations), then the grades', () => {
    const text = myEvaluationsText({ name: '王芳', year: 2026, branch: '教工第一党支部', commitment: '带好\n每一堂课', branchGoals: null, grades: [{ kind: 'year_end', grade: 'excellent', recorded_at: new Date('2026-12-10T02:00:00Z') }], extraLines: ['第四季度自评：已提交'] });
    expect(text.split('\n')).toEqual(['王芳同志，您的2026年考评：', '亮岗承诺：带好；每一堂课', '教工第一党支部2026年目标：尚未登记', '第四季度自评：已提交', '半年考评：尚未评定', '年底总评：优秀']);
  });
});
