// The card an assistance obligation's owner gets as a reminder: what is owed, about whom, by when, with the
// buttons that do it (the same keys as the card that first asked, assistance/actions.ts). Pure.
import { ASSISTANCE_TASK_LABELS, type AssistanceTaskKind } from '../domain/assistance.ts';
import type { IsoDate } from '../domain/dates.ts';
import { chineseMonthDay as cn } from '../domain/format.ts';
import { buttonCard, cardKey, type CardButton } from '../notices/cards.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { ASSISTANCE_ACTION as A } from './actions.ts';

/** The buttons that act on a task of each kind (the subject: entry, aid or subsidy id). */
export function taskButtons(kind: AssistanceTaskKind, subjectId: string): CardButton[] {
  const b = (text: string, action: string, style: 'primary' | 'secondary' = 'primary'): CardButton => ({ text, actionKey: cardKey(action, subjectId), style });
  switch (kind) {
    case 'hardship_consent':
    case 'aid_consent':
      return [b('同意', kind === 'aid_consent' ? A.aidConsent : A.hardshipConsent), b('不同意', kind === 'aid_consent' ? A.aidDecline : A.hardshipDecline, 'secondary')];
    case 'hardship_review':
      return [b('通过', A.hardshipApprove), b('不通过', A.hardshipReject, 'secondary')];
    case 'aid_opinion':
      return [b('同意', A.aidAgree), b('不同意', A.aidDisagree, 'secondary')];
    case 'aid_decision':
      return [b('按申请额批准', A.aidApprove), b('不批准', A.aidReject, 'secondary')];
    case 'aid_payment':
      return [b('已发放', A.aidPaid)];
    case 'subsidy_renewal':
      return [b('续期', A.subsidyRenew), b('到期终止', A.subsidyEnd, 'secondary')];
  }
}

/** What else the owner may type instead of pressing a button. */
const TYPED: Partial<Record<AssistanceTaskKind, string>> = {
  aid_decision: '按其他金额批准的，请回复“批准1500元”；不批准的，请点“不批准”后回复理由。',
  aid_opinion: '不同意的，请点“不同意”后回复理由。',
  hardship_review: '不通过的，请点“不通过”后回复理由。',
};

export function taskReminderCard(p: {
  taskId: string;
  kind: AssistanceTaskKind;
  subjectId: string;
  memberName: string;
  branch: string;
  dueOn: IsoDate;
  title: string;
  standIn: string;
  late: boolean;
  /** More about the subject (an emergency aid's 发放期限 with the working days left). */
  extraFields?: Array<[string, string]>;
  /** Said first in the note (the payment date of an emergency aid at risk). */
  warning?: string;
}): OutboundMessage {
  return buttonCard({
    taskId: p.taskId,
    title: p.title,
    desc: `请于${cn(p.dueOn)}前办理${p.late ? ' · 延迟送达' : ''}`,
    fields: [
      ['对象', `${p.memberName}（${p.branch}）`],
      ['事项', ASSISTANCE_TASK_LABELS[p.kind]],
      ['截止', cn(p.dueOn)],
      ...(p.extraFields ?? []),
    ],
    note: `${p.warning ?? ''}${p.standIn}${TYPED[p.kind] ?? ''}`,
    buttons: taskButtons(p.kind, p.subjectId),
  });
}
