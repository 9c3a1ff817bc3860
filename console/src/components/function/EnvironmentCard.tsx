/** "Environment variables": name and value of each. */
import { DataTable } from '../DataTable.tsx';
import { Card, Mono } from '../ui.tsx';

export function EnvironmentCard({ variables = {} }: { variables?: Record<string, string> }) {
  const env = Object.entries(variables);
  return (
    <Card title={`Environment variables (${env.length})`}>
      <DataTable
        rows={env}
        rowKey={([k]) => k}
        columns={[{ cell: ([k]) => <Mono>{k}</Mono> }, { cell: ([, v]) => <Mono>{v}</Mono> }]}
      />
    </Card>
  );
}
