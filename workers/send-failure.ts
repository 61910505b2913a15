// What a failed send means, the same for one delivery (outbound.ts) and a batch (outbound-batch.ts): the
// platform's frequency limit (45009) waits without spending an attempt; a fatal error, an invalid token or the
// last attempt fails for good; anything else is retried. And how a final failure is logged: 60020 (the server's
// egress IP is not among the app's trusted IPs) is an error, since nothing will send until an admin fixes it.
import type { Job } from 'bullmq';
import type { Logger } from '../src/logger.ts';
import { PlatformSendError } from '../src/errors.ts';

export interface SendFailure {
  error: PlatformSendError;
  /** The platform's code, or the error's kind where the platform gave none: what the row records. */
  code: string;
  next: 'wait' | 'fail' | 'retry';
}

export function sendFailure(err: unknown, job: Job): SendFailure {
  const error = err instanceof PlatformSendError ? err : new PlatformSendError('retry', (err as Error).message);
  const code = error.platformCode === undefined ? error.kind : String(error.platformCode);
  if (error.kind === 'rate_limited') return { error, code, next: 'wait' };
  const final = error.kind === 'fatal' || error.kind === 'token_invalid' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  return { error, code, next: final ? 'fail' : 'retry' };
}

export function logFinalFailure(log: Logger, f: SendFailure, fields: Record<string, unknown>, what: string): void {
  const ipRefused = f.error.platformCode === 60020;
  log[ipRefused ? 'error' : 'warn']({ ...fields, code: f.code, kind: f.error.kind }, ipRefused ? 'the platform refuses this server IP (60020): add it to the app\'s trusted IPs (WeCom 企业可信IP, DingTalk 服务器出口IP)' : what);
}
