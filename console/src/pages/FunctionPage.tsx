/** One function: overview (health, charts, recent invocations), invoke, invocations, configuration, triggers. */
import type { ReactNode } from 'react';
import {
  deadLetters,
  getFunction,
  getFunctionUrl,
  getReservedConcurrency,
  httpGateway,
  httpRoutes,
  listAliases,
  listEventInvokeConfigs,
  listEventSourceMappings,
  listProvisioned,
  listSchedules,
  listVersions,
  metering,
  type Optional,
} from '../api.ts';
import { InvocationsTable } from '../components/InvocationsTable.tsx';
import { InvokePanel } from '../components/InvokePanel.tsx';
import { MetricsPanel } from '../components/MetricsPanel.tsx';
import { Async, Card, KeyValue, Mono, NotAvailable, Stat, Tabs } from '../components/ui.tsx';
import { ago, bytes, dateTime, ms, pct } from '../format.ts';
import { href, useAsync, type Route } from '../hooks.ts';
import { health } from '../stats.ts';

const HOUR = 3_600_000;

function useFunctionData(name: string) {
  return useAsync(async () => {
    const [fn, versions, aliases] = await Promise.all([getFunction(name), listVersions(name), listAliases(name)]);
    return { fn, versions: versions.Versions, aliases: aliases.Aliases };
  }, [name]);
}

export function FunctionPage({ name, route }: { name: string; route: Route }) {
  const tab = route.path[2] ?? 'overview';
  const data = useFunctionData(name);
  const tabs: [string, string, string][] = [
    ['overview', 'Overview', href(['functions', name])],
    ['invoke', 'Invoke', href(['functions', name, 'invoke'])],
    ['invocations', 'Invocations', href(['functions', name, 'invocations'])],
    ['configuration', 'Configuration', href(['functions', name, 'configuration'])],
    ['triggers', 'Triggers', href(['functions', name, 'triggers'])],
  ];
  return (
    <>
      <div className="page-head">
        <div>
          <div className="crumbs">
            <a href={href([])}>Functions</a> /
          </div>
          <h1 data-testid="function-name">{name}</h1>
          {data.data && (
            <div className="muted small">
              <Mono>{data.data.fn.Configuration.FunctionArn}</Mono>
            </div>
          )}
        </div>
        {data.data && (
          <div className="head-facts">
            <span className="badge good">{data.data.fn.Configuration.State ?? 'Active'}</span>
            <span>{data.data.fn.Configuration.Runtime}</span>
            <span>{data.data.fn.Configuration.MemorySize} MB</span>
            <span>{data.data.fn.Configuration.Timeout} s timeout</span>
          </div>
        )}
      </div>
      <Tabs tabs={tabs} active={tab} />
      <Async state={data}>
        {(d) => {
          const qualifiers = [
            ...d.aliases.map((a) => a.Name),
            ...d.versions.map((v) => v.Version).filter((v) => v !== '$LATEST'),
          ];
          switch (tab) {
            case 'invoke':
              return (
                <Card title="Invoke">
                  <InvokePanel fn={name} qualifiers={qualifiers} />
                </Card>
              );
            case 'invocations':
              return <FunctionInvocations name={name} />;
            case 'configuration':
              return <Configuration name={name} d={d} />;
            case 'triggers':
              return <Triggers name={name} />;
            default:
              return <Overview name={name} range={route.query.get('range') ?? '1h'} />;
          }
        }}
      </Async>
    </>
  );
}

function Overview({ name, range }: { name: string; range: string }) {
  const recent = useAsync(() => metering({ function: name, since: Date.now() - HOUR, limit: 100_000 }), [name], 10_000);
  return (
    <>
      <Card title="Last hour">
        <Async state={recent}>
          {(records) => {
            const h = health(records);
            return (
              <div className="stats">
                <Stat label="invocations" value={h.invocations} />
                <Stat
                  label={`errors (${pct(h.errors, h.invocations)})`}
                  value={h.errors}
                  tone={h.errors ? 'bad' : undefined}
                />
                <Stat label="throttles" value={h.throttles} tone={h.throttles ? 'warn' : undefined} />
                <Stat label="cold starts" value={h.cold} />
                <Stat label="p50 duration" value={ms(h.p50)} />
                <Stat label="p95 duration" value={ms(h.p95)} />
                <Stat label="last invoked" value={ago(h.lastInvoked)} />
              </div>
            );
          }}
        </Async>
      </Card>
      <Card title="Metrics" actions={<a href={href(['metrics'], { function: name, range })}>more →</a>}>
        <MetricsPanel fn={name} range={range} compact />
      </Card>
      <Card title="Recent invocations" actions={<a href={href(['functions', name, 'invocations'])}>all →</a>}>
        <Async state={recent}>
          {(records) => <InvocationsTable records={records.slice(0, 10)} showFunction={false} />}
        </Async>
      </Card>
    </>
  );
}

function FunctionInvocations({ name }: { name: string }) {
  const state = useAsync(() => metering({ function: name, limit: 500 }), [name], 10_000);
  return (
    <Card title="Invocations" actions={<button onClick={state.reload}>Refresh</button>}>
      <Async state={state}>{(records) => <InvocationsTable records={records} showFunction={false} />}</Async>
    </Card>
  );
}

type FnData = NonNullable<ReturnType<typeof useFunctionData>['data']>;

function Configuration({ name, d }: { name: string; d: FnData }) {
  const c = d.fn.Configuration;
  const env = Object.entries(c.Environment?.Variables ?? {});
  const conc = useAsync(async () => {
    const [reserved, provisioned, eic, dl] = await Promise.all([
      getReservedConcurrency(name).catch(() => ({
        ReservedConcurrentExecutions: d.fn.Concurrency?.ReservedConcurrentExecutions,
      })),
      listProvisioned(name)
        .then((r) => r.ProvisionedConcurrencyConfigs)
        .catch(() => []),
      listEventInvokeConfigs(name),
      deadLetters(name),
    ]);
    return { reserved: reserved.ReservedConcurrentExecutions, provisioned, eic, dl };
  }, [name]);
  return (
    <>
      <div className="grid2">
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
            ]}
          />
        </Card>
        <Card title={`Environment variables (${env.length})`}>
          {env.length ? (
            <table className="table">
              <tbody>
                {env.map(([k, v]) => (
                  <tr key={k}>
                    <td>
                      <Mono>{k}</Mono>
                    </td>
                    <td>
                      <Mono>{v}</Mono>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">None.</p>
          )}
        </Card>
      </div>
      <div className="grid2">
        <Card title={`Versions (${d.versions.length})`}>
          <table className="table">
            <thead>
              <tr>
                <th>Version</th>
                <th>Description</th>
                <th>Last modified</th>
                <th>Code SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {d.versions.map((v) => (
                <tr key={v.Version}>
                  <td>{v.Version}</td>
                  <td>{v.Description || '–'}</td>
                  <td className="nowrap">{v.LastModified}</td>
                  <td>
                    <Mono>{v.CodeSha256.slice(0, 12)}…</Mono>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title={`Aliases (${d.aliases.length})`}>
          {d.aliases.length ? (
            <table className="table" data-testid="aliases">
              <thead>
                <tr>
                  <th>Alias</th>
                  <th>Routing</th>
                  <th>Description</th>
                </tr>
              </thead>
              <tbody>
                {d.aliases.map((a) => {
                  const extra = Object.entries(a.RoutingConfig?.AdditionalVersionWeights ?? {});
                  const rest = 1 - extra.reduce((s, [, w]) => s + w, 0);
                  return (
                    <tr key={a.Name}>
                      <td className="strong">{a.Name}</td>
                      <td>
                        <div className="weights">
                          {[[a.FunctionVersion, rest] as [string, number], ...extra].map(([v, w]) => (
                            <span
                              key={v}
                              style={{ flexGrow: Math.max(w, 0.02) }}
                              title={`version ${v}: ${(w * 100).toFixed(1)}%`}
                            >
                              v{v} · {(w * 100).toFixed((w * 100) % 1 ? 1 : 0)}%
                            </span>
                          ))}
                        </div>
                      </td>
                      <td>{a.Description || '–'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ) : (
            <p className="muted">No aliases.</p>
          )}
        </Card>
      </div>
      <Async state={conc}>
        {(x) => (
          <>
            <div className="grid2">
              <Card title="Concurrency">
                <KeyValue
                  rows={[
                    [
                      'Reserved',
                      x.reserved === undefined
                        ? 'unreserved (uses the account pool)'
                        : `${x.reserved} concurrent executions`,
                    ],
                  ]}
                />
                <h3>Provisioned concurrency</h3>
                {x.provisioned.length ? (
                  <table className="table">
                    <thead>
                      <tr>
                        <th>Qualifier</th>
                        <th className="num">Requested</th>
                        <th className="num">Allocated</th>
                        <th className="num">Available</th>
                        <th>Status</th>
                      </tr>
                    </thead>
                    <tbody>
                      {x.provisioned.map((p) => (
                        <tr key={p.FunctionArn}>
                          <td>{p.FunctionArn.split(':').at(-1)}</td>
                          <td className="num">{p.RequestedProvisionedConcurrentExecutions}</td>
                          <td className="num">{p.AllocatedProvisionedConcurrentExecutions}</td>
                          <td className="num">{p.AvailableProvisionedConcurrentExecutions}</td>
                          <td title={p.StatusReason}>{p.Status}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p className="muted">None configured.</p>
                )}
              </Card>
              <Card title="Asynchronous invocation">
                <OptionalView value={x.eic} what="Event invoke configs">
                  {(v) =>
                    v.FunctionEventInvokeConfigs.length ? (
                      <table className="table">
                        <thead>
                          <tr>
                            <th>Qualifier</th>
                            <th className="num">Retries</th>
                            <th className="num">Max event age</th>
                            <th>On success</th>
                            <th>On failure</th>
                          </tr>
                        </thead>
                        <tbody>
                          {v.FunctionEventInvokeConfigs.map((e) => (
                            <tr key={e.FunctionArn}>
                              <td>
                                {e.FunctionArn.split(':').length > 7 ? e.FunctionArn.split(':').at(-1) : '$LATEST'}
                              </td>
                              <td className="num">{e.MaximumRetryAttempts ?? 2}</td>
                              <td className="num">{e.MaximumEventAgeInSeconds ?? 21600} s</td>
                              <td>
                                <Mono>{e.DestinationConfig?.OnSuccess?.Destination ?? '–'}</Mono>
                              </td>
                              <td>
                                <Mono>{e.DestinationConfig?.OnFailure?.Destination ?? '–'}</Mono>
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    ) : (
                      <p className="muted">Defaults: 2 retries, events kept up to 6 hours, no destinations.</p>
                    )
                  }
                </OptionalView>
                <h3>Dead letters</h3>
                <OptionalView value={x.dl} what="The dead-letter store">
                  {(v) =>
                    v.records.length ? (
                      <table className="table">
                        <thead>
                          <tr>
                            <th>Failed</th>
                            <th>Request id</th>
                            <th>Condition</th>
                            <th className="num">Attempts</th>
                            <th>Last error</th>
                          </tr>
                        </thead>
                        <tbody>
                          {v.records.map((r) => (
                            <tr key={r.id}>
                              <td className="nowrap">{dateTime(r.failedAt)}</td>
                              <td>
                                <a href={href(['functions', name, 'invocations', r.id])}>
                                  <Mono>{r.id}</Mono>
                                </a>
                              </td>
                              <td>{r.condition}</td>
                              <td className="num">{r.attempts}</td>
                              <td className="clip">{r.error ?? '–'}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    ) : (
                      <p className="muted">None.</p>
                    )
                  }
                </OptionalView>
              </Card>
            </div>
          </>
        )}
      </Async>
    </>
  );
}

function OptionalView<T>({
  value,
  what,
  children,
}: {
  value: Optional<T>;
  what: string;
  children: (v: T) => ReactNode;
}) {
  if (value.state === 'ok') return <>{children(value.data)}</>;
  if (value.state === 'none') return <p className="muted">None.</p>;
  return <NotAvailable what={what} />;
}

function Triggers({ name }: { name: string }) {
  const state = useAsync(async () => {
    const failed = (e: Error) => ({ state: 'unavailable', reason: e.message }) as const;
    const [esm, url, schedules, routes, gateway] = await Promise.all([
      listEventSourceMappings(name).catch(failed),
      getFunctionUrl(name).catch(failed),
      listSchedules(name).catch(failed),
      httpRoutes().catch(failed),
      httpGateway().catch(failed),
    ]);
    return { esm, url, schedules, routes, gateway };
  }, [name]);
  return (
    <Async state={state}>
      {({ esm, url, schedules, routes, gateway }) => (
        <div className="grid2" data-testid="triggers">
          <Card title="Event source mappings">
            <OptionalView value={esm} what="Event source mappings">
              {(v) =>
                v.EventSourceMappings.length ? (
                  <table className="table" data-testid="event-source-mappings">
                    <thead>
                      <tr>
                        <th>Source</th>
                        <th>State</th>
                        <th className="num">Batch size</th>
                        <th>UUID</th>
                      </tr>
                    </thead>
                    <tbody>
                      {v.EventSourceMappings.map((m) => (
                        <tr key={m.UUID}>
                          <td>
                            <Mono>{m.EventSourceArn ?? '–'}</Mono>
                          </td>
                          <td>{m.State ?? '–'}</td>
                          <td className="num">{m.BatchSize ?? '–'}</td>
                          <td>
                            <Mono>{m.UUID}</Mono>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p className="muted">None.</p>
                )
              }
            </OptionalView>
          </Card>
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
          <Card title="Schedules">
            <OptionalView value={schedules} what="Schedules">
              {(v) =>
                v.schedules.length ? (
                  <table className="table">
                    <thead>
                      <tr>
                        <th>Schedule</th>
                        <th>Expression</th>
                        <th>State</th>
                        <th>Next</th>
                        <th>Last</th>
                      </tr>
                    </thead>
                    <tbody>
                      {v.schedules.map((x) => (
                        <tr key={x.name}>
                          <td className="strong">
                            {x.name}
                            {x.qualifier ? <span className="muted small"> → {x.qualifier}</span> : null}
                          </td>
                          <td>
                            <Mono>{x.expression}</Mono>
                            {x.timezone ? <span className="muted small"> {x.timezone}</span> : null}
                          </td>
                          <td>{x.state}</td>
                          <td className="nowrap">{x.nextFireAt ? dateTime(Date.parse(x.nextFireAt)) : '–'}</td>
                          <td className="nowrap" title={x.lastError ?? undefined}>
                            {x.lastFireAt ? dateTime(Date.parse(x.lastFireAt)) : '–'}
                            {x.lastError ? <span className="badge bad">error</span> : null}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p className="muted">None.</p>
                )
              }
            </OptionalView>
          </Card>
          <Card title="HTTP routes">
            <OptionalView value={routes} what="The HTTP gateway">
              {(v) => {
                const mine = v.routes.filter((r) => r.functionName === name);
                const base = gateway.state === 'ok' ? gateway.data.url : undefined;
                return mine.length ? (
                  <table className="table">
                    <thead>
                      <tr>
                        <th>Route</th>
                        <th>Qualifier</th>
                      </tr>
                    </thead>
                    <tbody>
                      {mine.map((r) => (
                        <tr key={r.routeId}>
                          <td>
                            <Mono>{r.routeKey}</Mono>
                          </td>
                          <td>{r.qualifier ?? '$LATEST'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : (
                  <p className="muted">None{base ? ` (gateway at ${base})` : ''}.</p>
                );
              }}
            </OptionalView>
          </Card>
        </div>
      )}
    </Async>
  );
}
