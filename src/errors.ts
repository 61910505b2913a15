// Error classes with stable codes, mapped once to HTTP statuses (app.ts) and to job behaviour (workers). Every
// code is snake_case and stable: clients branch on it, never on the message. The HTTP answer is always
// { error: { code, message, details? } } (error-handler.ts).

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 500,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** Headers the answer carries (www-authenticate, retry-after…). */
  get headers(): Readonly<Record<string, string>> {
    return {};
  }

  /** What the client needs beyond code and message (a job id and location, row errors): `error.details`. */
  get details(): Readonly<Record<string, unknown>> | undefined {
    return undefined;
  }

  /** Fields for the log line of a refusal: names, never content. */
  get logFields(): Readonly<Record<string, unknown>> {
    return {};
  }

  /** A 5xx whose message is for the client (already logged where it happened); other 5xx say only "internal error". */
  get exposed(): boolean {
    return this.httpStatus < 500;
  }
}

/** Bad input from a client: refused with a 4xx, logged without content. */
export class BadRequestError extends AppError {
  constructor(code: string, message: string, httpStatus = 400) {
    super(code, message, httpStatus);
  }
}

/** No credentials or the wrong ones: 401, with the scheme to use. */
export class UnauthorizedError extends AppError {
  constructor(
    message: string,
    readonly scheme = 'Bearer',
  ) {
    super('unauthorized', message, 401);
  }

  override get headers() {
    return { 'www-authenticate': this.scheme };
  }
}

/** Too many attempts: 429, with Retry-After in whole seconds. */
export class TooManyRequestsError extends AppError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    code = 'too_many_requests',
  ) {
    super(code, message, 429);
  }

  override get headers() {
    return { 'retry-after': String(Math.ceil(this.retryAfterMs / 1000)) };
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super('not_found', message, 404);
  }
}

/** The request clashes with work in progress: 409, with what the client needs to find that work. */
export class ConflictError extends AppError {
  constructor(
    message: string,
    private readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super('conflict', message, 409);
  }

  override get details() {
    return this.extra;
  }
}

/** Bad input with details beside the message (the rows of a file that failed). */
export class InvalidInputError extends BadRequestError {
  constructor(
    code: string,
    message: string,
    private readonly extra: Readonly<Record<string, unknown>>,
  ) {
    super(code, message);
  }

  override get details() {
    return this.extra;
  }
}

/** A failure the server logged where it happened, whose message is written for the client. */
export class ReportedFailure extends AppError {
  constructor(code: string, message: string) {
    super(code, message, 500);
  }

  override get exposed() {
    return true;
  }
}

export class ConfigError extends AppError {
  constructor(message: string) {
    super('config_invalid', message, 500);
  }
}

/**
 * How the outbound worker must treat a failed send.
 * - retry: transient (HTTP 5xx, -1, timeout, reset): back off exponentially, burn an attempt.
 * - rate_limited: the platform said slow down (45009, HTTP 429): wait `delayMs`, do not burn an attempt.
 * - token_invalid: the access token was rejected (40014, 42001, 40001 after a reset): refresh once and retry.
 * - fatal: will never succeed as is (invalid user, bad payload, 60020 untrusted IP): record as failed.
 */
export type SendFailureKind = 'retry' | 'rate_limited' | 'token_invalid' | 'fatal';

export class PlatformSendError extends AppError {
  constructor(
    readonly kind: SendFailureKind,
    message: string,
    readonly platformCode?: number | string,
    readonly delayMs?: number,
  ) {
    super(`send_${kind}`, message, 502);
  }
}

/** A command line that does not fit the command's usage: the CLI prints the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A setting that does not exist (404) or a value its key does not accept (400); the message names the key. */
export class SettingError extends BadRequestError {
  constructor(
    code: 'unknown_setting' | 'invalid_setting',
    readonly key: string,
    message: string,
  ) {
    super(code, message, code === 'unknown_setting' ? 404 : 400);
  }

  override get details() {
    return { key: this.key };
  }
}

/**
 * An action the admin API refuses — the access rule, or the state of what it acts on (no approved entry, ended
 * already) — with its stable code: {"error": {"code": "not_allowed", "message": "…"}}.
 */
export class ActionRefusedError extends BadRequestError {}
