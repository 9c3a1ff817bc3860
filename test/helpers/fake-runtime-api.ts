/**
 * A minimal Lambda Runtime API (2018-06-01) used to contract-test Gust's runtime bootstraps
 * (runtimes/node, runtimes/python) without a full Gust server. It queues invocations, records every
 * response/error/init-error posted by the runtime, and exposes them as promises.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface FakeInvocation {
  requestId: string;
  payload: string;
  deadlineMs: number;
  functionArn?: string;
  clientContext?: string;
  cognitoIdentity?: string;
}

export interface RuntimeOutcome {
  kind: 'response' | 'error';
  requestId: string;
  body: string;
  errorType?: string;
  /** Content-Type the runtime posted with (optional addition; older callers ignore it). */
  contentType?: string;
}

export class FakeRuntimeApi {
  private server = http.createServer((req, res) => this.handle(req, res));
  private queue: FakeInvocation[] = [];
  private waitingNext: http.ServerResponse[] = [];
  private outcomes = new Map<string, (o: RuntimeOutcome) => void>();
  initError?: { body: string; errorType?: string };
  private initErrorWaiters: ((e: { body: string; errorType?: string }) => void)[] = [];
  nextCalls = 0;
  /** When set, a posted response larger than this gets HTTP 413 (like Lambda's 6 MB limit) and the
   *  invocation's outcome is an error of type Function.ResponseSizeTooLarge. */
  responseLimitBytes?: number;

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const res of this.waitingNext) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Queue an invocation and resolve with what the runtime posted for it. */
  invoke(payload: unknown, opts: Partial<FakeInvocation> = {}): Promise<RuntimeOutcome> {
    const inv: FakeInvocation = {
      requestId: opts.requestId ?? randomUUID(),
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      deadlineMs: opts.deadlineMs ?? Date.now() + 30_000,
      functionArn: opts.functionArn ?? 'arn:aws:lambda:us-east-1:000000000000:function:test',
      clientContext: opts.clientContext,
      cognitoIdentity: opts.cognitoIdentity,
    };
    const p = new Promise<RuntimeOutcome>((resolve) => this.outcomes.set(inv.requestId, resolve));
    const waiter = this.waitingNext.shift();
    if (waiter) this.deliver(waiter, inv);
    else this.queue.push(inv);
    return p;
  }

  waitInitError(): Promise<{ body: string; errorType?: string }> {
    if (this.initError) return Promise.resolve(this.initError);
    return new Promise((r) => this.initErrorWaiters.push(r));
  }

  private deliver(res: http.ServerResponse, inv: FakeInvocation): void {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': inv.requestId,
      'lambda-runtime-deadline-ms': String(inv.deadlineMs),
      'lambda-runtime-invoked-function-arn': inv.functionArn ?? '',
      'lambda-runtime-trace-id': 'Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0',
    };
    if (inv.clientContext) headers['lambda-runtime-client-context'] = inv.clientContext;
    if (inv.cognitoIdentity) headers['lambda-runtime-cognito-identity'] = inv.cognitoIdentity;
    res.writeHead(200, headers);
    res.end(inv.payload);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '';
      const errorType = req.headers['lambda-runtime-function-error-type'] as string | undefined;
      if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
        this.nextCalls++;
        const inv = this.queue.shift();
        if (inv) this.deliver(res, inv);
        else this.waitingNext.push(res);
        return;
      }
      if (req.method === 'POST' && url === '/2018-06-01/runtime/init/error') {
        this.initError = { body, errorType };
        for (const w of this.initErrorWaiters.splice(0)) w(this.initError);
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
        return;
      }
      const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
      if (req.method === 'POST' && m) {
        const requestId = decodeURIComponent(m[1]!);
        const done = this.outcomes.get(requestId);
        if (!done) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end('{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}');
          return;
        }
        this.outcomes.delete(requestId);
        const contentType = req.headers['content-type'];
        if (
          m[2] === 'response' &&
          this.responseLimitBytes !== undefined &&
          Buffer.byteLength(body) > this.responseLimitBytes
        ) {
          const err = JSON.stringify({
            errorMessage: 'Exceeded maximum allowed payload size',
            errorType: 'RequestEntityTooLarge',
          });
          done({ kind: 'error', requestId, body: err, errorType: 'Function.ResponseSizeTooLarge', contentType });
          res.writeHead(413, { 'content-type': 'application/json' }).end(err);
          return;
        }
        done({ kind: m[2] as 'response' | 'error', requestId, body, errorType, contentType });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
        return;
      }
      res.writeHead(404).end();
    });
  }
}
