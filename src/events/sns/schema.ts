/** SNS's API model, from the Smithy schemas of the pinned @aws-sdk/client-sns. */
import * as sdk from '@aws-sdk/client-sns';
import { modelFromSdk } from '../../aws/model.ts';

export const SNS_MODEL = modelFromSdk('sns', sdk as unknown as Record<string, unknown>);

export const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
