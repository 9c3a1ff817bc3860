/**
 * Function-level settings: reserved concurrency, provisioned concurrency requests and asynchronous
 * invocation configs (retries, event age, destinations). Stored with the function; placement and
 * the async queue read them through the registry.
 */
import { GustError } from '../errors.ts';
import type { EventInvokeConfig, FunctionRecord } from './model.ts';
import { lambdaTimestamp, type Registry } from './registry.ts';

/** Lambda keeps at least this much of the account limit unreserved. */
export const MIN_UNRESERVED = 100;

export const DEFAULT_MAX_RETRY_ATTEMPTS = 2;
export const DEFAULT_MAX_EVENT_AGE_S = 21_600;

export interface EventInvokeConfigInput {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  onSuccess?: string | null;
  onFailure?: string | null;
}

/** Destination ARNs Gust can deliver to (functions now; queues and topics come with their services). */
export function validateDestination(arn: string): void {
  if (!/^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?$/.test(arn)) {
    throw new GustError(
      'GUST_INVALID_PARAMETER',
      `The destination ARN ${arn} is invalid. Gust supports Lambda function destinations.`,
    );
  }
}

export class FunctionSettingsService {
  constructor(
    private registry: Registry,
    private accountLimit: () => number,
    /** Checks a destination ARN (functions, and queues/topics once their services register). */
    private validateDestination: (arn: string) => void = () => {},
  ) {}

  reservedTotal(except?: string): number {
    let sum = 0;
    for (const f of this.registry.list()) if (f.name !== except) sum += f.settings.reservedConcurrency ?? 0;
    return sum;
  }

  putReservedConcurrency(name: string, n: number): number {
    const rec = this.registry.require(name);
    if (!Number.isInteger(n) || n < 0) {
      throw new GustError(
        'GUST_VALIDATION',
        `1 validation error detected: Value '${n}' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0`,
      );
    }
    const unreserved = this.accountLimit() - this.reservedTotal(name) - n;
    if (unreserved < MIN_UNRESERVED) {
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MIN_UNRESERVED}].`,
      );
    }
    const maxProvisioned = Math.max(0, ...Object.values(rec.settings.provisioned).map((p) => p.requested));
    if (n < maxProvisioned) {
      throw new GustError(
        'GUST_FUNCTION_EXISTS',
        `Reserved concurrency (${n}) cannot be lower than the provisioned concurrency (${maxProvisioned}) of the function.`,
      );
    }
    this.registry.saveSettings(name, { ...rec.settings, reservedConcurrency: n });
    return n;
  }

  deleteReservedConcurrency(name: string): void {
    const rec = this.registry.require(name);
    const settings = { ...rec.settings };
    delete settings.reservedConcurrency;
    this.registry.saveSettings(name, settings);
  }

  /** The qualifier of a provisioned/event config must exist; provisioned needs a published version or alias. */
  private requireQualifier(rec: FunctionRecord, qualifier: string): void {
    this.registry.resolveVersion(rec, qualifier);
  }

  putProvisioned(name: string, qualifier: string | undefined, n: number): { requested: number; lastModified: string } {
    const rec = this.registry.require(name);
    if (!qualifier || qualifier === '$LATEST') {
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
      );
    }
    this.requireQualifier(rec, qualifier);
    if (!Number.isInteger(n) || n < 1) {
      throw new GustError(
        'GUST_VALIDATION',
        `1 validation error detected: Value '${n}' at 'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 1`,
      );
    }
    const limit = rec.settings.reservedConcurrency ?? this.accountLimit() - MIN_UNRESERVED;
    const others = Object.entries(rec.settings.provisioned)
      .filter(([q]) => q !== qualifier)
      .reduce((s, [, p]) => s + p.requested, 0);
    if (n + others > limit) {
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        `Requested Provisioned Concurrency (${n + others}) exceeds the available concurrency (${limit}) of the function.`,
      );
    }
    const cfg = { requested: n, lastModified: lambdaTimestamp(new Date()) };
    this.registry.saveSettings(name, {
      ...rec.settings,
      provisioned: { ...rec.settings.provisioned, [qualifier]: cfg },
    });
    return cfg;
  }

  getProvisioned(name: string, qualifier: string | undefined): { requested: number; lastModified: string } {
    const rec = this.registry.require(name);
    const cfg = qualifier ? rec.settings.provisioned[qualifier] : undefined;
    if (!cfg) {
      throw new GustError(
        'GUST_PROVISIONED_CONFIG_NOT_FOUND',
        `No Provisioned Concurrency Config found for this function`,
      );
    }
    return cfg;
  }

  deleteProvisioned(name: string, qualifier: string | undefined): void {
    this.getProvisioned(name, qualifier);
    const rec = this.registry.require(name);
    const provisioned = { ...rec.settings.provisioned };
    delete provisioned[qualifier!];
    this.registry.saveSettings(name, { ...rec.settings, provisioned });
  }

  /** Event invoke config of the invoked qualifier (unqualified = $LATEST), with Lambda's defaults. */
  effectiveEventConfig(rec: FunctionRecord, qualifier: string | null): EventInvokeConfig {
    const cfg = rec.settings.eventInvokeConfigs[qualifier ?? '$LATEST'];
    return {
      maximumRetryAttempts: cfg?.maximumRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS,
      maximumEventAgeInSeconds: cfg?.maximumEventAgeInSeconds ?? DEFAULT_MAX_EVENT_AGE_S,
      onSuccess: cfg?.onSuccess,
      onFailure: cfg?.onFailure,
      lastModified: cfg?.lastModified ?? 0,
    };
  }

  /** Put (replace) or update (merge) the event invoke config of a qualifier. */
  putEventConfig(
    name: string,
    qualifier: string | undefined,
    input: EventInvokeConfigInput,
    merge: boolean,
  ): EventInvokeConfig {
    const rec = this.registry.require(name);
    const q = qualifier ?? '$LATEST';
    this.requireQualifier(rec, q);
    const base = merge ? rec.settings.eventInvokeConfigs[q] : undefined;
    if (merge && !base) {
      throw new GustError(
        'GUST_FUNCTION_NOT_FOUND',
        `The function ${this.registry.arn(name, q)} doesn't have an EventInvokeConfig`,
      );
    }
    const retries = input.maximumRetryAttempts ?? base?.maximumRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS;
    const age = input.maximumEventAgeInSeconds ?? base?.maximumEventAgeInSeconds ?? DEFAULT_MAX_EVENT_AGE_S;
    if (!Number.isInteger(retries) || retries < 0 || retries > 2) {
      throw new GustError(
        'GUST_VALIDATION',
        `1 validation error detected: Value '${retries}' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2`,
      );
    }
    if (!Number.isInteger(age) || age < 60 || age > 21_600) {
      throw new GustError(
        'GUST_VALIDATION',
        `1 validation error detected: Value '${age}' at 'maximumEventAgeInSeconds' failed to satisfy constraint: Member must have value between 60 and 21600`,
      );
    }
    const pick = (v: string | null | undefined, b: string | undefined): string | undefined =>
      v === null ? undefined : (v ?? b);
    const cfg: EventInvokeConfig = {
      maximumRetryAttempts: retries,
      maximumEventAgeInSeconds: age,
      onSuccess: pick(input.onSuccess, base?.onSuccess),
      onFailure: pick(input.onFailure, base?.onFailure),
      lastModified: Date.now(),
    };
    if (cfg.onSuccess) this.validateDestination(cfg.onSuccess);
    if (cfg.onFailure) this.validateDestination(cfg.onFailure);
    this.registry.saveSettings(name, {
      ...rec.settings,
      eventInvokeConfigs: { ...rec.settings.eventInvokeConfigs, [q]: cfg },
    });
    return cfg;
  }

  getEventConfig(name: string, qualifier: string | undefined): EventInvokeConfig {
    const rec = this.registry.require(name);
    const q = qualifier ?? '$LATEST';
    const cfg = rec.settings.eventInvokeConfigs[q];
    if (!cfg) {
      throw new GustError(
        'GUST_FUNCTION_NOT_FOUND',
        `The function ${this.registry.arn(name, q)} doesn't have an EventInvokeConfig`,
      );
    }
    return cfg;
  }

  listEventConfigs(name: string): [string, EventInvokeConfig][] {
    return Object.entries(this.registry.require(name).settings.eventInvokeConfigs);
  }

  deleteEventConfig(name: string, qualifier: string | undefined): void {
    this.getEventConfig(name, qualifier);
    const rec = this.registry.require(name);
    const eventInvokeConfigs = { ...rec.settings.eventInvokeConfigs };
    delete eventInvokeConfigs[qualifier ?? '$LATEST'];
    this.registry.saveSettings(name, { ...rec.settings, eventInvokeConfigs });
  }
}
