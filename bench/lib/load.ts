/**
 * HTTP load with autocannon. autocannon's own latency histogram has 1 ms resolution, too coarse
 * for a bare node:http server (~0.1-0.3 ms), so every response time (hrtime, float ms) is also
 * collected from the 'response' event and summarised here.
 */
import autocannon from 'autocannon';
import { cpuTicks, foreignCpu } from './procs.ts';
import { Samples, summarize, type Summary } from './stats.ts';

export interface LoadResult {
  connections: number;
  durationS: number;
  requests: number;
  reqPerSec: number;
  latencyMs: Summary;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** CPU cores used by other processes on the machine meanwhile (noise indicator). */
  foreignCpuCores: number;
  /** CPU time per request of the processes in `LoadSpec.cpu` (µs), from /proc (10 ms resolution). */
  cpuUsPerRequest: Record<string, number>;
}

export interface LoadSpec {
  url: string;
  body: string;
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
  /** Process groups whose CPU time to account per request, e.g. { server: () => [pid] }. */
  cpu?: Record<string, () => number[]>;
}

function ticksOf(groups: Record<string, () => number[]>): Map<string, Map<number, number>> {
  return new Map(Object.entries(groups).map(([k, pids]) => [k, new Map(pids().map((p) => [p, cpuTicks(p)]))]));
}

export function load(spec: LoadSpec): Promise<LoadResult> {
  const samples = new Samples();
  const foreign = foreignCpu();
  const cpuBefore = ticksOf(spec.cpu ?? {});
  return new Promise((resolve, reject) => {
    const inst = autocannon(
      {
        url: spec.url,
        method: 'POST',
        body: spec.body,
        headers: { 'content-type': 'application/json', ...spec.headers },
        connections: spec.connections,
        duration: spec.durationS,
        timeout: 30,
      },
      (err: unknown, r: autocannon.Result) => {
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const cpuAfter = ticksOf(spec.cpu ?? {});
        const cpuUsPerRequest: Record<string, number> = {};
        for (const [k, after] of cpuAfter) {
          const before = cpuBefore.get(k)!;
          let ticks = 0;
          for (const [p, t] of after) ticks += Math.max(0, t - (before.get(p) ?? 0));
          cpuUsPerRequest[k] = Math.round((ticks * 10_000) / Math.max(1, r.requests.total));
        }
        resolve({
          connections: spec.connections,
          durationS: r.duration,
          requests: r.requests.total,
          reqPerSec: Math.round((r.requests.total / r.duration) * 10) / 10,
          latencyMs: summarize(samples.values()),
          non2xx: r.non2xx,
          errors: r.errors,
          timeouts: r.timeouts,
          foreignCpuCores: foreign(),
          cpuUsPerRequest,
        });
      },
    );
    inst.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) samples.push(ms);
    });
  });
}
