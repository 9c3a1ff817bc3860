/** A table of metering records; each row links to the invocation's timeline. */
import type { MeteringRecord } from '../api.ts';
import { dateTime, ms, msInt } from '../format.ts';
import { href } from '../hooks.ts';
import { Mono, Outcome } from './ui.tsx';

export function InvocationsTable({
  records,
  showFunction = true,
}: {
  records: MeteringRecord[];
  showFunction?: boolean;
}) {
  if (!records.length) return <p className="muted">No invocations recorded in this period.</p>;
  return (
    <table className="table" data-testid="invocations-table">
      <thead>
        <tr>
          <th>Start</th>
          {showFunction && <th>Function</th>}
          <th>Request id</th>
          <th>Version</th>
          <th>Outcome</th>
          <th className="num">Duration</th>
          <th className="num">Billed</th>
          <th className="num">Memory used</th>
          <th>Start type</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r, i) => (
          <tr key={`${r.requestId}-${r.startTime}-${i}`}>
            <td className="nowrap">{dateTime(r.startTime, true)}</td>
            {showFunction && (
              <td>
                <a href={href(['functions', r.functionName])}>{r.functionName}</a>
              </td>
            )}
            <td>
              <a href={href(['functions', r.functionName, 'invocations', r.requestId])} className="request-link">
                <Mono>{r.requestId}</Mono>
              </a>
            </td>
            <td>{r.version}</td>
            <td>
              <Outcome outcome={r.outcome} errorType={r.errorType} />
            </td>
            <td className="num">{r.outcome === 'throttle' ? '–' : ms(r.durationMs)}</td>
            <td className="num">{r.outcome === 'throttle' ? '–' : msInt(r.billedDurationMs)}</td>
            <td className="num">
              {r.maxMemoryUsedMb} / {r.memorySizeMb} MB
            </td>
            <td>
              {r.outcome === 'throttle' ? (
                '–'
              ) : r.cold ? (
                <span title="init duration">cold · {ms(r.initDurationMs)}</span>
              ) : (
                'warm'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
