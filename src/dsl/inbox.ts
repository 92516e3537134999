/**
 * A queue with one waiting reader, for workflow code that starts several steps and handles each as
 * it settles, in the order they settled (deterministic: settlements arrive one event at a time).
 */
export class Inbox<T> {
  private readonly items: T[] = [];
  private wake: (() => void) | undefined;

  /** Adds an item and wakes the reader. */
  push(item: T): void {
    this.items.push(item);
    this.wake?.();
    this.wake = undefined;
  }

  /** The oldest item, waiting for one when the queue is empty. */
  async next(): Promise<T> {
    while (this.items.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.items.shift()!;
  }
}
