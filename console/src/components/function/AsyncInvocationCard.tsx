/** "Asynchronous invocation": event invoke configs (retries, event age, destinations) and dead letters. */
import type { DeadLetter, EventInvokeConfig, Optional } from '../../api.ts';
import { dateTime } from '../../format.ts';
import { href } from '../../hooks.ts';
import { DataTable } from '../DataTable.tsx';
import { Card, Mono, OptionalView } from '../ui.tsx';

export function AsyncInvocationCard({
  name,
  configs,
  deadLetters,
}: {
  name: string;
  configs: Optional<{ FunctionEventInvokeConfigs: EventInvokeConfig[] }>;
  deadLetters: Optional<{ records: DeadLetter[] }>;
}) {
  return (
    <Card title="Asynchronous invocation">
      <OptionalView value={configs} what="Event invoke configs">
        {(v) => (
          <DataTable
            empty="Defaults: 2 retries, events kept up to 6 hours, no destinations."
            rows={v.FunctionEventInvokeConfigs}
            rowKey={(e) => e.FunctionArn}
            columns={[
              {
                header: 'Qualifier',
                cell: (e) => (e.FunctionArn.split(':').length > 7 ? e.FunctionArn.split(':').at(-1) : '$LATEST'),
              },
              { header: 'Retries', num: true, cell: (e) => e.MaximumRetryAttempts ?? 2 },
              { header: 'Max event age', num: true, cell: (e) => `${e.MaximumEventAgeInSeconds ?? 21600} s` },
              {
                header: 'On success',
                cell: (e) => <Mono>{e.DestinationConfig?.OnSuccess?.Destination ?? '–'}</Mono>,
              },
              {
                header: 'On failure',
                cell: (e) => <Mono>{e.DestinationConfig?.OnFailure?.Destination ?? '–'}</Mono>,
              },
            ]}
          />
        )}
      </OptionalView>
      <h3>Dead letters</h3>
      <OptionalView value={deadLetters} what="The dead-letter store">
        {(v) => (
          <DataTable
            rows={v.records}
            rowKey={(r) => r.id}
            columns={[
              { header: 'Failed', className: 'nowrap', cell: (r) => dateTime(r.failedAt) },
              {
                header: 'Request id',
                cell: (r) => (
                  <a href={href(['functions', name, 'invocations', r.id])}>
                    <Mono>{r.id}</Mono>
                  </a>
                ),
              },
              { header: 'Condition', cell: (r) => r.condition },
              { header: 'Attempts', num: true, cell: (r) => r.attempts },
              { header: 'Last error', className: 'clip', cell: (r) => r.error ?? '–' },
            ]}
          />
        )}
      </OptionalView>
    </Card>
  );
}
