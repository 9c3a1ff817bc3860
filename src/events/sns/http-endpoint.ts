/**
 * One HTTP/S POST to a subscriber endpoint, with SNS's headers. The caller decides what the outcome
 * means: 2xx delivered, 5xx/429/network error/timeout retried, other 4xx a permanent failure.
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpPostResult {
  /** HTTP status, or undefined when no response arrived (connection error, timeout). */
  status?: number;
  error?: string;
}

export function postToEndpoint(
  endpoint: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpPostResult> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      resolve({ error: `invalid endpoint URL ${endpoint}` });
      return;
    }
    const lib = url.protocol === 'https:' ? https : http;
    const payload = Buffer.from(body, 'utf8');
    const req = lib.request(
      url,
      {
        method: 'POST',
        headers: {
          'User-Agent': 'Amazon Simple Notification Service Agent',
          'Content-Length': String(payload.length),
          ...headers,
        },
        timeout: timeoutMs,
        signal,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode }));
        res.on('error', (e) => resolve({ status: res.statusCode, error: e.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ error: e.message }));
    req.end(payload);
  });
}

/** SNS's rule: 2xx delivered; 4xx other than 429 a client error (not retried); the rest retried. */
export function classifyStatus(r: HttpPostResult): 'ok' | 'retry' | 'permanent' {
  if (r.status === undefined) return 'retry';
  if (r.status >= 200 && r.status < 300) return 'ok';
  if (r.status >= 400 && r.status < 500 && r.status !== 429) return 'permanent';
  return 'retry';
}
