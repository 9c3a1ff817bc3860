/**
 * Cost: what /gust/v1/billing reports when the server has it; always the billed usage from the
 * metering ledger (requests, billed duration, GB-seconds) per function.
 */
import type { ReactNode } from 'react';
import { billing, metering } from '../api.ts';
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
    if (!value.length) return <p className="muted">None.</p>;
    if (value.every(isObj)) {
      const cols = [...new Set(value.flatMap((o) => Object.keys(o)))];
      return (
        <table className="table">
          <thead>
            <tr>
              {cols.map((c) => (
                <th key={c}>{label(c)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {value.map((o, i) => (
              <tr key={i}>
                {cols.map((c) => (
                  <td key={c} className={typeof o[c] === 'number' ? 'num' : ''}>
                    {isObj(o[c]) || Array.isArray(o[c]) ? <code>{JSON.stringify(o[c])}</code> : scalar(o[c])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
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
      {r.functions.length ? (
        <table className="table">
          <thead>
            <tr>
              <th>Function</th>
              <th className="num">Requests</th>
              <th className="num">Throttles</th>
              <th className="num">GB-seconds</th>
              <th className="num">Avg billed</th>
              <th className="num">Avg memory</th>
              <th className="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {r.functions.map((f) => (
              <tr key={f.functionName}>
                <td>
                  <a href={href(['functions', f.functionName])}>{f.functionName}</a>
                  {f.architectures?.length ? <span className="muted small"> {f.architectures.join(', ')}</span> : null}
                </td>
                <td className="num">{num(f.requests)}</td>
                <td className="num">{num(f.throttles ?? 0)}</td>
                <td className="num">{num(f.gbSeconds, 4)}</td>
                <td className="num">{f.avgBilledDurationMs == null ? '–' : msInt(f.avgBilledDurationMs)}</td>
                <td className="num">{f.avgMemoryMb == null ? '–' : `${Math.round(f.avgMemoryMb)} MB`}</td>
                <td className="num strong">{money(f.cost.total, cur)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No billed usage in this period.</p>
      )}
      {r.months && r.months.length > 0 && (
        <>
          <h3>By month</h3>
          <table className="table">
            <thead>
              <tr>
                <th>Month</th>
                <th className="num">Requests</th>
                <th className="num">GB-seconds</th>
                <th className="num">Cost</th>
              </tr>
            </thead>
            <tbody>
              {r.months.map((m) => (
                <tr key={m.month}>
                  <td>{m.month}</td>
                  <td className="num">{num(m.requests)}</td>
                  <td className="num">{num(m.gbSeconds, 4)}</td>
                  <td className="num">{money(m.cost.total, cur)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p className="muted small">
        Priced by the server (<code>/gust/v1/billing</code>): monthly free tier and duration tiers applied.
      </p>
    </div>
  );
}

export function CostPage({ route }: { route: Route }) {
  const range = RANGES[route.query.get('range') ?? ''] ? route.query.get('range')! : '24h';
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
        <select
          value={range}
          onChange={(e) => (location.hash = href(['cost'], { range: e.target.value }))}
          aria-label="period"
        >
          {Object.entries(RANGES).map(([k, v]) => (
            <option key={k} value={k}>
              {v.label}
            </option>
          ))}
        </select>
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
              return rows.length ? (
                <table className="table" data-testid="usage">
                  <thead>
                    <tr>
                      <th>Function</th>
                      <th className="num">Requests</th>
                      <th className="num">Billed duration</th>
                      <th className="num">GB-seconds</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.fn}>
                        <td>
                          <a href={href(['functions', r.fn])}>{r.fn}</a>
                        </td>
                        <td className="num">{num(r.requests)}</td>
                        <td className="num">{msInt(r.billedMs)}</td>
                        <td className="num">{num(r.gbs, 4)}</td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr>
                      <td>Total</td>
                      <td className="num">{num(total.requests)}</td>
                      <td className="num">{msInt(total.billedMs)}</td>
                      <td className="num">{num(total.gbs, 4)}</td>
                    </tr>
                  </tfoot>
                </table>
              ) : (
                <p className="muted">No billed invocations in this period.</p>
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
