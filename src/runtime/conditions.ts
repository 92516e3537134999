/** A `ctx.condition()` waiting for its predicate. */
export interface Condition {
  readonly fn: () => boolean;
  readonly resolve: (met: boolean) => void;
  /** The timeout's timer, if any. */
  readonly timerSeq: number | undefined;
}

/** The conditions an execution waits on, re-checked after every event. */
export class ConditionSet {
  private waiting: Condition[] = [];

  get size(): number {
    return this.waiting.length;
  }

  add(condition: Condition): void {
    this.waiting.push(condition);
  }

  remove(condition: Condition): void {
    this.waiting = this.waiting.filter((c) => c !== condition);
  }

  /**
   * Resolves every condition whose predicate is now true, in the order they were made.
   * @returns the conditions met (their timeout timers are to be cancelled); throws what a predicate throws.
   */
  check(): Condition[] {
    const met = this.waiting.filter((c) => c.fn());
    for (const c of met) {
      this.remove(c);
      c.resolve(true);
    }
    return met;
  }
}
