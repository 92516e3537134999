/**
 * The filters of the executions list: status and workflow type apply at once, the id search and
 * the time range on "Apply".
 */
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ApiExecutionStatus, ApiWorkflowType } from '../../server/api-types.js';
import type { ExecutionFilters } from '../lib/api.js';
import { isoToLocalInput, localInputToIso } from '../lib/format.js';

const STATUSES: ApiExecutionStatus[] = [
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELED',
  'TERMINATED',
  'TIMED_OUT',
  'CONTINUED_AS_NEW',
];

interface FiltersProps {
  filters: ExecutionFilters;
  workflowTypes: readonly ApiWorkflowType[];
  onChange: (filters: ExecutionFilters) => void;
}

export function ExecutionFiltersForm({ filters, workflowTypes, onChange }: FiltersProps): VNode {
  const [q, setQ] = useState(filters.q ?? '');
  const [after, setAfter] = useState(isoToLocalInput(filters.startedAfter));
  const [before, setBefore] = useState(isoToLocalInput(filters.startedBefore));
  // Back and forward change the filters under the form.
  useEffect(() => {
    setQ(filters.q ?? '');
    setAfter(isoToLocalInput(filters.startedAfter));
    setBefore(isoToLocalInput(filters.startedBefore));
  }, [filters.q, filters.startedAfter, filters.startedBefore]);

  const value = (e: Event): string => (e.currentTarget as HTMLInputElement).value;
  const apply = (e: SubmitEvent): void => {
    e.preventDefault();
    onChange({
      ...filters,
      q: q.trim() === '' ? undefined : q.trim(),
      startedAfter: localInputToIso(after),
      startedBefore: localInputToIso(before),
    });
  };

  return html`<form class="filters" data-testid="filters" onSubmit=${apply}>
    <label
      >Status
      <select
        name="status"
        value=${filters.status ?? ''}
        onChange=${(e: Event) => onChange({ ...filters, status: (value(e) || undefined) as ApiExecutionStatus | undefined })}
      >
        <option value="">any</option>
        ${STATUSES.map((s) => html`<option key=${s} value=${s}>${s}</option>`)}
      </select>
    </label>
    <label
      >Workflow type
      <select
        name="type"
        value=${filters.type ?? ''}
        onChange=${(e: Event) => onChange({ ...filters, type: value(e) || undefined })}
      >
        <option value="">any</option>
        ${workflowTypes.map((t) => html`<option key=${t.name} value=${t.name}>${t.name}</option>`)}
        ${
          filters.type !== undefined &&
          !workflowTypes.some((t) => t.name === filters.type) &&
          html`<option value=${filters.type}>${filters.type}</option>`
        }
      </select>
    </label>
    <label
      >Workflow id
      <input
        name="q"
        type="search"
        placeholder="search ids"
        value=${q}
        onInput=${(e: Event) => setQ(value(e))}
    /></label>
    <label
      >Started after
      <input
        name="startedAfter"
        type="datetime-local"
        value=${after}
        onInput=${(e: Event) => setAfter(value(e))}
    /></label>
    <label
      >Started before
      <input
        name="startedBefore"
        type="datetime-local"
        value=${before}
        onInput=${(e: Event) => setBefore(value(e))}
    /></label>
    <button type="submit">Apply</button>
  </form>`;
}
