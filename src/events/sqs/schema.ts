/** SQS's API model, from the Smithy schemas of the pinned @aws-sdk/client-sqs. */
import * as sdk from '@aws-sdk/client-sqs';
import { modelFromSdk } from '../../aws/model.ts';

export const SQS_MODEL = modelFromSdk('sqs', sdk as unknown as Record<string, unknown>);

export const SQS_XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';
