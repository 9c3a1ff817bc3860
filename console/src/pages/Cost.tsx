/**
 * Cost: what /gust/v1/billing reports when the server has it; always the billed usage from the
 * metering ledger (requests, billed duration, GB-seconds) per function.
 */
import type { ReactNode } from 'react';
import { billing, metering } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { PeriodSelect, rangeParam } from '../components/Filters.tsx';
import { Async, Card, NotAvailable, Stat } from '../components/ui.tsx';
import { msInt, num } from '../format.ts';
import { href, useAsync, type Route } from '../hooks.ts';
import { gbSeconds, groupBy, isThrottle, RANGES } from '../stats.ts';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function label(k: string): string {
  return k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]/g, ' ');
}

function scalar(v: unknown): string {
  if (typeof v === 'number') return num(v, Number.isInteger(v) ? 0 : Math.abs(v) < 1 ? 6 : 2);
  if (v === null || v === undefined) return '–';
  return String(v);
}

/** Renders any JSON: scalars as key/value rows, arrays of objects as tables, objects nested. */
function JsonView({ value, depth = 0 }: { value: unknown; depth?: number }): ReactNode {
  if (Array.isArray(value)) {
    if (value.every(isObj)) {
      const cols = [...new Set(value.flatMap((o) => Object.keys(o)))];
      return (
        <DataTable<Record<string, unknown>>
          rows={value}
          rowKey={(_, i) => i}
          columns={cols.map((c) => ({
            header: label(c),
            className: (o) => (typeof o[c] === 'number' ? 'num' : undefined),
            cell: (o) => (isObj(o[c]) || Array.isArray(o[c]) ? <code>{JSON.stringify(o[c])}</code> : scalar(o[c])),
          }))}
        />
      );
    }
    return <code>{JSON.stringify(value)}</code>;
  }
  if (isObj(value)) {
    const entries = Object.entries(value);
    const scalars = entries.filter(([, v]) => !isObj(v) && !Array.isArray(v));
    const nested = entries.filter(([, v]) => isObj(v) || Array.isArray(v));
    return (
      <>
        {scalars.length > 0 && (
          <dl className="kv">
            {scalars.map(([k, v]) => (
              <div key={k}>
                <dt>{label(k)}</dt>
                <dd>{scalar(v)}</dd>
              </div>
            ))}
          </dl>
        )}
        {nested.map(([k, v]) => (
          <div key={k} className="nested">
            {depth < 3 ? (
              <>
                <h3>{label(k)}</h3>
                <JsonView value={v} depth={depth + 1} />
              </>
            ) : (
              <code>{JSON.stringify(v)}</code>
            )}
          </div>
        ))}
      </>
    );
  }
  return <span>{scalar(value)}</span>;
}

interface CostShape {
  requests: number;
  duration: number;
  provisioned: number;
  provisionedDuration: number;
  total: number;
}
interface FunctionBill {
  functionName: string;
  architectures?: string[];
  requests: number;
  throttles?: number;
  gbSeconds: number;
  avgBilledDurationMs?: number | null;
  avgMemoryMb?: number | null;
  cost: CostShape;
}
interface BillingReport {
  prices?: { name?: string; currency?: string };
  functions: FunctionBill[];
  months?: { month: string; requests: number; gbSeconds: number; cost: CostShape }[];
  total: CostShape;
}

const isReport = (v: unknown): v is BillingReport =>
  isObj(v) && Array.isArray(v.functions) && isObj(v.total) && typeof v.total.total === 'number';

function money(v: number, currency = 'USD'): string {
  try {
    return new Intl.NumberFormat(undefined, {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: v !== 0 && Math.abs(v) < 1 ? 6 : 2,
    }).format(v);
  } catch {
    return `${v.toFixed(6)} ${currency}`;
  }
}

function Report({ r }: { r: BillingReport }) {
  const cur = r.prices?.currency ?? 'USD';
  return (
    <div data-testid="billing">
      <div className="stats">
        <Stat label={`total (${r.prices?.name ?? 'price table'})`} value={money(r.total.total, cur)} />
        <Stat label="requests" value={money(r.total.requests, cur)} />
        <Stat label="duration" value={money(r.total.duration, cur)} />
        <Stat label="provisioned concurrency" value={money(r.total.provisioned + r.total.provisionedDuration, cur)} />
      </div>
      <h3>By function</h3>
      <DataTable
        empty="No billed usage in this period."
        rows={r.functions}
        rowKey={(f) => f.functionName}
        columns={[
          {
            header: 'Function',
            cell: (f) => (
              <>
                <a href={href(['functions', f.functionName])}>{f.functionName}</a>
                {f.architectures?.length ? <span className="muted small"> {f.architectures.join(', ')}</span> : null}
              </>
            ),
          },
          { header: 'Requests', num: true, cell: (f) => num(f.requests) },
          { header: 'Throttles', num: true, cell: (f) => num(f.throttles ?? 0) },
          { header: 'GB-seconds', num: true, cell: (f) => num(f.gbSeconds, 4) },
          {
            header: 'Avg billed',
            num: true,
            cell: (f) => (f.avgBilledDurationMs == null ? '–' : msInt(f.avgBilledDurationMs)),
          },
          {
            header: 'Avg memory',
            num: true,
            cell: (f) => (f.avgMemoryMb == null ? '–' : `${Math.round(f.avgMemoryMb)} MB`),
          },
          { header: 'Cost', num: true, className: 'strong', cell: (f) => money(f.cost.total, cur) },
        ]}
      />
      {r.months && r.months.length > 0 && (
        <>
          <h3>By month</h3>
          <DataTable
            rows={r.months}
            rowKey={(m) => m.month}
            columns={[
              { header: 'Month', cell: (m) => m.month },
              { header: 'Requests', num: true, cell: (m) => num(m.requests) },
              { header: 'GB-seconds', num: true, cell: (m) => num(m.gbSeconds, 4) },
              { header: 'Cost', num: true, cell: (m) => money(m.cost.total, cur) },
            ]}
          />
        </>
      )}
      <p className="muted small">
        Priced by the server (<code>/gust/v1/billing</code>): monthly free tier and duration tiers applied.
      </p>
    </div>
  );
}

export function CostPage({ route }: { route: Route }) {
  const range = rangeParam(route.query, '24h');
  const bill = useAsync(() => {
    const now = Date.now();
    return billing({ since: now - RANGES[range]!.ms, until: now });
  }, [range]);
  // Without the billing API, the billed usage straight from the metering ledger.
  const usage = useAsync(() => metering({ since: Date.now() - RANGES[range]!.ms, limit: 100_000 }), [range]);
  return (
    <>
      <div className="page-head">
        <h1>Cost</h1>
        <PeriodSelect value={range} onChange={(r) => (location.hash = href(['cost'], { range: r }))} />
      </div>
      <Card title="Billing">
        <Async state={bill}>
          {(b) =>
            b.state === 'ok' ? (
              isReport(b.data) ? (
                <Report r={b.data} />
              ) : (
                <div data-testid="billing">
                  <JsonView value={b.data} />
                </div>
              )
            ) : (
              <NotAvailable what="Billing" detail="GET /gust/v1/billing answered 404" />
            )
          }
        </Async>
      </Card>
      {bill.data?.state !== 'ok' && !bill.loading && (
        <Card title="Billed usage">
          <Async state={usage}>
            {(records) => {
              const rows = [
                ...groupBy(
                  records.filter((r) => !isThrottle(r)),
                  (r) => r.functionName,
                ),
              ].map(([fn, rs]) => ({
                fn,
                requests: rs.length,
                billedMs: rs.reduce((s, r) => s + r.billedDurationMs, 0),
                gbs: rs.reduce((s, r) => s + gbSeconds(r), 0),
              }));
              rows.sort((a, b) => b.gbs - a.gbs);
              const total = rows.reduce(
                (s, r) => ({
                  requests: s.requests + r.requests,
                  billedMs: s.billedMs + r.billedMs,
                  gbs: s.gbs + r.gbs,
                }),
                {
                  requests: 0,
                  billedMs: 0,
                  gbs: 0,
                },
              );
              return (
                <DataTable
                  testId="usage"
                  empty="No billed invocations in this period."
                  rows={rows}
                  rowKey={(r) => r.fn}
                  columns={[
                    { header: 'Function', cell: (r) => <a href={href(['functions', r.fn])}>{r.fn}</a> },
                    { header: 'Requests', num: true, cell: (r) => num(r.requests) },
                    { header: 'Billed duration', num: true, cell: (r) => msInt(r.billedMs) },
                    { header: 'GB-seconds', num: true, cell: (r) => num(r.gbs, 4) },
                  ]}
                  footer={
                    <tr>
                      <td>Total</td>
                      <td className="num">{num(total.requests)}</td>
                      <td className="num">{msInt(total.billedMs)}</td>
                      <td className="num">{num(total.gbs, 4)}</td>
                    </tr>
                  }
                />
              );
            }}
          </Async>
          <p className="muted small">
            From the metering ledger: billed duration (rounded up to 1 ms, cold starts include init) × configured
            memory.
          </p>
        </Card>
      )}
    </>
  );
}
