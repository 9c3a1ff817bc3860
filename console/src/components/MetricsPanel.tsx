/**
 * Charts for one function or all: from /gust/v1/metrics when the server has it, otherwise
 * computed in the browser from the metering ledger.
 */
import { metering, metrics } from '../api.ts';
import { ms, num } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { adaptMetrics, type MetricSeries } from '../metrics-adapter.ts';
import { bucketize, RANGES, type Buckets } from '../stats.ts';
import { Chart } from './Chart.tsx';
import { Async } from './ui.tsx';

const COLORS = ['#2563eb', '#dc2626', '#d97706', '#059669', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

type Loaded = { source: 'metrics'; series: MetricSeries; step: number } | { source: 'metering'; buckets: Buckets; note: string };

async function load(fn: string | undefined, range: string): Promise<Loaded> {
  const r = RANGES[range] ?? RANGES['1h']!;
  // Buckets aligned to the step, the last one holding now.
  const now = Date.now();
  const end = Math.floor(now / r.step) * r.step + r.step;
  const since = end - r.ms;
  let note = 'GET /gust/v1/metrics is not available on this server';
  try {
    const m = await metrics(fn, r.step / 1000, since);
    if (m.state === 'ok') {
      const series = adaptMetrics(m.data);
      if (series && series.times.length) return { source: 'metrics', series, step: r.step };
      note = 'GET /gust/v1/metrics answered in a shape the console does not know';
    }
  } catch (e) {
    note = `GET /gust/v1/metrics failed: ${(e as Error).message}`;
  }
  const records = await metering({ function: fn, since, limit: 100_000 });
  return { source: 'metering', buckets: bucketize(records, since, end, r.step), note };
}

export function MetricsPanel({ fn, range, compact = false }: { fn?: string; range: string; compact?: boolean }) {
  const state = useAsync(() => load(fn, range), [fn, range], 15_000);
  return (
    <Async state={state}>
      {(d) =>
        d.source === 'metering' ? (
          <>
            <div className={compact ? 'charts two' : 'charts'}>
              <Chart
                title="Invocations"
                kind="bars"
                times={d.buckets.times}
                step={d.buckets.step}
                format={(v) => num(v)}
                integer
                series={[
                  { name: 'success', color: '#2563eb', values: d.buckets.successes },
                  { name: 'errors', color: '#dc2626', values: d.buckets.errors },
                  { name: 'throttles', color: '#d97706', values: d.buckets.throttles },
                ]}
              />
              <Chart
                title="Duration"
                kind="lines"
                times={d.buckets.times}
                step={d.buckets.step}
                format={(v) => ms(v)}
                series={[
                  { name: 'p50', color: '#059669', values: d.buckets.p50 },
                  { name: 'p95', color: '#7c3aed', values: d.buckets.p95 },
                  { name: 'max', color: '#9ca3af', values: d.buckets.max },
                ]}
              />
              {!compact && (
                <Chart
                  title="Cold starts"
                  kind="bars"
                  times={d.buckets.times}
                  step={d.buckets.step}
                  format={(v) => num(v)}
                integer
                  series={[{ name: 'cold starts', color: '#0891b2', values: d.buckets.cold }]}
                />
              )}
            </div>
            <p className="muted small" data-testid="metrics-source">
              Computed from metering records ({d.note}).
            </p>
          </>
        ) : (
          <>
            <div className={compact ? 'charts two' : 'charts'}>
              {d.series.fields.map((f, i) => (
                <Chart
                  key={f.name}
                  title={f.name}
                  kind={/duration|latency|ms$/i.test(f.name) ? 'lines' : 'bars'}
                  times={d.series.times}
                  step={d.step}
                  format={(v) => (/duration|latency|ms$/i.test(f.name) ? ms(v) : num(v, v % 1 ? 2 : 0))}
                  series={[{ name: f.name, color: COLORS[i % COLORS.length]!, values: f.values }]}
                />
              ))}
            </div>
            <p className="muted small" data-testid="metrics-source">
              From <code>/gust/v1/metrics</code>.
            </p>
          </>
        )
      }
    </Async>
  );
}
