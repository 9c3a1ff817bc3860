/** "Schedules": the schedules that invoke the function, with their next and last firing. */
import type { Optional, Schedule } from '../../api.ts';
import { dateTime } from '../../format.ts';
import { DataTable } from '../DataTable.tsx';
import { Card, Mono, OptionalView } from '../ui.tsx';

export function SchedulesCard({ schedules }: { schedules: Optional<{ schedules: Schedule[] }> }) {
  return (
    <Card title="Schedules">
      <OptionalView value={schedules} what="Schedules">
        {(v) => (
          <DataTable
            rows={v.schedules}
            rowKey={(x) => x.name}
            columns={[
              {
                header: 'Schedule',
                className: 'strong',
                cell: (x) => (
                  <>
                    {x.name}
                    {x.qualifier ? <span className="muted small"> → {x.qualifier}</span> : null}
                  </>
                ),
              },
              {
                header: 'Expression',
                cell: (x) => (
                  <>
                    <Mono>{x.expression}</Mono>
                    {x.timezone ? <span className="muted small"> {x.timezone}</span> : null}
                  </>
                ),
              },
              { header: 'State', cell: (x) => x.state },
              {
                header: 'Next',
                className: 'nowrap',
                cell: (x) => (x.nextFireAt ? dateTime(Date.parse(x.nextFireAt)) : '–'),
              },
              {
                header: 'Last',
                className: 'nowrap',
                title: (x) => x.lastError ?? undefined,
                cell: (x) => (
                  <>
                    {x.lastFireAt ? dateTime(Date.parse(x.lastFireAt)) : '–'}
                    {x.lastError ? <span className="badge bad">error</span> : null}
                  </>
                ),
              },
            ]}
          />
        )}
      </OptionalView>
    </Card>
  );
}
