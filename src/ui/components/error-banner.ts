/** An error from the API (or anything thrown), as a banner; nothing when there is none. */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { ApiRequestError } from '../lib/api.js';
import { errorMessage } from '../lib/format.js';

export function ErrorBanner({ error }: { error: unknown }): VNode | null {
  if (error === undefined || error === null) return null;
  const issues = error instanceof ApiRequestError ? error.issues : [];
  // Status 0: refused by the client itself, before any request.
  const status = error instanceof ApiRequestError && error.status !== 0 ? `${error.status} ` : '';
  const code = error instanceof ApiRequestError ? `${status}${error.code}: ` : '';
  return html`<div class="error-banner" role="alert">
    <strong>${code}</strong>${errorMessage(error)}
    ${
      issues.length > 0 &&
      html`<ul>
        ${issues.map((i) => html`<li key=${i.path}><code>${i.path}</code> ${i.message}</li>`)}
      </ul>`
    }
  </div>`;
}
