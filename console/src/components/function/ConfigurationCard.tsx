/** "Configuration": a function's settings. */
import type { FunctionConfiguration } from '../../api.ts';
import { bytes } from '../../format.ts';
import { Card, KeyValue, Mono } from '../ui.tsx';

export function ConfigurationCard({ c }: { c: FunctionConfiguration }) {
  return (
    <Card title="Configuration">
      <KeyValue
        rows={[
          ['Runtime', c.Runtime],
          ['Handler', <Mono key="h">{c.Handler}</Mono>],
          ['Memory', `${c.MemorySize} MB`],
          ['Timeout', `${c.Timeout} s`],
          ['Ephemeral storage', c.EphemeralStorage ? `${c.EphemeralStorage.Size} MB` : '–'],
          ['Architectures', (c.Architectures ?? []).join(', ')],
          ['Code size', bytes(c.CodeSize)],
          ['Code SHA-256', <Mono key="s">{c.CodeSha256}</Mono>],
          ['Last modified', c.LastModified],
          ['Role', <Mono key="r">{c.Role}</Mono>],
          ['Description', c.Description || '–'],
          [
            'Dead-letter queue',
            c.DeadLetterConfig?.TargetArn ? <Mono key="d">{c.DeadLetterConfig.TargetArn}</Mono> : '–',
          ],
        ]}
      />
    </Card>
  );
}
