// Pieces of the admin routes' JSON schemas (issue 17 §4). Fastify validates params, query strings and JSON bodies
// with them (Ajv, its defaults: types coerced — "2026" → 2026, 123 → "123" — and defaults filled in), refusing a
// bad request with 400 { error: { code: "invalid_request", message naming the field, details } } before the
// handler runs; the handlers keep only the domain's checks. @fastify/swagger turns the same schemas into
// /admin/openapi.json. Response schemas document the answers; the admin scope serializes with JSON.stringify
// (routes.ts), so a field a schema does not list is never dropped from an answer.

/** The one error shape (error-handler.ts), as a shared schema: `$ref: 'AdminError#'`. */
export const ADMIN_ERROR_SCHEMA = {
  $id: 'AdminError',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable snake_case code: branch on this, not on the message' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true, description: 'what else the client needs (the field refused, row errors, a job id)' },
      },
    },
  },
} as const;

const ERROR_REF = { $ref: 'AdminError#' } as const;

type Schema = Record<string, unknown>;

/**
 * Responses: the 2xx answers given, and the error statuses a route answers besides those every admin route may
 * (401 wrong token, 404 API disabled, 429 too many requests).
 */
export function responses(ok: Record<number, Schema>, ...errors: number[]): Record<number, Schema> {
  const out: Record<number, Schema> = { ...ok };
  for (const status of [...errors, 401, 429]) out[status] = ERROR_REF;
  return out;
}

/** An object in an answer: the fields listed are documented, others may appear. */
export const answer = (properties: Record<string, Schema>, description?: string): Schema => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  additionalProperties: true,
});

/** A list in an answer. */
export const list = (items: Schema, description?: string): Schema => ({ type: 'array', items, ...(description ? { description } : {}) });

/** Anything (an object documented elsewhere in prose). */
export const any = (description: string): Schema => ({ description });

/** A JSON body or a query string: the fields it takes; others are ignored. */
export const object = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});

/** A member acting or concerned: a member id (digits) or a chat account. */
export const memberRef = (description = 'a member id or chat account'): Schema => ({ type: 'string', minLength: 1, maxLength: 100, description });
/** A database id: digits. */
export const idString = (description = 'an id (digits)'): Schema => ({ type: 'string', pattern: '^\\d{1,18}$', description });
/** Free text, bounded. */
export const text = (maxLength: number, description?: string): Schema => ({ type: 'string', maxLength, ...(description ? { description } : {}) });
/** One of the codes. */
export const oneOf = (values: readonly string[], description?: string): Schema => ({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
/** YYYY-MM-DD. */
export const isoDate = (description?: string): Schema => ({ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', ...(description ? { description } : {}) });
/** YYYY-MM. */
export const yearMonth = (description?: string): Schema => ({ type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', ...(description ? { description } : {}) });
/** A query flag as the admin API has always taken them: 1, true or yes. */
export const queryFlag = (description: string): Schema => ({ type: 'string', enum: ['', '0', '1', 'true', 'false', 'yes', 'no'], description });
