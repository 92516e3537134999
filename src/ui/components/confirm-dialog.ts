/**
 * A modal confirmation (the platform's `<dialog>`): a question, optional fields, Cancel and a
 * confirm button. `onConfirm` runs on confirm; the dialog stays open with the error when it throws,
 * and closes when it resolves. Escape or Cancel closes it without doing anything.
 */
import { html } from 'htm/preact';
import type { ComponentChildren, VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ErrorBanner } from './error-banner.js';

interface ConfirmDialogProps {
  title: string;
  confirmLabel: string;
  /** Red confirm button (terminate, reset). */
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  children?: ComponentChildren;
}

export function ConfirmDialog(props: ConfirmDialogProps): VNode {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);

  const onSubmit = (e: SubmitEvent): void => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    props.onConfirm().then(
      () => props.onClose(),
      (err: unknown) => {
        setBusy(false);
        setError(err);
      },
    );
  };

  return html`<dialog
    ref=${ref}
    class="confirm"
    data-testid="confirm-dialog"
    aria-label=${props.title}
    onClose=${props.onClose}
  >
    <form onSubmit=${onSubmit}>
      <h2>${props.title}</h2>
      ${props.children}
      <${ErrorBanner} error=${error} />
      <div class="dialog-buttons">
        <button type="button" onClick=${props.onClose}>Cancel</button>
        <button type="submit" class=${props.danger === true ? 'danger' : 'primary'} disabled=${busy}>
          ${busy ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </form>
  </dialog>`;
}
