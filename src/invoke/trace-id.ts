/** X-Ray style trace header passed to runtimes as Lambda-Runtime-Trace-Id. */
import { randomBytes } from 'node:crypto';

export function newTraceId(): string {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${epoch}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}
