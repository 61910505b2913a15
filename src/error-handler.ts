// The ONE error handler (app.ts installs it on the root; every plugin scope inherits it). Routes and hooks
// throw AppErrors (errors.ts); fastify throws its own (schema validation, body parsing, size limits); this
// turns them all into one JSON shape: { error: { code, message, details? } } with the status and the headers
// the error carries — or, on routes whose caller wants plain text (config.refusalsAsText, the WeCom
// callback), a short plain-text word. Anything else is a 500 that says nothing about itself.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Refusals (4xx AppErrors) answered as text/plain "unauthorized" or "bad request", not JSON. */
    refusalsAsText?: boolean;
  }
}

/** The body of every JSON error answer. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Readonly<Record<string, unknown>> };
}

/** Codes for fastify's own refusals (its FST_ERR_* codes are not part of our API); by status otherwise. */
const FASTIFY_CODES: Readonly<Record<string, string>> = {
  FST_ERR_VALIDATION: 'invalid_request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_json',
};
const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** The field a schema refusal is about, as a dotted path from the request part: "body.grades.0.member". */
function fieldOf(part: string | undefined, issue: ValidationIssue | undefined): string | undefined {
  if (!issue) return part;
  const path = (issue.instancePath ?? '').split('/').filter((s) => s !== '');
  const named = issue.params?.missingProperty ?? issue.params?.additionalProperty;
  if (typeof named === 'string') path.push(named);
  return [part, ...path].filter((s) => s !== undefined && s !== '').join('.');
}

export function errorBody(code: string, message: string, details?: Readonly<Record<string, unknown>>): ErrorBody {
  return { error: { code, message, ...(details && Object.keys(details).length > 0 ? { details } : {}) } };
}

export function answerError(err: Error, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = err instanceof AppError ? err : undefined;
  const status = known ? known.httpStatus : ((err as { statusCode?: number }).statusCode ?? 500);
  const code = (err as { code?: string }).code;
  if (status >= 500 && !known?.exposed) {
    // 503 is the database away (a restart): expected, and retried by the platform — a warning, not an error.
    req.log[status === 503 ? 'warn' : 'error']({ err: { message: err.message, code } }, 'request failed');
    return status === 503
      ? reply.code(503).send(errorBody('unavailable', 'temporarily unavailable; try again shortly'))
      : reply.code(500).send(errorBody('internal_error', 'internal error'));
  }
  // Clients see a message only for 4xx and for failures already reported where they happened. The log gets
  // the reason, never content (no signature, ciphertext or message: a field too long is named, not shown).
  const validation = (err as FastifyError).validation as ValidationIssue[] | undefined;
  const field = validation ? fieldOf((err as FastifyError).validationContext, validation[0]) : undefined;
  req.log.warn({ code, status, ...known?.logFields, ...(field ? { field } : {}) }, 'request refused');
  reply.code(status);
  if (known) reply.headers(known.headers);
  if (known && status < 500 && req.routeOptions.config?.refusalsAsText) {
    return reply.type('text/plain').send(status === 401 ? 'unauthorized' : 'bad request');
  }
  if (known) return reply.send(errorBody(known.code, known.message, known.details));
  const ours = (code && FASTIFY_CODES[code]) ?? STATUS_CODES[status] ?? 'bad_request';
  if (validation) {
    // Ajv's message names the field ("body/actor must be string"); details say it once more, machine-readably.
    const problems = validation.map((v) => ({ field: fieldOf((err as FastifyError).validationContext, v), problem: v.message ?? v.keyword ?? 'invalid' }));
    return reply.send(errorBody(ours, err.message, { field, problems }));
  }
  return reply.send(errorBody(ours, err.message));
}

/** Unknown routes, in the same shape. */
export function answerNotFound(_req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).send(errorBody('not_found', 'no such route'));
}
