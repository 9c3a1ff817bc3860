import assert from 'node:assert/strict';
import { it } from 'node:test';
import { newTraceId } from '../../src/invoke/trace-id.ts';

it('makes X-Ray trace headers, unique across refills of the random pool', () => {
  const ids = Array.from({ length: 1000 }, () => newTraceId());
  for (const id of ids) assert.match(id, /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
  assert.equal(new Set(ids.map((i) => i.slice(16))).size, ids.length);
  const epoch = parseInt(ids[0]!.slice(7, 15), 16);
  assert.ok(Math.abs(epoch - Date.now() / 1000) < 5);
});
