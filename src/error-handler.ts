// The ONE error handler (app.ts installs it on the root; every plugin scope inherits it). Routes and hooks
// throw AppErrors (errors.ts); this turns them into answers: the status, the headers the error carries, and
// the JSON body { error, ...fields } — or, on routes whose caller wants plain text (config.refusalsAsText,
// the WeCom callback), a short plain-text word. Anything else is a 500 that says nothing about itself.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Refusals (4xx AppErrors) answered as text/plain "unauthorized" or "bad request", not JSON. */
    refusalsAsText?: boolean;
  }
}

export function answerError(err: Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = err instanceof AppError ? err : undefined;
  const status = known ? known.httpStatus : ((err as { statusCode?: number }).statusCode ?? 500);
  const code = (err as { code?: string }).code;
  if (status >= 500 && !known?.exposed) {
    // 503 is the database away (a restart): expected, and retried by the platform — a warning, not an error.
    req.log[status === 503 ? 'warn' : 'error']({ err: { message: err.message, code } }, 'request failed');
    return reply.code(status === 503 ? 503 : 500).send({ error: status === 503 ? 'unavailable' : 'internal error' });
  }
  // Clients see a message only for 4xx and for failures already reported where they happened. The log gets
  // the reason, never content (no signature, ciphertext or message: a field too long is named, not shown).
  req.log.warn({ code, status, ...known?.logFields }, 'request refused');
  reply.code(status);
  if (known) reply.headers(known.headers);
  if (known && status < 500 && req.routeOptions.config?.refusalsAsText) {
    return reply.type('text/plain').send(status === 401 ? 'unauthorized' : 'bad request');
  }
  return reply.send({ error: err.message, ...known?.fields });
}
