/** "HTTP routes": the HTTP gateway's routes to the function. */
import type { HttpRoute, Optional } from '../../api.ts';
import { DataTable } from '../DataTable.tsx';
import { Card, Mono, OptionalView } from '../ui.tsx';

export function HttpRoutesCard({
  name,
  routes,
  gateway,
}: {
  name: string;
  routes: Optional<{ routes: HttpRoute[] }>;
  gateway: Optional<{ url: string }>;
}) {
  const base = gateway.state === 'ok' ? gateway.data.url : undefined;
  return (
    <Card title="HTTP routes">
      <OptionalView value={routes} what="The HTTP gateway">
        {(v) => (
          <DataTable
            empty={`None${base ? ` (gateway at ${base})` : ''}.`}
            rows={v.routes.filter((r) => r.functionName === name)}
            rowKey={(r) => r.routeId}
            columns={[
              { header: 'Route', cell: (r) => <Mono>{r.routeKey}</Mono> },
              { header: 'Qualifier', cell: (r) => r.qualifier ?? '$LATEST' },
            ]}
          />
        )}
      </OptionalView>
    </Card>
  );
}
