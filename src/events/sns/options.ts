/** Tuning knobs of the SNS service (environment variables; the defaults follow AWS). */
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

export function loadSnsOptions(env: NodeJS.ProcessEnv = process.env): SnsOptions {
  const num = (v: string | undefined, d: number): number => (v !== undefined && v !== '' ? Number(v) : d);
  return {
    pollMs: num(env.GUST_SNS_POLL_MS, 100),
    retryUnitMs: num(env.GUST_SNS_RETRY_UNIT_MS, 1000),
    httpTimeoutMs: num(env.GUST_SNS_HTTP_TIMEOUT_MS, 15_000),
    concurrency: num(env.GUST_SNS_CONCURRENCY, 32),
  };
}
