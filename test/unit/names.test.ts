import assert from 'node:assert/strict';
import { it } from 'node:test';
import { GustError } from '../../src/errors.ts';
import { functionArn, parseFunctionRef } from '../../src/control/names.ts';

it('parses names, partial ARNs and full ARNs with qualifiers', () => {
  assert.deepEqual(parseFunctionRef('my-fn'), { name: 'my-fn' });
  assert.deepEqual(parseFunctionRef('my-fn:prod'), { name: 'my-fn', qualifier: 'prod' });
  assert.deepEqual(parseFunctionRef('123456789012:function:my-fn'), { name: 'my-fn' });
  assert.deepEqual(parseFunctionRef('arn:aws:lambda:us-east-1:000000000000:function:my_fn:$LATEST'), {
    name: 'my_fn',
    qualifier: '$LATEST',
  });
  assert.deepEqual(parseFunctionRef('arn:aws:lambda:eu-west-1:000000000000:function:f:7'), {
    name: 'f',
    qualifier: '7',
  });
});

it('rejects malformed names with a ValidationException', () => {
  for (const bad of ['', 'has space', 'a/b', 'x'.repeat(65), 'fn:bad!q']) {
    assert.throws(
      () => parseFunctionRef(bad),
      (e: unknown) => e instanceof GustError && e.awsType === 'ValidationException',
      bad,
    );
  }
});

it('builds ARNs', () => {
  assert.equal(functionArn('us-east-1', '000000000000', 'f'), 'arn:aws:lambda:us-east-1:000000000000:function:f');
  assert.equal(
    functionArn('us-east-1', '000000000000', 'f', '3'),
    'arn:aws:lambda:us-east-1:000000000000:function:f:3',
  );
});
