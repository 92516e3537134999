import { AsyncLocalStorage } from 'node:async_hooks';
import { CancelledFailure } from '../common/failures.js';

/** What a root scope knows of its run: where a promise its code forgot to handle is reported. */
export interface ScopeOwner {
  /** A promise made by the run's code rejected and nothing handled it. */
  unhandledRejection(reason: unknown): void;
}

/**
 * Cancellation scopes, as Temporal's `CancellationScope`: a tree rooted at the workflow. Cancelling
 * a scope cancels the activities, timers and conditions started in it and in its cancellable
 * children; a non-cancellable scope ignores its parent's cancellation (compensations run there).
 */
export class CancellationScope {
  private readonly children = new Set<CancellationScope>();
  private readonly listeners = new Set<(reason: CancelledFailure) => void>();
  private reason: CancelledFailure | undefined;

  /** The run whose code this scope belongs to (a child scope inherits its parent's). */
  readonly owner: ScopeOwner | undefined;

  constructor(
    /** False for `nonCancellable` scopes: a parent's cancellation does not reach them. */
    readonly cancellable: boolean,
    readonly parent?: CancellationScope,
    owner?: ScopeOwner,
  ) {
    this.owner = owner ?? parent?.owner;
    if (parent !== undefined) {
      parent.children.add(this);
      if (cancellable && parent.reason !== undefined) this.reason = parent.reason;
    }
  }

  /** True once this scope has been cancelled. */
  get cancelRequested(): boolean {
    return this.reason !== undefined;
  }

  /** The cancellation, once requested. */
  get cancellation(): CancelledFailure | undefined {
    return this.reason;
  }

  /** Cancels this scope and its cancellable children (once). */
  cancel(reason: CancelledFailure): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    for (const listener of [...this.listeners]) listener(reason);
    this.listeners.clear();
    for (const child of this.children) if (child.cancellable) child.cancel(reason);
  }

  /** Calls `listener` when this scope is cancelled; returns the function that unregisters it. */
  onCancel(listener: (reason: CancelledFailure) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Detaches a finished child scope so it can be collected. */
  release(child: CancellationScope): void {
    this.children.delete(child);
  }
}

/** What workflow code holds of a scope: a way to cancel it, as Temporal's `scope.cancel()`. */
export interface ScopeHandle {
  /** Cancels the scope: what it started rejects with `CancelledFailure`. */
  cancel(reason?: string): void;
}

const current = new AsyncLocalStorage<CancellationScope>();

/** The scope the calling workflow code runs in, or `root` outside any scope. */
export function currentScope(root: CancellationScope): CancellationScope {
  return current.getStore() ?? root;
}

/**
 * The run whose workflow code is running now, or undefined outside workflow code. Node runs an
 * `unhandledRejection` listener in the async context of the promise that rejected, so called
 * there it names the run that made that promise.
 */
export function runningCodeOwner(): ScopeOwner | undefined {
  return current.getStore()?.owner;
}

/** Runs `fn` in a new child scope of the current one. */
export async function runInScope<T>(
  root: CancellationScope,
  cancellable: boolean,
  fn: (scope: ScopeHandle) => Promise<T>,
): Promise<T> {
  const parent = currentScope(root);
  const scope = new CancellationScope(cancellable, parent);
  const handle: ScopeHandle = {
    cancel: (reason = 'scope cancelled') => scope.cancel(new CancelledFailure(reason)),
  };
  try {
    return await current.run(scope, () => fn(handle));
  } finally {
    parent.release(scope);
  }
}

/** Runs `fn` in `scope` (used to keep a helper's own timer outside the scope it cancels). */
export function runIn<T>(scope: CancellationScope, fn: () => T): T {
  return current.run(scope, fn);
}
