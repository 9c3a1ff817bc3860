/**
 * Composition root: wires store, control, placement, invoke, telemetry and api into one server.
 * `startGust` is what `gust serve` and the integration tests call.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './api/app.ts';
import type { ProvisionedView } from './api/lambda/concurrency.ts';
import type { FunctionVersion } from './control/model.ts';
import { loadConfig, type GustConfig } from './config.ts';
import { CodeStore } from './control/code-store.ts';
import { Registry } from './control/registry.ts';
import { AsyncQueue } from './invoke/async-queue.ts';
import { Invoker } from './invoke/invoker.ts';
import { DestinationRegistry } from './invoke/destinations.ts';
import { createServices, type GustService, type ServiceContext } from './services.ts';
import { AwsRouter } from './aws/router.ts';
import { FunctionSettingsService } from './control/function-settings.ts';
import { Placement } from './placement/manager.ts';
import { closeServerPromptly } from './api/close-server.ts';
import { detectCgroups, removeCgroupRoot, type CgroupSupport } from './sandbox/cgroup.ts';
import { openSqliteStore } from './store/sqlite/index.ts';
import type { Store } from './store/types.ts';
import { LogCollector } from './telemetry/log-collector.ts';
import { Telemetry } from './telemetry/telemetry.ts';
import { createTracer } from './telemetry/tracing.ts';
import { registerTelemetryRoutes } from './api/gust/telemetry-routes.ts';
import { VERSION } from './version.ts';

export interface Gust {
  config: GustConfig;
  url: string;
  port: number;
  app: FastifyInstance;
  store: Store;
  registry: Registry;
  placement: Placement;
  invoker: Invoker;
  asyncQueue: AsyncQueue;
  settings: FunctionSettingsService;
  cgroups: CgroupSupport;
  telemetry: Telemetry;
  /** The services beside the Lambda core, by name (http, sqs, sns, schedules, ...). */
  services: GustService[];
  stop(): Promise<void>;
}

export interface StartOptions extends Partial<GustConfig> {
  logger?: boolean;
  /** Extra services (tests). */
  services?: GustService[];
}

export async function startGust(opts: StartOptions = {}): Promise<Gust> {
  const { logger = false, services: _extra, ...overrides } = opts;
  const config = loadConfig(overrides);
  fs.mkdirSync(config.home, { recursive: true });
  // Scratch space of environments from a previous run (killed server) is stale.
  fs.rmSync(path.join(config.home, 'envs'), { recursive: true, force: true });

  const store = openSqliteStore(config.home);
  const code = new CodeStore(config.home);
  const registry = new Registry(store.functions, code, config.region, config.accountId);
  const logs = new LogCollector(store.logs);
  const cgroups = detectCgroups(config.cgroups === 'auto');
  if (cgroups.mode === 'none' && logger) {
    console.warn(
      `gust: memory limits are NOT enforced (${cgroups.reason}); Max Memory Used is measured from the process instead`,
    );
  }
  const destinations = new DestinationRegistry();
  const settings = new FunctionSettingsService(
    registry,
    () => config.accountConcurrency,
    (arn) => destinations.validate(arn),
  );
  // Reservations are read on every acquire: keep their sum and list cached, refreshed on change.
  let reservedTotal = 0;
  let reservedEntries: [string, number][] = [];
  const refreshReservations = (): void => {
    reservedEntries = registry
      .list()
      .filter((f) => f.settings.reservedConcurrency !== undefined)
      .map((f) => [f.name, f.settings.reservedConcurrency!]);
    reservedTotal = reservedEntries.reduce((s, [, n]) => s + n, 0);
  };
  refreshReservations();
  registry.onChange((e) => {
    if (e.type === 'settings-changed' || e.type === 'deleted') refreshReservations();
  });
  const placement = new Placement({
    home: config.home,
    region: config.region,
    accountId: config.accountId,
    nodePath: config.nodePath,
    pythonPath: config.pythonPath,
    keepAliveMs: config.keepAliveMs,
    accountConcurrency: config.accountConcurrency,
    cgroups,
    codeDir: (fn) => code.treePath(fn.codeSha256),
    prepareCode: (fn) => code.prepare(fn.codeSha256),
    reservations: {
      of: (name) => registry.get(name)?.settings.reservedConcurrency,
      total: () => reservedTotal,
      entries: () => reservedEntries,
    },
    onLog: (fn, line, requestId, ts) => logs.line(fn.functionName, fn.version, requestId, line, ts),
  });
  registry.onChange((e) =>
    placement.onRegistryChange(e, e.type === 'latest-changed' ? registry.get(e.name)?.latest : undefined),
  );
  // Provisioned concurrency: desired environments per version, from every function's settings.
  const provisionedTargets = (): { fn: FunctionVersion; n: number }[] =>
    registry.list().flatMap((rec) =>
      Object.entries(rec.settings.provisioned).flatMap(([qualifier, cfg]) => {
        try {
          return [{ fn: registry.resolveVersion(rec, qualifier), n: cfg.requested }];
        } catch {
          return [];
        }
      }),
    );
  registry.onChange(() => placement.reconcileProvisioned(provisionedTargets()));
  placement.reconcileProvisioned(provisionedTargets());
  const provisioned: ProvisionedView = {
    provisionedStatus: (name, qualifier) => {
      const s = placement.provisionedState(registry.resolveVersion(registry.require(name), qualifier));
      return { allocated: s.allocated, available: s.allocated, status: s.status, reason: s.reason };
    },
  };
  const tracer = createTracer(config.otlpEndpoint, VERSION);
  const telemetry = new Telemetry({
    db: store.db,
    sources: {
      functionNames: () => registry.list().map((f) => f.name),
      functionConcurrency: (name) => placement.gate.functionCurrent(name),
      accountConcurrency: () => placement.gate.current,
      accountLimit: () => config.accountConcurrency,
      provisioned: () =>
        placement.provisionedUsage().map((p) => ({ functionName: p.fn.functionName, version: p.fn.version, ...p })),
      asyncQueue: () => store.asyncQueue.stats(),
      environments: () => ({ total: placement.stats().environments, idle: placement.stats().idle }),
    },
    provisioned: () => placement.provisionedUsage(),
    intervalMs: config.telemetryIntervalMs,
    meteringRetentionDays: config.meteringRetentionDays,
    pricesFile: config.pricesFile,
  });
  const invoker = new Invoker({
    registry,
    placement,
    logs,
    ledger: store.ledger,
    region: config.region,
    accountId: config.accountId,
    onCommit: (m) => telemetry.metrics.observe(m),
    onTrace: tracer ? (t) => tracer.record(t) : undefined,
  });
  const asyncQueue = new AsyncQueue({
    store: store.asyncQueue,
    registry,
    settings,
    invoker,
    gate: placement.gate,
    destinations,
    retryBaseMs: config.asyncRetryBaseMs,
    throttleBaseMs: config.asyncThrottleBaseMs,
    pollMs: config.asyncPollMs,
    log: logger ? (m) => console.log(`gust: ${m}`) : undefined,
    onEvent: (fn, e) => telemetry.metrics.asyncEvent(fn, e),
  });

  let url = '';
  const app = buildApp({
    registry,
    invoker,
    asyncQueue,
    settings,
    provisioned,
    accountLimit: () => config.accountConcurrency,
    store,
    code,
    logs,
    placement,
    version: VERSION,
    logger,
    ctx: { region: config.region, accountId: config.accountId, publicUrl: () => url },
  });
  registerTelemetryRoutes(app, telemetry);

  // Services beside the Lambda core (event sources, queues, topics, ...): set up before listen.
  // The AWS front door claims its requests before any route matching (src/aws/router.ts).
  const aws = new AwsRouter({ region: config.region });
  aws.install(app);
  const services: GustService[] = [...createServices(), ...(opts.services ?? [])];
  const serviceCtx: ServiceContext = {
    config,
    app,
    aws,
    store,
    registry,
    settings,
    invoker,
    asyncQueue,
    placement,
    logs,
    destinations,
    service: <T extends GustService>(name: string) => services.find((x) => x.name === name) as T | undefined,
    url: () => url,
    log: (m) => {
      if (logger) console.log(`gust: ${m}`);
    },
  };
  for (const svc of services) svc.setup(serviceCtx);

  await app.listen({ host: config.host, port: config.port });
  const port = (app.server.address() as AddressInfo).port;
  url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  asyncQueue.start();
  telemetry.start();

  const retention = setInterval(
    () => {
      if (config.logRetentionDays > 0) store.logs.deleteOlderThan(Date.now() - config.logRetentionDays * 86_400_000);
      telemetry.prune();
    },
    60 * 60 * 1000,
  );
  retention.unref();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      clearInterval(retention);
      // Stop accepting requests, let invocations in flight finish, then retire every environment.
      const closed = closeServerPromptly(app.server, () => app.close());
      for (const svc of [...services].reverse()) await svc.stop?.();
      await asyncQueue.stop();
      await invoker.drain();
      telemetry.stop();
      await placement.shutdown();
      await closed;
      logs.flush(true);
      await tracer?.shutdown();
      store.close();
      await removeCgroupRoot(cgroups);
    })());

  try {
    for (const svc of services) await svc.start?.();
  } catch (e) {
    // A service that cannot start (e.g. its port is taken) must not leave a half-running server.
    await stop();
    throw e;
  }

  return {
    config,
    url,
    port,
    app,
    store,
    registry,
    placement,
    invoker,
    asyncQueue,
    settings,
    cgroups,
    telemetry,
    services,
    stop,
  };
}
