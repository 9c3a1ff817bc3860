/** "Event source mappings": the queues and streams that invoke the function. */
import type { EventSourceMapping, Optional } from '../../api.ts';
import { DataTable } from '../DataTable.tsx';
import { Card, Mono, OptionalView } from '../ui.tsx';

export function EventSourceMappingsCard({
  mappings,
}: {
  mappings: Optional<{ EventSourceMappings: EventSourceMapping[] }>;
}) {
  return (
    <Card title="Event source mappings">
      <OptionalView value={mappings} what="Event source mappings">
        {(v) => (
          <DataTable
            testId="event-source-mappings"
            rows={v.EventSourceMappings}
            rowKey={(m) => m.UUID}
            columns={[
              { header: 'Source', cell: (m) => <Mono>{m.EventSourceArn ?? '–'}</Mono> },
              { header: 'State', cell: (m) => m.State ?? '–' },
              { header: 'Batch size', num: true, cell: (m) => m.BatchSize ?? '–' },
              { header: 'UUID', cell: (m) => <Mono>{m.UUID}</Mono> },
            ]}
          />
        )}
      </OptionalView>
    </Card>
  );
}
