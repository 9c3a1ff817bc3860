/** Functions list with health over the last hour (from /gust/v1/metering). */
import { listFunctions, metering, type FunctionConfiguration, type MeteringRecord } from '../api.ts';
import { Sparkline } from '../components/Chart.tsx';
import { Async, Card } from '../components/ui.tsx';
import { ago, pct } from '../format.ts';
import { href, useAsync } from '../hooks.ts';
import { bucketize, groupBy, health } from '../stats.ts';

const HOUR = 3_600_000;

interface Row {
  fn: FunctionConfiguration;
  records: MeteringRecord[];
  lastInvoked?: number;
}

async function loadRows(): Promise<{ rows: Row[]; now: number }> {
  const now = Date.now();
  const [fns, recent] = await Promise.all([listFunctions(), metering({ since: now - HOUR, limit: 100_000 })]);
  const byFn = groupBy(recent, (r) => r.functionName);
  const rows = await Promise.all(
    fns.map(async (fn): Promise<Row> => {
      const records = byFn.get(fn.FunctionName) ?? [];
      // Not invoked in the last hour: ask for its latest record to show "last invoked".
      const last = records.length
        ? records[0]!.startTime
        : (await metering({ function: fn.FunctionName, limit: 1 }).catch(() => []))[0]?.startTime;
      return { fn, records, lastInvoked: last };
    }),
  );
  return { rows, now };
}

export function FunctionsPage() {
  const state = useAsync(loadRows, [], 10_000);
  return (
    <>
      <div className="page-head">
        <h1>Functions</h1>
        <button onClick={state.reload} disabled={state.loading}>
          Refresh
        </button>
      </div>
      <Card>
        <Async state={state}>
          {({ rows, now }) =>
            rows.length === 0 ? (
              <div className="empty">
                <p>No functions yet. Deploy one:</p>
                <pre>npx gust deploy ./hello --name hello --runtime nodejs20.x</pre>
              </div>
            ) : (
              <table className="table" data-testid="functions">
                <thead>
                  <tr>
                    <th>Function</th>
                    <th>Runtime</th>
                    <th className="num">Memory</th>
                    <th className="num">Invocations (1 h)</th>
                    <th className="num">Errors</th>
                    <th className="num">Throttles</th>
                    <th>Last hour</th>
                    <th>Last invoked</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map(({ fn, records, lastInvoked }) => {
                    const h = health(records);
                    const b = bucketize(records, now - HOUR, now, 5 * 60_000);
                    return (
                      <tr key={fn.FunctionName} data-function={fn.FunctionName}>
                        <td>
                          <a href={href(['functions', fn.FunctionName])} className="strong">
                            {fn.FunctionName}
                          </a>
                          {fn.Description && <div className="muted small">{fn.Description}</div>}
                        </td>
                        <td>{fn.Runtime}</td>
                        <td className="num">{fn.MemorySize} MB</td>
                        <td className="num" data-testid="invocations">
                          {h.invocations}
                        </td>
                        <td className={`num ${h.errors ? 'bad' : ''}`}>
                          {h.errors}{' '}
                          {h.errors > 0 && <span className="muted small">{pct(h.errors, h.invocations)}</span>}
                        </td>
                        <td className={`num ${h.throttles ? 'warn' : ''}`}>{h.throttles}</td>
                        <td>
                          <Sparkline values={b.invocations} errors={b.errors} />
                        </td>
                        <td title={lastInvoked ? new Date(lastInvoked).toISOString() : undefined}>
                          {ago(lastInvoked, now)}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )
          }
        </Async>
      </Card>
      <p className="muted small">
        Invocations, errors and throttles over the last hour, from the metering ledger (<code>/gust/v1/metering</code>).
        Refreshes every 10 s.
      </p>
    </>
  );
}
