// POST /dingtalk/robot (app robot messages over HTTP, wecom-protocol.md §5.3) and POST /dingtalk/events (the
// event subscription, §5.1). Cheap checks first: the robot's timestamp and HMAC sign before the body is even
// read, the event push's sha1 signature before it is decrypted. Processing never happens here: what arrives is
// stored (deduped) through the ingest and acknowledged.
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { PlatformDeps } from '../platform.ts';
import type { DingtalkConfig } from './config.ts';
import type { DingtalkCrypto } from './crypto.ts';
import { AppError, BadRequestError } from '../../errors.ts';
import { checkRobotTimestamp, verifyRobotSign } from './signature.ts';
import { eventToInbound, robotMessageToInbound, type MappedInbound } from './inbound.ts';
import { DingtalkStream } from './stream.ts';

export const CALLBACK_BODY_LIMIT = 64 * 1024;

export interface DingtalkCallbackOptions {
  config: DingtalkConfig;
  /** The event subscription's crypto (DingtalkCrypto.fromConfig); undefined in Stream mode: no /dingtalk/events. */
  crypto: DingtalkCrypto | undefined;
}

/** One header, sent once. Node joins a repeated custom header into "a, b", so the raw headers are counted. */
function singleHeader(req: FastifyRequest, name: string): string {
  const raw = req.raw.rawHeaders;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) count++;
  const v = req.headers[name];
  if (count !== 1 || typeof v !== 'string' || v.length === 0 || v.length > 64) {
    throw new BadRequestError('bad_headers', `header ${name} missing, repeated or malformed`);
  }
  return v;
}

/** A query parameter under either of its spellings (DingTalk's older pushes use the second, §5.1). */
function queryParam(q: Record<string, unknown>, ...names: string[]): string {
  const name = names.find((n) => q[n] !== undefined) ?? names[0]!;
  const v = q[name];
  // A repeated parameter arrives as an array: malformed, not a crash.
  if (typeof v !== 'string' || v.length === 0 || v.length > 128) throw new BadRequestError('bad_query', `query parameter ${name} missing or malformed`);
  return v;
}

const TIMESTAMP = /^[0-9]{1,16}$/;

/**
 * The receive routes as a fastify plugin. Refusals are thrown (AppErrors) and answered by the app's one error
 * handler as JSON (DingTalk reads JSON, unlike WeCom).
 */
/** JSON only, as a string parsed here: a malformed body is our bad_body, anything else 415 before any work. */
export function onlyJsonBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new BadRequestError('bad_body', 'body is not JSON'));
    }
  });
}

export const dingtalkCallbackRoutes = (opts: DingtalkCallbackOptions): FastifyPluginAsync<{ deps: PlatformDeps }> => async (app, { deps }) => {
  const { config, crypto } = opts;

  // DingTalk posts JSON; in this scope nothing else is parsed, so forms, XML and the rest get 415 before any
  // work. Parsed here so a malformed body is our bad_body, not the framework's error.
  onlyJsonBodies(app);

  const store = async (req: FastifyRequest, mapped: MappedInbound) => {
    const { event, dedupeKey } = mapped;
    const outcome = await deps.ingest.record({ platform: 'dingtalk', dedupeKey, userId: event.userId, kind: event.kind, payload: event });
    if (outcome.status === 'duplicate') req.log.debug({ dedupeKey }, 'duplicate dingtalk callback dropped');
  };

  app.post('/dingtalk/robot', {
    bodyLimit: CALLBACK_BODY_LIMIT,
    // onRequest runs before the body is read: a request that is not DingTalk's costs no parsing.
    onRequest: async (req) => {
      const timestamp = singleHeader(req, 'timestamp');
      const sign = singleHeader(req, 'sign');
      if (!checkRobotTimestamp(timestamp, deps.clock().getTime())) throw new AppError('stale_timestamp', 'timestamp outside the allowed window', 401);
      if (!verifyRobotSign(config.appSecret, timestamp, sign)) throw new AppError('bad_signature', 'signature mismatch', 401);
    },
  }, async (req, reply) => {
    // The sign covers only the timestamp (a copy replays for an hour): the msgId dedupe makes a replay a no-op.
    await store(req, robotMessageToInbound(req.body, config.appSecret));
    return reply.code(200).send({});
  });

  if (!crypto) return;

  app.post('/dingtalk/events', { bodyLimit: CALLBACK_BODY_LIMIT }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const signature = queryParam(q, 'signature', 'msg_signature');
    const timestamp = queryParam(q, 'timestamp', 'timeStamp');
    const nonce = queryParam(q, 'nonce');
    // No freshness window: the signature covers the ciphertext, so a replay is the same event and dedupes on
    // its key, while a push DingTalk re-sends (its retry policy is undocumented) keeps its first timestamp.
    if (!TIMESTAMP.test(timestamp)) throw new BadRequestError('bad_query', 'query parameter timestamp malformed');
    const body = req.body as Record<string, unknown> | null;
    const encrypt = body !== null && typeof body === 'object' && !Array.isArray(body) ? body['encrypt'] : undefined;
    if (typeof encrypt !== 'string' || encrypt.length === 0) throw new BadRequestError('bad_body', 'encrypt missing');
    if (!crypto.verify(timestamp, nonce, encrypt, signature)) throw new AppError('bad_signature', 'signature mismatch', 401);

    const plaintext = crypto.decrypt(encrypt);
    let plain: unknown;
    try {
      plain = JSON.parse(plaintext);
    } catch {
      throw new BadRequestError('bad_event', 'event is not JSON');
    }
    // Stored before the answer, together (the ingest batches what arrives at once); check_url and the types
    // we do not use store nothing. Every push is answered with the encrypted "success" within DingTalk's
    // 1,500 ms (anything else is 71009); a failed insert is a 503, and DingTalk pushes again.
    await Promise.all(eventToInbound(plain).map((mapped) => store(req, mapped)));
    return reply.code(200).send(crypto.successReply(deps.clock().getTime()));
  });
};

/**
 * Stream mode (§5.2): the same conversion and the same durable path as the HTTP routes, over the connection —
 * an event is stored (UNIQUE dedupe key: a repeated eventId stores nothing) before its frame is acked; if the
 * database is away the handler throws and the ack says LATER, so DingTalk pushes it again. A payload that can
 * never be read is logged (no content) and acked: pushing it again would not help.
 */
export function dingtalkStreamReceiver(config: DingtalkConfig, deps: PlatformDeps): DingtalkStream {
  const store = async (mapped: MappedInbound) => {
    const { event, dedupeKey } = mapped;
    const outcome = await deps.ingest.record({ platform: 'dingtalk', dedupeKey, userId: event.userId, kind: event.kind, payload: event });
    if (outcome.status === 'duplicate') deps.log.debug({ dedupeKey }, 'duplicate dingtalk stream frame dropped');
  };
  // Counted as callbacks are, under a route name of their own (a frame has no URL).
  const readable = <T>(what: string, route: string, convert: () => T): T | undefined => {
    deps.metrics?.callbackReceived('dingtalk', route);
    try {
      return convert();
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'bad_body';
      deps.log.warn({ code, what }, 'dingtalk stream frame refused');
      deps.metrics?.callbackRefused('dingtalk', route, code);
      return undefined;
    }
  };
  return new DingtalkStream({
    apiBase: config.apiBase,
    appKey: config.appKey,
    appSecret: config.appSecret,
    log: deps.log,
    handlers: {
      async onRobotMessage(data) {
        const mapped = readable('robot message', 'stream:robot', () => robotMessageToInbound(JSON.parse(data), config.appSecret));
        if (mapped) await store(mapped);
      },
      async onEvent(data, headers) {
        const events = readable('event', 'stream:event', () => eventToInbound(JSON.parse(data), { eventId: headers.eventId, eventType: headers.eventType, bornAt: headers.eventBornTime, receivedAtMs: deps.clock().getTime() }));
        for (const mapped of events ?? []) await store(mapped);
      },
    },
  });
}
