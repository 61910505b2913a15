// Cards stored in WeCom's shape before issue 10 are rewritten to the neutral model by a migration; a row still
// pending then sends the very same template_card bytes, and the migration goes back down cleanly.
import { describe, expect, it } from 'vitest';
import { Migrator } from 'kysely';
import { FolderMigrationProvider } from '../../src/db/migrate.ts';
import { templateCard } from '../../src/platforms/wecom/cards.ts';
import type { Card } from '../../src/platforms/types.ts';
import { createTestDatabase, DB_KINDS } from '../helpers/db.ts';

const MIGRATION = '2026113000_neutral_card_messages';

/** A reminder card exactly as buttonCard stored it before issue 10. */
const OLD_CARD = {
  card_type: 'button_interaction',
  source: { desc: '党员关怀助手' },
  main_title: { title: '走访两天后到期：吴生日', desc: '患病住院 · 截止12月2日' },
  sub_title_text: '完成后点“已完成”，或直接回复“已走访，情况……”登记。',
  horizontal_content_list: [
    { keyname: '对象', value: '吴生日（教工第一党支部）' },
    { keyname: '事由', value: '患病住院' },
  ],
  task_id: 'ob-12-due-345',
  button_list: [
    { text: '已完成', style: 1, key: 'obdone-12' },
    { text: '延期', style: 2, key: 'obdefer-12' },
  ],
};
/** A question card: no description, fields or note. */
const OLD_QUESTION = {
  card_type: 'button_interaction',
  source: { desc: '党员关怀助手' },
  main_title: { title: '您说的“张伟”是哪一位？' },
  task_id: 'ask-7-0',
  button_list: [{ text: '本科生第一党支部', style: 1, key: 'pick-7-1' }],
};

describe.each(DB_KINDS)('neutral card migration on %s', (kind) => {
  it('rewrites stored WeCom cards to the neutral model, which renders to the same bytes, and back down', async () => {
    const db = await createTestDatabase(kind, { migrate: false });
    try {
      const migrator = new Migrator({ db: db.db, provider: new FolderMigrationProvider() });
      const names = (await migrator.getMigrations()).map((m) => m.name);
      const before = names[names.indexOf(MIGRATION) - 1]!;
      expect((await migrator.migrateTo(before)).error).toBeUndefined();
      const rows = [
        { idempotency_key: 'old-card', message: JSON.stringify({ type: 'template_card', card: OLD_CARD }) },
        { idempotency_key: 'old-question', message: JSON.stringify({ type: 'template_card', card: OLD_QUESTION }) },
        { idempotency_key: 'old-text', message: JSON.stringify({ type: 'text', content: '您好' }) },
      ];
      await db.db.insertInto('deliveries').values(rows.map((r) => ({ ...r, platform: 'wecom', recipient: 'zhouzhishu' }))).execute();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();

      const stored = async () => new Map((await db.db.selectFrom('deliveries').select(['idempotency_key', 'message']).execute()).map((r) => [r.idempotency_key, r.message as { type: string; card?: Card }]));
      const after = await stored();
      expect(after.get('old-card')).toEqual({
        type: 'card',
        card: {
          taskId: 'ob-12-due-345',
          title: '走访两天后到期：吴生日',
          description: '患病住院 · 截止12月2日',
          fields: [['对象', '吴生日（教工第一党支部）'], ['事由', '患病住院']],
          note: '完成后点“已完成”，或直接回复“已走访，情况……”登记。',
          buttons: [{ text: '已完成', actionKey: 'obdone-12', style: 'primary' }, { text: '延期', actionKey: 'obdefer-12', style: 'secondary' }],
        },
      });
      expect(after.get('old-question')).toEqual({ type: 'card', card: { taskId: 'ask-7-0', title: '您说的“张伟”是哪一位？', buttons: [{ text: '本科生第一党支部', actionKey: 'pick-7-1', style: 'primary' }] } });
      expect(after.get('old-text')).toEqual({ type: 'text', content: '您好' });
      // What WeCom receives for a row sent again after the upgrade: the same bytes as before it.
      expect(JSON.stringify(templateCard(after.get('old-card')!.card!))).toBe(JSON.stringify(OLD_CARD));
      expect(JSON.stringify(templateCard(after.get('old-question')!.card!))).toBe(JSON.stringify(OLD_QUESTION));

      expect((await migrator.migrateTo(before)).error).toBeUndefined();
      const down = await stored();
      expect(down.get('old-card')).toEqual({ type: 'template_card', card: OLD_CARD });
      expect(down.get('old-question')).toEqual({ type: 'template_card', card: OLD_QUESTION });
      expect(down.get('old-text')).toEqual({ type: 'text', content: '您好' });
    } finally {
      await db.drop();
    }
  });
});
