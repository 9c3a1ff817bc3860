/** "Function URL": the function's own HTTP endpoint, when it has one. */
import type { FunctionUrlConfig, Optional } from '../../api.ts';
import { Card, KeyValue, OptionalView } from '../ui.tsx';

export function FunctionUrlCard({ url }: { url: Optional<FunctionUrlConfig> }) {
  return (
    <Card title="Function URL">
      <OptionalView value={url} what="Function URLs">
        {(v) => (
          <KeyValue
            rows={[
              [
                'URL',
                <a key="u" href={v.FunctionUrl} target="_blank" rel="noreferrer">
                  {v.FunctionUrl}
                </a>,
              ],
              ['Auth type', v.AuthType ?? '–'],
              ['Invoke mode', v.InvokeMode ?? '–'],
            ]}
          />
        )}
      </OptionalView>
    </Card>
  );
}
