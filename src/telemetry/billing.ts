/**
 * Billing: what the metered usage would cost at a price table (by default AWS Lambda's public
 * x86/arm64 prices in us-east-1), per function and month, and where an always-on server becomes
 * cheaper. Pure functions: the server feeds them usage rows from the ledger
 * (telemetry-store.ts); the CLI can re-price the same rows with its own table. docs/BILLING.md
 * explains the model.
 *
 * Model (per calendar month, UTC, per account, as AWS bills):
 * - requests: every invocation that ran (throttles are not billed) × requestsPerMillion / 1e6;
 *   the free tier's requests cover on-demand requests only;
 * - on-demand duration: Σ billed ms (already rounded up to 1 ms, init included on cold starts) ×
 *   memory → GB-seconds, priced by the architecture's monthly tiers; the free tier's GB-seconds
 *   are taken from the first tier, x86_64 usage first;
 * - provisioned concurrency: GB-seconds allocated (from the provisioned ledger) × the provisioned
 *   rate, plus the duration of invocations served by provisioned environments × the provisioned
 *   duration rate (no tiers, no free tier).
 * A report window that starts mid-month first charges the usage of that month before the window
 * (it consumed the free tier and the cheaper tiers), so a window's cost is what it added to the bill.
 * Account-level amounts are shared out to functions in proportion to their usage of each item.
 */
import fs from 'node:fs';
import { z } from 'zod';

export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export const asArchitecture = (a: string | null | undefined): Architecture => (a === 'arm64' ? 'arm64' : 'x86_64');

export interface Tier {
  /** Upper bound of this tier in GB-seconds per month (cumulative); absent on the last tier. */
  upToGbSeconds?: number;
  perGbSecond: number;
}

export interface ArchitecturePrices {
  /** On-demand duration tiers, applied to the month's total GB-seconds of the architecture. */
  durationTiers: Tier[];
  /** Per GB-second of provisioned concurrency allocated (used or not). */
  provisionedPerGbSecond: number;
  /** Per GB-second of invocation duration on provisioned environments. */
  provisionedDurationPerGbSecond: number;
}

export interface PriceTable {
  name: string;
  currency: string;
  requestsPerMillion: number;
  /** Per month and account. */
  freeTier: { requests: number; gbSeconds: number };
  architectures: Record<Architecture, ArchitecturePrices>;
}

/** AWS Lambda, US East (N. Virginia). */
export const DEFAULT_PRICES: PriceTable = {
  name: 'aws-us-east-1',
  currency: 'USD',
  requestsPerMillion: 0.2,
  freeTier: { requests: 1_000_000, gbSeconds: 400_000 },
  architectures: {
    x86_64: {
      durationTiers: [
        { upToGbSeconds: 6e9, perGbSecond: 0.0000166667 },
        { upToGbSeconds: 15e9, perGbSecond: 0.000015 },
        { perGbSecond: 0.0000133334 },
      ],
      provisionedPerGbSecond: 0.0000041667,
      provisionedDurationPerGbSecond: 0.0000097222,
    },
    arm64: {
      durationTiers: [
        { upToGbSeconds: 7.5e9, perGbSecond: 0.0000133334 },
        { upToGbSeconds: 18.75e9, perGbSecond: 0.0000120001 },
        { perGbSecond: 0.0000106667 },
      ],
      provisionedPerGbSecond: 0.0000033334,
      provisionedDurationPerGbSecond: 0.0000077778,
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Price tables from JSON files: any subset of the fields, merged over the defaults.

const nonNeg = z.number().finite().nonnegative();
const tierSchema = z.object({ upToGbSeconds: nonNeg.optional(), perGbSecond: nonNeg }).strict();
const archSchema = z
  .object({
    durationTiers: z.array(tierSchema).min(1),
    provisionedPerGbSecond: nonNeg,
    provisionedDurationPerGbSecond: nonNeg,
  })
  .strict();
const overrideSchema = z
  .object({
    name: z.string().optional(),
    currency: z.string().optional(),
    requestsPerMillion: nonNeg.optional(),
    freeTier: z.object({ requests: nonNeg.optional(), gbSeconds: nonNeg.optional() }).strict().optional(),
    architectures: z
      .object({ x86_64: archSchema.partial().optional(), arm64: archSchema.partial().optional() })
      .strict()
      .optional(),
  })
  .strict();

export type PriceOverride = z.infer<typeof overrideSchema>;

export class PriceTableError extends Error {}

/** Merge an override over a base table and check the tiers (ascending bounds, last unbounded). */
export function mergePrices(base: PriceTable, o: unknown, source = 'price table'): PriceTable {
  const parsed = overrideSchema.safeParse(o);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PriceTableError(`${source}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const v = parsed.data;
  const out: PriceTable = {
    name: v.name ?? (Object.keys(v).length ? `${base.name} (custom)` : base.name),
    currency: v.currency ?? base.currency,
    requestsPerMillion: v.requestsPerMillion ?? base.requestsPerMillion,
    freeTier: { ...base.freeTier, ...stripUndefined(v.freeTier ?? {}) },
    architectures: {
      x86_64: { ...base.architectures.x86_64, ...stripUndefined(v.architectures?.x86_64 ?? {}) },
      arm64: { ...base.architectures.arm64, ...stripUndefined(v.architectures?.arm64 ?? {}) },
    },
  };
  for (const a of ARCHITECTURES) {
    const tiers = out.architectures[a].durationTiers;
    let prev = 0;
    tiers.forEach((t, i) => {
      const last = i === tiers.length - 1;
      if (last && t.upToGbSeconds !== undefined) {
        throw new PriceTableError(
          `${source}: architectures.${a}.durationTiers: the last tier must have no upToGbSeconds`,
        );
      }
      if (!last && (t.upToGbSeconds === undefined || t.upToGbSeconds <= prev)) {
        throw new PriceTableError(
          `${source}: architectures.${a}.durationTiers[${i}].upToGbSeconds must be set and above the previous tier's`,
        );
      }
      prev = t.upToGbSeconds ?? prev;
    });
  }
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The default table, overridden by a JSON file when one is named. */
export function loadPrices(file?: string): PriceTable {
  if (!file) return DEFAULT_PRICES;
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new PriceTableError(`cannot read price table ${file}: ${(e as Error).message}`);
  }
  return mergePrices(DEFAULT_PRICES, json, file);
}

// ---------------------------------------------------------------------------------------------
// One month's cost.

type PerArch = Record<Architecture, number>;
const perArch = (): PerArch => ({ x86_64: 0, arm64: 0 });

/** Usage of one month (account or function). GB-seconds are memory GB × billed seconds. */
export interface Usage {
  /** Invocations on on-demand environments (throttles excluded). */
  requests: number;
  /** Invocations served by provisioned-concurrency environments. */
  provisionedRequests: number;
  gbSeconds: PerArch;
  provisionedDurationGbSeconds: PerArch;
  /** Provisioned concurrency allocated, in GB-seconds. */
  provisionedGbSeconds: PerArch;
}

export const emptyUsage = (): Usage => ({
  requests: 0,
  provisionedRequests: 0,
  gbSeconds: perArch(),
  provisionedDurationGbSeconds: perArch(),
  provisionedGbSeconds: perArch(),
});

function addUsage(a: Usage, b: Usage): Usage {
  const sum = (x: PerArch, y: PerArch): PerArch => ({ x86_64: x.x86_64 + y.x86_64, arm64: x.arm64 + y.arm64 });
  return {
    requests: a.requests + b.requests,
    provisionedRequests: a.provisionedRequests + b.provisionedRequests,
    gbSeconds: sum(a.gbSeconds, b.gbSeconds),
    provisionedDurationGbSeconds: sum(a.provisionedDurationGbSeconds, b.provisionedDurationGbSeconds),
    provisionedGbSeconds: sum(a.provisionedGbSeconds, b.provisionedGbSeconds),
  };
}

/** Cost of `gbs` GB-seconds in a month through the tiers (cumulative). */
export function tieredCost(tiers: Tier[], gbs: number): number {
  let cost = 0;
  let from = 0;
  for (const t of tiers) {
    const to = t.upToGbSeconds ?? Infinity;
    if (gbs <= from) break;
    cost += (Math.min(gbs, to) - from) * t.perGbSecond;
    from = to;
  }
  return cost;
}

/** A month's charges, itemised; `duration` etc. also per architecture (for sharing out). */
export interface MonthCharges {
  requests: number;
  provisionedRequests: number;
  duration: PerArch;
  provisioned: PerArch;
  provisionedDuration: PerArch;
}

/** The charges for a month's cumulative usage (free tier and tiers applied). */
export function monthCharges(p: PriceTable, u: Usage): MonthCharges {
  const perRequest = p.requestsPerMillion / 1e6;
  let free = p.freeTier.gbSeconds;
  const duration = perArch();
  const provisioned = perArch();
  const provisionedDuration = perArch();
  for (const a of ARCHITECTURES) {
    const ap = p.architectures[a];
    const g = u.gbSeconds[a];
    const covered = Math.min(free, g);
    free -= covered;
    // Free GB-seconds are the bottom slice of the first tier.
    duration[a] = tieredCost(ap.durationTiers, g) - tieredCost(ap.durationTiers, covered);
    provisioned[a] = u.provisionedGbSeconds[a] * ap.provisionedPerGbSecond;
    provisionedDuration[a] = u.provisionedDurationGbSeconds[a] * ap.provisionedDurationPerGbSecond;
  }
  return {
    requests: Math.max(0, u.requests - p.freeTier.requests) * perRequest,
    provisionedRequests: u.provisionedRequests * perRequest,
    duration,
    provisioned,
    provisionedDuration,
  };
}

export interface Cost {
  requests: number;
  duration: number;
  provisioned: number;
  provisionedDuration: number;
  total: number;
}

const zeroCost = (): Cost => ({ requests: 0, duration: 0, provisioned: 0, provisionedDuration: 0, total: 0 });

function addCost(a: Cost, b: Cost): Cost {
  return {
    requests: a.requests + b.requests,
    duration: a.duration + b.duration,
    provisioned: a.provisioned + b.provisioned,
    provisionedDuration: a.provisionedDuration + b.provisionedDuration,
    total: a.total + b.total,
  };
}

const sumArch = (x: PerArch): number => x.x86_64 + x.arm64;

/** A month's bill as a Cost (total of every item). */
export function monthCost(p: PriceTable, u: Usage): Cost {
  const c = monthCharges(p, u);
  const cost: Cost = {
    requests: c.requests + c.provisionedRequests,
    duration: sumArch(c.duration),
    provisioned: sumArch(c.provisioned),
    provisionedDuration: sumArch(c.provisionedDuration),
    total: 0,
  };
  cost.total = cost.requests + cost.duration + cost.provisioned + cost.provisionedDuration;
  return cost;
}

// ---------------------------------------------------------------------------------------------
// Reports over the ledger.

/** Aggregated ledger usage of one function, architecture and month (telemetry-store.ts). */
export interface UsageRow {
  /** YYYY-MM, UTC. */
  month: string;
  functionName: string;
  architecture: Architecture;
  /** Usage in the same month before the report window (it used up free tier and tiers first). */
  prior: boolean;
  requests: number;
  provisionedRequests: number;
  throttles: number;
  billedMs: number;
  gbSeconds: number;
  provisionedDurationGbSeconds: number;
  provisionedGbSeconds: number;
}

export interface FunctionBill {
  functionName: string;
  architectures: Architecture[];
  /** Invocations billed (on-demand + provisioned). */
  requests: number;
  provisionedRequests: number;
  throttles: number;
  billedMs: number;
  gbSeconds: number;
  provisionedDurationGbSeconds: number;
  provisionedGbSeconds: number;
  avgBilledDurationMs: number | null;
  /** Duration-weighted memory size. */
  avgMemoryMb: number | null;
  cost: Cost;
}

export interface MonthBill {
  month: string;
  requests: number;
  gbSeconds: number;
  cost: Cost;
}

export interface BillingReport {
  since: number;
  until: number;
  prices: PriceTable;
  functions: FunctionBill[];
  months: MonthBill[];
  total: Cost;
}

function usageOf(rows: UsageRow[]): Usage {
  const u = emptyUsage();
  for (const r of rows) {
    u.requests += r.requests;
    u.provisionedRequests += r.provisionedRequests;
    u.gbSeconds[r.architecture] += r.gbSeconds;
    u.provisionedDurationGbSeconds[r.architecture] += r.provisionedDurationGbSeconds;
    u.provisionedGbSeconds[r.architecture] += r.provisionedGbSeconds;
  }
  return u;
}

const share = (amount: number, part: number, whole: number): number => (whole > 0 ? (amount * part) / whole : 0);

/**
 * Price usage rows for the window [since, until). `functionName` limits the functions listed (and
 * the total) to one; free tier and tiers are still applied to the whole account's usage.
 */
export function buildReport(
  rows: UsageRow[],
  prices: PriceTable,
  window: { since: number; until: number },
  functionName?: string,
): BillingReport {
  const byMonth = new Map<string, UsageRow[]>();
  for (const r of rows) byMonth.set(r.month, [...(byMonth.get(r.month) ?? []), r]);

  const fns = new Map<string, FunctionBill>();
  const months: MonthBill[] = [];
  for (const month of [...byMonth.keys()].sort()) {
    const all = byMonth.get(month)!;
    const prior = usageOf(all.filter((r) => r.prior));
    const current = all.filter((r) => !r.prior);
    const cur = usageOf(current);
    // What this window added to the month's bill.
    const before = monthCharges(prices, prior);
    const after = monthCharges(prices, addUsage(prior, cur));
    const d = (f: (c: MonthCharges) => number): number => f(after) - f(before);

    let monthTotal = zeroCost();
    let monthRequests = 0;
    let monthGbs = 0;
    for (const r of current) {
      const a = r.architecture;
      const c: Cost = {
        requests:
          share(
            d((c) => c.requests),
            r.requests,
            cur.requests,
          ) +
          share(
            d((c) => c.provisionedRequests),
            r.provisionedRequests,
            cur.provisionedRequests,
          ),
        duration: share(
          d((c) => c.duration[a]),
          r.gbSeconds,
          cur.gbSeconds[a],
        ),
        provisioned: share(
          d((c) => c.provisioned[a]),
          r.provisionedGbSeconds,
          cur.provisionedGbSeconds[a],
        ),
        provisionedDuration: share(
          d((c) => c.provisionedDuration[a]),
          r.provisionedDurationGbSeconds,
          cur.provisionedDurationGbSeconds[a],
        ),
        total: 0,
      };
      c.total = c.requests + c.duration + c.provisioned + c.provisionedDuration;
      if (functionName !== undefined && r.functionName !== functionName) continue;
      monthTotal = addCost(monthTotal, c);
      monthRequests += r.requests + r.provisionedRequests;
      monthGbs += r.gbSeconds + r.provisionedDurationGbSeconds;
      const f = fns.get(r.functionName) ?? {
        functionName: r.functionName,
        architectures: [],
        requests: 0,
        provisionedRequests: 0,
        throttles: 0,
        billedMs: 0,
        gbSeconds: 0,
        provisionedDurationGbSeconds: 0,
        provisionedGbSeconds: 0,
        avgBilledDurationMs: null,
        avgMemoryMb: null,
        cost: zeroCost(),
      };
      if (!f.architectures.includes(a)) f.architectures.push(a);
      f.requests += r.requests + r.provisionedRequests;
      f.provisionedRequests += r.provisionedRequests;
      f.throttles += r.throttles;
      f.billedMs += r.billedMs;
      f.gbSeconds += r.gbSeconds;
      f.provisionedDurationGbSeconds += r.provisionedDurationGbSeconds;
      f.provisionedGbSeconds += r.provisionedGbSeconds;
      f.cost = addCost(f.cost, c);
      fns.set(r.functionName, f);
    }
    if (current.some((r) => functionName === undefined || r.functionName === functionName)) {
      months.push({ month, requests: monthRequests, gbSeconds: monthGbs, cost: monthTotal });
    }
  }
  const functions = [...fns.values()].map((f) => {
    const gbs = f.gbSeconds + f.provisionedDurationGbSeconds;
    return {
      ...f,
      avgBilledDurationMs: f.requests ? f.billedMs / f.requests : null,
      avgMemoryMb: f.billedMs ? (gbs * 1024 * 1000) / f.billedMs : null,
    };
  });
  functions.sort((a, b) => b.cost.total - a.cost.total || a.functionName.localeCompare(b.functionName));
  return {
    since: window.since,
    until: window.until,
    prices,
    functions,
    months,
    total: months.reduce((s, m) => addCost(s, m.cost), zeroCost()),
  };
}

// ---------------------------------------------------------------------------------------------
// Serverless or a server?

export const HOURS_PER_MONTH = 730;

export interface CrossoverInput {
  architecture: Architecture;
  /** Average billed duration (ms) and memory (MB) of one request. */
  avgBilledDurationMs: number;
  memoryMb: number;
  /** Monthly cost of the always-on server. */
  serverMonthlyCost: number;
  /** Count the monthly free tier (as if this function were the account's only one). Default true. */
  freeTier?: boolean;
}

export interface Crossover {
  gbSecondsPerRequest: number;
  /** Lambda cost per million requests past the free tier, first duration tier. */
  costPerMillion: number;
  /** Monthly requests above which the server is cheaper; null if Lambda never gets that expensive. */
  requestsPerMonth: number | null;
  /** The same as an average rate over the month. */
  requestsPerSecond: number | null;
}

/** Lambda's monthly cost for `requests` requests of a given size (on-demand). */
export function monthlyCostFor(p: PriceTable, requests: number, gbSecondsPerRequest: number, a: Architecture): number {
  const u = emptyUsage();
  u.requests = requests;
  u.gbSeconds[a] = requests * gbSecondsPerRequest;
  return monthCost(p, u).total;
}

/** At what monthly request volume does an always-on server become cheaper than paying per request? */
export function crossover(p: PriceTable, o: CrossoverInput): Crossover {
  const prices = o.freeTier === false ? { ...p, freeTier: { requests: 0, gbSeconds: 0 } } : p;
  const g = (Math.max(0, o.avgBilledDurationMs) / 1000) * (Math.max(0, o.memoryMb) / 1024);
  const cost = (n: number): number => monthlyCostFor(prices, n, g, o.architecture);
  const costPerMillion =
    1e6 * (p.requestsPerMillion / 1e6 + g * p.architectures[o.architecture].durationTiers[0]!.perGbSecond);
  const result = (n: number | null): Crossover => ({
    gbSecondsPerRequest: g,
    costPerMillion,
    requestsPerMonth: n,
    requestsPerSecond: n === null ? null : n / (HOURS_PER_MONTH * 3600),
  });
  if (o.serverMonthlyCost <= 0) return result(0);
  let hi = 1e6;
  while (cost(hi) < o.serverMonthlyCost) {
    hi *= 2;
    if (hi > 1e18) return result(null);
  }
  let lo = 0;
  for (let i = 0; i < 200 && hi - lo > 1e-3; i++) {
    const mid = (lo + hi) / 2;
    if (cost(mid) < o.serverMonthlyCost) lo = mid;
    else hi = mid;
  }
  return result(Math.ceil(hi));
}

/** UTC month key of a unix-ms time. */
export const monthOf = (ts: number): string => new Date(ts).toISOString().slice(0, 7);

/** Unix ms of the first instant of the UTC month containing ts. */
export function monthStart(ts: number): number {
  const d = new Date(ts);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}
