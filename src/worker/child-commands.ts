import type { EventOf } from '../common/history.js';
import type { ChildCommand } from '../runtime/child-commands.js';
import type { ExecutionWrite } from '../store/types.js';
import type { HistoryWriter } from './history-writer.js';
import type { ChildSender } from './child-sender.js';

/**
 * Records a child workflow command (or a message to another execution) as its `…Initiated` event;
 * the start, signal or cancel request is sent once that event is durable (`after`).
 */
export function translateChildCommand(
  t: { readonly writer: HistoryWriter; readonly children: ChildSender },
  c: ChildCommand,
  write: ExecutionWrite,
  after: (() => void)[],
): void {
  if (c.kind === 'startChildWorkflow') {
    const { kind: _kind, payload, ...attrs } = c;
    const event = t.writer.event('StartChildWorkflowExecutionInitiated', attrs, payload);
    write.events.push(event);
    t.children.initiated();
    after.push(() => t.children.startChild(event as EventOf<'StartChildWorkflowExecutionInitiated'>));
  } else if (c.kind === 'signalExternalWorkflow') {
    const { kind: _kind, payload, ...attrs } = c;
    const event = t.writer.event('SignalExternalWorkflowExecutionInitiated', attrs, payload);
    write.events.push(event);
    after.push(() => t.children.signal(event as EventOf<'SignalExternalWorkflowExecutionInitiated'>));
  } else {
    const { kind: _kind, ...attrs } = c;
    const event = t.writer.event('RequestCancelExternalWorkflowExecutionInitiated', attrs);
    write.events.push(event);
    after.push(() => t.children.cancel(event as EventOf<'RequestCancelExternalWorkflowExecutionInitiated'>));
  }
}
