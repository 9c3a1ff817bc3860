/** "Last hour": a function's health from its recent metering records. */
import type { MeteringRecord } from '../../api.ts';
import { ago, ms, pct } from '../../format.ts';
import type { Loaded } from '../../hooks.ts';
import { health } from '../../stats.ts';
import { Async, Card, Stat } from '../ui.tsx';

export function HealthCard({ recent }: { recent: Loaded<MeteringRecord[]> }) {
  return (
    <Card title="Last hour">
      <Async state={recent}>
        {(records) => {
          const h = health(records);
          return (
            <div className="stats">
              <Stat label="invocations" value={h.invocations} />
              <Stat
                label={`errors (${pct(h.errors, h.invocations)})`}
                value={h.errors}
                tone={h.errors ? 'bad' : undefined}
              />
              <Stat label="throttles" value={h.throttles} tone={h.throttles ? 'warn' : undefined} />
              <Stat label="cold starts" value={h.cold} />
              <Stat label="p50 duration" value={ms(h.p50)} />
              <Stat label="p95 duration" value={ms(h.p95)} />
              <Stat label="last invoked" value={ago(h.lastInvoked)} />
            </div>
          );
        }}
      </Async>
    </Card>
  );
}
