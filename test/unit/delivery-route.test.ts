// Where a message goes when a deployment serves several platforms (issue 15): once, on the preferred platform
// the member is on; a reply back where the question came from; strangers and groups where they wrote from.
import { describe, expect, it } from 'vitest';
import { addressOn, chooseRoute, type MemberAddresses } from '../../src/services/delivery-route.ts';

const both: MemberAddresses = { userid: 'wangfang01', dingtalkUserid: 'dt-wangfang', useridFromDingtalk: false };
const wecomOnly: MemberAddresses = { userid: 'zhangwei01', dingtalkUserid: null, useridFromDingtalk: false };
const dingtalkOnly: MemberAddresses = { userid: 'lina-dt', dingtalkUserid: 'lina-dt', useridFromDingtalk: true };

describe('chooseRoute', () => {
  it('a push goes once, on the first platform of the preference order the member is on', () => {
    expect(chooseRoute({ platform: 'wecom', recipient: 'wangfang01' }, both, ['wecom', 'dingtalk'])).toEqual({ platform: 'wecom', recipient: 'wangfang01' });
    expect(chooseRoute({ platform: 'wecom', recipient: 'wangfang01' }, both, ['dingtalk', 'wecom'])).toEqual({ platform: 'dingtalk', recipient: 'dt-wangfang' });
    expect(chooseRoute({ platform: 'wecom', recipient: 'zhangwei01' }, wecomOnly, ['dingtalk', 'wecom'])).toEqual({ platform: 'wecom', recipient: 'zhangwei01' });
    expect(chooseRoute({ platform: 'wecom', recipient: 'lina-dt' }, dingtalkOnly, ['wecom', 'dingtalk'])).toEqual({ platform: 'dingtalk', recipient: 'lina-dt' });
  });

  it('a push with no account on any platform served goes nowhere', () => {
    expect(chooseRoute({ platform: 'wecom', recipient: 'lina-dt' }, dingtalkOnly, ['wecom'])).toBeUndefined();
    expect(chooseRoute({ platform: 'dingtalk', recipient: 'zhangwei01' }, wecomOnly, ['dingtalk'])).toBeUndefined();
  });

  it('a sticky reply goes back on the platform asked, when the member is on it; else by preference', () => {
    expect(chooseRoute({ platform: 'dingtalk', recipient: 'wangfang01', sticky: true }, both, ['wecom', 'dingtalk'])).toEqual({ platform: 'dingtalk', recipient: 'dt-wangfang' });
    expect(chooseRoute({ platform: 'dingtalk', recipient: 'zhangwei01', sticky: true }, wecomOnly, ['wecom', 'dingtalk'])).toEqual({ platform: 'wecom', recipient: 'zhangwei01' });
  });

  it('strangers go back to their own platform by their own id, never to a member with that account', () => {
    expect(chooseRoute({ platform: 'wecom', recipient: 'dingtalk:wangfang01' }, both, ['wecom', 'dingtalk'])).toEqual({ platform: 'dingtalk', recipient: 'wangfang01' });
    expect(chooseRoute({ platform: 'wecom', recipient: 'dingtalk:x1' }, undefined, ['wecom'])).toBeUndefined();
    expect(chooseRoute({ platform: 'wecom', recipient: 'unknown01' }, undefined, ['wecom', 'dingtalk'])).toEqual({ platform: 'wecom', recipient: 'unknown01' });
  });

  it('a group goes where it was asked from', () => {
    expect(chooseRoute({ platform: 'dingtalk', recipient: 'group:cidAbC==', sticky: true }, undefined, ['wecom', 'dingtalk'])).toEqual({ platform: 'dingtalk', recipient: 'group:cidAbC==' });
  });

  it('addresses: WeCom never gets an account that is only a DingTalk one; the local chat uses the account', () => {
    expect(addressOn('wecom', dingtalkOnly)).toBeUndefined();
    expect(addressOn('dingtalk', wecomOnly)).toBeUndefined();
    expect(addressOn('local', dingtalkOnly)).toBe('lina-dt');
  });
});
