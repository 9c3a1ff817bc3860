/**
 * `gust cost`: what the metered usage would cost at Lambda prices (GET /gust/v1/billing, re-priced
 * locally with --prices or $GUST_PRICES), and where an always-on server of a given hourly price
 * becomes cheaper (the crossover monthly request volume for each function's observed size).
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  asArchitecture,
  buildReport,
  crossover,
  HOURS_PER_MONTH,
  loadPrices,
  monthlyCostFor,
  PriceTableError,
  type BillingReport,
  type PriceTable,
  type UsageRow,
} from '../telemetry/billing.ts';
import { parseTime } from '../telemetry/time.ts';
import type { GustClient } from './client.ts';

const numArg = (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be a number >= 0');
  return n;
};

const timeArg = (v: string): string => {
  if (!Number.isFinite(parseTime(v)))
    throw new InvalidArgumentError('expects an ISO date, unix ms, or an age like 30d');
  return v;
};

/** Dollars: cents for large amounts, enough digits to see small ones. */
export function money(n: number): string {
  if (n === 0) return '$0.00';
  const abs = Math.abs(n);
  return `$${n.toFixed(abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6)}`;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

function table(rows: string[][], rightAligned: boolean[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export interface CostOptions {
  since: string;
  until?: string;
  function?: string;
  serverPrice: number;
  serverHours: number;
  prices?: string;
  json?: boolean;
}

/** The printed report (exported for tests). */
export function formatCost(r: BillingReport, o: Pick<CostOptions, 'serverPrice' | 'serverHours'>): string {
  const out: string[] = [];
  const days = (r.until - r.since) / 86_400_000;
  out.push(
    `Cost of ${new Date(r.since).toISOString()} .. ${new Date(r.until).toISOString()} (${days.toFixed(1)} days) ` +
      `at ${r.prices.name} prices (${r.prices.currency})`,
  );
  out.push('');
  if (!r.functions.length) {
    out.push('no invocations in this period');
    return out.join('\n');
  }
  const rows: string[][] = [
    [
      'FUNCTION',
      'ARCH',
      'REQUESTS',
      'THROTTLES',
      'AVG BILLED',
      'MEMORY',
      'GB-SECONDS',
      'REQUESTS $',
      'DURATION $',
      'PROVISIONED $',
      'TOTAL $',
    ],
  ];
  for (const f of r.functions) {
    rows.push([
      f.functionName,
      f.architectures.join(','),
      int(f.requests),
      int(f.throttles),
      f.avgBilledDurationMs === null ? '-' : `${f.avgBilledDurationMs.toFixed(1)} ms`,
      f.avgMemoryMb === null ? '-' : `${Math.round(f.avgMemoryMb)} MB`,
      (f.gbSeconds + f.provisionedDurationGbSeconds).toFixed(4),
      money(f.cost.requests),
      money(f.cost.duration),
      money(f.cost.provisioned + f.cost.provisionedDuration),
      money(f.cost.total),
    ]);
  }
  const sum = (g: (f: (typeof r.functions)[number]) => number): number => r.functions.reduce((s, f) => s + g(f), 0);
  rows.push([
    'TOTAL',
    '',
    int(sum((f) => f.requests)),
    int(sum((f) => f.throttles)),
    '',
    '',
    sum((f) => f.gbSeconds + f.provisionedDurationGbSeconds).toFixed(4),
    money(r.total.requests),
    money(r.total.duration),
    money(r.total.provisioned + r.total.provisionedDuration),
    money(r.total.total),
  ]);
  out.push(table(rows, [false, false, true, true, true, true, true, true, true, true, true]));

  const serverMonthly = o.serverPrice * o.serverHours;
  out.push('');
  out.push(
    `Always-on server: $${o.serverPrice}/h x ${o.serverHours} h = ${money(serverMonthly)}/month ` +
      `(Lambda side: monthly free tier included, on-demand prices)`,
  );
  const monthScale = (HOURS_PER_MONTH * 3_600_000) / (r.until - r.since);
  for (const f of r.functions) {
    if (!f.requests || f.avgBilledDurationMs === null || f.avgMemoryMb === null) continue;
    const arch = asArchitecture(f.architectures[0]);
    const x = crossover(r.prices, {
      architecture: arch,
      avgBilledDurationMs: f.avgBilledDurationMs,
      memoryMb: f.avgMemoryMb,
      serverMonthlyCost: serverMonthly,
    });
    const perMonth = f.requests * monthScale;
    const projected = monthlyCostFor(r.prices, perMonth, x.gbSecondsPerRequest, arch);
    out.push(
      `  ${f.functionName}: ${int(perMonth)} requests/month at this period's rate -> ${money(projected)}/month ` +
        `(server ${money(serverMonthly)}); ${money(x.costPerMillion)} per million requests ` +
        `(${Math.round(f.avgMemoryMb)} MB x ${f.avgBilledDurationMs.toFixed(1)} ms)`,
    );
    out.push(
      x.requestsPerMonth === null
        ? `    crossover: none, the server never becomes cheaper at these prices`
        : `    crossover: the server is cheaper above ${int(x.requestsPerMonth)} requests/month ` +
            `(${x.requestsPerSecond!.toFixed(2)} requests/s on average)` +
            (perMonth >= x.requestsPerMonth ? ' - already past it' : ''),
    );
  }
  return out.join('\n');
}

export function registerCostCommand(program: Command, client: () => GustClient): void {
  program
    .command('cost')
    .description('price the metered usage at AWS Lambda prices and compare with an always-on server')
    .option('--since <time>', 'start: ISO date, unix ms or an age like 30d', timeArg, '30d')
    .option('--until <time>', 'end (default now)', timeArg)
    .option('--function <name>', 'only this function')
    .option('--server-price <usd>', 'hourly price of the always-on server', numArg, 0.05)
    .option('--server-hours <hours>', 'server hours per month', numArg, HOURS_PER_MONTH)
    .option('--prices <file>', "price table JSON (default $GUST_PRICES, else the server's table)")
    .option('--json', 'print the report as JSON')
    .action(async (o: CostOptions) => {
      let prices: PriceTable | undefined;
      const file = o.prices ?? process.env.GUST_PRICES;
      try {
        if (file) prices = loadPrices(file);
      } catch (e) {
        if (!(e instanceof PriceTableError)) throw e;
        console.error(`error: ${e.message}`);
        process.exit(2);
      }
      const params = new URLSearchParams({ since: String(parseTime(o.since)) });
      if (o.until) params.set('until', String(parseTime(o.until)));
      if (o.function) params.set('function', o.function);
      const res = await client().json<BillingReport & { usage: UsageRow[] }>('GET', `/gust/v1/billing?${params}`);
      const report = prices ? buildReport(res.usage, prices, res, o.function) : res;
      if (o.json) {
        const { usage: _usage, ...rest } = report as BillingReport & { usage?: UsageRow[] };
        console.log(JSON.stringify(rest, null, 2));
        return;
      }
      console.log(formatCost(report, o));
    });
}
