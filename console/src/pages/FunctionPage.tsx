/** One function: overview (health, charts, recent invocations), invoke, invocations, configuration, triggers. */
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
} from '../api.ts';
import { AliasesCard } from '../components/function/AliasesCard.tsx';
import { AsyncInvocationCard } from '../components/function/AsyncInvocationCard.tsx';
import { ConcurrencyCard } from '../components/function/ConcurrencyCard.tsx';
import { ConfigurationCard } from '../components/function/ConfigurationCard.tsx';
import { EnvironmentCard } from '../components/function/EnvironmentCard.tsx';
import { EventSourceMappingsCard } from '../components/function/EventSourceMappingsCard.tsx';
import { FunctionUrlCard } from '../components/function/FunctionUrlCard.tsx';
import { HealthCard } from '../components/function/HealthCard.tsx';
import { HttpRoutesCard } from '../components/function/HttpRoutesCard.tsx';
import { SchedulesCard } from '../components/function/SchedulesCard.tsx';
import { VersionsCard } from '../components/function/VersionsCard.tsx';
import { InvocationsTable } from '../components/InvocationsTable.tsx';
import { InvokePanel } from '../components/InvokePanel.tsx';
import { MetricsPanel } from '../components/MetricsPanel.tsx';
import { Async, Card, Mono, Tabs } from '../components/ui.tsx';
import { href, useAsync, type Route } from '../hooks.ts';

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
      <HealthCard recent={recent} />
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
        <ConfigurationCard c={d.fn.Configuration} />
        <EnvironmentCard variables={d.fn.Configuration.Environment?.Variables} />
      </div>
      <div className="grid2">
        <VersionsCard versions={d.versions} />
        <AliasesCard aliases={d.aliases} />
      </div>
      <Async state={conc}>
        {(x) => (
          <div className="grid2">
            <ConcurrencyCard reserved={x.reserved} provisioned={x.provisioned} />
            <AsyncInvocationCard name={name} configs={x.eic} deadLetters={x.dl} />
          </div>
        )}
      </Async>
    </>
  );
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
          <EventSourceMappingsCard mappings={esm} />
          <FunctionUrlCard url={url} />
          <SchedulesCard schedules={schedules} />
          <HttpRoutesCard name={name} routes={routes} gateway={gateway} />
        </div>
      )}
    </Async>
  );
}
