/**
 * Event source mappings from SQS queues to functions: validation as Lambda does it for SQS,
 * persistence, and Lambda's EventSourceMappingConfiguration shape. Changes are handed to the
 * pollers through `onChange`.
 */
import { randomUUID } from 'node:crypto';
import type {
  EventSourceMappingBackend,
  EventSourceMappingInput,
  EventSourceMappingShape,
} from '../../api/lambda/event-source-mappings.ts';
import { parseFunctionRef } from '../../control/names.ts';
import type { Registry } from '../../control/registry.ts';
import { GustError } from '../../errors.ts';
import { nameFromArn } from './names.ts';
import type { QueueEngine } from './queues.ts';
import type { SqsStore } from './store.ts';

export interface MappingRecord {
  uuid: string;
  queueArn: string;
  functionName: string;
  qualifier?: string;
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  enabled: boolean;
  reportBatchItemFailures: boolean;
  maximumConcurrency?: number;
  /** Unix ms. */
  lastModified: number;
}

/** Pollers per mapping when ScalingConfig does not say. */
export const DEFAULT_MAXIMUM_CONCURRENCY = 5;

const UNSUPPORTED_FOR_SQS = [
  'StartingPosition',
  'StartingPositionTimestamp',
  'ParallelizationFactor',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'MaximumRecordAgeInSeconds',
  'TumblingWindowInSeconds',
  'DestinationConfig',
  'Topics',
  'Queues',
  'SelfManagedEventSource',
];

const invalid = (msg: string): GustError => new GustError('GUST_INVALID_PARAMETER', msg);

export class EventSourceMappings implements EventSourceMappingBackend {
  private byUuid = new Map<string, MappingRecord>();

  constructor(
    private store: SqsStore,
    private engine: QueueEngine,
    private registry: Registry,
    private onChange: (uuid: string, m: MappingRecord | undefined) => void,
  ) {
    for (const m of store.loadMappings<MappingRecord>()) this.byUuid.set(m.uuid, m);
  }

  all(): MappingRecord[] {
    return [...this.byUuid.values()];
  }

  create(input: EventSourceMappingInput): EventSourceMappingShape {
    if (!input.EventSourceArn) invalidMissing('EventSourceArn');
    if (!input.FunctionName) invalidMissing('FunctionName');
    const arn = input.EventSourceArn!;
    if (!nameFromArn(arn)) throw invalid(`Unsupported event source ARN ${arn}: Gust maps Amazon SQS queues only.`);
    const ref = parseFunctionRef(input.FunctionName!);
    const m: MappingRecord = {
      uuid: randomUUID(),
      queueArn: arn,
      functionName: ref.name,
      ...(ref.qualifier ? { qualifier: ref.qualifier } : {}),
      batchSize: input.BatchSize ?? 10,
      maximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds ?? 0,
      enabled: input.Enabled ?? true,
      reportBatchItemFailures: (input.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
      ...(input.ScalingConfig?.MaximumConcurrency !== undefined
        ? { maximumConcurrency: input.ScalingConfig.MaximumConcurrency }
        : {}),
      lastModified: Date.now(),
    };
    this.validate(m, input, true);
    const dup = this.all().find(
      (x) => x.queueArn === m.queueArn && x.functionName === m.functionName && x.qualifier === m.qualifier,
    );
    if (dup) {
      throw new GustError(
        'GUST_FUNCTION_EXISTS',
        `An event source mapping with SQS arn (" ${m.queueArn} ") and function (" ${m.functionName} ") already exists. Please update or delete the existing mapping with UUID ${dup.uuid}`,
      );
    }
    this.save(m);
    return this.shape(m, 'Creating');
  }

  get(uuid: string): EventSourceMappingShape {
    return this.shape(this.require(uuid));
  }

  update(uuid: string, input: EventSourceMappingInput): EventSourceMappingShape {
    const cur = this.require(uuid);
    if (input.EventSourceArn !== undefined && input.EventSourceArn !== cur.queueArn) {
      throw invalid('The event source of a mapping cannot be changed.');
    }
    const ref = input.FunctionName ? parseFunctionRef(input.FunctionName) : undefined;
    const m: MappingRecord = {
      ...cur,
      ...(ref ? { functionName: ref.name, qualifier: ref.qualifier } : {}),
      batchSize: input.BatchSize ?? cur.batchSize,
      maximumBatchingWindowInSeconds: input.MaximumBatchingWindowInSeconds ?? cur.maximumBatchingWindowInSeconds,
      enabled: input.Enabled ?? cur.enabled,
      reportBatchItemFailures: input.FunctionResponseTypes
        ? input.FunctionResponseTypes.includes('ReportBatchItemFailures')
        : cur.reportBatchItemFailures,
      lastModified: Date.now(),
    };
    if (m.qualifier === undefined) delete m.qualifier;
    if (input.ScalingConfig) {
      if (input.ScalingConfig.MaximumConcurrency === undefined) delete m.maximumConcurrency;
      else m.maximumConcurrency = input.ScalingConfig.MaximumConcurrency;
    }
    this.validate(m, input, ref !== undefined);
    this.save(m);
    const state =
      input.Enabled === undefined || input.Enabled === cur.enabled ? 'Updating' : m.enabled ? 'Enabling' : 'Disabling';
    return this.shape(m, state);
  }

  delete(uuid: string): EventSourceMappingShape {
    const m = this.require(uuid);
    this.store.deleteMapping(uuid);
    this.byUuid.delete(uuid);
    this.onChange(uuid, undefined);
    return this.shape(m, 'Deleting');
  }

  list(filter: { eventSourceArn?: string; functionName?: string }): EventSourceMappingShape[] {
    const fn = filter.functionName ? parseFunctionRef(filter.functionName) : undefined;
    return this.all()
      .filter((m) => !filter.eventSourceArn || m.queueArn === filter.eventSourceArn)
      .filter(
        (m) => !fn || (m.functionName === fn.name && (fn.qualifier === undefined || m.qualifier === fn.qualifier)),
      )
      .sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0))
      .map((m) => this.shape(m));
  }

  private require(uuid: string): MappingRecord {
    const m = this.byUuid.get(uuid);
    if (!m) throw new GustError('GUST_EVENT_SOURCE_MAPPING_NOT_FOUND', 'The resource you requested does not exist.');
    return m;
  }

  private save(m: MappingRecord): void {
    this.store.putMapping(m.uuid, m.queueArn, m.functionName, m);
    this.byUuid.set(m.uuid, m);
    this.onChange(m.uuid, m);
  }

  /** Lambda's checks for an SQS mapping; the function is checked when it is (re)named. */
  private validate(m: MappingRecord, input: EventSourceMappingInput, checkFunction: boolean): void {
    for (const p of UNSUPPORTED_FOR_SQS) {
      if ((input as Record<string, unknown>)[p] !== undefined) {
        throw invalid(`Unsupported MSK/Kinesis/DynamoDB parameter for an SQS event source: ${p}`);
      }
    }
    if ((input as Record<string, unknown>).FilterCriteria !== undefined) {
      throw invalid('FilterCriteria is not supported by Gust.');
    }
    const queue = this.engine.queueByArn(m.queueArn);
    if (!queue && checkFunction) {
      throw invalid(
        `Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue ${m.queueArn} does not exist.`,
      );
    }
    const fifo = queue?.fifo ?? false;
    const maxBatch = fifo ? 10 : 10000;
    if (m.batchSize < 1 || m.batchSize > maxBatch) {
      throw invalid(
        fifo
          ? 'Batch size for FIFO queues must be between 1 and 10.'
          : `BatchSize ${m.batchSize} is out of bounds: it must be between 1 and 10000.`,
      );
    }
    if (m.maximumBatchingWindowInSeconds < 0 || m.maximumBatchingWindowInSeconds > 300) {
      throw invalid('MaximumBatchingWindowInSeconds must be between 0 and 300.');
    }
    if (fifo && m.maximumBatchingWindowInSeconds > 0) {
      throw invalid('Batching window is not supported for FIFO queues');
    }
    if (m.batchSize > 10 && m.maximumBatchingWindowInSeconds < 1) {
      throw invalid('Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10');
    }
    if (!checkFunction) return;
    const rec = this.registry.require(m.functionName, this.registry.arn(m.functionName, m.qualifier));
    const fn = this.registry.resolveVersion(rec, m.qualifier);
    const vt = this.engine.config(queue!.name).visibilityTimeout;
    if (vt < fn.timeout) {
      throw invalid(`Queue visibility timeout: ${vt} seconds is less than Function timeout: ${fn.timeout} seconds`);
    }
  }

  private shape(m: MappingRecord, transient?: string): EventSourceMappingShape {
    const region = this.registry.region;
    const account = this.registry.accountId;
    return {
      UUID: m.uuid,
      BatchSize: m.batchSize,
      MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
      EventSourceArn: m.queueArn,
      FunctionArn: this.registry.arn(m.functionName, m.qualifier),
      LastModified: m.lastModified / 1000,
      State: transient ?? (m.enabled ? 'Enabled' : 'Disabled'),
      StateTransitionReason: 'USER_INITIATED',
      FunctionResponseTypes: m.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
      ...(m.maximumConcurrency !== undefined ? { ScalingConfig: { MaximumConcurrency: m.maximumConcurrency } } : {}),
      EventSourceMappingArn: `arn:aws:lambda:${region}:${account}:event-source-mapping:${m.uuid}`,
    };
  }
}

function invalidMissing(p: string): never {
  throw new GustError('GUST_INVALID_PARAMETER', `${p} is required.`);
}
