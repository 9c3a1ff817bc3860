/** Keeps docs/ERRORS.md complete: every stable error code must be documented with its kind and AWS type. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { it } from 'node:test';
import { ERROR_CODES, GustError } from '../../src/errors.ts';

const doc = fs.readFileSync(new URL('../../docs/ERRORS.md', import.meta.url), 'utf8');

it('documents every error code in docs/ERRORS.md', () => {
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
    assert.ok(row, `docs/ERRORS.md is missing ${code}`);
    assert.ok(row.includes(`| ${spec.kind} |`), `${code}: kind ${spec.kind}`);
    assert.ok(row.includes(`| ${spec.awsType} |`), `${code}: AWS type ${spec.awsType}`);
    assert.ok(row.includes(`| ${spec.status} |`), `${code}: status ${spec.status}`);
  }
});

it('documents no code that does not exist', () => {
  const documented = [...doc.matchAll(/^\| `(GUST_[A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(
    documented.filter((c) => !(c! in ERROR_CODES)),
    [],
  );
});

it('GustError carries the spec of its code', () => {
  const e = new GustError('GUST_THROTTLED', 'Rate Exceeded.', { Reason: 'ConcurrentInvocationLimitExceeded' });
  assert.equal(e.status, 429);
  assert.equal(e.kind, 'user');
  assert.equal(e.awsType, 'TooManyRequestsException');
  assert.equal(e.extra.Reason, 'ConcurrentInvocationLimitExceeded');
});
