/** Invoke a function with a payload (LogType Tail) and show the result and the decoded log tail. */
import { useState } from 'react';
import { ApiError, invokeFunction, type InvokeResult } from '../api.ts';
import { ms, prettyJson } from '../format.ts';
import { href } from '../hooks.ts';
import { recentPayloads, savePayload } from '../payloads.ts';
import { ErrorBox, Mono } from './ui.tsx';

export function InvokeResultView({ fn, result }: { fn: string; result: InvokeResult }) {
  const failed = Boolean(result.functionError);
  return (
    <div className="invoke-result" data-testid="invoke-result">
      <div className="result-head">
        <span className={`badge ${failed ? 'bad' : 'good'}`}>
          {result.status} {failed ? `· ${result.functionError}` : result.status === 202 ? 'accepted' : 'OK'}
        </span>
        {result.executedVersion && <span>version {result.executedVersion}</span>}
        <span>{ms(result.ms)} round trip</span>
        {result.requestId && (
          <a href={href(['functions', fn, 'invocations', result.requestId])} data-testid="result-request">
            <Mono>{result.requestId}</Mono> → timeline
          </a>
        )}
      </div>
      {result.status !== 202 && (
        <>
          <h3>Response</h3>
          <pre className="code" data-testid="result-body">
            {prettyJson(result.body) || '(empty)'}
          </pre>
        </>
      )}
      {result.logTail !== undefined && (
        <>
          <h3>Log tail</h3>
          <pre className="code logs" data-testid="log-tail">
            {result.logTail}
          </pre>
        </>
      )}
    </div>
  );
}

export function InvokePanel({ fn, qualifiers }: { fn: string; qualifiers: string[] }) {
  const recent = recentPayloads(fn);
  const [payload, setPayload] = useState(recent[0]?.payload ?? '{\n  "hello": "world"\n}');
  const [qualifier, setQualifier] = useState('');
  const [type, setType] = useState<'RequestResponse' | 'Event'>('RequestResponse');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<InvokeResult>();
  const [error, setError] = useState<Error>();

  let parseError: string | undefined;
  try {
    if (payload.trim()) JSON.parse(payload);
  } catch (e) {
    parseError = (e as Error).message;
  }

  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await invokeFunction(fn, payload, { qualifier: qualifier || undefined, type });
      savePayload({
        requestId: r.requestId,
        functionName: fn,
        qualifier: qualifier || undefined,
        type,
        payload,
        at: Date.now(),
      });
      setResult(r);
    } catch (e) {
      setResult(undefined);
      setError(e instanceof ApiError ? new Error(`${e.type || e.status}: ${e.message}`) : (e as Error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="invoke">
      <div className="invoke-form">
        <label htmlFor="payload">Payload (JSON)</label>
        <textarea
          id="payload"
          data-testid="payload"
          spellCheck={false}
          rows={8}
          value={payload}
          onChange={(e) => setPayload(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !parseError) void run();
          }}
        />
        {parseError && <div className="field-error">Not JSON: {parseError}</div>}
        <div className="row">
          <label>
            Qualifier{' '}
            <select value={qualifier} onChange={(e) => setQualifier(e.target.value)} aria-label="qualifier">
              <option value="">$LATEST</option>
              {qualifiers.map((q) => (
                <option key={q}>{q}</option>
              ))}
            </select>
          </label>
          <label>
            Type{' '}
            <select value={type} onChange={(e) => setType(e.target.value as typeof type)} aria-label="invocation type">
              <option value="RequestResponse">RequestResponse</option>
              <option value="Event">Event (async)</option>
            </select>
          </label>
          {recent.length > 0 && (
            <label>
              Recent{' '}
              <select
                value=""
                onChange={(e) => e.target.value && setPayload(e.target.value)}
                aria-label="recent payloads"
              >
                <option value="">choose…</option>
                {recent.map((p) => (
                  <option key={p.requestId} value={p.payload}>
                    {p.payload.replace(/\s+/g, ' ').slice(0, 60)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button className="primary" onClick={run} disabled={busy || Boolean(parseError)} data-testid="invoke">
            {busy ? 'Invoking…' : 'Invoke'}
          </button>
        </div>
        <p className="muted small">
          Sent with <code>X-Amz-Log-Type: Tail</code>. Payloads sent from here are kept in this browser so their
          invocations can be replayed.
        </p>
      </div>
      {error && <ErrorBox error={error} />}
      {result && <InvokeResultView fn={fn} result={result} />}
    </div>
  );
}
