/** Request schemas of the Lambda control-plane operations (unknown fields are accepted and ignored). */
import { z } from 'zod';

const environment = z.looseObject({ Variables: z.record(z.string(), z.string()).optional() });
const loggingConfig = z.looseObject({
  LogFormat: z.enum(['Text', 'JSON']).optional(),
  ApplicationLogLevel: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']).optional(),
  SystemLogLevel: z.enum(['DEBUG', 'INFO', 'WARN']).optional(),
  LogGroup: z.string().min(1).max(512).optional(),
});

const configFields = {
  Runtime: z.string().optional(),
  Role: z.string().max(2048).optional(),
  Handler: z.string().max(128).optional(),
  Description: z.string().max(256).optional(),
  Timeout: z.number().int().optional(),
  MemorySize: z.number().int().optional(),
  Environment: environment.optional(),
  EphemeralStorage: z.looseObject({ Size: z.number().int() }).optional(),
  LoggingConfig: loggingConfig.optional(),
  Layers: z.array(z.string()).optional(),
  DeadLetterConfig: z.looseObject({ TargetArn: z.string().max(1024).optional() }).optional(),
};

export const createFunctionSchema = z.looseObject({
  FunctionName: z.string().min(1).max(140),
  ...configFields,
  Runtime: z.string(),
  Code: z.looseObject({
    ZipFile: z.string().optional(),
    S3Bucket: z.string().optional(),
    S3Key: z.string().optional(),
    ImageUri: z.string().optional(),
  }),
  PackageType: z.enum(['Zip', 'Image']).optional(),
  Publish: z.boolean().optional(),
  Architectures: z.array(z.string()).min(1).max(1).optional(),
});

export const updateConfigSchema = z.looseObject({ ...configFields, RevisionId: z.string().optional() });

export const updateCodeSchema = z.looseObject({
  ZipFile: z.string().optional(),
  S3Bucket: z.string().optional(),
  S3Key: z.string().optional(),
  ImageUri: z.string().optional(),
  Publish: z.boolean().optional(),
  DryRun: z.boolean().optional(),
  RevisionId: z.string().optional(),
  Architectures: z.array(z.string()).min(1).max(1).optional(),
});
