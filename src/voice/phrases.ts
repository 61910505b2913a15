// Every members'-voice sentence the bot understands (MECHANISM 3.1, issue 14), read by each area's pure matcher in
// one order: announcements (向本支部党员通报：…, 党务公开：…, 通报阅读情况, 党务公开), suggestions (意见建议：…,
// 向党总支书记提意见：…, 回复建议12：…, 我的建议), delegates' proposals (提案：…, 立案…, 我的提案). The `interpret`
// command shows the reading (intent "voice"), and the interpreter reads nothing of these as a talk, visit or
// report: 意见建议：希望多走访老党员 is a suggestion, not a visit. Pure.
import { matchAnnouncementCommand, type AnnouncementCommand } from './announcement-phrases.ts';
import { matchSuggestionCommand, type SuggestionCommand } from './suggestion-phrases.ts';
import { matchProposalCommand, type ProposalCommand } from './proposal-phrases.ts';

/** One area's reading: the area's name and its matcher's command. Each area adds its member to this union. */
export type VoiceReading =
  | { area: 'announcements'; command: AnnouncementCommand }
  | { area: 'suggestions'; command: SuggestionCommand }
  | { area: 'proposals'; command: ProposalCommand };

/** Each area's matcher, in the order they are tried (the first that reads a message wins). */
const READERS: ReadonlyArray<(message: string) => VoiceReading | undefined> = [
  (m) => {
    const command = matchAnnouncementCommand(m);
    return command ? { area: 'announcements', command } : undefined;
  },
  (message) => {
    const command = matchSuggestionCommand(message);
    return command ? { area: 'suggestions', command } : undefined;
  },
  (m) => {
    const command = matchProposalCommand(m);
    return command ? { area: 'proposals', command } : undefined;
  },
];

/** The voice command a message gives, if any. */
export function readVoice(message: string): VoiceReading | undefined {
  for (const read of READERS) {
    const reading = read(message);
    if (reading) return reading;
  }
  return undefined;
}
