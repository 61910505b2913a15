// The interpreter's vocabulary: what a message is read as (the `interpret` command's JSON), who writes it, and
// what the bot needs beyond the JSON (mentions, problems). Types only.
import type { AssistanceReading } from '../../assistance/phrases.ts';
import type { IncentiveReading } from '../../incentive/phrases.ts';
import type { VoiceReading } from '../../voice/phrases.ts';
import type { Reach } from '../../domain/access.ts';
import type { RoleCode } from '../../domain/roster.ts';
import type { ReasonCode } from './lexicon.ts';
import type { IndexedMember, RosterIndex } from './roster-index.ts';

export type Intent = 'log_talk' | 'log_visit' | 'report_event' | 'todo' | 'birthdays' | 'progress' | 'undo' | 'help' | 'assistance' | 'incentive' | 'voice' | 'unknown';

/** Exactly the JSON of the `interpret` command (issue 5), keys in this order. */
export interface Interpretation {
  intent: Intent;
  /** In order of mention: each member's chat account (userid), or `member:<id>` for a member without one (memberKey). */
  members: string[];
  ambiguous: Array<{ mention: string; candidates: string[] }>;
  /** 'YYYY-MM-DD' */
  date: string | null;
  reason: ReasonCode | null;
  note: string;
  /**
   * 派人 (派李明走访了王芳): the userid of the person the writer sent, who made the visit; the writer is the one
   * who sent them. Present only when the message sends someone.
   */
  visitor?: string;
  /**
   * An assistance sentence (申请困难帮扶…, 申请突发困难补助…, 结对：…): which area's command, as its matcher reads
   * it (src/assistance/phrases.ts). Present only with intent 'assistance'; names in it are resolved by its handler.
   */
  assistance?: AssistanceReading;
  /**
   * An incentive sentence (本支部2027年目标：…, 亮岗承诺：…, 季度自评：…): which area's command, as its matcher reads it
   * (src/incentive/phrases.ts). Present only with intent 'incentive'; names in it are resolved by its handler.
   */
  incentive?: IncentiveReading;
  /**
   * A members'-voice sentence (意见建议：…, 向本支部党员通报：…, 提案：…): which area's command, as its matcher reads it
   * (src/voice/phrases.ts). Present only with intent 'voice'; names in it are resolved by its handler.
   */
  voice?: VoiceReading;
}

export interface InterpretWriter {
  memberId: string;
  userid: string;
  branchId: string;
  generalBranchId: string;
  roleCodes: readonly RoleCode[];
}

export interface InterpretContext {
  writer: InterpretWriter;
  now: Date;
  timeZone: string;
  index: RosterIndex;
  /** Whom names are looked for among, when not what the writer's roles give (a plain member's report: their branch). */
  reach?: Visibility;
}

/** Whom a writer may name: derived from their roles by the access rule (src/domain/access.ts). */
export type Visibility = Reach;

/** Where a mention was resolved: the writer themself (我/本人), their branch, their general branch, or the rest they may see. */
export type Tier = 'self' | 'branch' | 'general_branch' | 'visible';

export type Problem =
  /** a talk, visit or report that names nobody (and is not a reply to a reminder) */
  | 'no_member'
  /** a name matches several people in the writer's scope: see `ambiguous` */
  | 'ambiguous_member'
  /** a name matches only people outside what the writer may see */
  | 'not_allowed_scope'
  /** a talk or visit logged by someone without a leading role */
  | 'not_allowed_role'
  /** a visit or a report without a recognisable reason */
  | 'no_reason'
  | 'date_in_future'
  | 'invalid_date'
  /** 上周, 最近 … for a talk or visit: which day? */
  | 'date_unclear'
  /** a talk and a visit in different clauses of one message: one record at a time */
  | 'mixed_records'
  /** 派人: the name of the person sent matches several people in the writer's scope */
  | 'ambiguous_visitor';

export interface MentionResolution {
  /** The name as written (normalised), without its title; '我'/'本人' for the writer. */
  mention: string;
  /** Offsets in `normalizedText`. */
  start: number;
  end: number;
  status: 'resolved' | 'ambiguous' | 'out_of_scope';
  tier: Tier | null;
  /** resolved: the member; ambiguous: every candidate of the narrowest tier; out_of_scope: empty. */
  candidates: Array<{ memberId: string; userid: string | null }>;
  /** A college or branch written next to the name that narrowed its bearers: as written, and who is left. */
  place?: { written: string; bearers: readonly IndexedMember[] };
}

export interface InterpretationDetail {
  result: Interpretation;
  /** memberIds parallel to result.members. */
  memberIds: string[];
  mentions: MentionResolution[];
  problems: Problem[];
  /** A talk or visit with no name, worded as done: the caller fills the member from the conversation. */
  reply: boolean;
  /** 派人: the person sent, as resolved (resolved: `result.visitor` and `visitorId` are set). */
  visitor?: MentionResolution;
  visitorId?: string;
  normalizedText: string;
}
