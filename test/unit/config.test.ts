/** Configuration from the environment and overrides: defaults, and clear errors for unusable values. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

it('reads defaults and environment variables', () => {
  const c = loadConfig({}, { GUST_PORT: '9100', GUST_ACCOUNT_CONCURRENCY: '50' });
  assert.equal(c.port, 9100);
  assert.equal(c.gatewayPort, 9001);
  assert.equal(c.accountConcurrency, 50);
  assert.equal(c.keepAliveMs, 300_000);
  assert.equal(loadConfig({ port: 0 }, {}).gatewayPort, 0, 'a random port brings a random gateway port');
});

it('names the setting and what it expects when a value cannot be used', () => {
  const bad: [Record<string, string>, RegExp][] = [
    [{ GUST_PORT: 'abc' }, /^GUST_PORT: expected a whole number from 0 to 65535, got "abc"$/],
    [{ GUST_PORT: '70000' }, /^GUST_PORT: /],
    [{ GUST_ACCOUNT_CONCURRENCY: '0' }, /^GUST_ACCOUNT_CONCURRENCY: expected a whole number from 1/],
    [{ GUST_KEEP_ALIVE_MS: '-5' }, /^GUST_KEEP_ALIVE_MS: /],
    [{ GUST_ASYNC_POLL_MS: '1.5' }, /^GUST_ASYNC_POLL_MS: /],
    [{ GUST_SNS_CONCURRENCY: 'lots' }, /^GUST_SNS_CONCURRENCY: /],
  ];
  for (const [env, message] of bad) {
    assert.throws(
      () => loadConfig({}, env),
      (e: Error) => e instanceof ConfigError && message.test(e.message),
      JSON.stringify(env),
    );
  }
  assert.throws(() => loadConfig({ accountConcurrency: Number.NaN }, {}), /GUST_ACCOUNT_CONCURRENCY: .* got "NaN"/);
});
