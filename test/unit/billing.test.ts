/** Billing math: free tier, tiers, rounding, provisioned concurrency, arm64, windows, crossover, price files. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { MeteringRecord } from '../../src/control/model.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import {
  buildReport,
  crossover,
  DEFAULT_PRICES,
  emptyUsage,
  loadPrices,
  mergePrices,
  monthCost,
  monthlyCostFor,
  PriceTableError,
  tieredCost,
  type PriceTable,
  type UsageRow,
} from '../../src/telemetry/billing.ts';
import { billedDuration } from '../../src/telemetry/log-format.ts';
import { SqliteTelemetryStore } from '../../src/telemetry/telemetry-store.ts';

const X1 = 0.0000166667;
const X2 = 0.000015;
const X3 = 0.0000133334;
const A1 = 0.0000133334;
const A2 = 0.0000120001;
const REQ = 0.2 / 1e6;
const NO_FREE: PriceTable = { ...DEFAULT_PRICES, freeTier: { requests: 0, gbSeconds: 0 } };

/** Relative closeness for money computed in floating point. */
function near(actual: number, expected: number, msg?: string): void {
  const tol = Math.max(1e-12, Math.abs(expected) * 1e-9);
  assert.ok(Math.abs(actual - expected) <= tol, `${msg ?? ''} expected ${expected}, got ${actual}`);
}

const usage = (o: Partial<ReturnType<typeof emptyUsage>>): ReturnType<typeof emptyUsage> => ({ ...emptyUsage(), ...o });

describe('billing: one month', () => {
  it('is free within the free tier (1M requests, 400,000 GB-s)', () => {
    const c = monthCost(DEFAULT_PRICES, usage({ requests: 1_000_000, gbSeconds: { x86_64: 400_000, arm64: 0 } }));
    assert.equal(c.total, 0);
    const over = monthCost(DEFAULT_PRICES, usage({ requests: 1_000_001, gbSeconds: { x86_64: 400_001, arm64: 0 } }));
    near(over.requests, REQ);
    near(over.duration, X1);
  });

  it("reproduces AWS's pricing example: 512 MB, 3M requests of 1 s", () => {
    const c = monthCost(DEFAULT_PRICES, usage({ requests: 3e6, gbSeconds: { x86_64: 3e6 * 0.5, arm64: 0 } }));
    near(c.requests, 0.4);
    near(c.duration, 1_100_000 * X1);
    assert.equal(c.total.toFixed(2), '18.73');
  });

  it('applies the x86 duration tiers (6B, next 9B, beyond 15B GB-s)', () => {
    near(tieredCost(DEFAULT_PRICES.architectures.x86_64.durationTiers, 10e9), 6e9 * X1 + 4e9 * X2);
    near(tieredCost(DEFAULT_PRICES.architectures.x86_64.durationTiers, 20e9), 6e9 * X1 + 9e9 * X2 + 5e9 * X3);
    // The free tier comes out of the first tier.
    const c = monthCost(DEFAULT_PRICES, usage({ gbSeconds: { x86_64: 10e9, arm64: 0 } }));
    near(c.duration, (6e9 - 400_000) * X1 + 4e9 * X2);
  });

  it('prices arm64 with its own rates and tiers (7.5B, next 11.25B)', () => {
    const c = monthCost(NO_FREE, usage({ gbSeconds: { x86_64: 0, arm64: 8e9 } }));
    near(c.duration, 7.5e9 * A1 + 0.5e9 * A2);
    const small = monthCost(NO_FREE, usage({ gbSeconds: { x86_64: 0, arm64: 1000 } }));
    near(small.duration, 1000 * A1);
  });

  it('uses the free GB-seconds on x86_64 first, then arm64', () => {
    const c = monthCost(DEFAULT_PRICES, usage({ gbSeconds: { x86_64: 100_000, arm64: 500_000 } }));
    near(c.duration, 200_000 * A1);
  });

  it('bills provisioned concurrency: allocated GB-s plus duration at the provisioned rate, no free tier', () => {
    const c = monthCost(
      DEFAULT_PRICES,
      usage({
        provisionedRequests: 10,
        provisionedGbSeconds: { x86_64: 1000, arm64: 2000 },
        provisionedDurationGbSeconds: { x86_64: 10, arm64: 20 },
      }),
    );
    near(c.provisioned, 1000 * 0.0000041667 + 2000 * 0.0000033334);
    near(c.provisionedDuration, 10 * 0.0000097222 + 20 * 0.0000077778);
    near(c.requests, 10 * REQ, 'requests on provisioned environments are not in the free tier');
    assert.equal(c.duration, 0);
  });

  it('bills duration rounded up to 1 ms per invocation', () => {
    // 1000 invocations of 0.2 ms at 1024 MB bill 1 ms each = 1 GB-s.
    const billed = billedDuration(0.2);
    assert.equal(billed, 1);
    const gbs = (1000 * billed * 1024) / 1024 / 1000;
    near(monthCost(NO_FREE, usage({ requests: 1000, gbSeconds: { x86_64: gbs, arm64: 0 } })).duration, X1);
  });
});

const row = (o: Partial<UsageRow>): UsageRow => ({
  month: '2025-03',
  functionName: 'f',
  architecture: 'x86_64',
  prior: false,
  requests: 0,
  provisionedRequests: 0,
  throttles: 0,
  billedMs: 0,
  gbSeconds: 0,
  provisionedDurationGbSeconds: 0,
  provisionedGbSeconds: 0,
  ...o,
});

describe('billing: reports', () => {
  const w = { since: Date.UTC(2025, 2, 10), until: Date.UTC(2025, 3, 1) };

  it('charges a window what it added to the month: earlier usage used up the free tier', () => {
    const rows = [row({ prior: true, requests: 1_000_000 }), row({ requests: 500_000 })];
    const r = buildReport(rows, DEFAULT_PRICES, w);
    near(r.total.requests, 500_000 * REQ);
    assert.equal(r.functions[0]!.requests, 500_000, 'prior usage is not listed');
    const alone = buildReport([row({ requests: 500_000 })], DEFAULT_PRICES, w);
    assert.equal(alone.total.total, 0, 'the same window without earlier usage is free');
  });

  it('shares account-level charges out to functions by usage, summing to the total', () => {
    const rows = [
      row({ functionName: 'a', requests: 1_500_000, gbSeconds: 300_000, billedMs: 1 }),
      row({ functionName: 'b', requests: 500_000, gbSeconds: 300_000, billedMs: 1 }),
      row({ functionName: 'c', architecture: 'arm64', requests: 0, gbSeconds: 100_000, billedMs: 1 }),
    ];
    const r = buildReport(rows, DEFAULT_PRICES, w);
    const [a, b] = ['a', 'b'].map((n) => r.functions.find((f) => f.functionName === n)!);
    near(a!.cost.requests, 0.2 * 0.75);
    near(b!.cost.requests, 0.2 * 0.25);
    // x86: 600,000 GB-s - 400,000 free = 200,000 billable, split evenly; arm64 is billed in full.
    near(a!.cost.duration, 100_000 * X1);
    near(b!.cost.duration, 100_000 * X1);
    const c = r.functions.find((f) => f.functionName === 'c')!;
    near(c.cost.duration, 100_000 * A1);
    near(
      r.functions.reduce((s, f) => s + f.cost.total, 0),
      r.total.total,
    );
    near(r.total.total, 0.2 + 200_000 * X1 + 100_000 * A1);
    // Filtering by function keeps the account-level free tier.
    const only = buildReport(rows, DEFAULT_PRICES, w, 'a');
    assert.deepEqual(
      only.functions.map((f) => f.functionName),
      ['a'],
    );
    near(only.total.total, a!.cost.total);
  });

  it('applies free tier and tiers per calendar month', () => {
    const rows = [row({ month: '2025-03', requests: 1_000_000 }), row({ month: '2025-04', requests: 1_000_000 })];
    const r = buildReport(rows, DEFAULT_PRICES, { since: Date.UTC(2025, 2, 1), until: Date.UTC(2025, 4, 1) });
    assert.equal(r.total.total, 0);
    assert.deepEqual(
      r.months.map((m) => m.month),
      ['2025-03', '2025-04'],
    );
  });

  it('aggregates the ledger: throttles are not billed, provisioned and arm64 rows apart, prior usage', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gust-billing-'));
    const store = openSqliteStore(home);
    try {
      const base = (id: string, start: number, o: Partial<MeteringRecord> = {}): MeteringRecord => ({
        requestId: id,
        functionName: 'f',
        version: '$LATEST',
        startTime: start,
        durationMs: 10.2,
        billedDurationMs: 11,
        memorySizeMb: 512,
        maxMemoryUsedMb: 50,
        initDurationMs: null,
        cold: false,
        outcome: 'success',
        errorType: null,
        ...o,
      });
      const since = Date.UTC(2025, 2, 10);
      const t0 = since + 1000;
      store.metering.record(base('prior', Date.UTC(2025, 2, 2))); // same month, before the window
      store.metering.record(base('a', t0));
      store.metering.record(base('b', t0 + 1, { outcome: 'error', errorType: 'TypeError', billedDurationMs: 3 }));
      store.metering.record(
        base('t', t0 + 2, { outcome: 'throttle', billedDurationMs: 0, durationMs: 0, errorType: 'X' }),
      );
      store.metering.record(base('p', t0 + 3, { provisioned: true, billedDurationMs: 100 }));
      store.metering.record(base('arm', t0 + 4, { architecture: 'arm64', billedDurationMs: 1000, memorySizeMb: 1024 }));
      const tel = new SqliteTelemetryStore(store.db);
      tel.recordProvisioned([
        {
          functionName: 'f',
          version: '1',
          architecture: 'x86_64',
          memoryMb: 2048,
          startTime: t0,
          endTime: t0 + 60_000,
          allocatedMax: 1,
          allocatedMs: 60_000,
          busyMs: 100,
        },
      ]);
      const rows = tel.usage(since, Date.UTC(2025, 3, 1));
      const x86 = rows.find((r) => !r.prior && r.architecture === 'x86_64')!;
      assert.equal(x86.requests, 2, 'success + error; the throttle is not a request');
      assert.equal(x86.throttles, 1);
      assert.equal(x86.provisionedRequests, 1);
      near(x86.gbSeconds, ((11 + 3) * 512) / 1024 / 1000);
      near(x86.provisionedDurationGbSeconds, (100 * 512) / 1024 / 1000);
      near(x86.provisionedGbSeconds, 60 * 2);
      const arm = rows.find((r) => r.architecture === 'arm64')!;
      near(arm.gbSeconds, 1);
      const prior = rows.find((r) => r.prior)!;
      assert.equal(prior.requests, 1);

      const r = buildReport(rows, NO_FREE, { since, until: Date.UTC(2025, 3, 1) });
      const f = r.functions[0]!;
      assert.equal(f.requests, 4);
      assert.equal(f.throttles, 1);
      near(f.cost.requests, 4 * REQ);
      near(f.cost.duration, x86.gbSeconds * X1 + 1 * A1);
      near(f.cost.provisioned, 120 * 0.0000041667);
      near(f.cost.provisionedDuration, x86.provisionedDurationGbSeconds * 0.0000097222);
      assert.deepEqual(f.architectures.sort(), ['arm64', 'x86_64']);
      near(f.avgBilledDurationMs!, (11 + 3 + 100 + 1000) / 4);

      // Retention covers the ledger tables.
      assert.equal(tel.deleteOlderThan(since), 1);
      assert.equal(store.metering.list({}).length, 5);
      assert.equal(tel.deleteOlderThan(t0 + 10), 6, 'five metering rows and the provisioned interval');
      assert.equal(tel.listProvisioned({}).length, 0);
    } finally {
      store.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('billing: crossover with an always-on server', () => {
  it('finds the monthly volume where the server becomes cheaper (free tier included)', () => {
    const server = 0.05 * 730;
    const x = crossover(DEFAULT_PRICES, {
      architecture: 'x86_64',
      avgBilledDurationMs: 100,
      memoryMb: 128,
      serverMonthlyCost: server,
    });
    const perRequest = REQ + 0.0125 * X1;
    // Past 32M requests both free allowances are used: (N - 1M)·REQ + (0.0125·N - 400,000)·X1 = server.
    const expected = (server + 1e6 * REQ + 400_000 * X1) / perRequest;
    assert.ok(Math.abs(x.requestsPerMonth! - expected) <= 1, `${x.requestsPerMonth} vs ${expected}`);
    near(x.costPerMillion, perRequest * 1e6);
    near(x.requestsPerSecond!, x.requestsPerMonth! / (730 * 3600));
    assert.ok(monthlyCostFor(DEFAULT_PRICES, x.requestsPerMonth!, 0.0125, 'x86_64') >= server);
    assert.ok(monthlyCostFor(DEFAULT_PRICES, x.requestsPerMonth! - 2, 0.0125, 'x86_64') < server);
  });

  it('without the free tier, and for arm64', () => {
    const x = crossover(DEFAULT_PRICES, {
      architecture: 'arm64',
      avgBilledDurationMs: 250,
      memoryMb: 1024,
      serverMonthlyCost: 100,
      freeTier: false,
    });
    const expected = 100 / (REQ + 0.25 * A1);
    assert.ok(Math.abs(x.requestsPerMonth! - expected) <= 1, `${x.requestsPerMonth} vs ${expected}`);
  });

  it('has no crossover when requests cost nothing', () => {
    const free: PriceTable = mergePrices(DEFAULT_PRICES, {
      requestsPerMillion: 0,
      architectures: { x86_64: { durationTiers: [{ perGbSecond: 0 }] } },
    });
    const x = crossover(free, { architecture: 'x86_64', avgBilledDurationMs: 10, memoryMb: 128, serverMonthlyCost: 5 });
    assert.equal(x.requestsPerMonth, null);
  });
});

describe('billing: price tables', () => {
  it('merges a JSON file over the defaults', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gust-prices-')), 'p.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'mine', freeTier: { requests: 0 }, requestsPerMillion: 1 }));
    const p = loadPrices(file);
    assert.equal(p.name, 'mine');
    assert.equal(p.freeTier.requests, 0);
    assert.equal(p.freeTier.gbSeconds, 400_000);
    assert.equal(p.requestsPerMillion, 1);
    assert.deepEqual(p.architectures, DEFAULT_PRICES.architectures);
    assert.equal(loadPrices(undefined), DEFAULT_PRICES);
  });

  it('rejects malformed tables with the offending field', () => {
    assert.throws(() => mergePrices(DEFAULT_PRICES, { requestsPerMillion: -1 }), PriceTableError);
    assert.throws(() => mergePrices(DEFAULT_PRICES, { nope: 1 }), /nope|Unrecognized/);
    assert.throws(
      () =>
        mergePrices(DEFAULT_PRICES, {
          architectures: { arm64: { durationTiers: [{ upToGbSeconds: 10, perGbSecond: 1 }] } },
        }),
      /last tier must have no upToGbSeconds/,
    );
    assert.throws(
      () =>
        mergePrices(DEFAULT_PRICES, {
          architectures: {
            arm64: {
              durationTiers: [
                { upToGbSeconds: 10, perGbSecond: 1 },
                { upToGbSeconds: 5, perGbSecond: 1 },
                { perGbSecond: 1 },
              ],
            },
          },
        }),
      /durationTiers\[1\]/,
    );
    assert.throws(() => loadPrices('/nonexistent/prices.json'), /cannot read price table/);
  });
});
