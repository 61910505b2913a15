// The local platform's sender: the web chat reads deliveries straight from the database, so "sending" is
// recording the delivery as sent. Same interface as WeCom, so everything upstream runs unchanged.
import type { MessageSender, OutboundMessage, SendManyResult, SendResult } from '../types.ts';

export class LocalSender implements MessageSender {
  readonly platform = 'local' as const;
  readonly maxRecipientsPerSend = 1_000;

  async send(_userId: string, _message: OutboundMessage): Promise<SendResult> {
    return {};
  }

  async sendMany(_userIds: readonly string[], _message: OutboundMessage): Promise<SendManyResult> {
    return { result: {}, invalidUserIds: [] };
  }
}
