// Deliveries store the neutral message model (src/platforms/types.ts) since issue 10: cards stored before in
// WeCom's template_card shape are rewritten to { type: 'card', card: { taskId, title, … } }, so that rows
// still pending send and every adapter (and the web chat's history) reads one shape only. Cards were only
// ever built by one function (notices/cards.ts buttonCard), so the old shape is known field by field; the
// WeCom renderer turns the rewritten row back into the very same template_card bytes (duplicate check).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    update deliveries d set message = jsonb_build_object('type', 'card', 'card', jsonb_strip_nulls(jsonb_build_object(
      'taskId', c->'task_id',
      'title', coalesce(c->'main_title'->'title', '"卡片"'::jsonb),
      'description', c->'main_title'->'desc',
      'fields', (select jsonb_agg(jsonb_build_array(f->'keyname', f->'value') order by i)
                   from jsonb_array_elements(case when jsonb_typeof(c->'horizontal_content_list') = 'array' then c->'horizontal_content_list' else '[]'::jsonb end)
                        with ordinality as x(f, i)),
      'note', c->'sub_title_text',
      'buttons', coalesce((select jsonb_agg(jsonb_build_object('text', b->'text', 'actionKey', b->'key', 'style', case when b->>'style' = '2' then 'secondary' else 'primary' end) order by i)
                             from jsonb_array_elements(case when jsonb_typeof(c->'button_list') = 'array' then c->'button_list' else '[]'::jsonb end)
                                  with ordinality as y(b, i)), '[]'::jsonb))))
      from (select id, message->'card' as c from deliveries where message->>'type' = 'template_card') old
     where d.id = old.id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    update deliveries d set message = jsonb_build_object('type', 'template_card', 'card', jsonb_strip_nulls(jsonb_build_object(
      'card_type', 'button_interaction',
      'source', jsonb_build_object('desc', '党员关怀助手'),
      'main_title', jsonb_strip_nulls(jsonb_build_object('title', c->'title', 'desc', c->'description')),
      'sub_title_text', c->'note',
      'horizontal_content_list', (select jsonb_agg(jsonb_build_object('keyname', f->0, 'value', f->1) order by i)
                                    from jsonb_array_elements(case when jsonb_typeof(c->'fields') = 'array' then c->'fields' else '[]'::jsonb end)
                                         with ordinality as x(f, i)),
      'task_id', c->'taskId',
      'button_list', (select jsonb_agg(jsonb_build_object('text', b->'text', 'style', case when b->>'style' = 'secondary' then 2 else 1 end, 'key', b->'actionKey') order by i)
                        from jsonb_array_elements(case when jsonb_typeof(c->'buttons') = 'array' then c->'buttons' else '[]'::jsonb end)
                             with ordinality as y(b, i)))))
      from (select id, message->'card' as c from deliveries where message->>'type' = 'card') neutral
     where d.id = neutral.id`.execute(db);
}
