/**
 * The function registry: create, update, read and delete functions. It validates input, stores code
 * in the content-addressed CodeStore and configuration in the FunctionStore, and tells listeners
 * (placement) when a function's code or configuration changes so stale environments are retired.
 */
import { randomUUID } from 'node:crypto';
import { GustError } from '../errors.ts';
import type { FunctionStore } from '../store/types.ts';
import type { CodeStore } from './code-store.ts';
import { LATEST, type FunctionRecord, type FunctionVersion, type LoggingConfig } from './model.ts';
import { validateFunctionName } from './names.ts';
import {
  validateEnvironment,
  validateEphemeralStorage,
  validateHandler,
  validateMemorySize,
  validateRuntime,
  validateTimeout,
} from './validation.ts';

export interface FunctionConfigInput {
  runtime?: string;
  handler?: string;
  role?: string;
  description?: string;
  memorySize?: number;
  timeout?: number;
  environment?: Record<string, string>;
  architectures?: string[];
  ephemeralStorageSize?: number;
  loggingConfig?: Partial<LoggingConfig>;
  layers?: string[];
}

export interface CreateFunctionInput extends FunctionConfigInput {
  name: string;
  runtime: string;
  zip: Buffer;
}

export type RegistryEvent = { type: 'updated' | 'deleted'; name: string };

export class Registry {
  private listeners: ((e: RegistryEvent) => void)[] = [];
  private cache = new Map<string, FunctionRecord>();

  constructor(
    private store: FunctionStore,
    private code: CodeStore,
  ) {}

  onChange(fn: (e: RegistryEvent) => void): void {
    this.listeners.push(fn);
  }

  private emit(e: RegistryEvent): void {
    this.cache.delete(e.name);
    for (const l of this.listeners) l(e);
  }

  get(name: string): FunctionRecord | undefined {
    let rec = this.cache.get(name);
    if (!rec) {
      rec = this.store.get(name);
      if (rec) this.cache.set(name, rec);
    }
    return rec;
  }

  /** Like get, but throws Lambda's ResourceNotFoundException. */
  require(name: string, arn: string): FunctionRecord {
    const rec = this.get(name);
    if (!rec) throw new GustError('GUST_FUNCTION_NOT_FOUND', `Function not found: ${arn}`);
    return rec;
  }

  list(): FunctionRecord[] {
    return this.store.list();
  }

  /** Resolve a version of a function. Only $LATEST exists until versions are published. */
  resolveVersion(rec: FunctionRecord, qualifier: string | undefined, arn: string): FunctionVersion {
    if (qualifier === undefined || qualifier === LATEST) return rec.latest;
    throw new GustError('GUST_FUNCTION_NOT_FOUND', `Function not found: ${arn}`);
  }

  async create(input: CreateFunctionInput): Promise<FunctionRecord> {
    validateFunctionName(input.name);
    const cfg = this.applyConfig(input.name, undefined, input);
    if (this.get(input.name)) {
      throw new GustError('GUST_FUNCTION_EXISTS', `Function already exist: ${input.name}`);
    }
    const stored = await this.code.put(input.zip);
    const now = new Date();
    const latest: FunctionVersion = {
      ...cfg,
      functionName: input.name,
      version: LATEST,
      codeSha256: stored.sha256Hex,
      codeSize: stored.size,
      lastModified: lambdaTimestamp(now),
      revisionId: randomUUID(),
      revision: now.getTime(),
    };
    const record: FunctionRecord = { name: input.name, createdAt: now.toISOString(), latest };
    if (!this.store.insert(record)) {
      throw new GustError('GUST_FUNCTION_EXISTS', `Function already exist: ${input.name}`);
    }
    this.emit({ type: 'updated', name: input.name });
    return record;
  }

  async updateCode(name: string, zip: Buffer, arn: string): Promise<FunctionRecord> {
    const rec = this.require(name, arn);
    const stored = await this.code.put(zip);
    return this.write(rec, { codeSha256: stored.sha256Hex, codeSize: stored.size });
  }

  updateConfig(name: string, input: FunctionConfigInput, arn: string): FunctionRecord {
    const rec = this.require(name, arn);
    const cfg = this.applyConfig(rec.name, rec.latest, input);
    return this.write(rec, cfg);
  }

  delete(name: string, arn: string): void {
    this.require(name, arn);
    this.store.delete(name);
    this.emit({ type: 'deleted', name });
  }

  private write(rec: FunctionRecord, patch: Partial<FunctionVersion>): FunctionRecord {
    const now = new Date();
    const latest: FunctionVersion = {
      ...rec.latest,
      ...patch,
      lastModified: lambdaTimestamp(now),
      revisionId: randomUUID(),
      revision: Math.max(now.getTime(), rec.latest.revision + 1),
    };
    this.store.updateLatest(rec.name, latest);
    this.emit({ type: 'updated', name: rec.name });
    return { ...rec, latest };
  }

  /** Merge input over an existing config (or defaults), validating every field. */
  private applyConfig(
    name: string,
    base: FunctionVersion | undefined,
    input: FunctionConfigInput,
  ): Omit<
    FunctionVersion,
    'functionName' | 'version' | 'codeSha256' | 'codeSize' | 'lastModified' | 'revisionId' | 'revision'
  > {
    const runtime = input.runtime ?? base?.runtime ?? '';
    validateRuntime(runtime);
    const handler = input.handler ?? base?.handler ?? '';
    validateHandler(runtime, handler);
    const memorySize = input.memorySize ?? base?.memorySize ?? 128;
    validateMemorySize(memorySize);
    const timeout = input.timeout ?? base?.timeout ?? 3;
    validateTimeout(timeout);
    const environment = input.environment ?? base?.environment ?? {};
    validateEnvironment(environment);
    const ephemeralStorageSize = input.ephemeralStorageSize ?? base?.ephemeralStorageSize ?? 512;
    validateEphemeralStorage(ephemeralStorageSize);
    const architectures = input.architectures ?? base?.architectures ?? ['x86_64'];
    if (architectures.length !== 1 || !['x86_64', 'arm64'].includes(architectures[0]!)) {
      throw new GustError('GUST_INVALID_PARAMETER', `Architectures must be exactly one of x86_64, arm64.`);
    }
    const lc = { ...(base?.loggingConfig ?? {}), ...(input.loggingConfig ?? {}) };
    const logFormat = lc.LogFormat ?? 'Text';
    if (logFormat !== 'Text' && logFormat !== 'JSON') {
      throw new GustError('GUST_INVALID_PARAMETER', `LogFormat must be Text or JSON.`);
    }
    const loggingConfig: LoggingConfig = {
      LogFormat: logFormat,
      LogGroup: lc.LogGroup ?? `/aws/lambda/${name}`,
      ...(logFormat === 'JSON'
        ? { ApplicationLogLevel: lc.ApplicationLogLevel ?? 'INFO', SystemLogLevel: lc.SystemLogLevel ?? 'INFO' }
        : {}),
    };
    return {
      runtime,
      handler,
      role: input.role ?? base?.role ?? '',
      description: input.description ?? base?.description ?? '',
      memorySize,
      timeout,
      environment,
      architectures,
      ephemeralStorageSize,
      loggingConfig,
      layers: input.layers ?? base?.layers ?? [],
    };
  }
}

/** Lambda's LastModified format: 2024-01-02T03:04:05.678+0000 */
export function lambdaTimestamp(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}
