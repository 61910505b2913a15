// Where a message to a member goes when a deployment serves several chat platforms (issue 15): a member may
// have a WeCom account, a DingTalk account, both or neither. Pure: the addresses come from the roster.
import { GROUP_RECIPIENT_PREFIX, parseQualifiedUser, type PlatformName } from '../platforms/types.ts';

/** A member's addresses as the roster has them (members.userid, dingtalk_userid, userid_from_dingtalk). */
export interface MemberAddresses {
  userid: string;
  dingtalkUserid: string | null;
  /** The userid is only the member's DingTalk account: WeCom does not know them. */
  useridFromDingtalk: boolean;
}

export interface RouteRequest {
  /** The platform the caller names: where a reply goes back (sticky), else the deployment's first platform. */
  platform: PlatformName;
  /** The member's account (members.userid), a group (`group:…`), or a user id the roster does not know. */
  recipient: string;
  /** Send on `platform` when the recipient has an account there (a reply goes back where the question came from). */
  sticky?: boolean;
  /** The member's addresses where the caller read them with the member (the sweep's pages): nothing to look up. */
  addresses?: MemberAddresses;
}

export interface Route {
  platform: PlatformName;
  /** The id the platform knows the recipient by. */
  recipient: string;
}

/** The member's id on each platform; undefined where they have none. */
export function addressOn(platform: PlatformName, m: MemberAddresses): string | undefined {
  switch (platform) {
    case 'wecom':
      return m.useridFromDingtalk ? undefined : m.userid;
    case 'dingtalk':
      return m.dingtalkUserid ?? undefined;
    case 'local':
      return m.userid;
  }
}

/**
 * The route of one message: someone the roster does not know goes back to their platform (a qualified id); a group or someone the roster does not know goes where the caller says (a reply to
 * the one who wrote); a member gets it once, on the sticky platform when asked and they are on it, else on the
 * first platform of `served` (the deployment's preference order) where they have an account. undefined: the
 * member has no account on any platform served — nothing can be sent.
 */
export function chooseRoute(req: RouteRequest, member: MemberAddresses | undefined, served: readonly PlatformName[]): Route | undefined {
  const stranger = parseQualifiedUser(req.recipient);
  if (stranger) return served.includes(stranger.platform) ? { platform: stranger.platform, recipient: stranger.userId } : undefined;
  if (req.recipient.startsWith(GROUP_RECIPIENT_PREFIX) || member === undefined) return { platform: req.platform, recipient: req.recipient };
  const order = req.sticky ? [req.platform, ...served.filter((p) => p !== req.platform)] : served;
  for (const platform of order) {
    if (!served.includes(platform)) continue;
    const address = addressOn(platform, member);
    if (address !== undefined) return { platform, recipient: address };
  }
  return undefined;
}
