/** A table of metering records; each row links to the invocation's timeline. */
import type { MeteringRecord } from '../api.ts';
import { dateTime, ms, msInt } from '../format.ts';
import { href } from '../hooks.ts';
import { DataTable, type Column } from './DataTable.tsx';
import { Mono, Outcome } from './ui.tsx';

const functionColumn: Column<MeteringRecord> = {
  header: 'Function',
  cell: (r) => <a href={href(['functions', r.functionName])}>{r.functionName}</a>,
};

const columns: Column<MeteringRecord>[] = [
  { header: 'Start', className: 'nowrap', cell: (r) => dateTime(r.startTime, true) },
  functionColumn,
  {
    header: 'Request id',
    cell: (r) => (
      <a href={href(['functions', r.functionName, 'invocations', r.requestId])} className="request-link">
        <Mono>{r.requestId}</Mono>
      </a>
    ),
  },
  { header: 'Version', cell: (r) => r.version },
  { header: 'Outcome', cell: (r) => <Outcome outcome={r.outcome} errorType={r.errorType} /> },
  { header: 'Duration', num: true, cell: (r) => (r.outcome === 'throttle' ? '–' : ms(r.durationMs)) },
  { header: 'Billed', num: true, cell: (r) => (r.outcome === 'throttle' ? '–' : msInt(r.billedDurationMs)) },
  { header: 'Memory used', num: true, cell: (r) => `${r.maxMemoryUsedMb} / ${r.memorySizeMb} MB` },
  {
    header: 'Start type',
    cell: (r) =>
      r.outcome === 'throttle' ? (
        '–'
      ) : r.cold ? (
        <span title="init duration">cold · {ms(r.initDurationMs)}</span>
      ) : (
        'warm'
      ),
  },
];

export function InvocationsTable({
  records,
  showFunction = true,
}: {
  records: MeteringRecord[];
  showFunction?: boolean;
}) {
  return (
    <DataTable
      testId="invocations-table"
      empty="No invocations recorded in this period."
      rows={records}
      rowKey={(r, i) => `${r.requestId}-${r.startTime}-${i}`}
      columns={showFunction ? columns : columns.filter((c) => c !== functionColumn)}
    />
  );
}
