// GET/POST /wecom/callback (wecom-protocol.md §1, §2). Cheap checks first: query shape, timestamp window,
// signature (constant time) — all before decryption; the inner XML is parsed only after it decrypts to our
// CorpID. Processing never happens here: the event is stored, enqueued and acknowledged with an empty 200.
import type { FastifyPluginAsync } from 'fastify';
import type { PlatformDeps } from '../platform.ts';
import type { WecomConfig } from './config.ts';
import type { WecomCrypto } from './crypto.ts';
import { AppError, BadRequestError } from '../../errors.ts';
import { checkTimestamp, verifySignature } from './signature.ts';
import { parseEnvelope, parseMessage } from './xml.ts';
import { toInboundEvent } from './inbound.ts';

export const CALLBACK_BODY_LIMIT = 64 * 1024;

interface CallbackQuery {
  msg_signature?: unknown;
  timestamp?: unknown;
  nonce?: unknown;
  echostr?: unknown;
}

function single(v: unknown, name: string): string {
  // A repeated parameter arrives as an array: malformed, not a crash.
  if (typeof v !== 'string' || v.length === 0 || v.length > 4096) throw new BadRequestError('bad_query', `query parameter ${name} missing or malformed`);
  return v;
}

/**
 * The callback routes as a fastify plugin. Refusals are thrown (AppErrors) and answered by the app's one
 * error handler; WeCom reads no JSON, so these routes ask it for plain text (config.refusalsAsText).
 */
export const wecomCallbackRoutes = (wecom: { crypto: WecomCrypto; config: WecomConfig }): FastifyPluginAsync<{ deps: PlatformDeps }> => async (app, { deps }) => {
  const cfg = wecom.config;

  // WeCom posts XML: keep it a raw string (the parser is ours, hardened). In this scope no other content
  // type is parsed, so JSON, forms and the rest get 415 before any work.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['text/xml', 'application/xml'], { parseAs: 'string' }, (_req, body, done) => done(null, body));

  const authenticate = (q: CallbackQuery, encrypt: string) => {
    const timestamp = single(q.timestamp, 'timestamp');
    const nonce = single(q.nonce, 'nonce');
    if (!checkTimestamp(timestamp, deps.clock().getTime())) throw new AppError('stale_timestamp', 'timestamp outside the allowed window', 401);
    if (!verifySignature(cfg.token, timestamp, nonce, encrypt, q.msg_signature)) throw new AppError('bad_signature', 'signature mismatch', 401);
  };

  // URL verification when the admin saves the callback settings (§1): answer the plaintext echo within 1 s.
  app.get('/wecom/callback', { config: { refusalsAsText: true } }, async (req, reply) => {
    const q = req.query as CallbackQuery;
    const echostr = single(q.echostr, 'echostr');
    authenticate(q, echostr);
    const plain = wecom.crypto.decryptFor(echostr, cfg.corpId);
    return reply.type('text/plain').send(plain);
  });

  app.post('/wecom/callback', { bodyLimit: CALLBACK_BODY_LIMIT, config: { refusalsAsText: true } }, async (req, reply) => {
    const body = req.body;
    if (typeof body !== 'string' || body.length === 0) throw new BadRequestError('empty_body', 'empty body');
    const q = req.query as CallbackQuery;
    single(q.msg_signature, 'msg_signature');
    const envelope = parseEnvelope(body);
    authenticate(q, envelope.encrypt);
    const plaintext = wecom.crypto.decryptFor(envelope.encrypt, cfg.corpId);
    const fields = parseMessage(plaintext);
    const { event, dedupeKey } = toInboundEvent(fields, plaintext);
    const outcome = await deps.ingest.record({ platform: 'wecom', dedupeKey, userId: event.userId, kind: event.kind, payload: event });
    if (outcome.status === 'duplicate') req.log.debug({ dedupeKey }, 'duplicate callback dropped');
    // Empty body + 200: "received, no passive reply" (§2.5).
    return reply.code(200).type('text/plain').send('');
  });
};
