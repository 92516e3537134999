/**
 * The Conductor saga samples: saga_order_fulfillment names saga_order_compensation as its
 * failureWorkflow. Runs on the engine against an idempotent mock of the order services, with the
 * outcomes the samples' README (../shared/samples/README.md) describes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { samplePath } from '../support/samples.js';
import { ApplicationFailure } from '../../src/index.js';
import { startMockHttp, type MockAnswer, type MockHttp, type MockRequest } from '../support/mock-http.js';
import { awaitFileRun, runWorkflowFiles } from '../support/workflow-files.js';

const FULFILLMENT = samplePath('conductor/saga-order-fulfillment.json');
const COMPENSATION = samplePath('conductor/saga-order-compensation.json');

let mock: MockHttp | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/** The order services: idempotent on Idempotency-Key for calls that succeeded. */
async function orderServices(overrides: Record<string, MockAnswer> = {}): Promise<MockHttp> {
  const stored = new Map<string, MockAnswer>();
  mock = await startMockHttp((req: MockRequest) => {
    const key = req.headers['idempotency-key'];
    if (key !== undefined && stored.has(key)) return stored.get(key)!;
    let answer: MockAnswer;
    if (overrides[req.path] !== undefined) answer = overrides[req.path]!;
    else if (req.path === '/inventory/reserve') answer = { json: { reservationId: 'RES-1' } };
    else if (req.path === '/payments/charge') answer = { json: { chargeId: 'CHG-2' } };
    else if (req.path === '/shipping/book') {
      const status = Number(req.query.status);
      answer =
        status === 200
          ? { json: { shipmentId: 'SHP-3' } }
          : { status, json: { error: 'carrier unavailable' } };
    } else if (req.path === '/payments/refund' || req.path === '/inventory/release')
      answer = { json: { undone: true } };
    else answer = { status: 404, json: { error: 'no route' } };
    if (key !== undefined && (answer.status ?? 200) < 300) stored.set(key, answer);
    return answer;
  });
  return mock;
}

function failureOf(failure: unknown): ApplicationFailure {
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect((failure as ApplicationFailure).type).toBe('ConductorWorkflowFailed');
  return failure as ApplicationFailure;
}

describe('saga_order_fulfillment', () => {
  it('happy path: reserve, charge, book in order; amount stays a number; no compensation', async () => {
    const http = await orderServices();
    const run = await runWorkflowFiles([FULFILLMENT, COMPENSATION], {
      input: { orderId: 'ORD-1', amount: 49.0, shipmentStatus: '200' },
      rewriteUrl: (url) => http.rewrite(url),
    });
    expect(run.status).toBe('COMPLETED');
    expect(run.result).toEqual({ orderId: 'ORD-1', reservationId: 'RES-1', chargeId: 'CHG-2' });
    expect(http.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /inventory/reserve',
      'POST /payments/charge',
      'POST /shipping/book',
    ]);
    const [reserve, charge, book] = http.requests;
    expect(reserve!.headers['idempotency-key']).toBe('ORD-1-reserve');
    expect(reserve!.body).toEqual({ orderId: 'ORD-1', action: 'reserve' });
    expect(charge!.headers['idempotency-key']).toBe('ORD-1-charge');
    expect(charge!.body).toEqual({ orderId: 'ORD-1', amount: 49 });
    expect(typeof (charge!.body as { amount: unknown }).amount).toBe('number');
    expect(book!.query).toEqual({ status: '200' });
    expect(book!.headers['idempotency-key']).toBe('ORD-1-ship');
    expect(book!.headers['content-type']).toBe('application/json');
    expect(book!.body).toEqual({ orderId: 'ORD-1' });
    expect(await run.env.baton.client.list({ workflowType: 'saga_order_compensation@1' })).toHaveLength(0);
  });

  it('failure path: book is tried twice ~2 s apart, the run fails, the compensation refunds then releases', async () => {
    const http = await orderServices();
    const run = await runWorkflowFiles([FULFILLMENT, COMPENSATION], {
      input: { orderId: 'ORD-2', amount: 49.0, shipmentStatus: '503' },
      rewriteUrl: (url) => http.rewrite(url),
      workflowId: 'order-2',
    });
    expect(run.status).toBe('FAILED');
    const books = http.requests.filter((r) => r.path === '/shipping/book');
    expect(books).toHaveLength(2);
    expect(books[1]!.atMs - books[0]!.atMs).toBeGreaterThanOrEqual(1990);
    expect(run.steps).toEqual({
      reserve_inventory: 'COMPLETED',
      charge_payment: 'COMPLETED',
      book_shipment: 'FAILED',
    });

    const failure = failureOf(run.failure);
    const childId = 'order-2/failureWorkflow';
    expect(failure.details[0]).toEqual({
      orderId: 'ORD-2',
      reservationId: 'RES-1',
      chargeId: 'CHG-2',
      'conductor.failure_workflow': childId,
    });

    const compensation = run.env.baton.client.getHandle(childId);
    const child = await awaitFileRun(compensation, run.set, run.env);
    expect(child.status).toBe('COMPLETED');
    const reason = (failure.details[1] as { reason: string }).reason;
    expect(reason).toMatch(/503/);
    expect(child.result).toEqual({
      compensatedOrder: 'ORD-2',
      stepsCompleted: ['reserve_inventory', 'charge_payment'],
      paymentRefunded: true,
      inventoryReleased: true,
      originalFailure: reason,
    });
    const undo = http.requests.filter(
      (r) => r.path === '/payments/refund' || r.path === '/inventory/release',
    );
    expect(undo.map((r) => r.path)).toEqual(['/payments/refund', '/inventory/release']);
    expect(undo.map((r) => r.headers['idempotency-key'])).toEqual(['ORD-2-refund', 'ORD-2-release']);
    expect(undo[0]!.body).toEqual({ orderId: 'ORD-2', reason });
    expect(undo[1]!.body).toEqual({ orderId: 'ORD-2' });
    const count = (path: string): number => http.requests.filter((r) => r.path === path).length;
    expect([count('/inventory/reserve'), count('/payments/charge'), count('/shipping/book')]).toEqual([
      1, 1, 2,
    ]);
    expect([count('/payments/refund'), count('/inventory/release')]).toEqual([1, 1]);

    // The compensation's input: the failed run's input plus what Conductor adds.
    const started = child.history.find((e) => e.eventType === 'WorkflowExecutionStarted')!;
    const [input] = run.env.baton.converter.fromPayload<unknown[]>(started.payload!) as [
      Record<string, unknown>,
    ];
    expect(input).toMatchObject({
      orderId: 'ORD-2',
      amount: 49,
      shipmentStatus: '503',
      workflowId: 'order-2',
      reason,
      failureStatus: 'FAILED',
      failureTaskId: 'book_shipment',
    });
    const failed = input.failedWorkflow as {
      input: unknown;
      status: string;
      tasks: Record<string, unknown>[];
    };
    expect(failed.input).toEqual({ orderId: 'ORD-2', amount: 49, shipmentStatus: '503' });
    expect(failed.status).toBe('FAILED');
    expect(failed.tasks.map((t) => [t.referenceTaskName, t.taskType, t.status])).toEqual([
      ['reserve_inventory', 'HTTP', 'COMPLETED'],
      ['charge_payment', 'HTTP', 'COMPLETED'],
      ['book_shipment', 'HTTP', 'FAILED'],
    ]);
    expect(failed.tasks[0]!.outputData).toMatchObject({
      response: { statusCode: 200, body: { reservationId: 'RES-1' } },
    });
  }, 30_000);

  it('early failure: reserve gets a 500, one request, the compensation undoes nothing', async () => {
    const http = await orderServices({ '/inventory/reserve': { status: 500, json: { error: 'down' } } });
    const run = await runWorkflowFiles([FULFILLMENT, COMPENSATION], {
      input: { orderId: 'ORD-3', amount: 10, shipmentStatus: '200' },
      rewriteUrl: (url) => http.rewrite(url),
      workflowId: 'order-3',
    });
    expect(run.status).toBe('FAILED');
    expect(run.steps).toEqual({ reserve_inventory: 'FAILED' });
    const output = failureOf(run.failure).details[0] as Record<string, unknown>;
    expect(output).toEqual({
      orderId: 'ORD-3',
      reservationId: null,
      chargeId: null,
      'conductor.failure_workflow': 'order-3/failureWorkflow',
    });
    const child = await awaitFileRun(
      run.env.baton.client.getHandle('order-3/failureWorkflow'),
      run.set,
      run.env,
    );
    expect(child.status).toBe('COMPLETED');
    expect(child.result).toMatchObject({
      compensatedOrder: 'ORD-3',
      stepsCompleted: [],
      paymentRefunded: false,
      inventoryReleased: false,
    });
    expect(child.steps).toMatchObject({
      completed_steps: 'COMPLETED',
      route_refund: 'COMPLETED',
      route_release: 'COMPLETED',
    });
    expect(child.steps.refund_payment).toBe('SKIPPED');
    expect(http.requests.map((r) => r.path)).toEqual(['/inventory/reserve']);
  });
});

describe('saga_order_compensation started on its own', () => {
  it('with a synthetic failedWorkflow where only reserve completed: only release is called', async () => {
    const http = await orderServices();
    const run = await runWorkflowFiles([COMPENSATION], {
      input: {
        reason: 'manual',
        failedWorkflow: {
          input: { orderId: 'ORD-9' },
          tasks: [{ referenceTaskName: 'reserve_inventory', status: 'COMPLETED' }],
        },
      },
      rewriteUrl: (url) => http.rewrite(url),
    });
    expect(run.status).toBe('COMPLETED');
    expect(http.requests.map((r) => r.path)).toEqual(['/inventory/release']);
    expect(http.requests[0]!.headers['idempotency-key']).toBe('ORD-9-release');
    expect(run.result).toEqual({
      compensatedOrder: 'ORD-9',
      stepsCompleted: ['reserve_inventory'],
      paymentRefunded: false,
      inventoryReleased: true,
      originalFailure: 'manual',
    });
    expect(run.steps).toMatchObject({
      route_refund: 'COMPLETED',
      refund_payment: 'SKIPPED',
      release_inventory: 'COMPLETED',
    });
  });
});
