/**
 * OpenTelemetry trace export (OTLP over HTTP/JSON), enabled with GUST_OTLP_ENDPOINT
 * (e.g. http://127.0.0.1:4318). Each invocation becomes a span tree built after the fact from its
 * measured timings: `invoke <function>` (root; FaaS semantic attributes) with children
 * `queue` (async events: time waiting in the queue), `init` (cold starts) and `execute`.
 */
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface InvocationTrace {
  requestId: string;
  functionName: string;
  version: string;
  functionArn: string;
  /** When the invocation was requested (ms since epoch). */
  startTime: number;
  /** Async events: when the event was accepted, and which attempt this is. */
  enqueuedAt?: number;
  attempt?: number;
  initDurationMs?: number;
  durationMs: number;
  cold: boolean;
  outcome: string;
  errorType: string | null;
  trigger: 'http' | 'pubsub' | 'datasource' | 'timer' | 'other';
}

export interface InvocationTracer {
  record(t: InvocationTrace): void;
  shutdown(): Promise<void>;
}

export function createTracer(endpoint: string | undefined, version: string): InvocationTracer | undefined {
  if (!endpoint) return undefined;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'gust', 'service.version': version }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }), {
        scheduledDelayMillis: 500,
      }),
    ],
  });
  const tracer = provider.getTracer('gust');
  return { record: (t) => recordInvocation(tracer, t), shutdown: () => provider.shutdown() };
}

function recordInvocation(tracer: Tracer, t: InvocationTrace): void {
  const queued = t.enqueuedAt !== undefined ? Math.max(0, t.startTime - t.enqueuedAt) : 0;
  const rootStart = t.enqueuedAt ?? t.startTime;
  const init = t.initDurationMs ?? 0;
  const end = t.startTime + init + t.durationMs;
  const root = tracer.startSpan(
    `invoke ${t.functionName}`,
    {
      kind: SpanKind.SERVER,
      startTime: rootStart,
      attributes: {
        'faas.invocation_id': t.requestId,
        'faas.name': t.functionName,
        'faas.version': t.version,
        'faas.coldstart': t.cold,
        'faas.trigger': t.trigger,
        'cloud.resource_id': t.functionArn,
        'gust.outcome': t.outcome,
        ...(t.attempt !== undefined ? { 'gust.attempt': t.attempt } : {}),
        ...(t.errorType ? { 'error.type': t.errorType } : {}),
      },
    },
    context.active(),
  );
  const parent = trace.setSpan(context.active(), root);
  const child = (name: string, start: number, stop: number): void => {
    tracer.startSpan(name, { startTime: start }, parent).end(stop);
  };
  if (queued > 0) child('queue', rootStart, t.startTime);
  if (t.cold && init > 0) child('init', t.startTime, t.startTime + init);
  child('execute', t.startTime + init, end);
  if (t.outcome !== 'success') root.setStatus({ code: SpanStatusCode.ERROR, message: t.errorType ?? t.outcome });
  root.end(end);
}
