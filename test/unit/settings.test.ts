// Issue 11 point 15: every default of MECHANISM's table is a named setting with one schema, checked on write
// with a message naming the key and what it accepts, in Chinese and English.
import { describe, expect, it } from 'vitest';
import { checkSetting, effectiveSettings, SETTING_KEYS, SETTINGS, settingKey, settingView, type SettingKey } from '../../src/domain/settings.ts';
import { SettingError } from '../../src/errors.ts';

describe('named settings (issue 11 point 15)', () => {
  it('declares every default of the mechanism, with the mechanism’s numbers', () => {
    const defaults = Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTINGS[k].default]));
    expect(defaults).toMatchObject({
      visit_due_days: 7,
      death_visit_due_days: 3,
      talk_due_days: 7,
      defer_days: 3,
      defer_max_count: 2,
      holiday_list_days_before: 14,
      holiday_reminder_days_before: 3,
      extra_holidays: [],
      old_member_party_age: 50,
      old_member_age: 80,
      political_birthday_basis: 'join_date',
      leap_day_rule: 'feb28',
      catch_up_days: 7,
      quiet_hours: '21:00-08:00',
      time_zone: 'Asia/Shanghai',
      hardship_review_days: 7,
      emergency_aid_gb_opinion_days: 3,
      emergency_aid_od_decision_days: 5,
      emergency_aid_payment_working_days: 10,
      subsidy_term_months: 12,
      subsidy_renewal_months_before: 1,
      subsidy_budget_yuan: 0,
      pairing_nudge_days: 90,
      suggestion_reply_days: 7,
      proposal_answer_days: 30,
      announcement_reminder_days: 3,
      leadership_evaluation_days: 14,
      excellent_member_cap_percent: 15,
    });
    // One source for the old-member thresholds: no object setting beside the two named ones.
    expect(SETTING_KEYS).not.toContain('old_member_thresholds');
    expect(SETTING_KEYS).not.toContain('schedule');
  });

  it.each(SETTING_KEYS)('%s accepts its own default and has both descriptions', (key) => {
    expect(checkSetting(key, SETTINGS[key].default)).toEqual(SETTINGS[key].default);
    expect(SETTINGS[key].description).not.toBe('');
    expect(SETTINGS[key].descriptionZh).toMatch(/[\u4e00-\u9fff]/);
    expect(SETTINGS[key].accepts.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it.each<[SettingKey, unknown, string, string]>([
    ['defer_max_count', 'abc', '设置项“defer_max_count”的值无效：应为0至10之间的整数', 'Setting "defer_max_count" accepts a whole number of times from 0 to 10 (got "abc"'],
    ['defer_days', 0, '应为1至30之间的整数（天）（收到 0）', 'from 1 to 30'],
    ['visit_due_days', 7.5, '设置项“visit_due_days”', 'a whole number of days from 1 to 90 (got 7.5'],
    ['political_birthday_basis', 'full_member', '"join_date"（入党日期）或"full_member_date"（转正日期）', 'one of "join_date", "full_member_date"'],
    ['leap_day_rule', 'mar01', '"feb28"（2月28日）或"mar1"（3月1日）', 'one of "feb28", "mar1"'],
    ['quiet_hours', '21-08', '"HH:MM-HH:MM" 格式的时段', 'QUIET_HOURS must be "HH:MM-HH:MM"'],
    ['time_zone', 'Mars/Olympus', 'IANA 时区名称', 'an IANA time zone'],
    ['extra_holidays', [{ id: 'chongyang', name: '重阳节', rule: 'lunar:09-09' }, { id: 'chongyang', name: '又一个', rule: '10-01' }], 'id 不得重复', 'configured twice'],
    ['extra_holidays', [{ id: 'leap', name: '闰日', rule: '02-29' }], '节日列表', "rule must be 'MM-DD' or 'lunar:MM-DD'"],
    ['extra_holidays', { id: 'x' }, '节日列表', 'not a list'],
    ['excellent_member_cap_percent', 101, '1至100之间的整数（%）', 'from 1 to 100'],
    ['subsidy_budget_yuan', 1.5, '0至1000000000之间的整数（元）', 'a whole number of yuan from 0 to 1000000000'],
  ])('refuses %s = %j naming the key and what it accepts', (key, value, zh, en) => {
    let err: unknown;
    try {
      checkSetting(key, value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingError);
    const e = err as SettingError;
    expect(e).toMatchObject({ code: 'invalid_setting', key, httpStatus: 400 });
    expect(e.message).toContain(zh);
    expect(e.message).toContain(en);
  });

  it('accepts values in range, quiet hours off, a lunar and a one-off holiday', () => {
    expect(checkSetting('defer_max_count', 0)).toBe(0);
    expect(checkSetting('quiet_hours', '')).toBe('');
    expect(checkSetting('time_zone', 'Asia/Urumqi')).toBe('Asia/Urumqi');
    const holidays = [
      { id: 'chongyang', name: '重阳节', rule: 'lunar:09-09' },
      { id: 'anniversary', name: '建校120周年', date: '2027-05-20' },
    ];
    expect(checkSetting('extra_holidays', holidays)).toEqual(holidays);
  });

  it('refuses a key that does not exist (404), in both languages', () => {
    expect(() => settingKey('old_member_thresholds')).toThrow(/没有名为“old_member_thresholds”的设置项.*No setting named "old_member_thresholds"/);
    expect(() => settingKey('toString')).toThrow(SettingError);
    try {
      settingKey('nope');
    } catch (e) {
      expect(e).toMatchObject({ code: 'unknown_setting', httpStatus: 404, key: 'nope' });
    }
  });

  it('reads the stored value, checked, else the default (or the environment’s default)', () => {
    const stored = new Map<string, unknown>([['defer_days', 5]]);
    expect(effectiveSettings(['defer_days', 'defer_max_count', 'quiet_hours'], stored, { quiet_hours: '' })).toEqual({ defer_days: 5, defer_max_count: 2, quiet_hours: '' });
    expect(() => effectiveSettings(['defer_days'], new Map([['defer_days', -1]]))).toThrow(/defer_days/);
  });

  it('shows value, default, whether stored and the description', () => {
    const at = new Date('2026-11-30T01:00:00Z');
    expect(settingView('defer_max_count', { value: 1, updatedAt: at })).toMatchObject({ key: 'defer_max_count', value: 1, default: 2, stored: true, updatedAt: at.toISOString(), status: 'in_use' });
    expect(settingView('time_zone', undefined, { time_zone: 'Asia/Urumqi' })).toMatchObject({ value: 'Asia/Urumqi', default: 'Asia/Urumqi', stored: false, appliesOnRestart: true });
    expect(settingView('suggestion_reply_days', undefined)).toMatchObject({ value: 7, status: 'in_use' });
    expect(settingView('pairing_nudge_days', undefined)).toMatchObject({ value: 90, status: 'in_use' });
  });
});
