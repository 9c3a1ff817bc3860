/** Test harness: a real Gust server on a random port with a throwaway home, plus an SDK client. */
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipDirectory } from '../../src/control/zip-dir.ts';
import { startGust, type Gust, type StartOptions } from '../../src/server.ts';

export interface TestGust {
  gust: Gust;
  lambda: LambdaClient;
  home: string;
  url: string;
  stop(opts?: { keepHome?: boolean }): Promise<void>;
}

export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gust-test-'));
}

export function lambdaClient(url: string): LambdaClient {
  return new LambdaClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

export async function startTestGust(opts: StartOptions = {}): Promise<TestGust> {
  const home = opts.home ?? tempHome();
  const gust = await startGust({ port: 0, keepAliveMs: 60_000, ...opts, home });
  const lambda = lambdaClient(gust.url);
  return {
    gust,
    lambda,
    home,
    url: gust.url,
    stop: async ({ keepHome = false } = {}) => {
      lambda.destroy();
      await gust.stop();
      if (!keepHome) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

export const decode = (p: Uint8Array | undefined): string => Buffer.from(p ?? []).toString('utf8');
export const json = (p: Uint8Array | undefined): unknown => JSON.parse(decode(p));

export const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');

export async function deployFixture(
  t: TestGust,
  name: string,
  fixture: string,
  runtime: string,
  handler: string,
  extra: Partial<CreateFunctionCommandInput> = {},
): Promise<void> {
  const zip = await zipDirectory(path.join(FIXTURES, fixture));
  await t.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: runtime as CreateFunctionCommandInput['Runtime'],
      Handler: handler,
      Role: 'arn:aws:iam::000000000000:role/test',
      Code: { ZipFile: zip },
      ...extra,
    }),
  );
}

export interface Invoked {
  status?: number;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  functionError?: string;
  log?: string;
  version?: string;
}

export async function invoke(
  t: TestGust,
  name: string,
  event: unknown,
  opts: { tail?: boolean; qualifier?: string } = {},
): Promise<Invoked> {
  const r = await t.lambda.send(
    new InvokeCommand({
      FunctionName: name,
      Payload: Buffer.from(JSON.stringify(event)),
      LogType: opts.tail ? 'Tail' : 'None',
      Qualifier: opts.qualifier,
    }),
  );
  const body = decode(r.Payload);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  return {
    status: r.StatusCode,
    body,
    json: parsed,
    functionError: r.FunctionError,
    log: r.LogResult ? Buffer.from(r.LogResult, 'base64').toString('utf8') : undefined,
    version: r.ExecutedVersion,
  };
}

export interface Recorded {
  requestId: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  event: any;
  version: string;
  initType: string;
  tag: string | null;
}

/** Lines written by the recorder fixture so far. */
export function readRecords(file: string): Recorded[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Recorded);
}

/** Poll until `check` returns true or the timeout passes (then the last value is asserted by the caller). */
export async function waitFor(check: () => boolean, timeoutMs = 15_000, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'gust.js');

/** Start `gust serve` as a separate process (for kill -9 tests); resolves with its URL. */
export async function spawnServer(
  home: string,
  env: Record<string, string> = {},
): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--home', home, '--quiet'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    const onData = (c: Buffer): void => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  return { proc, url };
}
