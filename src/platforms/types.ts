// The seam between chat platforms (WeCom, DingTalk, the local web chat) and the rest of the bot.
// Everything platform-specific (crypto, wire formats, quirks) stays behind these types.

export type PlatformName = 'wecom' | 'dingtalk' | 'local';

/** A delivery's recipient that is a group chat, not a person: `group:<the platform's conversation id>`. */
export const GROUP_RECIPIENT_PREFIX = 'group:';

/**
 * Someone the roster does not know, named with their platform (`dingtalk:<userid>`): their messages are
 * answered on that platform, and their id never passes for a member's account on another platform. A colon is
 * in no platform's userid.
 */
const QUALIFIED = /^(wecom|dingtalk|local):(.+)$/s;

export function qualifiedUser(platform: PlatformName, userId: string): string {
  return `${platform}:${userId}`;
}

/** The platform and id of a qualified user id; undefined for an account or anything else. */
export function parseQualifiedUser(id: string): { platform: PlatformName; userId: string } | undefined {
  const m = QUALIFIED.exec(id);
  return m ? { platform: m[1] as PlatformName, userId: m[2]! } : undefined;
}

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
  /**
   * A message in a group chat that @-mentions the bot (DingTalk): answered in the group, and only with what
   * anyone in the group may read (help, "请私聊我"). groupId is the platform's conversation id.
   */
  | { kind: 'group_mention'; userId: string; groupId: string; text: string; createTime: number }
  /** The platform's address book says a user left the organisation (DingTalk user_leave_org): the OD confirms. */
  | { kind: 'directory'; userId: string; change: 'left_org'; createTime: number }
  /** Anything else we received (image, location, subscribe…): recorded, answered with a hint or ignored. */
  | { kind: 'other'; userId: string; msgType: string; event?: string; createTime: number };

/** How a button looks: the one that does what the card asks, or a quieter alternative. */
export type CardButtonStyle = 'primary' | 'secondary';

/** A button on a card: clicking it comes back as a card_click whose eventKey is actionKey. */
export interface CardButton {
  text: string;
  actionKey: string;
  style: CardButtonStyle;
}

/**
 * A card with buttons, in no platform's words. Limits are the smallest any adapter accepts (WeCom's
 * template card, wecom-protocol.md §3.3), so every adapter can show a card whole: see card() in
 * notices/cards.ts, which builds and clips it.
 */
export interface Card {
  /** Unique per card sent; comes back with a click, so a click names the card it came from. */
  taskId: string;
  title: string;
  description?: string;
  /** [label, value] lines, at most six. */
  fields?: Array<[string, string]>;
  /** A longer line under the title: what to do, or why the card asks. */
  note?: string;
  /** One to six. */
  buttons: CardButton[];
}

/**
 * What the bot sends, in no platform's words: conversation and notices produce these, deliveries.message
 * stores them, and each adapter renders them to its wire format inside its own folder.
 */
export type OutboundMessage =
  | { type: 'text'; content: string }
  | { type: 'markdown'; content: string }
  | { type: 'card'; card: Card }
  /**
   * Greys out the clicked card's buttons with new text, for the user who clicked. responseCode is the
   * platform's handle on the clicked card (from the card_click); single use.
   */
  | { type: 'card_update'; responseCode: string; replaceName: string };

export interface SendResult {
  /** The platform's own message id, when it gives one (for recall). */
  platformMsgId?: string;
  /** For cards with buttons: the platform's single-use handle to update the card after a click. */
  responseCode?: string;
}

export interface SendOptions {
  /**
   * Ask the platform to drop an identical request within this many seconds (WeCom's enable_duplicate_check):
   * a re-send after a crash between sending and recording is then not delivered twice. Platforms without
   * such a check ignore it.
   */
  duplicateCheckSeconds?: number;
  /**
   * Names what is sent (the delivery's or the batch's id): the same ref is the same message. A platform that
   * silently drops identical content to the same person on the same day (DingTalk's work notifications) makes
   * messages with different refs differ, and leaves a re-send of the same ref identical (so it is dropped).
   */
  deliveryRef?: string;
}

/**
 * What one call to many recipients did: sent to all but `invalidUserIds` (as given, whatever case the platform
 * answers in) and `deferredUserIds`.
 */
export interface SendManyResult {
  result: SendResult;
  invalidUserIds: string[];
  /**
   * Recipients the platform did not send to for now (DingTalk's per-user flow control): not sent, to be sent
   * again later like a rate-limited delivery. Absent or empty: none.
   */
  deferredUserIds?: string[];
}

/** Sends one message to one user. Throws a PlatformSendError (see errors.ts) on failure. */
export interface MessageSender {
  readonly platform: PlatformName;
  send(userId: string, message: OutboundMessage, options?: SendOptions): Promise<SendResult>;
  /**
   * How many recipients one sendMany call takes (WeCom: 1,000). A broadcast is recorded in batches of at most
   * this many; absent, batches of 1,000 (and a sender without sendMany sends their rows one by one).
   */
  readonly maxRecipientsPerSend?: number;
  /**
   * The same message to several users in one platform call. Recipients the platform refuses (not members,
   * outside the app's visibility) come back in invalidUserIds; when it refuses them all, they all do. Throws
   * a PlatformSendError when the call as a whole failed (then nobody got it).
   */
  sendMany?(userIds: readonly string[], message: OutboundMessage, options?: SendOptions): Promise<SendManyResult>;
}
