/** Starts a workflow: its type (from the server's worker), its arguments as JSON, an optional id. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiStartRequest, ApiStartResponse, ApiWorkflowType } from '../../server/api-types.js';
import { startExecution } from '../lib/api.js';
import { parseArgs } from '../lib/format.js';
import { ErrorBanner } from './error-banner.js';

interface StartFormProps {
  workflowTypes: readonly ApiWorkflowType[];
  onStarted: (run: ApiStartResponse) => void;
}

export function StartForm({ workflowTypes, onStarted }: StartFormProps): VNode {
  const [type, setType] = useState('');
  const [args, setArgs] = useState('[]');
  const [workflowId, setWorkflowId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const chosen = type === '' ? (workflowTypes[0]?.name ?? '') : type;
  const value = (e: Event): string => (e.currentTarget as HTMLInputElement).value;

  const submit = (e: SubmitEvent): void => {
    e.preventDefault();
    setError(undefined);
    let req: ApiStartRequest;
    try {
      req = { workflowType: chosen, args: parseArgs(args) };
      if (chosen === '') throw new Error('Choose a workflow type.');
    } catch (err) {
      setError(err);
      return;
    }
    if (workflowId.trim() !== '') req.workflowId = workflowId;
    setBusy(true);
    startExecution(req).then(onStarted, (err: unknown) => {
      setBusy(false);
      setError(err);
    });
  };

  return html`<form class="start-form" data-testid="start-form" onSubmit=${submit}>
    <label
      >Workflow type
      <select name="workflowType" value=${chosen} onChange=${(e: Event) => setType(value(e))}>
        ${workflowTypes.map(
          (t) => html`<option key=${t.name} value=${t.name}>${t.name} (${t.taskQueue})</option>`,
        )}
      </select>
    </label>
    <label
      >Workflow id (optional)
      <input
        name="workflowId"
        placeholder="generated"
        value=${workflowId}
        onInput=${(e: Event) => setWorkflowId(value(e))}
    /></label>
    <label class="wide"
      >Arguments (JSON array, one element per argument)
      <textarea name="args" rows="5" value=${args} onInput=${(e: Event) => setArgs(value(e))}></textarea>
    </label>
    <${ErrorBanner} error=${error} />
    <div><button type="submit" class="primary" disabled=${busy}>${busy ? 'Starting…' : 'Start'}</button></div>
  </form>`;
}
