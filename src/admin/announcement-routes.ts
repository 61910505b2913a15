// Announcements (通报工作, 党务公开, MECHANISM 3.1, issue 14 section 1) through the admin API — read only; sending
// is the chat's, with its preview:
//   GET /admin/voice/announcements[?actor=<member id or account>][&limit=N]
//       those sent, newest first (default 50, at most 500), with their figures: addressed, with_account,
//       no_account, received (delivery sent), read. Without `actor` the OD's view (the admin token is the OD's):
//       all of them; with `actor` only those whose figures the access rule lets that member see (maySeeAnnouncementReads:
//       the ones they sent; all for the OD).
//   GET /admin/voice/announcements/:id[?actor=…]
//       one, with its figures, its text, and who has not read it and who has no account (unread_members,
//       no_account_members: account, name, branch).
//       An unknown id and one the actor may not see answer the same 404.
// A fastify plugin registered from adminRoutes, inside its scope (bearer token, throttle, audit).
import type { FastifyPluginAsync } from 'fastify';
import { AnnouncementRepository, type Announcement, type AnnouncementFigures } from '../db/announcement-repository.ts';
import { maySeeAnnouncementReads, OD_VIEWER, viewerOf, type Viewer } from '../domain/access.ts';
import { isoAt } from '../export/rows.ts';
import { accessPersonOf } from '../roster/responsibility.ts';
import { announcementForReads } from '../voice/announcements.ts';
import { activeMemberOf, IncentiveRequestError } from './incentive-request.ts';
import type { AdminDeps } from './deps.ts';
import { answer, list, object, responses, text as textField } from './schemas.ts';

// `actor` may be empty: the OD's view, as without it.
const VIEWER = { actor: textField(100, "read as this member may (a member id or chat account; default: the OD's view)") };
const FIGURES = { addressed: { type: 'integer' }, with_account: { type: 'integer' }, no_account: { type: 'integer' }, received: { type: 'integer' }, read: { type: 'integer' } };
const ANNOUNCEMENT = answer({ id: { type: 'string' }, kind: { type: 'string' }, category: { type: 'string' }, audience: { type: 'string' }, sent_at: { type: ['string', 'null'] }, ...FIGURES });
const LIST = {
  summary: 'Announcements sent, newest first, with their figures (addressed, received, read)',
  tags: ['voice'],
  querystring: object({ ...VIEWER, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50, description: 'how many (1-500)' } }),
  response: responses({ 200: answer({ announcements: list(ANNOUNCEMENT) }) }, 400),
};
const ONE = {
  summary: 'One announcement with its figures, its text, and who has not read it or has no account',
  tags: ['voice'],
  params: object({ id: textField(20, 'the announcement id') }, ['id']),
  querystring: object(VIEWER),
  response: responses({ 200: answer({ text: { type: 'string' }, unread_members: list(answer({})), no_account_members: list(answer({})), ...FIGURES }) }, 400, 404),
};

const fail = (code: 'unknown_actor' | 'not_found', message: string) => new IncentiveRequestError(code, message, code === 'not_found' ? 404 : 400);

const view = (a: Announcement, f: AnnouncementFigures, timeZone: string) => ({
  id: a.id,
  kind: a.kind,
  category: a.category,
  audience: a.audience,
  sender: { account: a.sender_userid ?? '', name: a.sender_name, office: a.organisation },
  created_at: isoAt(a.created_at, timeZone),
  sent_at: isoAt(a.sent_at, timeZone),
  deliver_at: isoAt(a.deliver_at, timeZone),
  ...f,
});

export const announcementRoutes: FastifyPluginAsync<{ deps: AdminDeps }> = async (app, { deps }) => {
  const viewerFor = async (q: { actor?: string }): Promise<Viewer> => {
    if (q.actor === undefined || q.actor.trim() === '') return OD_VIEWER;
    const actor = await activeMemberOf(deps.db.db, q.actor.trim());
    if (!actor) throw fail('unknown_actor', `actor ${JSON.stringify(q.actor)} is not an active member (a member id or chat account)`);
    return viewerOf(accessPersonOf(actor));
  };

  app.get('/admin/voice/announcements', { schema: LIST }, async (req, reply) => {
    const q = req.query as { actor?: string; limit: number };
    const limit = q.limit;
    const viewer = await viewerFor(q);
    const repo = new AnnouncementRepository(deps.db.db);
    // The OD sees all; anyone else at most those they sent (the rule is still asked of each).
    const list = await repo.sentList({ limit, ...(viewer.kind === 'member' && !viewer.roles.some((r) => r.role === 'od_staff') ? { senderMemberId: viewer.memberId } : {}) });
    const visible = list.filter((a) => maySeeAnnouncementReads(viewer, { senderMemberId: a.sender_member_id, committeeId: a.committee_id }));
    const out = [];
    for (const a of visible) out.push(view(a, await repo.figures(a.id), deps.config.timezone));
    reply.header('cache-control', 'no-store');
    return { announcements: out };
  });

  app.get('/admin/voice/announcements/:id', { schema: ONE }, async (req, reply) => {
    const q = req.query as { actor?: string };
    const { id } = req.params as { id: string };
    const viewer = await viewerFor(q);
    const repo = new AnnouncementRepository(deps.db.db);
    const a = await announcementForReads(repo, viewer, id);
    if (!a) throw fail('not_found', 'no such announcement (sent) whose figures this actor may see');
    const people = await repo.unread(a.id);
    reply.header('cache-control', 'no-store');
    return { ...view(a, await repo.figures(a.id), deps.config.timezone), text: a.body, unread_members: people.unread, no_account_members: people.noAccount };
  });
};
