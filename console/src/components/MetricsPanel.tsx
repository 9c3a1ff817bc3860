/**
 * Charts for one function or all: from /gust/v1/metrics when the server has it, otherwise
 * computed in the browser from the metering ledger.
 */
import { metering, metrics } from '../api.ts';
import { useAsync } from '../hooks.ts';
import { fromMetering, fromMetricsApi, type Charts } from '../metrics-adapter.ts';
import { RANGES } from '../stats.ts';
import { Chart } from './Chart.tsx';
import { Async } from './ui.tsx';

async function load(fn: string | undefined, range: string): Promise<Charts & { note?: string }> {
  const r = RANGES[range] ?? RANGES['1h']!;
  // Buckets aligned to the step, the last one holding now.
  const end = Math.floor(Date.now() / r.step) * r.step + r.step;
  const since = end - r.ms;
  let note = 'GET /gust/v1/metrics is not available on this server';
  try {
    const m = await metrics({ function: fn, period: r.step / 1000, since, until: end });
    if (m.state === 'ok') {
      const charts = fromMetricsApi(m.data, since, end, r.step);
      if (charts) return charts;
      note = 'GET /gust/v1/metrics answered in a shape the console does not know';
    }
  } catch (e) {
    note = `GET /gust/v1/metrics failed: ${(e as Error).message}`;
  }
  const records = await metering({ function: fn, since, limit: 100_000 });
  return { ...fromMetering(records, since, end, r.step), note };
}

export function MetricsPanel({ fn, range, compact = false }: { fn?: string; range: string; compact?: boolean }) {
  const state = useAsync(() => load(fn, range), [fn, range], 15_000);
  return (
    <Async state={state}>
      {(d) => (
        <>
          <div className={compact ? 'charts two' : 'charts'}>
            {(compact ? d.charts.slice(0, 2) : d.charts).map((c) => (
              <Chart key={c.title} times={d.times} step={d.step} {...c} />
            ))}
          </div>
          <p className="muted small" data-testid="metrics-source">
            {d.note ? (
              <>Computed from metering records ({d.note}).</>
            ) : (
              <>
                From <code>/gust/v1/metrics</code>.
              </>
            )}
          </p>
        </>
      )}
    </Async>
  );
}
