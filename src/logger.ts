// The only place that decides how we log: pino with secrets redacted and URLs stripped of their query
// (WeCom access tokens and callback signatures travel in query strings — RELIABILITY.md "Secrets").
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'secret',
  'token',
  'accessToken',
  'access_token',
  'encodingAESKey',
  'msg_signature',
  'signature',
  'echostr',
  'req.headers.authorization',
  '*.secret',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.encodingAESKey',
  '*.msg_signature',
  '*.echostr',
  'config.wecom',
  'config.platformSettings',
  'config.adminToken',
];

export function stripQuery(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({ method: req.method, url: stripQuery(req.url), id: req.id }),
        err: pino.stdSerializers.err,
      },
    },
    destination ?? pino.destination({ dest: 2, sync: false }),
  );
}
