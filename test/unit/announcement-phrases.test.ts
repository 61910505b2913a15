// The announcement sentences (issue 14 section 1), pure: each audience, the category syntax, the figures, lists and
// archive — and near misses that mention 通报 or 党务公开 without being any of them.
import { describe, expect, it } from 'vitest';
import { matchAnnouncementCommand } from '../../src/voice/announcement-phrases.ts';

describe('announcement sentences', () => {
  it.each([
    ['向各支部通报：请做好年终考评', { kind: 'compose', audience: 'all_secretaries', category: null, text: '请做好年终考评' }],
    ['党务公开：2026年党费收缴情况', { kind: 'compose', audience: 'all_members', category: null, text: '2026年党费收缴情况' }],
    ['党务公开（表彰公示）：拟表彰名单', { kind: 'compose', audience: 'all_members', category: 'commendation', text: '拟表彰名单' }],
    ['党务公开典型事迹：张三同志事迹', { kind: 'compose', audience: 'all_members', category: 'exemplary_deeds', text: '张三同志事迹' }],
    ['向本总支党员通报：换届安排', { kind: 'compose', audience: 'gb_members', category: null, text: '换届安排' }],
    ['向各支部书记通报：报送总结', { kind: 'compose', audience: 'gb_secretaries', category: null, text: '报送总结' }],
    ['向本总支各支部通报：报送总结', { kind: 'compose', audience: 'gb_secretaries', category: null, text: '报送总结' }],
    ['向本支部党员通报典型事迹：王芳同志', { kind: 'compose', audience: 'branch_members', category: 'exemplary_deeds', text: '王芳同志' }],
    ['向本支部党员通报: 周五开会', { kind: 'compose', audience: 'branch_members', category: null, text: '周五开会' }],
    ['向本支部党员通报：', { kind: 'compose', audience: 'branch_members', category: null, text: '' }],
    ['通报阅读情况', { kind: 'reads', id: null }],
    ['通报阅读情况12', { kind: 'reads', id: '12' }],
    ['通报12阅读情况', { kind: 'reads', id: '12' }],
    ['未读名单', { kind: 'unread', id: null }],
    ['通报12未读名单', { kind: 'unread', id: '12' }],
    ['我的通报', { kind: 'mine' }],
    ['党务公开', { kind: 'archive', page: 1 }],
    ['党务公开 第2页', { kind: 'archive', page: 2 }],
    ['党务公开12', { kind: 'show', id: '12' }],
    ['通报12', { kind: 'show', id: '12' }],
  ])('%s', (text, expected) => {
    expect(matchAnnouncementCommand(text)).toEqual(expected);
  });

  it.each(['今天和张三谈心，他对通报有意见', '通报批评', '党务公开是什么', '向本支部党员通报一下明天开会', '关于党务公开的意见建议：希望及时', '向各位通报'])('not a command: %s', (text) => {
    expect(matchAnnouncementCommand(text)).toBeNull();
  });
});
