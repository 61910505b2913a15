// Local mode (no WeCom configured): a small web chat at / where you pick a user and talk to the bot as
// WeCom would. Messages go through the same durable path (inbound_events → queue → router → deliveries),
// and every delivery to the local platform — replies and scheduled pushes — shows in the chat.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import helmet from '@fastify/helmet';
import type { FastifyPluginAsync } from 'fastify';
import { BadRequestError } from '../../errors.ts';
import { securityHeaders } from '../../security-headers.ts';
import { isLoopbackHost } from './config.ts';
import type { Card, InboundEvent } from '../types.ts';
import type { PlatformDeps } from '../platform.ts';
import { clickedButtonText } from './cards.ts';
import { LocalChatRepository } from './chat-repository.ts';
import { APP_MENU } from '../../conversation/menu-keys.ts';
import { ROLE_LABELS, type RoleCode } from '../../domain/roster.ts';
import { MESSAGE_MAX_BYTES } from '../../notices/message-limit.ts';

const PAGE = readFileSync(new URL('./chat.html', import.meta.url), 'utf8');
const MARKDOWN_VIEW = readFileSync(new URL('./markdown-view.js', import.meta.url), 'utf8');
// The page's script, a file of its own: the CSP (security-headers.ts) admits no inline script.
const CHAT_SCRIPT = readFileSync(new URL('./chat.js', import.meta.url), 'utf8');
/** A user id as the web chat accepts it: letters, digits and _.@-, as the roster holds them (1–64). */
export const LOCAL_USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;

/** The picker searches the roster server-side: a real roster has thousands of people, the page gets a few. */
const USERS_DEFAULT_LIMIT = 20;
const USERS_MAX_LIMIT = 50;
const QUERY_MAX_CHARS = 32;

/** Menu key → the name on the button, so a menu click shows as the user saw it (菜单：我的待办). */
const MENU_NAMES: ReadonlyMap<string, string> = new Map(
  APP_MENU.flatMap((m) => [...(m.key ? [[m.key, m.name] as const] : []), ...(m.sub ?? []).map((s) => [s.key, s.name] as const)]),
);

/** What a member did, as the chat shows it: typed text as is, clicks by the text of what was clicked. */
export function inboundLabel(body: Record<string, unknown> | null, button: string | null): string {
  const b = body ?? {};
  switch (b.kind) {
    case 'text':
      return String(b.text ?? '');
    case 'click':
      return `菜单：${MENU_NAMES.get(String(b.eventKey)) ?? String(b.eventKey ?? '')}`;
    case 'card_click':
      return `点击：${button ?? '卡片按钮'}`;
    case 'enter_agent':
      return '进入应用';
    default:
      return `其他消息（${String(b.msgType ?? b.kind ?? '未知')}）`;
  }
}

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

export const localChatRoutes: FastifyPluginAsync<{ deps: PlatformDeps }> = async (app, { deps }) => {
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

  // The page's security headers (security-headers.ts), on everything this scope answers; plain http (no HSTS).
  await app.register(helmet, securityHeaders(undefined));

  const chat = new LocalChatRepository(deps.db.db);

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get('/local/markdown-view.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(MARKDOWN_VIEW));
  app.get('/local/chat.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(CHAT_SCRIPT));

  app.get('/local/menu', async () => APP_MENU);

  // People to talk as, found by name or account (`q`, case-insensitive, anywhere in the name): exact matches
  // first, then names that start with it, then those holding roles. `more` says the list was cut at `limit`.
  app.get('/local/users', async (req) => {
    const query = req.query as { q?: unknown; limit?: unknown };
    if (query.q !== undefined && typeof query.q !== 'string') throw new BadRequestError('bad_query', '搜索词格式不正确');
    const q = (query.q ?? '').trim().toLowerCase();
    if (q.length > QUERY_MAX_CHARS) throw new BadRequestError('bad_query', `搜索词过长（最多${QUERY_MAX_CHARS}个字）`);
    const limit = query.limit === undefined ? USERS_DEFAULT_LIMIT : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > USERS_MAX_LIMIT) throw new BadRequestError('bad_limit', `limit 应为 1 到 ${USERS_MAX_LIMIT} 的整数`);
    const users = await chat.users(q, limit + 1);
    return {
      users: users.slice(0, limit).map((r) => ({
        userId: r.userid,
        name: r.name,
        generalBranch: r.gb,
        branch: r.branch,
        roles: r.roles ? r.roles.split(',').map((c) => ROLE_LABELS[c as RoleCode] ?? c) : [],
      })),
      more: users.length > limit,
    };
  });

  app.post('/local/messages', async (req, reply) => {
    const body = (req.body ?? {}) as PostBody;
    if (typeof body.userId !== 'string' || !LOCAL_USER_ID.test(body.userId)) throw new BadRequestError('bad_user', '账号格式不正确（字母、数字、_.@-，最长64位）');
    const userId = body.userId;
    const createTime = Math.floor(deps.clock().getTime() / 1000);
    let event: InboundEvent;
    if (typeof body.text === 'string' && body.text.trim() !== '') {
      // WeCom delivers at most 2,048 bytes of a typed message; the web chat holds its users to the same.
      const size = Buffer.byteLength(body.text, 'utf8');
      if (size > MESSAGE_MAX_BYTES) {
        throw new BadRequestError('too_long', `消息过长：共 ${size} 字节，超过 ${MESSAGE_MAX_BYTES} 字节的上限（约 680 个汉字），请删减后再发送。`);
      }
      event = { kind: 'text', userId, text: body.text, msgId: randomUUID(), createTime };
    } else if (typeof body.eventKey === 'string' && body.eventKey !== '') {
      event = { kind: 'click', userId, eventKey: body.eventKey.slice(0, 128), createTime };
    } else if (typeof body.cardKey === 'string' && body.cardKey !== '' && typeof body.taskId === 'string') {
      // A card button: the card's taskId and the button's actionKey; the local chat has no response codes.
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
    if (typeof q.userId !== 'string' || !LOCAL_USER_ID.test(q.userId)) throw new BadRequestError('bad_user', '账号格式不正确');
    // The last 200 of both sides; a card click names its button by key, so its text is looked up (for those
    // 200 only) in the card delivered to the same person.
    const rows = await chat.conversation(q.userId);
    const clicked = rows.filter((r) => r.dir === 'in' && r.body?.kind === 'card_click').map((r) => String(r.body?.taskId ?? ''));
    const cards = new Map<string, Card>();
    if (clicked.length > 0) {
      const found = await chat.cardsClicked(q.userId, clicked);
      for (const card of found) if (!cards.has(card.taskId)) cards.set(card.taskId, card);
    }
    const buttonOf = (body: Record<string, unknown> | null) => clickedButtonText(cards.get(String(body?.taskId ?? '')), String(body?.eventKey ?? '')) ?? null;
    return rows.reverse().map((r) => (r.dir === 'in' ? { ...r, label: inboundLabel(r.body, buttonOf(r.body)) } : r));
  });
};
