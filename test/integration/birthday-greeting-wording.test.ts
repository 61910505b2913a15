// Issue 9 point 15: a retired member's political birthday greeting does not send them back to "their post".
// Retirement is read from what the roster carries (src/domain/retirement.ts): a 离退休 organisation, an age of
// 65 or more, or — without a birth date — 47 years since joining.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DB_KINDS, type TestDb } from '../helpers/db.ts';
import { importCareRoster } from '../helpers/care-roster.ts';
import { decideNotices } from '../../src/notices/sweep.ts';

describe.each(DB_KINDS)('political birthday greeting wording on %s', (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
    await importCareRoster(db.db);
  });
  afterAll(() => db.drop());

  it('an 86-year-old member is greeted as a 老同志 and thanked; a working member is encouraged at their post', async () => {
    const greetings = (await decideNotices({ db: db.db }, '2026-11-26', false)).filter((n) => n.kind === 'birthday_greeting');
    const textOf = (userid: string) => JSON.stringify(greetings.find((g) => g.recipientUserid === userid)!.message);
    const old = textOf('zhenglao'); // born 1940, in a staff branch: retired by age
    expect(old).toContain('郑老党员老同志：');
    expect(old).toContain('感谢您多年来为党的事业作出的贡献');
    expect(old).not.toContain('岗位');
    const working = textOf('wushengri'); // born 1990
    expect(working).toContain('吴生日同志：');
    expect(working).toContain('立足岗位');
  });
});
