/** "Concurrency": reserved concurrency and provisioned concurrency per qualifier. */
import type { ProvisionedConfig } from '../../api.ts';
import { DataTable } from '../DataTable.tsx';
import { Card, KeyValue } from '../ui.tsx';

export function ConcurrencyCard({
  reserved,
  provisioned,
}: {
  reserved: number | undefined;
  provisioned: ProvisionedConfig[];
}) {
  return (
    <Card title="Concurrency">
      <KeyValue
        rows={[
          [
            'Reserved',
            reserved === undefined ? 'unreserved (uses the account pool)' : `${reserved} concurrent executions`,
          ],
        ]}
      />
      <h3>Provisioned concurrency</h3>
      <DataTable
        empty="None configured."
        rows={provisioned}
        rowKey={(p) => p.FunctionArn}
        columns={[
          { header: 'Qualifier', cell: (p) => p.FunctionArn.split(':').at(-1) },
          { header: 'Requested', num: true, cell: (p) => p.RequestedProvisionedConcurrentExecutions },
          { header: 'Allocated', num: true, cell: (p) => p.AllocatedProvisionedConcurrentExecutions },
          { header: 'Available', num: true, cell: (p) => p.AvailableProvisionedConcurrentExecutions },
          { header: 'Status', title: (p) => p.StatusReason, cell: (p) => p.Status },
        ]}
      />
    </Card>
  );
}
