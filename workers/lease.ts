// A job whose row is leased by another run (a stalled job that BullMQ handed out again while the first run
// still holds the row, or a worker that died) waits for the lease to end instead of completing: a completed
// job would leave the row to the relay, which is slower.
import { DelayedError, type Job } from 'bullmq';

export async function skipOrWaitForLease(job: Job, token: string | undefined, heldUntil: Date | undefined): Promise<'skipped'> {
  if (!heldUntil) return 'skipped'; // finished already: nothing to do
  await job.moveToDelayed(Math.max(heldUntil.getTime(), Date.now()) + 1_000, token);
  throw new DelayedError();
}
