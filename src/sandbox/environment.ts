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
  deliverNext,
  MAX_RESPONSE_BYTES,
  startRuntimeApi,
  type NextEvent,
  type RuntimeApiServer,
} from './runtime-api.ts';

/** Lambda's limit on the INIT phase of an on-demand environment. */
export const INIT_TIMEOUT_MS = 10_000;

export interface EnvironmentOptions {
  id: string;
  fn: FunctionVersion;
  codeDir: string;
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
  deliveredAt?: number;
  timer?: NodeJS.Timeout;
  resolve: (o: InvocationOutcome) => void;
}

export type EnvironmentState = 'starting' | 'idle' | 'busy' | 'dead';

const errorBody = (errorType: string, errorMessage: string): Buffer =>
  Buffer.from(JSON.stringify({ errorType, errorMessage }));

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

  /**
   * Spawn the process and run INIT. Resolves when the runtime first asks for an invocation;
   * rejects with InitError if init fails (init/error, exit, or INIT_TIMEOUT_MS).
   * `triggerRequestId` attributes init-phase log lines to the invocation that caused the cold start.
   */
  async start(triggerRequestId: string | null = null): Promise<void> {
    this.logRequestId = triggerRequestId;
    this.startedAt = performance.now();
    const { fn, codeDir } = { fn: this.opts.fn, codeDir: this.opts.codeDir };
    const launch = launchSpec(fn.runtime, fn.memorySize, codeDir, this.opts);
    if ('error' in launch) {
      this.state = 'dead';
      this.markExited();
      this.opts.onExit?.(this);
      const msg = `RequestId: ${triggerRequestId ?? ''} Error: ${launch.error.errorMessage}`;
      this.opts.onLog(msg, triggerRequestId, Date.now());
      throw new InitError(launch.error.errorType, errorBody(launch.error.errorType, msg), 'init', 0);
    }
    fs.mkdirSync(this.tmpDir, { recursive: true });
    this.api = await startRuntimeApi({
      next: (res) => this.onNext(res),
      response: (id, body) => this.onResponse(id, body),
      responseTooLarge: (id, size) => this.onResponseTooLarge(id, size),
      error: (id, type, body) => this.onError(id, type, body),
      initError: (type, body) => this.onInitError(type, body),
    });
    if (this.opts.cgroups.mode !== 'none') {
      this.cgroup = new MemoryCgroup(this.opts.cgroups, this.id, fn.memorySize);
    }
    const env = this.buildEnv(launch.env);
    // Join the cgroup before exec so all memory the runtime allocates is charged to it.
    const [command, args] = this.cgroup
      ? ['/bin/sh', ['-c', 'echo $$ > "$0" && exec "$@"', this.cgroup.procsFile, launch.command, ...launch.args]]
      : [launch.command, launch.args];

    const initDone = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const msg = `INIT phase timed out after ${(INIT_TIMEOUT_MS / 1000).toFixed(2)} seconds`;
        this.failInit(
          new InitError('Sandbox.Timedout', errorBody('Sandbox.Timedout', msg), 'timeout', INIT_TIMEOUT_MS),
        );
      }, INIT_TIMEOUT_MS);
      this.initSettle = { resolve, reject, timer };
    });

    const proc = spawn(command as string, args as string[], {
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

  /** Run one invocation. The environment must be idle (placement guarantees it). */
  invoke(req: InvocationRequest): Promise<InvocationOutcome> {
    if (this.state !== 'idle') throw new Error(`environment ${this.id} is ${this.state}, not idle`);
    this.state = 'busy';
    this.invocations++;
    this.logRequestId = req.requestId;
    return new Promise<InvocationOutcome>((resolve) => {
      this.inflight = { req, resolve };
      const parked = this.parkedNext;
      if (parked) {
        this.parkedNext = undefined;
        this.deliver(parked);
      }
    });
  }

  private deliver(res: http.ServerResponse): void {
    const inf = this.inflight!;
    const now = Date.now();
    const timeoutMs = this.fn.timeout * 1000;
    const ev: NextEvent = {
      requestId: inf.req.requestId,
      deadlineMs: now + timeoutMs,
      functionArn: inf.req.invokedFunctionArn,
      traceId: inf.req.traceId,
      clientContext: inf.req.clientContext,
      cognitoIdentity: inf.req.cognitoIdentity,
      payload: inf.req.payload,
    };
    inf.deliveredAt = performance.now();
    inf.timer = setTimeout(() => this.onTimeout(), timeoutMs);
    deliverNext(res, ev);
  }

  private onNext(res: http.ServerResponse): void {
    if (this.state === 'dead') {
      res.destroy();
      return;
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
    if (this.inflight && this.inflight.deliveredAt === undefined) this.deliver(res);
    else {
      this.parkedNext?.destroy();
      this.parkedNext = res;
    }
  }

  private finish(outcome: OutcomeBody, fatal: boolean): void {
    const inf = this.inflight;
    if (!inf) return;
    this.inflight = undefined;
    if (inf.timer) clearTimeout(inf.timer);
    const durationMs = inf.deliveredAt !== undefined ? performance.now() - inf.deliveredAt : 0;
    const maxMemoryUsedMb = this.maxMemoryUsedMb();
    this.lastUsed = Date.now();
    if (fatal) this.kill();
    else if (this.state === 'busy') this.state = 'idle';
    inf.resolve({ ...outcome, durationMs, maxMemoryUsedMb });
  }

  private matches(requestId: string): boolean {
    return (
      this.inflight !== undefined &&
      this.inflight.deliveredAt !== undefined &&
      this.inflight.req.requestId === requestId
    );
  }

  private onResponse(requestId: string, body: Buffer): boolean {
    if (!this.matches(requestId)) return false;
    this.finish({ status: 'success', payload: body }, false);
    return true;
  }

  private onResponseTooLarge(requestId: string, _size: number): boolean {
    if (!this.matches(requestId)) return false;
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
    return true;
  }

  private onError(requestId: string, errorType: string | undefined, body: Buffer): boolean {
    if (!this.matches(requestId)) return false;
    let type = errorType;
    if (!type) {
      try {
        type = (JSON.parse(body.toString('utf8')) as { errorType?: string }).errorType;
      } catch {
        /* not JSON */
      }
    }
    this.finish({ status: 'error', reason: 'function', errorType: type ?? 'Unhandled', payload: body }, false);
    return true;
  }

  private onInitError(errorType: string | undefined, body: Buffer): void {
    if (this.state !== 'starting') return;
    const elapsed = performance.now() - this.startedAt;
    this.failInit(new InitError(errorType ?? 'Runtime.Unknown', body, 'init', elapsed));
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
    const how = spawnError ? spawnError : signal ? `signal: ${signalName(signal)}` : `exit status ${code}`;
    const errorType = oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
    const reason: FailureReason = oom ? 'oom' : 'crash';
    if (this.initSettle) {
      const elapsed = performance.now() - this.startedAt;
      const msg = `RequestId: ${this.logRequestId ?? ''} Error: Runtime exited with error: ${how}`;
      this.opts.onLog(msg, this.logRequestId, Date.now());
      this.failInit(new InitError(errorType, errorBody(errorType, msg), reason, elapsed));
    }
    if (this.inflight && !wasDead) {
      const msg = `RequestId: ${this.inflight.req.requestId} Error: Runtime exited with error: ${how}`;
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

function signalName(sig: NodeJS.Signals): string {
  const names: Record<string, string> = {
    SIGKILL: 'killed',
    SIGSEGV: 'segmentation fault',
    SIGABRT: 'aborted',
    SIGTERM: 'terminated',
  };
  return names[sig] ?? sig;
}
