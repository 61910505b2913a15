// Every assistance sentence the bot understands, read by each area's pure matcher in one order: the hardship
// registry (申请困难帮扶…, 推荐…为生活困难党员, 我的帮扶, 困难党员名单, 归档…), emergency aid (申请突发困难补助…),
// pairing (结对：…, 我的结对对象, 免除结对…), the fixed subsidy (为张伟设定长期生活补助…, 本月补助已发放), the May/November verification (王芳 已好转；张伟 仍困难 病, 核实完毕). The `interpret` command shows the reading (intent "assistance"), and the
// interpreter reads nothing of these as a talk, visit or report. Pure.
import { matchAidCommand, type AidCommand } from './aid-phrases.ts';
import { matchPairingCommand, type PairingCommand } from './pairing-phrases.ts';
import { matchRegistryCommand, type RegistryCommand } from './registry-phrases.ts';
import { matchSubsidyCommand, type SubsidyCommand } from './subsidy-phrases.ts';
import { matchVerification, type VerificationMessage } from './verification-phrases.ts';

export type AssistanceReading =
  | { area: 'registry'; command: RegistryCommand }
  | { area: 'emergency_aid'; command: AidCommand }
  | { area: 'pairing'; command: PairingCommand }
  | { area: 'subsidy'; command: SubsidyCommand }
  | { area: 'verification'; command: VerificationMessage };

/** The assistance command a message gives, if any (the first area whose matcher reads it). */
export function readAssistance(message: string): AssistanceReading | undefined {
  const registry = matchRegistryCommand(message);
  if (registry) return { area: 'registry', command: registry };
  const aid = matchAidCommand(message);
  if (aid) return { area: 'emergency_aid', command: aid };
  const pairing = matchPairingCommand(message);
  if (pairing) return { area: 'pairing', command: pairing };
  const subsidy = matchSubsidyCommand(message);
  if (subsidy) return { area: 'subsidy', command: subsidy };
  // Last: a verification line is only a name and 已好转 / 仍困难 / 新增, so every other reading goes first.
  const verification = matchVerification(message);
  if (verification) return { area: 'verification', command: verification };
  return undefined;
}
