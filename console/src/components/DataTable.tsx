/** A `table.table` from column definitions, or a muted line when there are no rows. */
import type { Key, ReactNode } from 'react';

export interface Column<T> {
  /** Header cell; a table none of whose columns has a header has no `<thead>`. */
  header?: ReactNode;
  /** A numeric column: the `num` class (right-aligned) on its header and cells. */
  num?: boolean;
  /** More classes for the body cells (not the header), fixed or from the row. */
  className?: string | ((row: T) => string | undefined);
  /** A tooltip for the cell. */
  title?: (row: T) => string | undefined;
  cell: (row: T) => ReactNode;
}

export function DataTable<T>({
  columns,
  rows,
  rowKey,
  empty = 'None.',
  footer,
  testId,
}: {
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => Key;
  /** Shown instead of the table when there are no rows. */
  empty?: ReactNode;
  /** Rows for a `<tfoot>`. */
  footer?: ReactNode;
  testId?: string;
}) {
  if (!rows.length) return <p className="muted">{empty}</p>;
  return (
    <table className="table" data-testid={testId}>
      {columns.some((c) => c.header !== undefined) && (
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} className={c.num ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
      )}
      <tbody>
        {rows.map((row, r) => (
          <tr key={rowKey(row, r)}>
            {columns.map((c, i) => (
              <td key={i} className={cellClass(c, row)} title={c.title?.(row)}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      {footer && <tfoot>{footer}</tfoot>}
    </table>
  );
}

function cellClass<T>(c: Column<T>, row: T): string | undefined {
  const extra = typeof c.className === 'function' ? c.className(row) : c.className;
  return [c.num ? 'num' : '', extra ?? ''].filter(Boolean).join(' ') || undefined;
}
