/** Lambda API response shapes built from the registry's model. */
import type { FunctionVersion } from '../../control/model.ts';
import { functionArn } from '../../control/names.ts';

export interface ApiContext {
  region: string;
  accountId: string;
  /** Base URL where code packages can be downloaded (GetFunction Code.Location). */
  publicUrl: () => string;
}

export function functionConfiguration(ctx: ApiContext, fn: FunctionVersion): Record<string, unknown> {
  const arn = functionArn(
    ctx.region,
    ctx.accountId,
    fn.functionName,
    fn.version === '$LATEST' ? undefined : fn.version,
  );
  return {
    FunctionName: fn.functionName,
    FunctionArn: arn,
    Runtime: fn.runtime,
    Role: fn.role,
    Handler: fn.handler,
    CodeSize: fn.codeSize,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: fn.lastModified,
    CodeSha256: Buffer.from(fn.codeSha256, 'hex').toString('base64'),
    Version: fn.version,
    Environment: { Variables: fn.environment },
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: fn.revisionId,
    Layers: fn.layers.map((a) => ({ Arn: a, CodeSize: 0 })),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: fn.architectures,
    EphemeralStorage: { Size: fn.ephemeralStorageSize },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: { RuntimeVersionArn: `gust:runtime:${fn.runtime}` },
    LoggingConfig: fn.loggingConfig,
    ...(fn.deadLetterTargetArn ? { DeadLetterConfig: { TargetArn: fn.deadLetterTargetArn } } : {}),
  };
}

export function functionCode(ctx: ApiContext, fn: FunctionVersion): Record<string, unknown> {
  return { RepositoryType: 'S3', Location: `${ctx.publicUrl()}/gust/v1/code/${fn.codeSha256}.zip` };
}
