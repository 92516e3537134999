/**
 * Resets an execution, after confirmation: a new run replays the history up to an event (or up to
 * just before a step was first scheduled) and re-executes from there.
 */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiResetRequest, ApiStartResponse } from '../../server/api-types.js';
import { resetExecution } from '../lib/api.js';
import { ConfirmDialog } from './confirm-dialog.js';

interface ResetDialogProps {
  workflowId: string;
  /** Step names (or activity types) offered for "to step". */
  steps: string[];
  lastEventId: number;
  onDone: (run: ApiStartResponse) => void;
  onClose: () => void;
}

export function ResetDialog({ workflowId, steps, lastEventId, onDone, onClose }: ResetDialogProps): VNode {
  const [mode, setMode] = useState<'event' | 'step'>('event');
  const [eventId, setEventId] = useState('');
  const [step, setStep] = useState('');
  const [reason, setReason] = useState('');
  const value = (e: Event): string => (e.currentTarget as HTMLInputElement).value;

  const confirm = async (): Promise<void> => {
    const req: ApiResetRequest = reason === '' ? {} : { reason };
    if (mode === 'event') {
      const id = Number(eventId);
      if (!Number.isInteger(id) || id < 1 || id > lastEventId)
        throw new Error(`Enter an event id between 1 and ${lastEventId}.`);
      req.toEventId = id;
    } else {
      if (step.trim() === '') throw new Error('Enter a step name or an activity type.');
      req.toStep = step;
    }
    onDone(await resetExecution(workflowId, req));
  };

  return html`<${ConfirmDialog}
    title="Reset the execution"
    confirmLabel="Reset"
    danger
    onConfirm=${confirm}
    onClose=${onClose}
  >
    <p>
      A new run of <code class="id">${workflowId}</code> replays the history up to the point chosen and
      re-executes from there; the current run, if still running, is terminated.
    </p>
    <fieldset class="inline">
      <label
        ><input
          type="radio"
          name="resetMode"
          checked=${mode === 'event'}
          onChange=${() => setMode('event')}
        />
        To event id</label
      >
      <label
        ><input type="radio" name="resetMode" checked=${mode === 'step'} onChange=${() => setMode('step')} />
        To step</label
      >
    </fieldset>
    ${
      mode === 'event'
        ? html`<label
            >Event id (1–${lastEventId})
            <input
              name="toEventId"
              type="number"
              min="1"
              max=${lastEventId}
              value=${eventId}
              onInput=${(e: Event) => setEventId(value(e))}
          /></label>`
        : html`<label
            >Step name or activity type
            <input
              name="toStep"
              list="reset-steps"
              value=${step}
              onInput=${(e: Event) => setStep(value(e))}
            />
            <datalist id="reset-steps">${steps.map((s) => html`<option key=${s} value=${s} />`)}</datalist>
          </label>`
    }
    <label
      >Reason (optional) <input name="reason" value=${reason} onInput=${(e: Event) => setReason(value(e))}
    /></label>
  <//>`;
}
