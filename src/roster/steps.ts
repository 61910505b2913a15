// Long loops over a roster (parse, plan) are written once, as generators that pause every STEP_ROWS rows: a
// CLI runs them straight through; a server awaits the event loop at each pause, so callbacks and /healthz
// are answered while a 200,000-row import works (issue 8, point 9).
export type Steps<T> = Generator<void, T, void>;

/** Lets the event loop answer what is waiting (callbacks, /healthz) before the next stretch of work. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Rows between two pauses: about 10 ms of work each. */
export const STEP_ROWS = 2_000;

export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

export async function runStepsYielding<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await yieldToEventLoop();
  }
}
