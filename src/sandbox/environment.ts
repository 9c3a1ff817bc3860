/**
 * One execution environment: one OS process running a runtime against its own Runtime API server,
 * with its own working directory (the function's code), private temp dir, env vars and memory cgroup.
 * It serves one invocation at a time. Timeouts, crashes and OOM kill only this environment; the
 * caller (placement) discards an environment once `alive` is false.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { FunctionVersion } from '../control/model.ts';
import { MemoryCgroup, type CgroupSupport } from './cgroup.ts';
import { launchSpec } from './launch.ts';
import { LineSplitter } from './line-splitter.ts';
import {
  ACCEPTED_VERDICT,
  deliverNext,
  MAX_RESPONSE_BYTES,
  rejectState,
  startRuntimeApi,
  type NextEvent,
  type RuntimeApiServer,
  type Verdict,
} from './runtime-api.ts';

/** Lambda's limit on the INIT phase of an on-demand environment. */
export const INIT_TIMEOUT_MS = 10_000;

/** Open file descriptors per environment, as on Lambda (1,024). */
export const MAX_OPEN_FILES = 1024;

export interface EnvironmentOptions {
  id: string;
  fn: FunctionVersion;
  codeDir: string;
  /** Awaited before the process is spawned (the code store checks the tree). */
  prepareCode?: () => Promise<unknown>;
  /** Directory under which this environment's scratch (tmp) dir is created. */
  scratchRoot: string;
  region: string;
  accountId: string;
  nodePath: string;
  pythonPath: string;
  cgroups: CgroupSupport;
  initType: 'on-demand' | 'provisioned-concurrency';
  /** Called for every line the process writes; requestId is the invocation it is attributed to. */
  onLog: (line: string, requestId: string | null, timestamp: number) => void;
  /** Called once when the process is gone (for whatever reason). */
  onExit?: (env: Environment) => void;
}

export interface InvocationRequest {
  requestId: string;
  payload: Buffer;
  invokedFunctionArn: string;
  traceId: string;
  clientContext?: string;
  cognitoIdentity?: string;
}

export type FailureReason = 'function' | 'timeout' | 'crash' | 'oom' | 'init' | 'too_large';

export type OutcomeBody =
  | { status: 'success'; payload: Buffer }
  | { status: 'error'; reason: FailureReason; errorType: string; payload: Buffer };

export type InvocationOutcome = OutcomeBody & { durationMs: number; maxMemoryUsedMb: number };

export class InitError extends Error {
  constructor(
    readonly errorType: string,
    readonly payload: Buffer,
    readonly reason: FailureReason,
    readonly initDurationMs: number,
  ) {
    super(`init failed: ${errorType}`);
  }
}

interface Inflight {
  req: InvocationRequest;
  /** performance.now() when the invocation was handed to this environment. */
  startedAt: number;
  /** Lambda-Runtime-Deadline-Ms: the timeout runs from the start, delivered or not. */
  deadlineMs: number;
  deliveredAt?: number;
  timer: NodeJS.Timeout;
  resolve: (o: InvocationOutcome) => void;
}

export type EnvironmentState = 'starting' | 'idle' | 'busy' | 'dead';

const errorBody = (errorType: string, errorMessage: string): Buffer =>
  Buffer.from(JSON.stringify({ errorType, errorMessage }));

/** An error type the runtime named (header or body): printable ASCII, no spaces, at most 256 chars. */
const ERROR_TYPE_RE = /^[\x21-\x7e]{1,256}$/;
const validErrorType = (t: unknown): string | undefined =>
  typeof t === 'string' && ERROR_TYPE_RE.test(t) ? t : undefined;

/**
 * The error type of a runtime-reported error: the Lambda-Runtime-Function-Error-Type header, else
 * the body's errorType, else Runtime.Unknown (as Lambda does for a missing or malformed type).
 */
export function runtimeErrorType(header: string | undefined, body: Buffer): string {
  const h = validErrorType(header);
  if (h) return h;
  try {
    const o = JSON.parse(body.toString('utf8')) as unknown;
    if (o && typeof o === 'object') {
      const t = validErrorType((o as { errorType?: unknown }).errorType);
      if (t) return t;
    }
  } catch {
    /* not JSON */
  }
  return 'Runtime.Unknown';
}

const live = (res: http.ServerResponse): boolean =>
  !res.destroyed && !res.writableEnded && res.socket !== null && !res.socket.destroyed;

export class Environment {
  readonly id: string;
  readonly fn: FunctionVersion;
  state: EnvironmentState = 'starting';
  lastUsed = Date.now();
  initDurationMs = 0;
  invocations = 0;

  private proc?: ChildProcess;
  private api?: RuntimeApiServer;
  private cgroup?: MemoryCgroup;
  private tmpDir: string;
  private parkedNext?: http.ServerResponse;
  private inflight?: Inflight;
  /** The request id last handed to the runtime (AWS's "current invoke id"), until it asks for the next. */
  private currentRequestId?: string;
  /** The runtime has posted a response or error for currentRequestId. */
  private responded = false;
  /** The runtime posted /init/error (accepted): the environment is being torn down. */
  private initFailed = false;
  /** Request id that log lines are attributed to (the current or last invocation, or the cold-start trigger). */
  private logRequestId: string | null = null;
  private startedAt = 0;
  private initSettle?: { resolve: () => void; reject: (e: InitError) => void; timer: NodeJS.Timeout };
  private exitInfo?: { code: number | null; signal: NodeJS.Signals | null };
  private exited: Promise<void>;
  private markExited!: () => void;

  constructor(private opts: EnvironmentOptions) {
    this.id = opts.id;
    this.fn = opts.fn;
    this.tmpDir = path.join(opts.scratchRoot, opts.id, 'tmp');
    this.exited = new Promise((r) => (this.markExited = r));
  }

  get alive(): boolean {
    return this.state !== 'dead';
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** A start that ends before any process was spawned: the environment is dead and forgotten. */
  private abandonStart(): void {
    this.state = 'dead';
    this.markExited();
    this.opts.onExit?.(this);
  }

  /**
   * Spawn the process and run INIT. Resolves when the runtime first asks for an invocation;
   * rejects with InitError if init fails (init/error, exit, or INIT_TIMEOUT_MS).
   * `triggerRequestId` attributes init-phase log lines to the invocation that caused the cold start.
   */
  async start(triggerRequestId: string | null = null): Promise<void> {
    this.logRequestId = triggerRequestId;
    this.startedAt = performance.now();
    const { fn, codeDir } = { fn: this.opts.fn, codeDir: this.opts.codeDir };
    if (this.opts.prepareCode) {
      try {
        await this.opts.prepareCode();
      } catch (e) {
        this.abandonStart();
        throw e;
      }
    }
    const launch = launchSpec(fn.runtime, fn.memorySize, codeDir, this.opts);
    if ('error' in launch) {
      this.abandonStart();
      const msg = `RequestId: ${triggerRequestId ?? ''} Error: ${launch.error.errorMessage}`;
      this.opts.onLog(msg, triggerRequestId, Date.now());
      throw new InitError(launch.error.errorType, errorBody(launch.error.errorType, msg), 'init', 0);
    }
    fs.mkdirSync(this.tmpDir, { recursive: true });
    this.api = await startRuntimeApi({
      next: (res) => this.onNext(res),
      checkPost: (kind, id) => this.checkPost(kind, id),
      checkInitError: () => this.checkInitError(),
      response: (id, body) => this.onResponse(id, body),
      responseTooLarge: (id, size) => this.onResponseTooLarge(id, size),
      error: (id, type, body) => this.onError(id, type, body),
      initError: (type, body) => this.onInitError(type, body),
    });
    if (this.opts.cgroups.mode !== 'none') {
      this.cgroup = new MemoryCgroup(this.opts.cgroups, this.id, fn.memorySize);
    }
    const env = this.buildEnv(launch.env);
    // Lambda's limit of open files (soft and hard: only CAP_SYS_RESOURCE could raise it), then join the
    // cgroup before exec so all memory the runtime allocates is charged to it.
    const join = this.cgroup ? 'echo $$ > "$0" && ' : '';
    const script = `ulimit -n ${MAX_OPEN_FILES} && ${join}exec "$@"`;
    const args = ['-c', script, this.cgroup?.procsFile ?? 'sh', launch.command, ...launch.args];

    const initDone = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const msg = `INIT phase timed out after ${(INIT_TIMEOUT_MS / 1000).toFixed(2)} seconds`;
        this.failInit(
          new InitError('Sandbox.Timedout', errorBody('Sandbox.Timedout', msg), 'timeout', INIT_TIMEOUT_MS),
        );
      }, INIT_TIMEOUT_MS);
      this.initSettle = { resolve, reject, timer };
    });

    const proc = spawn('/bin/sh', args, {
      cwd: codeDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.proc = proc;
    const out = new LineSplitter((line) => this.opts.onLog(line, this.logRequestId, Date.now()));
    const err = new LineSplitter((line) => this.opts.onLog(line, this.logRequestId, Date.now()));
    proc.stdout!.on('data', (c: Buffer) => out.push(c));
    proc.stderr!.on('data', (c: Buffer) => err.push(c));
    proc.stdout!.on('end', () => out.flush());
    proc.stderr!.on('end', () => err.flush());
    proc.on('error', (e) => {
      this.opts.onLog(`Gust: failed to start runtime process: ${e.message}`, this.logRequestId, Date.now());
      this.onProcessExit(null, null, e.message);
    });
    proc.on('exit', (code, signal) => this.onProcessExit(code, signal));
    await initDone;
  }

  private buildEnv(runtimeEnv: Record<string, string>): NodeJS.ProcessEnv {
    const { fn, codeDir, region } = this.opts;
    const d = new Date();
    const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      TMPDIR: this.tmpDir,
      LD_LIBRARY_PATH: [path.join(codeDir, 'lib'), '/opt/lib'].join(':'),
      ...runtimeEnv,
      ...fn.environment,
      _HANDLER: fn.handler,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      AWS_LAMBDA_FUNCTION_VERSION: fn.version,
      AWS_LAMBDA_INITIALIZATION_TYPE: this.opts.initType,
      AWS_LAMBDA_LOG_GROUP_NAME: fn.loggingConfig.LogGroup,
      AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[${fn.version}]${this.id.replace(/-/g, '')}`,
      AWS_LAMBDA_RUNTIME_API: this.api!.address,
      LAMBDA_TASK_ROOT: codeDir,
      LAMBDA_RUNTIME_DIR: path.dirname(runtimeEnv.NODE_PATH ?? codeDir),
    };
    if (fn.loggingConfig.LogFormat === 'JSON') {
      env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
      if (fn.loggingConfig.ApplicationLogLevel) env.AWS_LAMBDA_LOG_LEVEL = fn.loggingConfig.ApplicationLogLevel;
    }
    return env;
  }

  /**
   * Run one invocation. The environment must be idle (placement guarantees it); one that died
   * since it was leased ends the invocation as Runtime.ExitError. The function timeout runs from
   * here, whether or not the runtime ever asks for the event.
   */
  invoke(req: InvocationRequest): Promise<InvocationOutcome> {
    if (this.state === 'dead') {
      const how = this.exitInfo ? exitDescription(this.exitInfo.code, this.exitInfo.signal) : 'environment shut down';
      const msg = exitMessage(req.requestId, how);
      this.opts.onLog(msg, req.requestId, Date.now());
      return Promise.resolve({
        status: 'error',
        reason: 'crash',
        errorType: 'Runtime.ExitError',
        payload: errorBody('Runtime.ExitError', msg),
        durationMs: 0,
        maxMemoryUsedMb: 0,
      });
    }
    if (this.state !== 'idle') throw new Error(`environment ${this.id} is ${this.state}, not idle`);
    this.state = 'busy';
    this.invocations++;
    this.logRequestId = req.requestId;
    const timeoutMs = this.fn.timeout * 1000;
    return new Promise<InvocationOutcome>((resolve) => {
      this.inflight = {
        req,
        resolve,
        startedAt: performance.now(),
        deadlineMs: Date.now() + timeoutMs,
        timer: setTimeout(() => this.onTimeout(), timeoutMs),
      };
      const parked = this.parkedNext;
      this.parkedNext = undefined;
      if (parked && live(parked)) this.deliver(parked);
    });
  }

  private deliver(res: http.ServerResponse): void {
    const inf = this.inflight!;
    const ev: NextEvent = {
      requestId: inf.req.requestId,
      deadlineMs: inf.deadlineMs,
      functionArn: inf.req.invokedFunctionArn,
      traceId: inf.req.traceId,
      clientContext: inf.req.clientContext,
      cognitoIdentity: inf.req.cognitoIdentity,
      payload: inf.req.payload,
    };
    inf.deliveredAt = performance.now();
    this.currentRequestId = inf.req.requestId;
    this.responded = false;
    deliverNext(res, ev);
  }

  /** Park a next request until an invocation arrives (forgotten if the runtime hangs up). */
  private park(res: http.ServerResponse): void {
    this.parkedNext = res;
    res.once('close', () => {
      if (this.parkedNext === res) this.parkedNext = undefined;
    });
  }

  /** AWS's runtime state names, for InvalidStateTransition messages. */
  private runtimeState(): string {
    if (this.initFailed) return 'InitError';
    if (this.state === 'starting') return 'Started';
    if (this.responded) return 'RuntimeResponseSentState';
    return 'Ready';
  }

  private onNext(res: http.ServerResponse): void {
    if (this.state === 'dead') {
      res.destroy();
      return;
    }
    if (this.initFailed) return rejectState(res, 'InitError', 'Ready');
    if (this.parkedNext && live(this.parkedNext)) {
      // One long poll at a time: a runtime polling twice concurrently gets the second one refused.
      return rejectState(res, 'Ready', 'Ready', 'another /runtime/invocation/next request is already waiting');
    }
    if (this.state === 'starting') {
      this.initDurationMs = performance.now() - this.startedAt;
      this.state = 'idle';
      this.lastUsed = Date.now();
      const s = this.initSettle;
      this.initSettle = undefined;
      if (s) {
        clearTimeout(s.timer);
        s.resolve();
      }
    }
    if (this.inflight && this.inflight.deliveredAt === undefined) return this.deliver(res);
    if (!this.inflight) {
      // Done with the previous event: its request id is no longer current.
      this.currentRequestId = undefined;
      this.responded = false;
    }
    // With an invocation delivered and unanswered, this waits too (as in Lambda): the invocation
    // still ends with its response, or at its timeout.
    this.park(res);
  }

  private finish(outcome: OutcomeBody, fatal: boolean): void {
    const inf = this.inflight;
    if (!inf) return;
    this.inflight = undefined;
    if (inf.timer) clearTimeout(inf.timer);
    const durationMs = performance.now() - (inf.deliveredAt ?? inf.startedAt);
    const maxMemoryUsedMb = this.maxMemoryUsedMb();
    this.lastUsed = Date.now();
    if (fatal) this.kill();
    else if (this.state === 'busy') this.state = 'idle';
    inf.resolve({ ...outcome, durationMs, maxMemoryUsedMb });
  }

  /**
   * May the runtime post a response/error for this request id now? AWS's order: an id that is not
   * the current invocation's is 400 InvalidRequestID; a second answer for it is 403.
   */
  private checkPost(kind: 'response' | 'error', requestId: string): Verdict {
    if (this.state === 'dead' || requestId !== this.currentRequestId) return { kind: 'invalid-id' };
    const inf = this.inflight;
    if (this.responded || !inf || inf.req.requestId !== requestId || inf.deliveredAt === undefined) {
      return {
        kind: 'invalid-state',
        from: this.runtimeState(),
        to: kind === 'response' ? 'InvocationResponse' : 'InvocationErrorResponse',
      };
    }
    return ACCEPTED_VERDICT;
  }

  private onResponse(requestId: string, body: Buffer): Verdict {
    const v = this.checkPost('response', requestId);
    if (v.kind !== 'accepted') return v;
    this.responded = true;
    this.finish({ status: 'success', payload: body }, false);
    return v;
  }

  private onResponseTooLarge(requestId: string, _size: number): Verdict {
    const v = this.checkPost('response', requestId);
    if (v.kind !== 'accepted') return v;
    this.responded = true;
    const msg = `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`;
    this.finish(
      {
        status: 'error',
        reason: 'too_large',
        errorType: 'Function.ResponseSizeTooLarge',
        payload: errorBody('Function.ResponseSizeTooLarge', msg),
      },
      false,
    );
    return v;
  }

  /** The error body goes back to the caller as the runtime sent it (as Lambda does). */
  private onError(requestId: string, errorType: string | undefined, body: Buffer): Verdict {
    const v = this.checkPost('error', requestId);
    if (v.kind !== 'accepted') return v;
    this.responded = true;
    const type = runtimeErrorType(errorType, body);
    this.finish({ status: 'error', reason: 'function', errorType: type, payload: body }, false);
    return v;
  }

  private checkInitError(): Verdict {
    if (this.state === 'starting' && this.initSettle && !this.initFailed) return ACCEPTED_VERDICT;
    return { kind: 'invalid-state', from: this.runtimeState(), to: 'InitError' };
  }

  /** Accepted init errors end INIT once the runtime has been answered (then it is killed). */
  private onInitError(errorType: string | undefined, body: Buffer): Verdict {
    const v = this.checkInitError();
    if (v.kind !== 'accepted') return v;
    this.initFailed = true;
    const elapsed = performance.now() - this.startedAt;
    const e = new InitError(runtimeErrorType(errorType, body), body, 'init', elapsed);
    return { kind: 'accepted', after: () => this.failInit(e) };
  }

  private failInit(e: InitError): void {
    const s = this.initSettle;
    if (!s) return;
    this.initSettle = undefined;
    clearTimeout(s.timer);
    this.initDurationMs = e.initDurationMs;
    this.kill();
    s.reject(e);
  }

  private onTimeout(): void {
    const inf = this.inflight;
    if (!inf) return;
    const secs = this.fn.timeout.toFixed(2);
    this.opts.onLog(
      `${new Date().toISOString()} ${inf.req.requestId} Task timed out after ${secs} seconds`,
      inf.req.requestId,
      Date.now(),
    );
    const msg = `RequestId: ${inf.req.requestId} Error: Task timed out after ${secs} seconds`;
    this.finish(
      {
        status: 'error',
        reason: 'timeout',
        errorType: 'Sandbox.Timedout',
        payload: errorBody('Sandbox.Timedout', msg),
      },
      true,
    );
  }

  private onProcessExit(code: number | null, signal: NodeJS.Signals | null, spawnError?: string): void {
    if (this.exitInfo) return;
    this.exitInfo = { code, signal };
    const wasDead = this.state === 'dead';
    this.state = 'dead';
    const oom = (this.cgroup?.oomKills() ?? 0) > 0;
    // Whatever the runtime left behind (background children, its own process group or, with a
    // cgroup, processes that escaped the group with setsid) dies with it.
    this.killLeftovers();
    const how = spawnError ? spawnError : exitDescription(code, signal);
    const errorType = oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
    const reason: FailureReason = oom ? 'oom' : 'crash';
    if (this.initSettle) {
      const elapsed = performance.now() - this.startedAt;
      const msg = exitMessage(this.logRequestId ?? '', how);
      this.opts.onLog(msg, this.logRequestId, Date.now());
      this.failInit(new InitError(errorType, errorBody(errorType, msg), reason, elapsed));
    }
    if (this.inflight && !wasDead) {
      const msg = exitMessage(this.inflight.req.requestId, how);
      this.opts.onLog(msg, this.inflight.req.requestId, Date.now());
      this.finish({ status: 'error', reason, errorType, payload: errorBody(errorType, msg) }, true);
    }
    this.cleanup();
    this.markExited();
    this.opts.onExit?.(this);
  }

  /** Peak memory of this environment in MB (cgroup peak, else the process's VmHWM). */
  maxMemoryUsedMb(): number {
    const peak = this.cgroup?.peakBytes();
    if (peak !== undefined && !Number.isNaN(peak)) return Math.ceil(peak / (1024 * 1024));
    const pid = this.proc?.pid;
    if (!pid) return 0;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      return m ? Math.ceil(Number(m[1]) / 1024) : 0;
    } catch {
      return 0;
    }
  }

  /** Resident memory now, in bytes (for idle-RSS measurements). */
  rssBytes(): number {
    const pid = this.proc?.pid;
    if (!pid) return 0;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const m = /VmRSS:\s+(\d+) kB/.exec(status);
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }

  /** SIGKILL what remains of a runtime whose leader has exited (right at its exit, so no pid reuse). */
  private killLeftovers(): void {
    const pid = this.proc?.pid;
    if (pid) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* no process left in the group */
      }
    }
    this.cgroup?.killAll();
  }

  /** Kill the process group immediately. */
  private kill(): void {
    if (this.state !== 'dead') this.state = 'dead';
    const pid = this.proc?.pid;
    if (pid && !this.exitInfo) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        try {
          this.proc?.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    this.parkedNext?.destroy();
    this.parkedNext = undefined;
    this.api?.close();
  }

  /** Shut down: SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
  async shutdown(graceMs = 500): Promise<void> {
    if (this.inflight) {
      const msg = `RequestId: ${this.inflight.req.requestId} Error: Runtime shut down`;
      this.finish(
        {
          status: 'error',
          reason: 'crash',
          errorType: 'Runtime.ExitError',
          payload: errorBody('Runtime.ExitError', msg),
        },
        false,
      );
    }
    const pid = this.proc?.pid;
    this.state = 'dead';
    if (!pid || this.exitInfo) {
      this.cleanup();
      this.markExited();
      await this.cgroupRemoved;
      return;
    }
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    const t = setTimeout(() => this.kill(), graceMs);
    await this.exited;
    clearTimeout(t);
    await this.cgroupRemoved;
  }

  private cleaned = false;
  private cgroupRemoved: Promise<void> | undefined;
  private cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    this.parkedNext?.destroy();
    this.parkedNext = undefined;
    this.api?.close();
    this.cgroupRemoved = this.cgroup?.destroy();
    fs.rmSync(path.dirname(this.tmpDir), { recursive: true, force: true });
  }
}

/** The log line and error message of an invocation whose runtime exited. */
const exitMessage = (requestId: string, how: string): string =>
  `RequestId: ${requestId} Error: Runtime exited with error: ${how}`;

function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `signal: ${signalName(signal)}` : `exit status ${code}`;
}

function signalName(sig: NodeJS.Signals): string {
  const names: Record<string, string> = {
    SIGKILL: 'killed',
    SIGSEGV: 'segmentation fault',
    SIGABRT: 'aborted',
    SIGTERM: 'terminated',
  };
  return names[sig] ?? sig;
}
