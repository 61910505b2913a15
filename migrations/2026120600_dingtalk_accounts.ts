// Issue 15 (DingTalk): a member may have a WeCom account, a DingTalk account, both or neither. members.userid
// stays the account the product knows a member by (账号: the WeCom account, or the local chat's id). A member
// with only a DingTalk account is known by that account: userid = their DingTalk userid, flagged
// userid_from_dingtalk so that WeCom never gets it as an address. dingtalk_userid (钉钉账号) is the address on
// DingTalk, unique like userid (DingTalk userids are compared without case, as WeCom's are).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table members add column dingtalk_userid text`.execute(db);
  await sql`alter table members add column userid_from_dingtalk boolean not null default false`.execute(db);
  await sql`alter table members add constraint members_dingtalk_userid_shape check (dingtalk_userid is null or length(dingtalk_userid) between 1 and 64)`.execute(db);
  await sql`alter table members add constraint members_userid_from_dingtalk check (not userid_from_dingtalk or (userid is not null and dingtalk_userid is not null and lower(userid) = lower(dingtalk_userid)))`.execute(db);
  await sql`create unique index members_dingtalk_userid on members (lower(dingtalk_userid)) where dingtalk_userid is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists members_dingtalk_userid`.execute(db);
  await sql`alter table members drop constraint if exists members_userid_from_dingtalk`.execute(db);
  await sql`alter table members drop constraint if exists members_dingtalk_userid_shape`.execute(db);
  await sql`alter table members drop column if exists userid_from_dingtalk`.execute(db);
  await sql`alter table members drop column if exists dingtalk_userid`.execute(db);
}
