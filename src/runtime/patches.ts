import type { DataConverter } from '../common/converter.js';
import type { HistoryEvent } from '../common/history.js';
import type { Command } from './commands.js';

/** Marker name of a patch (`MarkerRecorded` with `attrs.patchId`), as Temporal's version markers. */
export const PATCH_MARKER = 'baton.patch';

/** The details a patch marker carries (its payload), for readers of the history. */
export interface PatchMarkerDetails {
  patchId: string;
  /** True when recorded by `deprecatePatch` (the code no longer has the old branch). */
  deprecated: boolean;
}

/** What {@link PatchLog.decide} says about one `patched(id)` / `deprecatePatch(id)` call. */
export interface PatchDecision {
  /** What `patched(id)` returns. */
  readonly patched: boolean;
  /** True when a new marker is to be recorded (a `recordMarker` command). */
  readonly record: boolean;
}

/**
 * The patch markers of a history and the decisions already taken, for `ctx.patched(id)` and
 * `ctx.deprecatePatch(id)`.
 *
 * A patch marker takes no sequence number: it is found by its patch id anywhere in the history, so
 * code that skips the marker (old code, or new code replaying an old history) leaves the sequence
 * numbers of later commands as they were recorded. A recorded marker the code never reaches is not
 * a divergence (as Temporal's).
 */
export class PatchLog {
  /** Patch ids recorded in the history and not yet reached by the code. */
  private readonly recorded = new Set<string>();
  /** The answer of each patch id asked already: a patch is decided once per run. */
  private readonly decided = new Map<string, boolean>();

  constructor(history: readonly HistoryEvent[] = []) {
    for (const e of history) {
      if (e.eventType === 'MarkerRecorded' && e.attrs.patchId !== undefined)
        this.recorded.add(e.attrs.patchId);
    }
  }

  /**
   * Decides one call.
   *
   * @param inHistory - true while the code is at a point the history already covers (events or
   *   commands remain to be replayed); false once it runs past the history (new code path).
   * @param deprecated - true for `deprecatePatch`: a history without the marker is accepted too.
   */
  decide(patchId: string, inHistory: boolean, deprecated: boolean): PatchDecision {
    const known = this.decided.get(patchId);
    if (known !== undefined) return { patched: known, record: false };
    let decision: PatchDecision;
    if (this.recorded.delete(patchId)) decision = { patched: true, record: false };
    else if (inHistory) decision = { patched: deprecated, record: false };
    else decision = { patched: true, record: true };
    this.decided.set(patchId, decision.patched);
    return decision;
  }
}

/**
 * The `recordMarker` command of a patch marker: sequence number 0 (a patch takes none), the patch
 * id in the event's attributes, and {@link PatchMarkerDetails} as its payload.
 */
export function patchMarkerCommand(
  converter: DataConverter,
  patchId: string,
  deprecated: boolean,
): Extract<Command, { kind: 'recordMarker' }> {
  const details: PatchMarkerDetails = { patchId, deprecated };
  const payload = converter.toPayload(details, `details of patch marker '${patchId}'`);
  return {
    kind: 'recordMarker',
    seq: 0,
    markerName: PATCH_MARKER,
    payload,
    patchId,
    ...(deprecated ? { deprecated: true } : {}),
  };
}

/**
 * Checks a patch id given to `patched` / `deprecatePatch`.
 * @throws TypeError naming the method when `patchId` is not a non-empty string.
 */
export function checkPatchId(patchId: unknown, method: string): asserts patchId is string {
  if (typeof patchId !== 'string' || patchId === '')
    throw new TypeError(
      `${method}: patchId must be a non-empty string, got ${typeof patchId === 'string' ? "''" : typeof patchId}`,
    );
}
