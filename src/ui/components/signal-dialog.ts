/** Sends a signal (name and JSON arguments) to an execution, after confirmation. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { signalExecution } from '../lib/api.js';
import { parseArgs } from '../lib/format.js';
import { ConfirmDialog } from './confirm-dialog.js';

interface SignalDialogProps {
  workflowId: string;
  onDone: () => void;
  onClose: () => void;
}

export function SignalDialog({ workflowId, onDone, onClose }: SignalDialogProps): VNode {
  const [name, setName] = useState('');
  const [args, setArgs] = useState('[]');
  const confirm = async (): Promise<void> => {
    if (name.trim() === '') throw new Error('Enter the name of the signal.');
    await signalExecution(workflowId, { name, args: parseArgs(args) });
    onDone();
  };
  return html`<${ConfirmDialog}
    title="Send a signal"
    confirmLabel="Send signal"
    onConfirm=${confirm}
    onClose=${onClose}
  >
    <p>Send a signal to <code class="id">${workflowId}</code>?</p>
    <label
      >Signal name
      <input
        name="signalName"
        required
        value=${name}
        onInput=${(e: Event) => setName((e.currentTarget as HTMLInputElement).value)}
    /></label>
    <label
      >Arguments (JSON array, one element per argument)
      <textarea
        name="signalArgs"
        rows="4"
        value=${args}
        onInput=${(e: Event) => setArgs((e.currentTarget as HTMLTextAreaElement).value)}
      ></textarea>
    </label>
  <//>`;
}
