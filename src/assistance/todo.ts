// The assistance part of 我的待办 (issue 12 §1, point 6): the open assistance tasks the writer answers for —
// their own consent, or a step their office owes (a vacant office below passes its own up) — each with what to
// do, and the first few as cards with the buttons that do it (the same keys as the card that first asked).
import type { Kysely } from 'kysely';
import { ASSISTANCE_TASK_LABELS, type AssistanceTaskKind } from '../domain/assistance.ts';
import type { IsoDate } from '../domain/dates.ts';
import { chineseDate } from '../domain/format.ts';
import { obligationState } from '../domain/obligations.ts';
import { AssistanceTaskRepository, type TodoAssistanceTask } from '../db/assistance-task-repository.ts';
import type { Database } from '../db/schema.ts';
import { escapeMarkdown as esc } from '../notices/markdown.ts';
import type { OutboundMessage } from '../platforms/types.ts';
import { taskReminderCard } from './task-cards.ts';

/** What to do for each kind, after the task's name. */
const WHAT_TO_DO: Record<AssistanceTaskKind, string> = {
  hardship_consent: '请在卡片上选择“同意”或“不同意”',
  hardship_review: '请在卡片上点“通过”或“不通过”（不通过的须回复理由）',
  aid_consent: '请在卡片上选择“同意”或“不同意”',
  aid_opinion: '请在卡片上点“同意”或“不同意”（不同意的须回复理由）',
  aid_decision: '请在卡片上审批',
  aid_payment: '发放后请在卡片上点“已发放”',
  subsidy_renewal: '请在卡片上选择“续期”或“到期终止”',
};

/** Cards sent with a 待办: the first few tasks (the rest are on their own reminders). */
const CARDS = 3;

export interface AssistanceTodo {
  tasks: TodoAssistanceTask[];
  lines: string[];
  cards: OutboundMessage[];
}

/**
 * The writer's open assistance tasks. `offices`: 'role|organisation id' of the offices they hold and those passed
 * to them (care-queries.ts todoAnswer). A step about the writer themself owed by an office is left out: nobody
 * decides about themself (the level above has it).
 */
export async function assistanceTodo(db: Kysely<Database>, p: { memberId: string; offices: readonly string[]; today: IsoDate; eventId: string }): Promise<AssistanceTodo> {
  const offices = p.offices.map((o) => {
    const [role = '', organisationId = ''] = o.split('|');
    return { role, organisationId };
  });
  const tasks = (await new AssistanceTaskRepository(db).openFor(p.memberId, offices)).filter((t) => t.owner_member_id !== null || t.member_id !== p.memberId);
  const lines = tasks.map((t) => {
    const overdue = obligationState('open', t.due_on, p.today) === 'overdue';
    return `- ${ASSISTANCE_TASK_LABELS[t.kind]} ${esc(t.member_name)}（${esc(t.branch)}）${chineseDate(t.due_on, p.today)}前${overdue ? ' **已逾期**' : ''}：${WHAT_TO_DO[t.kind]}`;
  });
  const cards = tasks.slice(0, CARDS).map((t) =>
    taskReminderCard({
      taskId: `todo-as-${t.id}-${p.eventId}`,
      kind: t.kind,
      subjectId: t.subject_id,
      memberName: t.member_name,
      branch: t.branch,
      dueOn: t.due_on,
      title: `待办：${ASSISTANCE_TASK_LABELS[t.kind]}`,
      standIn: '',
      late: false,
    }),
  );
  return { tasks, lines, cards };
}
