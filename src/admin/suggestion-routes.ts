// Members' suggestions (意见建议, MECHANISM 3.1, issue 14 section 2) through the admin API, as in chat
// (voice/suggestion-conversation.ts):
//   GET  /admin/voice/suggestions[?actor=<member id|account>&after=<id>&limit=<1-500>]
//        the suggestions the viewer may see, oldest first (keyset: `after` the last id seen): without `actor` the
//        OD's view (the admin token is the OD's: every one, anonymous writers named); with `actor` that member's
//        view by the access rule (maySeeSuggestion; an anonymous writer — and their GB and branch — is blank unless seesSuggestionWriter).
//   GET  /admin/voice/suggestions/:id[?actor=…]   one suggestion, for the same viewer.
//   POST /admin/voice/suggestions/:id/reply  {actor, text}
//        the actor replies, as "回复建议12：…" in chat — only the addressee, a stand-in or those it was escalated to
//        (mayAnswerSuggestion); the reply reaches the writer (a push, held through quiet hours) and closes it.
// A suggestion that does not exist and one the viewer may not see (or the actor may not answer) get the same 404.
// The JSON schemas below refuse an id or `after` not digits, a limit outside 1-500 and a reply without actor or
// text (400 invalid_request) before the handler runs.
// A fastify plugin registered from adminRoutes, inside its scope (bearer token, throttle, audit).
import type { FastifyPluginAsync } from 'fastify';
import { SuggestionRepository, type SuggestionExportRow } from '../db/suggestion-repository.ts';
import { mayAnswerSuggestion, maySeeSuggestion, OD_VIEWER, seesSuggestionWriter, viewerOf, type Viewer } from '../domain/access.ts';
import { chineseWorkingDayCalendar } from '../domain/calendar.ts';
import { localDate } from '../domain/dates.ts';
import { suggestionState } from '../domain/voice.ts';
import { OfficeDirectory } from '../notices/offices.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { factsOf, replyToSuggestion, SUGGESTION_MAX_BYTES, tooLongForSuggestion } from '../voice/suggestions.ts';
import { activeMemberOf, enqueueMessages, IncentiveRequestError, recordMessages } from './incentive-request.ts';
import type { AdminDeps } from './deps.ts';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { answer, idString, list, memberRef, object, responses, text as textField } from './schemas.ts';

const SUGGESTION = answer({ id: { type: 'string' }, anonymous: { type: 'boolean' }, text: { type: 'string' }, state: { type: 'string' }, due_on: { type: ['string', 'null'] }, reply: { type: ['string', 'null'] }, may_reply: { type: 'boolean' } });
const ACTOR = memberRef('read as this member would be answered (default: the OD)');
const ID = object({ id: idString('the suggestion id') }, ['id']);
const LIST = {
  summary: 'The suggestions the viewer may see, oldest first (keyset: after the last id seen)',
  tags: ['voice'],
  querystring: object({ actor: ACTOR, after: { ...idString('the last id seen'), default: '0' }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } }),
  response: responses({ 200: answer({ suggestions: list(SUGGESTION), next_after: { type: ['string', 'null'] } }) }, 400),
};
const ONE = { summary: 'One suggestion, for the same viewer', tags: ['voice'], params: ID, querystring: object({ actor: ACTOR }), response: responses({ 200: answer({ suggestion: SUGGESTION }) }, 400, 404) };
const REPLY = {
  summary: 'Reply to a suggestion, as 回复建议12：… in chat (the addressee, a stand-in or those it was escalated to)',
  tags: ['voice'],
  params: ID,
  body: object({ actor: memberRef('the member replying'), text: textField(10_000, `not empty; at most ${SUGGESTION_MAX_BYTES} bytes`) }, ['actor', 'text']),
  response: responses({ 200: answer({ id: { type: 'string' }, state: { type: 'string' }, message: { type: 'string' } }) }, 400, 404, 409),
};

const STATUS = { empty_text: 400, too_long: 400, unknown_actor: 400, not_found: 404, already_replied: 409 } as const;
const fail = (code: keyof typeof STATUS, message: string) => new IncentiveRequestError(code, message, STATUS[code]);
const NOT_FOUND = 'no such suggestion (or not visible to this viewer)';

/** The viewer a request names: the OD without `actor`, else that active member. */
async function viewerFrom(db: Kysely<Database> | Transaction<Database>, actor: string | undefined): Promise<Viewer> {
  if (actor === undefined) return OD_VIEWER;
  const found = await activeMemberOf(db, actor.trim());
  if (!found) throw fail('unknown_actor', `actor ${JSON.stringify(actor)} is not an active member (a member id or chat account)`);
  return viewerOf(accessPersonOf(found));
}

export const suggestionRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  const calendar = chineseWorkingDayCalendar();

  /** The rows this viewer may see, as the API shows them. */
  async function visible(db: Kysely<Database>, viewer: Viewer, rows: readonly SuggestionExportRow[], today: string) {
    const offices = await OfficeDirectory.load(db);
    return rows.flatMap((r) => {
      const facts = factsOf(r, offices, today, calendar);
      if (!maySeeSuggestion(viewer, facts)) return [];
      const named = seesSuggestionWriter(viewer, facts);
      return [
        {
          id: r.id,
          writer: named ? { account: r.writer_account ?? '', name: r.writer_name } : null,
          // An anonymous writer's GB and branch are blank too, as in the chat (一名党员) and the export.
          general_branch: named ? r.gb_name : null,
          branch: named ? r.branch_name : null,
          anonymous: r.anonymous,
          addressee: { office: r.addressee_office, account: r.addressee_accounts, name: r.addressee_names },
          text: r.text,
          filed_at: r.filed_at,
          due_on: r.due_on,
          state: suggestionState(r.state, r.due_on, today),
          reply: r.reply,
          replied_at: r.replied_at,
          may_reply: r.state === 'awaiting_reply' && mayAnswerSuggestion(viewer, facts),
        },
      ];
    });
  }

  app.get('/admin/voice/suggestions', { schema: LIST }, async (req, reply) => {
    const q = req.query as { actor?: string; after: string; limit: number };
    const { after, limit } = q;
    const db = deps.db.db;
    const viewer = await viewerFrom(db, q.actor);
    const today = localDate(deps.clock(), deps.config.timezone);
    const rows = await new SuggestionRepository(db).exportChunk({ afterId: after, limit });
    reply.header('cache-control', 'no-store');
    return { suggestions: await visible(db, viewer, rows, today), next_after: rows.length === limit ? rows[rows.length - 1]!.id : null };
  });

  app.get('/admin/voice/suggestions/:id', { schema: ONE }, async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const q = req.query as { actor?: string };
    const db = deps.db.db;
    const viewer = await viewerFrom(db, q.actor);
    const rows = await new SuggestionRepository(db).exportChunk({ afterId: '0', limit: 1, onlyId: id });
    const [shown] = await visible(db, viewer, rows, localDate(deps.clock(), deps.config.timezone));
    if (!shown) throw fail('not_found', NOT_FOUND);
    reply.header('cache-control', 'no-store');
    return { suggestion: shown };
  });

  app.post('/admin/voice/suggestions/:id/reply', { schema: REPLY }, async (req) => {
    const id = (req.params as { id: string }).id;
    const body = req.body as { actor: string; text: string };
    const text = body.text.trim();
    if (text === '') throw fail('empty_text', 'text is empty (答复内容为空)');
    if (tooLongForSuggestion(text)) throw fail('too_long', `text is longer than ${SUGGESTION_MAX_BYTES} bytes (答复过长，请精简)`);
    const now = deps.clock();
    const today = localDate(now, deps.config.timezone);
    const { outcome, ids } = await deps.db.db.transaction().execute(async (trx) => {
      const actor = await activeMemberOf(trx, body.actor.trim());
      if (!actor) throw fail('unknown_actor', `actor ${JSON.stringify(body.actor)} is not an active member (a member id or chat account)`);
      const env = { trx, now, today, calendar };
      const before = await new SuggestionRepository(trx).byId(id, true);
      if (!before || !mayAnswerSuggestion(viewerOf(accessPersonOf(actor)), factsOf(before, await OfficeDirectory.load(trx), today, calendar))) throw fail('not_found', NOT_FOUND);
      if (before.state === 'replied') throw fail('already_replied', `suggestion ${id} was replied to on ${before.replied_on}`);
      const outcome = await replyToSuggestion(env, actor, id, text);
      return { outcome, ids: await recordMessages(deps, trx, now, outcome.messages) };
    });
    await enqueueMessages(deps, ids);
    return { id, state: 'replied', message: outcome.text };
  });
};
