/**
 * The Lambda Runtime API (2018-06-01) for one execution environment, served on a loopback port.
 * Routes: GET invocation/next (long poll), POST invocation/{id}/response, POST invocation/{id}/error,
 * POST init/error. The environment supplies the handlers (and the runtime state machine); this
 * module only speaks HTTP, with the status codes and error shapes of AWS's Runtime API:
 * 400 InvalidRequestID, 403 InvalidStateTransition, 413 RequestEntityTooLarge, 404 unknown path,
 * 405 wrong method. The runtime is untrusted code: nothing it sends may throw out of here.
 * It is plain node:http on purpose: four fixed routes on the hottest path of every invocation.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const RUNTIME_API_VERSION = '2018-06-01';
/** Lambda's limit for a synchronous response payload (the figure AWS's messages quote). */
export const MAX_RESPONSE_BYTES = 6_291_556;
/** Limit for error and init error bodies. */
const MAX_ERROR_BYTES = 1024 * 1024;
/** Longest request id accepted in a path (Gust's are UUIDs; anything longer cannot match). */
const MAX_REQUEST_ID = 256;

/**
 * What the environment makes of a runtime's POST: accepted (then `after` runs once the runtime has
 * been answered), a request id that is not the current invocation's, or a call the runtime's
 * state does not allow (e.g. a second response for the same invocation, init/error after init).
 */
export type Verdict =
  | { kind: 'accepted'; after?: () => void }
  | { kind: 'invalid-id' }
  | { kind: 'invalid-state'; from: string; to: string; reason?: string };

export const ACCEPTED_VERDICT: Verdict = { kind: 'accepted' };

export interface RuntimeApiHandlers {
  /** The runtime asks for the next event: deliver it (deliverNext), park `res`, or reject it. */
  next(res: http.ServerResponse): void;
  /** Checked before the body is read (no side effects). */
  checkPost(kind: 'response' | 'error', requestId: string): Verdict;
  /** Checked before an init error body is read (no side effects). */
  checkInitError(): Verdict;
  response(requestId: string, body: Buffer): Verdict;
  /** The response was larger than MAX_RESPONSE_BYTES (accepted: answered 413, the invocation fails). */
  responseTooLarge(requestId: string, size: number): Verdict;
  error(requestId: string, errorType: string | undefined, body: Buffer): Verdict;
  initError(errorType: string | undefined, body: Buffer): Verdict;
}

export interface NextEvent {
  requestId: string;
  deadlineMs: number;
  functionArn: string;
  traceId: string;
  clientContext?: string;
  cognitoIdentity?: string;
  payload: Buffer;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const ACCEPTED = '{"status":"OK"}';

export function deliverNext(res: http.ServerResponse, ev: NextEvent): void {
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': ev.payload.length,
    'lambda-runtime-aws-request-id': ev.requestId,
    'lambda-runtime-deadline-ms': ev.deadlineMs,
    'lambda-runtime-invoked-function-arn': ev.functionArn,
    'lambda-runtime-trace-id': ev.traceId,
  };
  if (ev.clientContext) headers['lambda-runtime-client-context'] = ev.clientContext;
  if (ev.cognitoIdentity) headers['lambda-runtime-cognito-identity'] = ev.cognitoIdentity;
  res.writeHead(200, headers);
  res.end(ev.payload);
}

function reply(res: http.ServerResponse, status: number, body: object | string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, JSON_HEADERS);
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const INVALID_ID = { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' };
const NOT_FOUND = { errorMessage: 'Not found', errorType: 'NotFound' };
const METHOD_NOT_ALLOWED = { errorMessage: 'Method not allowed', errorType: 'MethodNotAllowed' };
const TOO_LARGE = {
  errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  errorType: 'RequestEntityTooLarge',
};

/** 403 InvalidStateTransition in AWS's words. */
export function rejectState(res: http.ServerResponse, from: string, to: string, reason?: string): void {
  reply(res, 403, {
    errorMessage: `State transition from ${from} to ${to} failed for runtime. Error: ${reason ?? 'State transition is not allowed'}`,
    errorType: 'InvalidStateTransition',
  });
}

/** Answer a rejected verdict; returns false when the verdict was accepted (nothing sent). */
function rejected(res: http.ServerResponse, v: Verdict): boolean {
  if (v.kind === 'invalid-id') reply(res, 400, INVALID_ID);
  else if (v.kind === 'invalid-state') rejectState(res, v.from, v.to, v.reason);
  else return false;
  return true;
}

/** Answer a verdict on a runtime's POST: the rejection, or `status` and then its `after` step. */
function answer(res: http.ServerResponse, v: Verdict, status = 202, body: object | string = ACCEPTED): void {
  if (rejected(res, v) || v.kind !== 'accepted') return;
  reply(res, status, body);
  v.after?.();
}

/** Throw away the rest of a request body we answered without reading. */
function discard(req: http.IncomingMessage): void {
  req.on('error', () => {});
  req.resume();
}

/**
 * Read a request body up to `limit` bytes; resolves with the bytes, or with only the total size if
 * over (the rest is read and dropped). Rejects when the connection ends before the body does.
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<{ body?: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size <= limit ? { body: Buffer.concat(chunks, size), size } : { size }));
    req.on('error', reject);
    req.on('close', () => {
      if (!req.complete) reject(new Error('request body incomplete'));
    });
  });
}

export interface RuntimeApiServer {
  address: string;
  close(): void;
}

const PREFIX = `/${RUNTIME_API_VERSION}/runtime/`;
const POST_ROUTE = /^invocation\/([^/]*)\/(response|error)$/;

function decodeId(raw: string): string | undefined {
  if (raw.length > MAX_REQUEST_ID * 3) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

async function handle(h: RuntimeApiHandlers, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const raw = req.url ?? '';
  const q = raw.indexOf('?');
  const url = q === -1 ? raw : raw.slice(0, q);
  if (!url.startsWith(PREFIX)) {
    discard(req);
    return reply(res, 404, NOT_FOUND);
  }
  const route = url.slice(PREFIX.length);
  if (route === 'invocation/next') {
    discard(req);
    if (req.method !== 'GET') return reply(res, 405, METHOD_NOT_ALLOWED);
    return h.next(res);
  }
  const m = POST_ROUTE.exec(route);
  if (route !== 'init/error' && !m) {
    discard(req);
    return reply(res, 404, NOT_FOUND);
  }
  if (req.method !== 'POST') {
    discard(req);
    return reply(res, 405, METHOD_NOT_ALLOWED);
  }
  const errorType = req.headers['lambda-runtime-function-error-type'];
  const type = typeof errorType === 'string' ? errorType : undefined;
  if (!m) {
    const pre = h.checkInitError();
    if (pre.kind !== 'accepted') {
      discard(req);
      rejected(res, pre);
      return;
    }
    const { body } = await readBody(req, MAX_ERROR_BYTES);
    return answer(res, h.initError(type, body ?? errorTooLarge()));
  }
  const requestId = decodeId(m[1]!);
  const kind = m[2] as 'response' | 'error';
  const pre = requestId === undefined ? ({ kind: 'invalid-id' } as const) : h.checkPost(kind, requestId);
  if (requestId === undefined || pre.kind !== 'accepted') {
    discard(req);
    rejected(res, pre);
    return;
  }
  if (kind === 'response') {
    const { body, size } = await readBody(req, MAX_RESPONSE_BYTES);
    if (body) return answer(res, h.response(requestId, body));
    return answer(res, h.responseTooLarge(requestId, size), 413, TOO_LARGE);
  }
  const { body } = await readBody(req, MAX_ERROR_BYTES);
  return answer(res, h.error(requestId, type, body ?? errorTooLarge()));
}

const errorTooLarge = (): Buffer =>
  Buffer.from(
    JSON.stringify({
      errorMessage: `Error body exceeded the maximum allowed size (${MAX_ERROR_BYTES} bytes).`,
      errorType: 'Runtime.Unknown',
    }),
  );

export async function startRuntimeApi(h: RuntimeApiHandlers): Promise<RuntimeApiServer> {
  const server = http.createServer((req, res) => {
    handle(h, req, res).catch(() => {
      // The runtime hung up mid-body (or a handler failed): nothing useful to tell it.
      if (!res.headersSent && !res.destroyed)
        reply(res, 500, { errorMessage: 'Internal error', errorType: 'ServiceException' });
    });
  });
  // Garbage on the wire: answer 400 when the socket can still take it, never throw.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  // The next-invocation request long-polls for as long as the environment stays idle. A runtime
  // that never finishes a request is bounded by the invocation timeout (the environment is killed
  // and this server closed with all its connections).
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 0;
  server.timeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
