/** "Aliases": each alias with its routing weights across versions. */
import type { Alias } from '../../api.ts';
import { DataTable } from '../DataTable.tsx';
import { Card } from '../ui.tsx';

export function AliasesCard({ aliases }: { aliases: Alias[] }) {
  return (
    <Card title={`Aliases (${aliases.length})`}>
      <DataTable
        testId="aliases"
        empty="No aliases."
        rows={aliases}
        rowKey={(a) => a.Name}
        columns={[
          { header: 'Alias', className: 'strong', cell: (a) => a.Name },
          { header: 'Routing', cell: (a) => <Weights alias={a} /> },
          { header: 'Description', cell: (a) => a.Description || '–' },
        ]}
      />
    </Card>
  );
}

/** A bar split between the alias's version and its additional versions, by weight. */
function Weights({ alias }: { alias: Alias }) {
  const extra = Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {});
  const rest = 1 - extra.reduce((s, [, w]) => s + w, 0);
  return (
    <div className="weights">
      {[[alias.FunctionVersion, rest] as [string, number], ...extra].map(([v, w]) => (
        <span key={v} style={{ flexGrow: Math.max(w, 0.02) }} title={`version ${v}: ${(w * 100).toFixed(1)}%`}>
          v{v} · {(w * 100).toFixed((w * 100) % 1 ? 1 : 0)}%
        </span>
      ))}
    </div>
  );
}
