/** Create a function or update its code and configuration: shared by `gust deploy` and `gust apply`. */
import { ApiError, type GustClient } from './client.ts';

export interface FunctionSettingsInput {
  runtime?: string;
  handler?: string;
  memory?: number;
  timeout?: number;
  description?: string;
  environment?: Record<string, string>;
  /** DeadLetterConfig.TargetArn ('' removes it). */
  deadLetterTargetArn?: string;
}

export interface DeployedFunction {
  FunctionName: string;
  FunctionArn: string;
  Runtime: string;
  CodeSize: number;
  CodeSha256: string;
}

export class DeployUsageError extends Error {}

/** Repeated `KEY=VALUE` option values (`--env`, `--parameter-overrides`) as a record. */
export function keyValues(list: string[], flag: string, form: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i < 1) throw new DeployUsageError(`${flag} expects ${form}, got ${kv}`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

const enc = encodeURIComponent;

export const defaultHandler = (runtime: string): string =>
  runtime.startsWith('provided')
    ? 'bootstrap'
    : runtime.startsWith('python')
      ? 'lambda_function.lambda_handler'
      : 'index.handler';

export async function deployFunction(
  c: GustClient,
  name: string,
  zip: Buffer,
  s: FunctionSettingsInput,
): Promise<{ fn: DeployedFunction; created: boolean; codeChanged: boolean }> {
  const config = {
    Runtime: s.runtime,
    Handler: s.handler,
    MemorySize: s.memory,
    Timeout: s.timeout,
    Description: s.description,
    Environment: s.environment ? { Variables: s.environment } : undefined,
    DeadLetterConfig: s.deadLetterTargetArn !== undefined ? { TargetArn: s.deadLetterTargetArn } : undefined,
  };
  let current: DeployedFunction | undefined;
  try {
    current = await c.json<DeployedFunction>('GET', `/2015-03-31/functions/${enc(name)}/configuration`);
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  if (!current) {
    if (!s.runtime) throw new DeployUsageError('--runtime is required to create a function');
    const fn = await c.json<DeployedFunction>('POST', '/2015-03-31/functions', {
      FunctionName: name,
      ...config,
      Handler: s.handler ?? defaultHandler(s.runtime),
      Role: 'arn:aws:iam::000000000000:role/gust',
      Code: { ZipFile: zip.toString('base64') },
    });
    return { fn, created: true, codeChanged: true };
  }
  let fn = await c.json<DeployedFunction>('PUT', `/2015-03-31/functions/${enc(name)}/code`, {
    ZipFile: zip.toString('base64'),
  });
  if (Object.values(config).some((v) => v !== undefined)) {
    fn = await c.json<DeployedFunction>('PUT', `/2015-03-31/functions/${enc(name)}/configuration`, config);
  }
  return { fn, created: false, codeChanged: fn.CodeSha256 !== current.CodeSha256 };
}
