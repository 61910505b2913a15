// Groups calls made in the same turn of the event loop into one batch (one SQL statement, one Redis
// round trip) — under load this is what keeps the durable webhook path close to the bare one.
// The batch answers each call on its own (one bad item is refused alone); a batch that throws fails them all.

export class Batcher<In, Out> {
  private pending: Array<{ item: In; resolve: (v: Out) => void; reject: (e: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly run: (items: In[]) => Promise<Array<PromiseSettledResult<Out>>>,
    private readonly maxBatch = 500,
  ) {}

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatch) {
        this.flush();
      } else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.run(batch.map((b) => b.item)).then(
      (results) =>
        batch.forEach((b, i) => {
          const r = results[i];
          if (r === undefined) b.reject(new Error('batch returned no result for an item'));
          else if (r.status === 'fulfilled') b.resolve(r.value);
          else b.reject(r.reason);
        }),
      (err) => batch.forEach((b) => b.reject(err)),
    );
  }
}
