// WeCom userids are case-insensitive (WeCom API "创建成员": userid "不区分大小写"): a roster's ZhangWei01 and the
// callback's zhangwei01 are one account. The import already matched accounts case-insensitively; this index
// lets "who is writing" do the same without a scan, and refuses two members whose accounts differ by case only.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unique index members_userid_lower on members (lower(userid))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists members_userid_lower`.execute(db);
}
