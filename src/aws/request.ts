/** What the AWS layer reads off a raw request: the SigV4 credential scope, the body, the form parameters. */
import type { IncomingMessage } from 'node:http';
import { GustError } from '../errors.ts';

export interface CredentialScope {
  accessKeyId: string;
  region: string;
  service: string;
}

const SCOPE = /^([^/\s,]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** The credential scope of a SigV4-signed request (Authorization header or X-Amz-Credential query). */
export function credentialScope(
  headers: IncomingMessage['headers'],
  query: URLSearchParams,
): CredentialScope | undefined {
  const auth = headers.authorization ?? '';
  const credential = /Credential=([^,\s]+)/.exec(auth)?.[1] ?? query.get('X-Amz-Credential') ?? '';
  const m = SCOPE.exec(credential);
  return m ? { accessKeyId: m[1]!, region: m[2]!, service: m[3]! } : undefined;
}

/** The whole request body, refused with 413 past `limit` bytes (the rest is drained, not read). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume();
      reject(tooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function tooLarge(limit: number): GustError {
  return new GustError(
    'GUST_REQUEST_TOO_LARGE',
    `Request body is larger than the ${limit} bytes this endpoint accepts.`,
  );
}

export function isFormContent(headers: IncomingMessage['headers']): boolean {
  return String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}
