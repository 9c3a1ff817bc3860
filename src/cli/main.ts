/** The `gust` command: serve, deploy, invoke, logs, ls, rm. */
import { Command, InvalidArgumentError } from 'commander';
import fs from 'node:fs';
import { zipDirectory } from '../control/zip-dir.ts';
import { httpGatewayUrl } from '../events/http/index.ts';
import { startGust } from '../server.ts';
import { VERSION } from '../version.ts';
import { ApiError, ConnectionError, GustClient } from './client.ts';
import { registerCostCommand } from './cost.ts';
import { deployFunction, DeployUsageError, keyValues } from './deploy-function.ts';
import { ConfigError } from '../config.ts';
import { registerApplyCommand } from './apply.ts';
import { ManifestError } from './manifest.ts';

interface FnConfig {
  FunctionName: string;
  Runtime: string;
  Handler: string;
  MemorySize: number;
  Timeout: number;
  LastModified: string;
  CodeSize: number;
}

const intArg = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
};

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

const program = new Command();
program
  .name('gust')
  .description('Gust: self-hosted serverless functions with AWS Lambda interfaces')
  .version(VERSION)
  .option('-e, --endpoint <url>', 'Gust server URL', process.env.GUST_ENDPOINT ?? 'http://127.0.0.1:9000');

const client = (): GustClient => new GustClient((program.opts().endpoint as string).replace(/\/$/, ''));
const enc = encodeURIComponent;

program
  .command('serve')
  .description('start the Gust server (SQLite + local disk under $GUST_HOME)')
  .option('-p, --port <port>', 'port (default 9000, $GUST_PORT)', intArg)
  .option('-H, --host <host>', 'interface to listen on (default 127.0.0.1)')
  .option('--home <dir>', 'state directory (default ./.gust, $GUST_HOME)')
  .option('--keep-alive <seconds>', 'idle environments are reaped after this long', intArg)
  .option('--concurrency <n>', 'account concurrency limit (default 1000)', intArg)
  .option('--gateway-port <port>', 'port of routes and function URLs (default 9001, 0 = random)', intArg)
  .option('--quiet', 'no request log')
  .action(
    async (o: {
      port?: number;
      host?: string;
      home?: string;
      keepAlive?: number;
      concurrency?: number;
      gatewayPort?: number;
      quiet?: boolean;
    }) => {
      const gust = await startGust({
        port: o.port,
        host: o.host,
        home: o.home,
        keepAliveMs: o.keepAlive !== undefined ? o.keepAlive * 1000 : undefined,
        accountConcurrency: o.concurrency,
        gatewayPort: o.gatewayPort,
        logger: !o.quiet,
      });
      console.log(
        `gust ${VERSION} listening on ${gust.url} (home ${gust.config.home}, memory limits: ${gust.cgroups.mode === 'none' ? 'off' : `cgroup ${gust.cgroups.mode}`})`,
      );
      console.log(`gust: HTTP gateway (routes, function URLs) on ${httpGatewayUrl(gust.app)}`);
      let signals = 0;
      const onSignal = (): void => {
        if (++signals > 1) process.exit(130);
        console.log('gust: shutting down (waiting for invocations in flight; Ctrl-C again to force)');
        void gust.stop().then(() => process.exit(0));
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    },
  );

program
  .command('deploy')
  .description('create or update a function from a directory or a zip file')
  .argument('<path>', 'directory or .zip file with the function code')
  .requiredOption('-n, --name <name>', 'function name')
  .option('-r, --runtime <runtime>', 'runtime (nodejs20.x, nodejs22.x, python3.12, provided.al2023, ...)')
  .option('--handler <handler>', 'handler, e.g. index.handler')
  .option('-m, --memory <mb>', 'memory size in MB', intArg)
  .option('-t, --timeout <seconds>', 'timeout in seconds', intArg)
  .option('--env <KEY=VALUE>', 'environment variable (repeatable)', collect)
  .option('--description <text>', 'description')
  .action(
    async (
      p: string,
      o: {
        name: string;
        runtime?: string;
        handler?: string;
        memory?: number;
        timeout?: number;
        env?: string[];
        description?: string;
      },
    ) => {
      if (!fs.existsSync(p)) throw new UsageError(`no such file or directory: ${p}`);
      const zip = fs.statSync(p).isDirectory() ? await zipDirectory(p) : fs.readFileSync(p);
      const env = o.env ? keyValues(o.env, '--env', 'KEY=VALUE') : undefined;
      const { fn, created } = await deployFunction(client(), o.name, zip, {
        runtime: o.runtime,
        handler: o.handler,
        memory: o.memory,
        timeout: o.timeout,
        description: o.description,
        environment: env,
      });
      console.log(`${created ? 'created' : 'updated'} ${fn.FunctionName} (${fn.Runtime}, ${fn.CodeSize} bytes)`);
    },
  );

program
  .command('invoke')
  .description('invoke a function and print its result (or, with --async, queue the event)')
  .argument('<name>', 'function name')
  .option('-p, --payload <json>', 'event JSON', '{}')
  .option('-f, --payload-file <file>', 'read the event from a file (- for stdin)')
  .option('-q, --qualifier <q>', 'version or alias')
  .option('--tail', 'print the last 4 KB of the invocation log to stderr')
  .option('--async', 'asynchronous invocation (InvocationType Event): prints the request id')
  .action(
    async (
      name: string,
      o: { payload: string; payloadFile?: string; qualifier?: string; tail?: boolean; async?: boolean },
    ) => {
      if (o.async && o.tail) throw new UsageError('--tail needs a synchronous invocation');
      const payload = o.payloadFile
        ? fs.readFileSync(o.payloadFile === '-' ? 0 : o.payloadFile)
        : Buffer.from(o.payload);
      const q = o.qualifier ? `?Qualifier=${enc(o.qualifier)}` : '';
      const res = await client().request('POST', `/2015-03-31/functions/${enc(name)}/invocations${q}`, payload, {
        'x-amz-log-type': o.tail ? 'Tail' : 'None',
        ...(o.async ? { 'x-amz-invocation-type': 'Event' } : {}),
      });
      const body = await res.text();
      if (o.async) {
        process.stdout.write(`queued ${res.headers.get('x-amzn-requestid') ?? ''}\n`);
        return;
      }
      const log = res.headers.get('x-amz-log-result');
      if (log) process.stderr.write(Buffer.from(log, 'base64').toString('utf8'));
      process.stdout.write(body + '\n');
      if (res.headers.get('x-amz-function-error')) process.exitCode = 1;
    },
  );

program
  .command('logs')
  .description("print a function's logs")
  .argument('<name>', 'function name')
  .option('-f, --follow', 'keep printing new log lines')
  .option('--request-id <id>', 'only this invocation')
  .option('--since <time>', 'ISO date, unix ms, or a duration like 10m / 2h (ago)')
  .option('--until <time>', 'ISO date, unix ms, or a duration like 5m (ago)')
  .option('--filter <text>', 'only lines containing text')
  .option('--level <level>', 'only lines at this level or above: TRACE, DEBUG, INFO, WARN, ERROR, FATAL')
  .option('-n, --limit <n>', 'lines of history', intArg, 200)
  .action(
    async (
      name: string,
      o: {
        follow?: boolean;
        requestId?: string;
        since?: string;
        until?: string;
        filter?: string;
        level?: string;
        limit: number;
      },
    ) => {
      if (o.follow && o.until) throw new UsageError('--until and --follow cannot be combined');
      const params = new URLSearchParams({ function: name, limit: String(o.limit) });
      if (o.requestId) params.set('requestId', o.requestId);
      if (o.level) params.set('level', o.level);
      if (o.filter) params.set('contains', o.filter);
      if (o.since) params.set('since', String(parseTime(o.since, '--since')));
      if (o.until) params.set('until', String(parseTime(o.until, '--until')));
      const c = client();
      await c.json('GET', `/2015-03-31/functions/${enc(name)}/configuration`);
      const print = (r: { timestamp: number; message: string }): void => {
        process.stdout.write(`${new Date(r.timestamp).toISOString()}  ${r.message}\n`);
      };
      if (!o.follow) {
        const { records } = await c.json<{ records: { timestamp: number; message: string }[] }>(
          'GET',
          `/gust/v1/logs?${params}`,
        );
        records.forEach(print);
        return;
      }
      params.set('follow', '1');
      const res = await c.request('GET', `/gust/v1/logs?${params}`);
      let buf = '';
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) print(JSON.parse(line) as { timestamp: number; message: string });
        }
      }
    },
  );

program
  .command('ls')
  .description('list functions')
  .action(async () => {
    const c = client();
    const rows: FnConfig[] = [];
    let marker: string | undefined;
    do {
      const page = await c.json<{ Functions: FnConfig[]; NextMarker?: string }>(
        'GET',
        `/2015-03-31/functions/?MaxItems=1000${marker ? `&Marker=${enc(marker)}` : ''}`,
      );
      rows.push(...page.Functions);
      marker = page.NextMarker;
    } while (marker);
    if (!rows.length) return console.log('no functions');
    const w = Math.max(4, ...rows.map((r) => r.FunctionName.length));
    console.log(
      `${'NAME'.padEnd(w)}  ${'RUNTIME'.padEnd(16)}  ${'MEMORY'.padStart(6)}  ${'TIMEOUT'.padStart(7)}  LAST MODIFIED`,
    );
    for (const r of rows) {
      console.log(
        `${r.FunctionName.padEnd(w)}  ${r.Runtime.padEnd(16)}  ${String(r.MemorySize).padStart(6)}  ${String(r.Timeout).padStart(7)}  ${r.LastModified}`,
      );
    }
  });

program
  .command('rm')
  .description('delete a function')
  .argument('<name>', 'function name')
  .action(async (name: string) => {
    await client().json('DELETE', `/2015-03-31/functions/${enc(name)}`);
    console.log(`deleted ${name}`);
  });

registerCostCommand(program, client);
registerApplyCommand(program, client);

class UsageError extends Error {}

/** An instant: ISO date, unix ms, or a duration back from now (30s, 10m, 2h, 1d). */
function parseTime(s: string, flag: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(s);
  if (m) return Date.now() - Number(m[1]) * { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 }[m[2] as 's' | 'm' | 'h' | 'd'];
  const n = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (Number.isNaN(n)) throw new UsageError(`${flag}: cannot parse ${s}`);
  return n;
}

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof ApiError) {
    console.error(`error: ${e.type}: ${e.message}`);
    process.exit(1);
  }
  if (
    e instanceof UsageError ||
    e instanceof DeployUsageError ||
    e instanceof ManifestError ||
    e instanceof ConfigError
  ) {
    console.error(`error: ${e.message}`);
    process.exit(2);
  }
  if (e instanceof ConnectionError) {
    console.error(`error: ${e.message}`);
    process.exit(3);
  }
  console.error(`error: ${(e as Error).stack ?? String(e)}`);
  process.exit(4);
});
