/** "Versions": $LATEST and the published versions. */
import type { FunctionConfiguration } from '../../api.ts';
import { DataTable } from '../DataTable.tsx';
import { Card, Mono } from '../ui.tsx';

export function VersionsCard({ versions }: { versions: FunctionConfiguration[] }) {
  return (
    <Card title={`Versions (${versions.length})`}>
      <DataTable
        rows={versions}
        rowKey={(v) => v.Version}
        columns={[
          { header: 'Version', cell: (v) => v.Version },
          { header: 'Description', cell: (v) => v.Description || '–' },
          { header: 'Last modified', className: 'nowrap', cell: (v) => v.LastModified },
          { header: 'Code SHA-256', cell: (v) => <Mono>{v.CodeSha256.slice(0, 12)}…</Mono> },
        ]}
      />
    </Card>
  );
}
