/**
 * One invocation (one request id): summary, a timeline of its attempts (queue wait when known,
 * init, duration, waits between retries), its log lines, and replay when its payload is known.
 */
import { useState } from 'react';
import {
  deadLetters,
  invokeFunction,
  logsOf,
  metering,
  type DeadLetter,
  type InvokeResult,
  type LogRecord,
  type MeteringRecord,
} from '../api.ts';
import { InvokeResultView } from '../components/InvokePanel.tsx';
import { Async, Card, ErrorBox, KeyValue, Mono, Outcome } from '../components/ui.tsx';
import { clock, dateTime, ms, msInt } from '../format.ts';
import { href, useAsync } from '../hooks.ts';
import { payloadFor, savePayload } from '../payloads.ts';

interface Attempt {
  start: number;
  initMs: number;
  durationMs: number;
  record?: MeteringRecord;
}

/** REPORT line → numbers, for invocations whose metering rows are not in the window searched. */
function fromReport(logs: LogRecord[]): Attempt[] {
  return logs
    .filter((l) => l.message.startsWith('REPORT '))
    .map((l) => {
      const n = (label: string) => Number(new RegExp(`${label}: ([\\d.]+)`).exec(l.message)?.[1] ?? 0);
      const durationMs = n('Duration');
      const initMs = n('Init Duration');
      return { start: l.timestamp - durationMs - initMs, initMs, durationMs };
    });
}

async function load(fn: string, requestId: string) {
  const [records, logs, dl] = await Promise.all([
    metering({ function: fn, requestId, limit: 100 }),
    logsOf(requestId),
    deadLetters(fn).catch(() => undefined),
  ]);
  const mine = records.filter((r) => r.requestId === requestId).sort((a, b) => a.startTime - b.startTime);
  const attempts: Attempt[] = mine.length
    ? mine.map((r) => ({
        start: r.startTime,
        initMs: r.cold ? (r.initDurationMs ?? 0) : 0,
        durationMs: r.durationMs,
        record: r,
      }))
    : fromReport(logs);
  const deadLetter: DeadLetter | undefined =
    dl?.state === 'ok' ? dl.data.records.find((d) => d.id === requestId) : undefined;
  return { attempts, logs, deadLetter };
}

interface Segment {
  label: string;
  kind: 'queue' | 'init' | 'run' | 'wait' | 'throttle';
  from: number;
  to: number;
}

function segments(attempts: Attempt[], enqueuedAt?: number, queueWaitMs?: number | null): Segment[] {
  const out: Segment[] = [];
  const first = attempts[0];
  if (first) {
    const qStart = enqueuedAt ?? (queueWaitMs ? first.start - queueWaitMs : undefined);
    if (qStart !== undefined && qStart < first.start)
      out.push({ label: 'queue wait', kind: 'queue', from: qStart, to: first.start });
  }
  attempts.forEach((a, i) => {
    const prev = attempts[i - 1];
    if (prev) {
      const prevEnd = prev.start + prev.initMs + prev.durationMs;
      if (a.start > prevEnd) out.push({ label: `retry wait`, kind: 'wait', from: prevEnd, to: a.start });
    }
    const tag = attempts.length > 1 ? ` #${i + 1}` : '';
    if (a.record?.outcome === 'throttle') {
      out.push({ label: `throttled${tag}`, kind: 'throttle', from: a.start, to: a.start });
      return;
    }
    if (a.initMs) out.push({ label: `init${tag}`, kind: 'init', from: a.start, to: a.start + a.initMs });
    out.push({ label: `duration${tag}`, kind: 'run', from: a.start + a.initMs, to: a.start + a.initMs + a.durationMs });
  });
  return out;
}

function Timeline({ segs }: { segs: Segment[] }) {
  if (!segs.length) return <p className="muted">No timing recorded for this request id.</p>;
  const t0 = Math.min(...segs.map((s) => s.from));
  const t1 = Math.max(...segs.map((s) => s.to));
  const span = Math.max(1, t1 - t0);
  return (
    <div className="timeline" data-testid="timeline">
      {segs.map((s, i) => (
        <div className="tl-row" key={i}>
          <div className="tl-label">{s.label}</div>
          <div className="tl-track">
            <div
              className={`tl-bar ${s.kind}`}
              style={{
                left: `${((s.from - t0) / span) * 100}%`,
                width: `max(2px, ${((s.to - s.from) / span) * 100}%)`,
              }}
              title={`${clock(s.from, true)} → ${clock(s.to, true)}`}
            />
          </div>
          <div className="tl-value">{s.kind === 'throttle' ? '–' : ms(s.to - s.from)}</div>
        </div>
      ))}
      <div className="tl-row axis">
        <div className="tl-label" />
        <div className="tl-track">
          <span>{clock(t0, true)}</span>
          <span>+{ms(span)}</span>
        </div>
        <div className="tl-value" />
      </div>
    </div>
  );
}

function Replay({ fn, requestId, deadLetter }: { fn: string; requestId: string; deadLetter?: DeadLetter }) {
  const saved = payloadFor(requestId);
  const payload = saved?.payload ?? (deadLetter ? JSON.stringify(deadLetter.payload) : undefined);
  const qualifier = saved?.qualifier ?? deadLetter?.qualifier ?? undefined;
  const [result, setResult] = useState<InvokeResult>();
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  if (payload === undefined)
    return (
      <p className="muted">
        The payload of this invocation is not known: Gust does not store synchronous payloads, and this browser did not
        send it. Invocations made from the console's Invoke tab can be replayed.
      </p>
    );
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await invokeFunction(fn, payload, { qualifier });
      savePayload({
        requestId: r.requestId,
        functionName: fn,
        qualifier,
        type: 'RequestResponse',
        payload,
        at: Date.now(),
      });
      setResult(r);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p className="muted small">
        Payload {saved ? 'sent from this browser' : 'kept in the dead-letter store'}
        {qualifier ? ` to ${qualifier}` : ''}:
      </p>
      <pre className="code" data-testid="replay-payload">
        {JSON.stringify(JSON.parse(payload || 'null'), null, 2)}
      </pre>
      <button className="primary" onClick={run} disabled={busy} data-testid="replay">
        {busy ? 'Replaying…' : 'Replay'}
      </button>
      {error && <ErrorBox error={error} />}
      {result && <InvokeResultView fn={fn} result={result} />}
    </>
  );
}

export function InvocationPage({ fn, requestId }: { fn: string; requestId: string }) {
  const state = useAsync(() => load(fn, requestId), [fn, requestId]);
  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <a href={href([])}>Functions</a> / <a href={href(['functions', fn])}>{fn}</a> /{' '}
            <a href={href(['functions', fn, 'invocations'])}>invocations</a> /
          </div>
          <h1>
            Invocation <Mono>{requestId}</Mono>
          </h1>
        </div>
      </div>
      <Async state={state}>
        {({ attempts, logs, deadLetter }) => {
          const last = attempts.at(-1)?.record;
          const first = attempts[0];
          return (
            <>
              <div className="grid2">
                <Card title="Summary">
                  <KeyValue
                    rows={[
                      [
                        'Function',
                        <a key="f" href={href(['functions', fn])}>
                          {fn}
                        </a>,
                      ],
                      ['Version', last?.version ?? '–'],
                      ['Outcome', last ? <Outcome key="o" outcome={last.outcome} errorType={last.errorType} /> : '–'],
                      ['Error type', last?.errorType ?? '–'],
                      ['Started', first ? dateTime(first.start, true) : '–'],
                      [
                        'Attempts',
                        deadLetter ? `${attempts.length} (dead-lettered: ${deadLetter.condition})` : attempts.length,
                      ],
                      [
                        'Start type',
                        first
                          ? first.initMs
                            ? `cold (init ${ms(first.initMs)})`
                            : first.record?.provisioned
                              ? 'warm (provisioned)'
                              : 'warm'
                          : '–',
                      ],
                      ['Concurrency at start', first?.record?.concurrency ?? '–'],
                      ['Duration', last ? ms(last.durationMs) : first ? ms(first.durationMs) : '–'],
                      ['Billed duration', last ? msInt(last.billedDurationMs) : '–'],
                      ['Memory', last ? `${last.maxMemoryUsedMb} MB used of ${last.memorySizeMb} MB` : '–'],
                    ]}
                  />
                </Card>
                <Card title="Replay">
                  <Replay fn={fn} requestId={requestId} deadLetter={deadLetter} />
                </Card>
              </div>
              <Card title="Timeline">
                <Timeline segs={segments(attempts, deadLetter?.enqueuedAt, first?.record?.queueWaitMs)} />
                <p className="muted small">
                  Queue wait is shown when known (asynchronous events that were dead-lettered record when they were
                  queued); retries of an asynchronous event share its request id.
                </p>
              </Card>
              <Card title={`Logs (${logs.length} lines)`}>
                {logs.length ? (
                  <pre className="code logs" data-testid="logs">
                    {logs.map((l) => (
                      <div key={l.id ?? `${l.timestamp}-${l.message}`} className="log-line">
                        <span className="ts">{clock(l.timestamp, true)}</span> {l.message}
                      </div>
                    ))}
                  </pre>
                ) : (
                  <p className="muted">No log lines for this request id.</p>
                )}
              </Card>
            </>
          );
        }}
      </Async>
    </>
  );
}
