// Members' chat addresses (issue 15): what the delivery router and the inbound side need to know of the roster
// — a member's account (userid), their DingTalk account, and whether the userid is only the latter.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { MemberAddresses } from '../services/delivery-route.ts';
import type { Database } from './schema.ts';
import type { PlatformName } from '../platforms/types.ts';

type Db = Kysely<Database> | Transaction<Database>;

export class MemberAddressRepository {
  constructor(private readonly db: Db) {}

  /** The addresses of the members with these accounts, keyed by the account in lower case (accounts ignore case). */
  async byAccounts(userids: readonly string[], db: Db = this.db): Promise<Map<string, MemberAddresses>> {
    const wanted = [...new Set(userids.map((u) => u.toLowerCase()))];
    const out = new Map<string, MemberAddresses>();
    if (wanted.length === 0) return out;
    const r = await sql<{ userid: string; dingtalk_userid: string | null; userid_from_dingtalk: boolean }>`
      select userid, dingtalk_userid, userid_from_dingtalk from members where lower(userid) = any(${wanted}::text[])`.execute(db);
    for (const m of r.rows) out.set(m.userid.toLowerCase(), { userid: m.userid, dingtalkUserid: m.dingtalk_userid, useridFromDingtalk: m.userid_from_dingtalk });
    return out;
  }

  /**
   * The account (members.userid) of whoever writes from `platform` as `userId`; undefined when the roster knows
   * nobody by that id there. A DingTalk userid is looked up in 钉钉账号; a WeCom userid is an account unless
   * that account is only someone's DingTalk account (then it is not theirs to use from WeCom).
   */
  async accountOf(platform: PlatformName, userId: string, db: Db = this.db): Promise<string | undefined> {
    if (platform === 'local') return userId;
    const r =
      platform === 'dingtalk'
        ? await sql<{ userid: string | null }>`select userid from members where lower(dingtalk_userid) = lower(${userId}) limit 1`.execute(db)
        : await sql<{ userid: string | null }>`select userid from members where lower(userid) = lower(${userId}) and not userid_from_dingtalk limit 1`.execute(db);
    return r.rows[0]?.userid ?? undefined;
  }
}
