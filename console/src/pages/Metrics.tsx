/** Metrics charts for all functions or one, over a chosen period. */
import { listFunctions } from '../api.ts';
import { MetricsPanel } from '../components/MetricsPanel.tsx';
import { Card } from '../components/ui.tsx';
import { href, useAsync, type Route } from '../hooks.ts';
import { RANGES } from '../stats.ts';

export function MetricsPage({ route }: { route: Route }) {
  const fn = route.query.get('function') ?? '';
  const range = RANGES[route.query.get('range') ?? ''] ? route.query.get('range')! : '1h';
  const fns = useAsync(listFunctions, []);
  const go = (q: Record<string, string>) => {
    location.hash = href(['metrics'], { function: fn, range, ...q });
  };
  return (
    <>
      <div className="page-head">
        <h1>Metrics</h1>
        <div className="filters">
          <select value={fn} onChange={(e) => go({ function: e.target.value })} aria-label="function">
            <option value="">all functions</option>
            {fns.data?.map((f) => (
              <option key={f.FunctionName}>{f.FunctionName}</option>
            ))}
          </select>
          <select value={range} onChange={(e) => go({ range: e.target.value })} aria-label="period">
            {Object.entries(RANGES).map(([k, v]) => (
              <option key={k} value={k}>
                {v.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Card title={`${fn || 'All functions'} · ${RANGES[range]!.label}`}>
        <MetricsPanel fn={fn || undefined} range={range} />
      </Card>
    </>
  );
}
