/**
 * The function registry: create, update, read and delete functions. It validates input, stores code
 * in the content-addressed CodeStore and configuration in the FunctionStore, and tells listeners
 * (placement) when a function's code or configuration changes so stale environments are retired.
 */
import { randomUUID } from 'node:crypto';
import { GustError } from '../errors.ts';
import type { FunctionStore } from '../store/types.ts';
import type { CodeStore } from './code-store.ts';
import {
  defaultSettings,
  LATEST,
  type AliasRecord,
  type FunctionRecord,
  type FunctionSettings,
  type FunctionVersion,
  type LoggingConfig,
} from './model.ts';
import { functionArn, validateFunctionName } from './names.ts';
import {
  validateEnvironment,
  validateEphemeralStorage,
  validateHandler,
  validateMemorySize,
  validateDeadLetterTarget,
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
  /** '' removes the dead-letter queue. */
  deadLetterTargetArn?: string;
}

export interface CreateFunctionInput extends FunctionConfigInput {
  name: string;
  runtime: string;
  zip: Buffer;
}

export type RegistryEvent =
  | { type: 'latest-changed'; name: string }
  | { type: 'deleted'; name: string }
  | { type: 'version-deleted'; name: string; version: string }
  | { type: 'settings-changed'; name: string };

/** A resolved qualifier: the version to run and, when invoked through an alias, its name. */
export interface ResolvedVersion {
  fn: FunctionVersion;
  alias?: string;
}

export class Registry {
  private listeners: ((e: RegistryEvent) => void)[] = [];
  private cache = new Map<string, FunctionRecord>();

  constructor(
    readonly store: FunctionStore,
    private code: CodeStore,
    readonly region: string,
    readonly accountId: string,
  ) {}

  arn(name: string, qualifier?: string): string {
    return functionArn(this.region, this.accountId, name, qualifier);
  }

  onChange(fn: (e: RegistryEvent) => void): void {
    this.listeners.push(fn);
  }

  emit(e: RegistryEvent): void {
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
  require(name: string, arn = this.arn(name)): FunctionRecord {
    const rec = this.get(name);
    if (!rec) throw new GustError('GUST_FUNCTION_NOT_FOUND', `Function not found: ${arn}`);
    return rec;
  }

  /** Replace a function's settings (reserved concurrency, event invoke configs, provisioned, counters). */
  saveSettings(name: string, settings: FunctionSettings): void {
    this.store.updateSettings(name, settings);
    this.emit({ type: 'settings-changed', name });
  }

  list(): FunctionRecord[] {
    return this.store.list();
  }

  /** The version a qualifier names: $LATEST, a published version number, or an alias's primary version. */
  resolveVersion(
    rec: FunctionRecord,
    qualifier: string | undefined,
    arn = this.arn(rec.name, qualifier),
  ): FunctionVersion {
    if (qualifier === undefined || qualifier === LATEST) return rec.latest;
    const notFound = (): GustError => new GustError('GUST_FUNCTION_NOT_FOUND', `Function not found: ${arn}`);
    if (/^\d+$/.test(qualifier)) {
      const v = this.store.getVersion(rec.name, qualifier);
      if (!v) throw notFound();
      return v;
    }
    const alias = this.store.getAlias(rec.name, qualifier);
    if (!alias) throw notFound();
    return this.resolveVersion(rec, alias.functionVersion, arn);
  }

  /** Resolve for an invocation: aliases with weighted routing pick a version at random by weight. */
  resolveForInvoke(rec: FunctionRecord, qualifier: string | undefined, random = Math.random()): ResolvedVersion {
    if (qualifier !== undefined && qualifier !== LATEST && !/^\d+$/.test(qualifier)) {
      const alias = this.store.getAlias(rec.name, qualifier);
      if (!alias)
        throw new GustError('GUST_FUNCTION_NOT_FOUND', `Function not found: ${this.arn(rec.name, qualifier)}`);
      return { fn: this.resolveVersion(rec, pickAliasVersion(alias, random)), alias: alias.name };
    }
    return { fn: this.resolveVersion(rec, qualifier) };
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
    const record: FunctionRecord = {
      name: input.name,
      createdAt: now.toISOString(),
      latest,
      settings: defaultSettings(),
    };
    if (!this.store.insert(record)) {
      throw new GustError('GUST_FUNCTION_EXISTS', `Function already exist: ${input.name}`);
    }
    this.emit({ type: 'latest-changed', name: input.name });
    return record;
  }

  async updateCode(name: string, zip: Buffer, arn = this.arn(name)): Promise<FunctionRecord> {
    const rec = this.require(name, arn);
    const stored = await this.code.put(zip);
    return this.write(rec, { codeSha256: stored.sha256Hex, codeSize: stored.size });
  }

  updateConfig(name: string, input: FunctionConfigInput, arn = this.arn(name)): FunctionRecord {
    const rec = this.require(name, arn);
    const cfg = this.applyConfig(rec.name, rec.latest, input);
    return this.write(rec, cfg);
  }

  delete(name: string, arn = this.arn(name)): void {
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
    this.emit({ type: 'latest-changed', name: rec.name });
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
    const deadLetterTargetArn = input.deadLetterTargetArn ?? base?.deadLetterTargetArn ?? '';
    validateDeadLetterTarget(deadLetterTargetArn);
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
      deadLetterTargetArn: deadLetterTargetArn || undefined, // undefined clears it in write()'s merge
    };
  }
}

/** Weighted alias routing: the additional version gets its weight's share of invocations. */
export function pickAliasVersion(alias: AliasRecord, random: number): string {
  let acc = 0;
  for (const [version, weight] of Object.entries(alias.routingConfig?.AdditionalVersionWeights ?? {})) {
    acc += weight;
    if (random < acc) return version;
  }
  return alias.functionVersion;
}

/** Lambda's LastModified format: 2024-01-02T03:04:05.678+0000 */
export function lambdaTimestamp(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}
