// The seam between chat platforms (WeCom, DingTalk, the local web chat) and the rest of the bot.
// Everything platform-specific (crypto, wire formats, quirks) stays behind these types.

export type PlatformName = 'wecom' | 'dingtalk' | 'local';

/** What a user did, normalised across platforms. Stored in inbound_events.payload. */
export type InboundEvent =
  | { kind: 'text'; userId: string; text: string; msgId: string; createTime: number }
  | { kind: 'click'; userId: string; eventKey: string; createTime: number }
  | { kind: 'enter_agent'; userId: string; createTime: number }
  | {
      kind: 'card_click';
      userId: string;
      eventKey: string;
      taskId: string;
      responseCode: string;
      selected: Record<string, string[]>;
      createTime: number;
    }
  /** Anything else we received (image, location, subscribe…): recorded, answered with a hint or ignored. */
  | { kind: 'other'; userId: string; msgType: string; event?: string; createTime: number };

/** What the bot sends. The platform adapter maps each to its own wire format. */
export type OutboundMessage =
  | { type: 'text'; content: string }
  | { type: 'markdown'; content: string }
  | { type: 'textcard'; title: string; description: string; url: string; btntxt?: string }
  /** A WeCom template_card body (card_type, main_title, button_list, task_id…), per wecom-protocol.md §3.3. */
  | { type: 'template_card'; card: Record<string, unknown> }
  /** Greys out the clicked card's buttons with new text, for the user who clicked (response codes are single use). */
  | { type: 'card_update'; responseCode: string; replaceName: string };

export interface SendResult {
  /** The platform's own message id, when it gives one (for recall). */
  platformMsgId?: string;
  /** For interactive template cards: the single-use code for update_template_card. */
  responseCode?: string;
}

export interface SendOptions {
  /**
   * Ask the platform to drop an identical request within this many seconds (WeCom's enable_duplicate_check):
   * a re-send after a crash between sending and recording is then not delivered twice. Platforms without
   * such a check ignore it.
   */
  duplicateCheckSeconds?: number;
}

/** Sends one message to one user. Throws a PlatformSendError (see errors.ts) on failure. */
export interface MessageSender {
  readonly platform: PlatformName;
  send(userId: string, message: OutboundMessage, options?: SendOptions): Promise<SendResult>;
}
