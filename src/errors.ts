// Error classes with stable codes, mapped once to HTTP statuses (app.ts) and to job behaviour (workers).

export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 500,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input from a client: refused with a 4xx, logged without content. */
export class BadRequestError extends AppError {
  constructor(code: string, message: string, httpStatus = 400) {
    super(code, message, httpStatus);
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
