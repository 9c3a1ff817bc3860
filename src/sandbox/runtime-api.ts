/**
 * The Lambda Runtime API (2018-06-01) for one execution environment, served on a loopback port.
 * Routes: GET invocation/next (long poll), POST invocation/{id}/response, POST invocation/{id}/error,
 * POST init/error. The environment supplies the handlers; this module only speaks HTTP.
 * It is plain node:http on purpose: four fixed routes on the hottest path of every invocation.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const RUNTIME_API_VERSION = '2018-06-01';
/** Lambda's limit for a synchronous response payload (the figure AWS's messages quote). */
export const MAX_RESPONSE_BYTES = 6_291_556;
/** Limit for error and init error bodies. */
const MAX_ERROR_BYTES = 1024 * 1024;

export interface RuntimeApiHandlers {
  /** The runtime asks for the next event; call deliver when one is available. */
  next(res: http.ServerResponse): void;
  /** Returns false if the request id is not the one in flight. */
  response(requestId: string, body: Buffer): boolean;
  /** The response was larger than MAX_RESPONSE_BYTES. */
  responseTooLarge(requestId: string, size: number): boolean;
  error(requestId: string, errorType: string | undefined, body: Buffer): boolean;
  initError(errorType: string | undefined, body: Buffer): void;
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
  res.writeHead(status, JSON_HEADERS);
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const INVALID_ID = { errorMessage: 'Invalid request ID', errorType: 'InvalidRequestID' };

/** Read a request body up to `limit` bytes; resolves with the bytes or with the total size if over. */
function readBody(req: http.IncomingMessage, limit: number): Promise<{ body?: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size <= limit ? { body: Buffer.concat(chunks, size), size } : { size }));
    req.on('error', reject);
  });
}

export interface RuntimeApiServer {
  address: string;
  close(): void;
}

const PREFIX = `/${RUNTIME_API_VERSION}/runtime/`;

export async function startRuntimeApi(h: RuntimeApiHandlers): Promise<RuntimeApiServer> {
  const server = http.createServer(async (req, res) => {
    try {
      const url = req.url ?? '';
      if (!url.startsWith(PREFIX)) return reply(res, 404, { errorMessage: 'Not found', errorType: 'NotFound' });
      const route = url.slice(PREFIX.length);
      if (route === 'invocation/next') {
        if (req.method !== 'GET')
          return reply(res, 405, { errorMessage: 'Method not allowed', errorType: 'MethodNotAllowed' });
        req.resume();
        return h.next(res);
      }
      if (req.method !== 'POST')
        return reply(res, 405, { errorMessage: 'Method not allowed', errorType: 'MethodNotAllowed' });
      if (route === 'init/error') {
        const { body } = await readBody(req, MAX_ERROR_BYTES);
        h.initError(req.headers['lambda-runtime-function-error-type'] as string | undefined, body ?? Buffer.alloc(0));
        return reply(res, 202, ACCEPTED);
      }
      const m = /^invocation\/([^/]+)\/(response|error)$/.exec(route);
      if (!m) return reply(res, 404, { errorMessage: 'Not found', errorType: 'NotFound' });
      const requestId = decodeURIComponent(m[1]!);
      if (m[2] === 'response') {
        const { body, size } = await readBody(req, MAX_RESPONSE_BYTES);
        if (!body) {
          if (!h.responseTooLarge(requestId, size)) return reply(res, 400, INVALID_ID);
          return reply(res, 413, {
            errorMessage: `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
            errorType: 'RequestEntityTooLarge',
          });
        }
        return h.response(requestId, body) ? reply(res, 202, ACCEPTED) : reply(res, 400, INVALID_ID);
      }
      const { body } = await readBody(req, MAX_ERROR_BYTES);
      const ok = h.error(
        requestId,
        req.headers['lambda-runtime-function-error-type'] as string | undefined,
        body ?? Buffer.from('{"errorMessage":"error body too large","errorType":"Runtime.Unknown"}'),
      );
      return ok ? reply(res, 202, ACCEPTED) : reply(res, 400, INVALID_ID);
    } catch {
      if (!res.headersSent) reply(res, 500, { errorMessage: 'Internal error', errorType: 'ServiceException' });
    }
  });
  // The next-invocation request long-polls for as long as the environment stays idle.
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
