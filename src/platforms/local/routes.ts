// Local mode (no WeCom configured): a small web chat at / where you pick a user and talk to the bot as
// WeCom would. Messages go through the same durable path (inbound_events → queue → router → deliveries),
// and every delivery to the local platform — replies and scheduled pushes — shows in the chat.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { BadRequestError } from '../../errors.ts';
import { isLoopbackHost } from '../../config.ts';
import type { InboundEvent } from '../types.ts';
import { APP_MENU } from '../../conversation/menu-keys.ts';
import { ROLE_LABELS, type RoleCode } from '../../domain/roster.ts';

const PAGE = readFileSync(new URL('./chat.html', import.meta.url), 'utf8');
const USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

interface PostBody {
  userId?: unknown;
  text?: unknown;
  eventKey?: unknown;
  event?: unknown;
  cardKey?: unknown;
  taskId?: unknown;
}

/** The host name of a Host header or an Origin URL, without port or brackets; undefined if unparseable. */
function hostnameOf(value: string, isUrl: boolean): string | undefined {
  try {
    return new URL(isUrl ? value : `http://${value}`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

export async function localChatRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  // Whoever reaches the web chat can act as any member. It listens on loopback by default; a Host (or an
  // Origin) naming some other site is a DNS-rebinding page or a stray proxy, and is refused.
  const allowed = (name: string | undefined) => name !== undefined && (isLoopbackHost(name) || deps.config.localAllowedHosts.includes(name));
  app.addHook('onRequest', async (req) => {
    const host = req.headers.host;
    const origin = req.headers.origin;
    if (typeof host !== 'string' || !allowed(hostnameOf(host, false)) || (typeof origin === 'string' && !allowed(hostnameOf(origin, true)))) {
      req.log.warn({ host: typeof host === 'string' ? host.slice(0, 100) : undefined }, 'local web chat: foreign Host or Origin refused');
      throw new BadRequestError('foreign_host', '本地网页聊天只接受本机访问（Host 不在允许范围内）', 403);
    }
  });

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));

  app.get('/local/menu', async () => APP_MENU);

  // People to talk as: active roster members with a chat account, those holding roles first.
  app.get('/local/users', async () => {
    const rows = await sql<{ userid: string; name: string; roles: string | null; branch: string }>`
      select m.userid, m.name, o.name as branch,
             (select string_agg(r.role, ',' order by r.role) from member_roles r where r.member_id = m.id) as roles
        from members m join organisations o on o.id = m.branch_id
       where m.status = 'active' and m.userid is not null
       order by (select count(*) from member_roles r where r.member_id = m.id) desc, m.id
       limit 500`.execute(deps.db.db);
    return rows.rows.map((r) => ({
      userId: r.userid,
      label: `${r.name} · ${r.branch}${r.roles ? ` · ${r.roles.split(',').map((c) => ROLE_LABELS[c as RoleCode] ?? c).join('、')}` : ''}`,
    }));
  });

  app.post('/local/messages', async (req, reply) => {
    const body = (req.body ?? {}) as PostBody;
    if (typeof body.userId !== 'string' || !USER_ID.test(body.userId)) throw new BadRequestError('bad_user', '账号格式不正确（字母、数字、_.@-，最长64位）');
    const userId = body.userId;
    const createTime = Math.floor(deps.clock().getTime() / 1000);
    let event: InboundEvent;
    if (typeof body.text === 'string' && body.text.trim() !== '') {
      if (body.text.length > 2048) throw new BadRequestError('too_long', '消息过长');
      event = { kind: 'text', userId, text: body.text, msgId: randomUUID(), createTime };
    } else if (typeof body.eventKey === 'string' && body.eventKey !== '') {
      event = { kind: 'click', userId, eventKey: body.eventKey.slice(0, 128), createTime };
    } else if (typeof body.cardKey === 'string' && body.cardKey !== '' && typeof body.taskId === 'string') {
      // A card button, as WeCom's template_card_event reports it; the local chat has no response codes.
      event = { kind: 'card_click', userId, eventKey: body.cardKey.slice(0, 1024), taskId: body.taskId.slice(0, 128), responseCode: '', selected: {}, createTime };
    } else if (body.event === 'enter_agent') {
      event = { kind: 'enter_agent', userId, createTime };
    } else {
      throw new BadRequestError('empty', '请输入消息内容');
    }
    const outcome = await deps.ingest.record({ platform: 'local', dedupeKey: `local-${randomUUID()}`, userId, kind: event.kind, payload: event });
    return reply.code(202).send({ accepted: outcome.status === 'new' });
  });

  // The conversation of one user: what they sent and what the bot delivered to them, in order.
  app.get('/local/messages', async (req) => {
    const q = req.query as { userId?: unknown };
    if (typeof q.userId !== 'string' || !USER_ID.test(q.userId)) throw new BadRequestError('bad_user', '账号格式不正确');
    const rows = await sql<{ dir: 'in' | 'out'; at: Date; body: unknown; status: string }>`
      select * from (
        select 'in' as dir, received_at as at, payload as body, status from inbound_events
         where platform = 'local' and user_id = ${q.userId}
        union all
        select 'out' as dir, coalesce(sent_at, created_at) as at, message as body, status from deliveries
         where platform = 'local' and recipient = ${q.userId}
      ) t order by at desc limit 200`.execute(deps.db.db);
    return rows.rows.reverse();
  });
}
