/** The action buttons of an execution page; each opens its confirmation dialog. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiExecutionDetail, ApiStartResponse } from '../../server/api-types.js';
import { ReasonDialog } from './reason-dialog.js';
import { ResetDialog } from './reset-dialog.js';
import { SignalDialog } from './signal-dialog.js';

type Action = 'signal' | 'cancel' | 'terminate' | 'reset';

interface ExecutionActionsProps {
  detail: ApiExecutionDetail;
  /** Step names and activity types, for the reset dialog. */
  steps: string[];
  lastEventId: number;
  onChanged: () => void;
  onReset: (run: ApiStartResponse) => void;
}

export function ExecutionActions(props: ExecutionActionsProps): VNode | VNode[] {
  const [open, setOpen] = useState<Action | null>(null);
  const { detail } = props;
  const running = detail.status === 'RUNNING';
  const close = (): void => setOpen(null);
  const button = (action: Action, label: string, enabled: boolean, cls = ''): VNode =>
    html`<button type="button" class=${cls} disabled=${!enabled} onClick=${() => setOpen(action)}>
      ${label}
    </button>`;

  // The dialogs sit beside the buttons, not inside them.
  return html`<div class="actions" data-testid="actions">
      ${button('signal', 'Signal', running)} ${button('cancel', 'Cancel', running)}
      ${button('terminate', 'Terminate', running, 'danger')}
      ${button('reset', 'Reset', props.lastEventId > 0, 'danger')}
    </div>
    ${open === 'signal' && html`<${SignalDialog} workflowId=${detail.workflowId} onDone=${props.onChanged} onClose=${close} />`}
    ${
      (open === 'cancel' || open === 'terminate') &&
      html`<${ReasonDialog}
        action=${open}
        workflowId=${detail.workflowId}
        onDone=${props.onChanged}
        onClose=${close}
      />`
    }
    ${
      open === 'reset' &&
      html`<${ResetDialog}
        workflowId=${detail.workflowId}
        steps=${props.steps}
        lastEventId=${props.lastEventId}
        onDone=${props.onReset}
        onClose=${close}
      />`
    }`;
}
