/**
 * A minimal OpenTelemetry TracerProvider that records the spans it makes (no SDK is installed):
 * enough to check names, attributes, parenting, status, exceptions and ends. Register it with
 * `trace.setGlobalTracerProvider` and `trace.disable()` it afterwards.
 */
import { randomBytes } from 'node:crypto';
import {
  context as contextApi,
  trace,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

/** A span as recorded. */
export class RecordedSpan implements Span {
  readonly attributes: Attributes = {};
  readonly exceptions: Exception[] = [];
  status: SpanStatus = { code: 0 };
  ended = false;
  private readonly context: SpanContext;

  constructor(
    public name: string,
    readonly parentSpanId: string | undefined,
    traceId: string | undefined,
    readonly startTime: unknown,
  ) {
    this.context = {
      traceId: traceId ?? randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: TraceFlags.SAMPLED,
    };
  }

  spanContext(): SpanContext {
    return this.context;
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.status = status;
    return this;
  }
  updateName(name: string): this {
    this.name = name;
    return this;
  }
  end(): void {
    if (this.ended) throw new Error(`span '${this.name}' ended twice`);
    this.ended = true;
  }
  isRecording(): boolean {
    return !this.ended;
  }
  recordException(exception: Exception): void {
    this.exceptions.push(exception);
  }
}

/** Records every span its tracers start, in start order. */
export class RecordingTracerProvider implements TracerProvider {
  readonly spans: RecordedSpan[] = [];
  readonly tracers: { name: string; version: string | undefined }[] = [];

  getTracer(name: string, version?: string): Tracer {
    this.tracers.push({ name, version });
    const spans = this.spans;
    const startSpan = (
      spanName: string,
      options: SpanOptions = {},
      ctx: Context = contextApi.active(),
    ): Span => {
      const parent = options.root === true ? undefined : trace.getSpanContext(ctx);
      const span = new RecordedSpan(spanName, parent?.spanId, parent?.traceId, options.startTime);
      span.setAttributes(options.attributes ?? {});
      spans.push(span);
      return span;
    };
    return {
      startSpan,
      startActiveSpan: () => {
        throw new Error('startActiveSpan is not recorded by this test provider');
      },
    } as Tracer;
  }
}
