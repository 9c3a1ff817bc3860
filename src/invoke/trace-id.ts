/** X-Ray style trace header passed to runtimes as Lambda-Runtime-Trace-Id. */
import { randomFillSync } from 'node:crypto';

// Random bytes are drawn from the kernel in blocks (one getrandom per 200 trace ids), not per id.
const POOL = Buffer.alloc(4000);
let offset = POOL.length;

function randomHex(n: number): string {
  if (offset + n > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const hex = POOL.toString('hex', offset, offset + n);
  offset += n;
  return hex;
}

export function newTraceId(): string {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return `Root=1-${epoch}-${randomHex(12)};Parent=${randomHex(8)};Sampled=0`;
}
