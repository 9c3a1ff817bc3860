import type { GustConfig } from '../../config.ts';

/** Tuning knobs of the SNS service (GustConfig's sns* settings; the defaults follow AWS). */
export interface SnsOptions {
  /** How often the delivery worker looks for due deliveries when idle. */
  pollMs: number;
  /**
   * Length of one "second" of a retry policy. AWS's policies are in seconds (HTTP: 3 retries 20 s
   * apart); tests shrink this to run them quickly.
   */
  retryUnitMs: number;
  /** Per-request timeout of HTTP/S deliveries (AWS: 15 s). */
  httpTimeoutMs: number;
  /** Deliveries in flight at once. */
  concurrency: number;
}

export function snsOptions(
  config: Pick<GustConfig, 'snsPollMs' | 'snsRetryUnitMs' | 'snsHttpTimeoutMs' | 'snsDeliveryConcurrency'>,
): SnsOptions {
  return {
    pollMs: config.snsPollMs,
    retryUnitMs: config.snsRetryUnitMs,
    httpTimeoutMs: config.snsHttpTimeoutMs,
    concurrency: config.snsDeliveryConcurrency,
  };
}
