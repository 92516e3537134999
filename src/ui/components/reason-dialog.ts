/** Cancels or terminates an execution, with an optional reason, after confirmation. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import { cancelExecution, terminateExecution } from '../lib/api.js';
import { ConfirmDialog } from './confirm-dialog.js';

interface ReasonDialogProps {
  action: 'cancel' | 'terminate';
  workflowId: string;
  onDone: () => void;
  onClose: () => void;
}

const TEXT = {
  cancel: {
    title: 'Cancel the execution',
    confirm: 'Request cancellation',
    explain: 'The workflow sees a cancellation at its next await, may clean up, and ends Canceled.',
  },
  terminate: {
    title: 'Terminate the execution',
    confirm: 'Terminate',
    explain: 'Termination is immediate: no workflow code runs, nothing is cleaned up.',
  },
};

export function ReasonDialog({ action, workflowId, onDone, onClose }: ReasonDialogProps): VNode {
  const [reason, setReason] = useState('');
  const text = TEXT[action];
  const confirm = async (): Promise<void> => {
    await (action === 'cancel' ? cancelExecution : terminateExecution)(workflowId, reason);
    onDone();
  };
  return html`<${ConfirmDialog}
    title=${text.title}
    confirmLabel=${text.confirm}
    danger=${action === 'terminate'}
    onConfirm=${confirm}
    onClose=${onClose}
  >
    <p>${text.explain}</p>
    <p>Execution: <code class="id">${workflowId}</code></p>
    <label
      >Reason (optional)
      <input
        name="reason"
        value=${reason}
        onInput=${(e: Event) => setReason((e.currentTarget as HTMLInputElement).value)}
    /></label>
  <//>`;
}
