/** Metrics charts for all functions or one, over a chosen period. */
import { FunctionSelect, PeriodSelect, rangeParam } from '../components/Filters.tsx';
import { MetricsPanel } from '../components/MetricsPanel.tsx';
import { Card } from '../components/ui.tsx';
import { href, type Route } from '../hooks.ts';
import { RANGES } from '../stats.ts';

export function MetricsPage({ route }: { route: Route }) {
  const fn = route.query.get('function') ?? '';
  const range = rangeParam(route.query);
  const go = (q: Record<string, string>) => {
    location.hash = href(['metrics'], { function: fn, range, ...q });
  };
  return (
    <>
      <div className="page-head">
        <h1>Metrics</h1>
        <div className="filters">
          <FunctionSelect value={fn} onChange={(f) => go({ function: f })} />
          <PeriodSelect value={range} onChange={(r) => go({ range: r })} />
        </div>
      </div>
      <Card title={`${fn || 'All functions'} · ${RANGES[range]!.label}`}>
        <MetricsPanel fn={fn || undefined} range={range} />
      </Card>
    </>
  );
}
