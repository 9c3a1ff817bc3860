/** Aliases: named pointers to a version, optionally splitting traffic with a second version by weight. */
import { randomUUID } from 'node:crypto';
import { GustError } from '../errors.ts';
import type { AliasRecord, AliasRoutingConfig } from './model.ts';
import type { Registry } from './registry.ts';

const ALIAS_RE = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;

export interface AliasInput {
  functionVersion?: string;
  description?: string;
  routingConfig?: AliasRoutingConfig;
  revisionId?: string;
}

export class Aliases {
  constructor(private registry: Registry) {}

  private validate(name: string, a: { functionVersion: string; routingConfig?: AliasRoutingConfig }): void {
    const rec = this.registry.require(name);
    const exists = (v: string): boolean => v === '$LATEST' || this.registry.store.getVersion(rec.name, v) !== undefined;
    if (!exists(a.functionVersion)) {
      throw new GustError(
        'GUST_FUNCTION_NOT_FOUND',
        `Function not found: ${this.registry.arn(name, a.functionVersion)}`,
      );
    }
    const weights = Object.entries(a.routingConfig?.AdditionalVersionWeights ?? {});
    if (weights.length > 1) {
      throw new GustError(
        'GUST_INVALID_PARAMETER',
        'Number of items in AdditionalVersionWeights cannot be greater than 1',
      );
    }
    for (const [v, w] of weights) {
      if (typeof w !== 'number' || !(w >= 0 && w <= 1)) {
        throw new GustError(
          'GUST_VALIDATION',
          `1 validation error detected: Value '${w}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]`,
        );
      }
      if (v === a.functionVersion) {
        throw new GustError(
          'GUST_INVALID_PARAMETER',
          `Invalid function version ${v}. Function version ${v} is already included in routing configuration.`,
        );
      }
      if (v === '$LATEST' || a.functionVersion === '$LATEST') {
        throw new GustError(
          'GUST_INVALID_PARAMETER',
          'Alias with weights can not be used with $LATEST; route between published versions.',
        );
      }
      if (!exists(v))
        throw new GustError('GUST_FUNCTION_NOT_FOUND', `Function not found: ${this.registry.arn(name, v)}`);
    }
  }

  create(name: string, alias: string, input: AliasInput): AliasRecord {
    if (!ALIAS_RE.test(alias) || alias.length > 128) {
      throw new GustError(
        'GUST_VALIDATION',
        `1 validation error detected: Value '${alias}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`,
      );
    }
    if (!input.functionVersion) throw new GustError('GUST_INVALID_PARAMETER', 'FunctionVersion is required.');
    const rec: AliasRecord = {
      functionName: name,
      name: alias,
      functionVersion: input.functionVersion,
      description: input.description ?? '',
      routingConfig: input.routingConfig,
      revisionId: randomUUID(),
    };
    this.validate(name, rec);
    if (this.registry.store.getAlias(name, alias)) {
      throw new GustError('GUST_FUNCTION_EXISTS', `Alias already exists: ${this.registry.arn(name, alias)}`);
    }
    this.registry.store.putAlias(rec);
    this.registry.emit({ type: 'settings-changed', name });
    return rec;
  }

  get(name: string, alias: string): AliasRecord {
    this.registry.require(name);
    const a = this.registry.store.getAlias(name, alias);
    if (!a) throw new GustError('GUST_FUNCTION_NOT_FOUND', `Alias not found: ${this.registry.arn(name, alias)}`);
    return a;
  }

  list(name: string, functionVersion?: string): AliasRecord[] {
    this.registry.require(name);
    const all = this.registry.store.listAliases(name);
    return functionVersion ? all.filter((a) => a.functionVersion === functionVersion) : all;
  }

  update(name: string, alias: string, input: AliasInput): AliasRecord {
    const cur = this.get(name, alias);
    if (input.revisionId && input.revisionId !== cur.revisionId) {
      throw new GustError(
        'GUST_PRECONDITION_FAILED',
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      );
    }
    const next: AliasRecord = {
      ...cur,
      functionVersion: input.functionVersion ?? cur.functionVersion,
      description: input.description ?? cur.description,
      routingConfig: input.routingConfig ?? cur.routingConfig,
      revisionId: randomUUID(),
    };
    this.validate(name, next);
    this.registry.store.putAlias(next);
    this.registry.emit({ type: 'settings-changed', name });
    return next;
  }

  delete(name: string, alias: string): void {
    const rec = this.registry.require(name);
    this.registry.store.deleteAlias(name, alias);
    const settings = { ...rec.settings };
    delete settings.eventInvokeConfigs[alias];
    delete settings.provisioned[alias];
    this.registry.saveSettings(name, settings);
  }
}
