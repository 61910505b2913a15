// Issue 8, point 9: a 49 MB dry run stalled /healthz for 5.9 s. Parse and plan are long CPU loops; on a server
// they pause every STEP_ROWS rows so other callbacks run. Counted in event-loop turns, not in milliseconds.
import { describe, expect, it } from 'vitest';
import { parseRosterSteps, type SheetRow } from '../../src/roster/parse.ts';
import { planImportSteps } from '../../src/roster/plan.ts';
import { runStepsYielding, STEP_ROWS } from '../../src/roster/steps.ts';

const ROWS = 50_000;

function sheet(): SheetRow[] {
  const header = ['姓名', '账号', '入党日期', '党总支', '党支部'];
  const rows: SheetRow[] = [{ rowNumber: 1, cells: header }];
  for (let i = 0; i < ROWS; i++) rows.push({ rowNumber: i + 2, cells: [`党员${i}`, `u${i}`, '2015-07-01', `第${i % 20}党总支`, `第${i % 400}党支部`] });
  return rows;
}

/** Runs `work` while counting how many times another setImmediate callback got the event loop. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number }> {
  let turns = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  const value = await work();
  running = false;
  return { value, turns };
}

describe('the roster import path yields the event loop (issue 8.9)', () => {
  it('parse and plan of 50,000 rows let other callbacks run every few thousand rows', async () => {
    const parsed = await turnsDuring(() => runStepsYielding(parseRosterSteps(sheet(), { today: '2026-11-26' })));
    if (!parsed.value.ok) throw new Error(JSON.stringify(parsed.value.errors.slice(0, 3)));
    expect(parsed.value.entries).toHaveLength(ROWS);
    expect(parsed.turns).toBeGreaterThanOrEqual(ROWS / STEP_ROWS - 1);

    const { entries, fields } = parsed.value;
    const planned = await turnsDuring(() =>
      runStepsYielding(planImportSteps(entries, fields, { organisations: [], members: [], roles: [], links: [] }, '2026-11-26')),
    );
    expect(planned.value.ok).toBe(true);
    expect(planned.turns).toBeGreaterThanOrEqual(ROWS / STEP_ROWS - 1);
  });
});
