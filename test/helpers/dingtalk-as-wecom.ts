// The conversation e2e suite was written against WeCom's wire shapes. With TEST_PLATFORM=dingtalk the same
// tests run against DingTalk: the stack serves DingTalk instead of WeCom (everyone's 钉钉账号 is their 账号, the
// convention of a university using the staff number on both), messages go in as signed robot callbacks, and what
// the fake DingTalk API received is shown in WeCom's shape — a robot action card read back into the template card
// it stands for (title, description, fields, note from the card's markdown; task id and action key from each
// button's link). A tap sends the button's message, as the DingTalk client does. What DingTalk cannot do (grey a
// clicked card) simply does not happen: tests that assert it are WeCom's.
import type { FakeDingtalk, FakeDingtalkMessage } from './fake-dingtalk.ts';
import type { SentMessage } from './fake-wecom.ts';

/** The platform the conversation e2e tests speak: `TEST_PLATFORM=dingtalk` runs them against DingTalk. */
export const TEST_PLATFORM: 'wecom' | 'dingtalk' = process.env['TEST_PLATFORM'] === 'dingtalk' ? 'dingtalk' : 'wecom';

/** A button's message: "<words> #<base64url(taskId \u001f actionKey)>.<tag>" (read here without the product's code). */
function actionOf(content: string): { taskId: string; actionKey: string } | undefined {
  const m = /#([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]{12}\s*$/.exec(content);
  if (!m) return undefined;
  const [taskId, actionKey] = Buffer.from(m[1]!, 'base64url').toString('utf8').split('\u001f');
  return taskId && actionKey ? { taskId, actionKey } : undefined;
}

/** The card's markdown (#### title, description, **label**：value lines, > note) back into its parts. */
function cardOf(markdown: string, title: string): Record<string, unknown> {
  const blocks = markdown.split('\n\n');
  const head = blocks.shift() ?? '';
  const desc: string[] = [];
  let fields: Array<{ keyname: string; value: string }> = [];
  let note: string | undefined;
  for (const b of blocks) {
    if (b.startsWith('> ')) note = b.slice(2);
    else if (/^\*\*[^*]+\*\*：/.test(b)) fields = b.split('  \n').map((l) => /^\*\*([^*]+)\*\*：([\s\S]*)$/.exec(l)).filter((x): x is RegExpExecArray => x !== null).map((x) => ({ keyname: x[1]!, value: x[2]! }));
    else if (!/^\[[^\]]+\]\(dtmd:/.test(b)) desc.push(b);
  }
  return {
    main_title: { title: head.replace(/^#### /, '') || title, ...(desc.length ? { desc: desc.join('\n\n') } : {}) },
    ...(note ? { sub_title_text: note } : {}),
    ...(fields.length ? { horizontal_content_list: fields } : {}),
  };
}

let at = 0;
const views = new WeakMap<FakeDingtalkMessage, SentMessage>();

/** One DingTalk message as WeCom's message/send body would have carried it. */
export function asWecomMessage(m: FakeDingtalkMessage): SentMessage {
  const known = views.get(m);
  if (known) return known;
  const touser = m.api === 'group' ? `group:${m.groupId}` : m.userIds.join('|');
  const key: string = m.raw?.msgKey ?? '';
  const param = m.raw?.msgParam ?? {};
  let view: SentMessage;
  if (key === 'sampleText') view = { touser, msgtype: 'text', body: { text: { content: param.content } }, at: ++at };
  else if (key === 'sampleMarkdown') view = { touser, msgtype: 'markdown', body: { markdown: { content: param.text } }, at: ++at };
  else {
    const buttons = m.buttons.map((b) => ({ text: b.title, key: actionOf(b.content)?.actionKey ?? '', content: b.content }));
    const taskId = m.buttons.map((b) => actionOf(b.content)?.taskId).find((t) => t !== undefined) ?? '';
    view = { touser, msgtype: 'template_card', body: { template_card: { card_type: 'button_interaction', ...cardOf(String(param.text ?? ''), String(param.title ?? '')), task_id: taskId, button_list: buttons } }, at: ++at };
  }
  views.set(m, view);
  return view;
}

/** The part of the fake WeCom API the conversation tests read, over the fake DingTalk API. */
export function wecomView(dingtalk: FakeDingtalk): { readonly sent: SentMessage[]; readonly updatedCards: unknown[]; readonly baseUrl: string; close(): Promise<void> } {
  return {
    get sent() {
      return dingtalk.sent.map(asWecomMessage);
    },
    // DingTalk's action cards cannot be updated: nothing is ever greyed.
    updatedCards: [],
    baseUrl: dingtalk.baseUrl,
    close: () => dingtalk.close(),
  };
}
