/** Recent invocations across functions (from /gust/v1/metering), filterable by function and outcome. */
import { metering } from '../api.ts';
import { FunctionSelect, PeriodSelect, rangeParam } from '../components/Filters.tsx';
import { InvocationsTable } from '../components/InvocationsTable.tsx';
import { Async, Card } from '../components/ui.tsx';
import { href, useAsync, type Route } from '../hooks.ts';
import { isError, isThrottle, RANGES } from '../stats.ts';

const OUTCOMES: Record<string, string> = {
  all: 'all outcomes',
  errors: 'errors',
  throttles: 'throttles',
  success: 'successes',
};

export function InvocationsPage({ route }: { route: Route }) {
  const fn = route.query.get('function') ?? '';
  const outcome = route.query.get('outcome') ?? 'all';
  const range = rangeParam(route.query);
  const state = useAsync(
    () => metering({ function: fn || undefined, since: Date.now() - RANGES[range]!.ms, limit: 2000 }),
    [fn, range],
    10_000,
  );
  const go = (q: Record<string, string>) => {
    location.hash = href(['invocations'], { function: fn, outcome, range, ...q });
  };
  return (
    <>
      <div className="page-head">
        <h1>Invocations</h1>
        <div className="filters">
          <FunctionSelect value={fn} onChange={(f) => go({ function: f })} />
          <select value={outcome} onChange={(e) => go({ outcome: e.target.value })} aria-label="outcome">
            {Object.entries(OUTCOMES).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
          <PeriodSelect value={range} onChange={(r) => go({ range: r })} />
          <button onClick={state.reload}>Refresh</button>
        </div>
      </div>
      <Card>
        <Async state={state}>
          {(records) => {
            const shown = records.filter((r) =>
              outcome === 'errors'
                ? isError(r)
                : outcome === 'throttles'
                  ? isThrottle(r)
                  : outcome === 'success'
                    ? r.outcome === 'success'
                    : true,
            );
            return (
              <>
                <p className="muted small">
                  {shown.length} of the latest {records.length} invocations ({RANGES[range]!.label}).
                </p>
                <InvocationsTable records={shown.slice(0, 500)} showFunction={!fn} />
              </>
            );
          }}
        </Async>
      </Card>
    </>
  );
}
