/**
 * Gust's Node.js runtime: AWS Lambda's Node.js programming model on the Lambda Runtime API
 * (2018-06-01). One process per execution environment, started as
 *   node [flags] runtimes/node/bootstrap.mjs      (cwd = the function's code directory)
 *
 * It behaves like AWS's aws-lambda-nodejs-runtime-interface-client (the "classic" client behind
 * the nodejs18.x-nodejs22.x managed runtimes), written from scratch with node: built-ins only:
 *  - handler resolution ("dir/module.prop.fn"), CommonJS and ES modules, top-level await, and the
 *    Runtime.* init errors (MalformedHandlerName, ImportModuleError, UserCodeSyntaxError,
 *    HandlerNotFound), posted to /runtime/init/error;
 *  - async / promise-returning handlers, callback handlers with
 *    context.callbackWaitsForEmptyEventLoop, legacy context.done/succeed/fail;
 *  - error shapes {errorType, errorMessage, trace} and the "Invoke Error" log record;
 *  - uncaught exceptions / unhandled rejections: reported for the running invocation, then exit;
 *  - console patched to one record per line (Text or JSON format, AWS_LAMBDA_LOG_LEVEL for JSON).
 *
 * Deliberate choices (AWS behaviour kept unless noted):
 *  - A result that JSON.stringify cannot serialise (circular, BigInt) fails the invocation with
 *    {"errorType":"Error","errorMessage":"Unable to stringify response body"} and an Invoke Error
 *    log line, as the classic AWS client does (nodejs20.x/22.x). The rewritten client for
 *    nodejs24.x names it "Runtime.JSONStringifyError"; we keep the classic name because this
 *    runtime implements the classic (callback-capable) programming model.
 *  - A non-async handler that neither calls back nor returns a promise gets a null response once
 *    the event loop is empty (its return value is ignored, as on AWS); an `async function` handler
 *    whose promise never settles fails with Runtime.NodeJsExit at that point.
 *  - "Module not found" from require (MODULE_NOT_FOUND) or import (ERR_MODULE_NOT_FOUND) becomes
 *    Runtime.ImportModuleError, e.g. "Error: Cannot find package 'x' imported from
 *    /var/task/index.mjs", the message AWS users know from ESM handlers.
 *  - Whether a .js file is CommonJS or ESM is decided by the nearest package.json *up to the task
 *    root*, as on AWS where nothing above /var/task has a package.json. If a package.json with
 *    "type":"module" sits above the task root (e.g. Gust's data directory inside an ESM project),
 *    .js files under the task root that no package.json inside it claims are still loaded (and
 *    require()d) as CommonJS. (An ES module importing such a .js file still follows Node's rules.)
 *  - After a response has been posted with callbackWaitsForEmptyEventLoop=false, AWS freezes the
 *    process; here pending timers simply keep running while the next invocation is awaited.
 *  - Response streaming handlers (awslambda.streamifyResponse) run in buffered mode: the bytes
 *    written to the stream are posted as one response once the stream has ended.
 *  - An exception thrown synchronously by the handler is always an error ("handled" when the
 *    thrown value is null/undefined), where AWS would pass an undefined throw to callback().
 *  - A reply from the Runtime API that is not 2xx (e.g. 413 for a response over 6 MB) is logged to
 *    stderr and the loop goes on; a failure to reach the Runtime API at all exits the process.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import Module, { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';

const env = process.env;
const TASK_ROOT = path.resolve(env.LAMBDA_TASK_ROOT || process.cwd());
const HANDLER_STRING = env._HANDLER ?? process.argv[2] ?? '';
const FUNCTION_NAME = env.AWS_LAMBDA_FUNCTION_NAME;
const FUNCTION_VERSION = env.AWS_LAMBDA_FUNCTION_VERSION;
const MEMORY_LIMIT = env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE;
const LOG_GROUP = env.AWS_LAMBDA_LOG_GROUP_NAME;
const LOG_STREAM = env.AWS_LAMBDA_LOG_STREAM_NAME;
const JSON_LOGS = (env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';

const EXIT_UNCAUGHT = 129; // the exit codes AWS's client uses
const EXIT_UNHANDLED_REJECTION = 128;

// ---------------------------------------------------------------------------------------------
// Output: synchronous writes so every record reaches the pipe before the result is posted.

let sleepCell;
function pause1ms() {
  sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleepCell, 0, 0, 1);
}

function writeAll(fd, text) {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      // stdout becomes non-blocking if user code touches process.stdout; wait for the reader.
      if (e.code === 'EAGAIN') pause1ms();
      else return; // EPIPE etc.: nobody is listening, drop the record
    }
  }
}

function diag(msg) {
  writeAll(2, `Gust node runtime: ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------
// Console patch.

/** Request id of the invocation being (or last) processed; undefined before the first one. */
let currentRequestId;

function textRecord(level, args) {
  let line = `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${util.format(...args)}`;
  if (line.includes('\n')) line = line.replaceAll('\n', '\r');
  writeAll(1, line + '\n');
}

function errorLogReplacer(_key, value) {
  if (value instanceof Error) {
    return Object.assign(
      {
        errorType: value.constructor?.name ?? 'UnknownError',
        errorMessage: value.message,
        stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
      },
      value,
    );
  }
  return value;
}

function jsonRecord(level, args) {
  const rec = { timestamp: new Date().toISOString(), level, requestId: currentRequestId, message: undefined };
  let line;
  if (args.length === 1) {
    rec.message = args[0];
    try {
      line = JSON.stringify(rec, errorLogReplacer);
    } catch {
      rec.message = util.format(args[0]);
      line = JSON.stringify(rec);
    }
  } else {
    rec.message = util.format(...args);
    for (const a of args) {
      if (a instanceof Error) {
        rec.errorType = a.constructor?.name ?? 'UnknownError';
        rec.errorMessage = a.message;
        rec.stackTrace = typeof a.stack === 'string' ? a.stack.split('\n') : [];
        break;
      }
    }
    line = JSON.stringify(rec);
  }
  writeAll(1, line + '\n');
}

const record = JSON_LOGS ? jsonRecord : textRecord;
const LEVEL_PRIORITY = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
// AWS applies the application log level only with the JSON log format.
const minPriority = JSON_LOGS ? (LEVEL_PRIORITY[(env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] ?? 1) : 1;
const enabled = (level) => LEVEL_PRIORITY[level] >= minPriority;
const noop = () => {};
const logger = (level) => (enabled(level) ? (...args) => record(level, args) : noop);

console.trace = logger('TRACE');
console.debug = logger('DEBUG');
console.info = logger('INFO');
console.log = console.info;
console.warn = logger('WARN');
console.error = logger('ERROR');
console.fatal = logger('FATAL');
const logErrorRecord = logger('ERROR');

/** Serialise an error for a text log record like AWS: a tab, then JSON with the stack as lines. */
function formattedError(err) {
  try {
    return (
      '\t' +
      JSON.stringify(err, (_k, v) => {
        if (!(v instanceof Error)) return v;
        const o = Object.assign({ errorType: v.name, errorMessage: v.message, code: v.code }, v);
        if (typeof v.stack === 'string') o.stack = v.stack.split('\n');
        return o;
      })
    );
  } catch {
    return '\t' + JSON.stringify(toRapidError(err));
  }
}

const intoError = (err) => (err instanceof Error ? err : new Error(err));

/** Log an error the way AWS does ("Invoke Error", "Uncaught Exception", ...). */
function logError(title, err) {
  const e = intoError(err);
  if (JSON_LOGS) logErrorRecord(e);
  else logErrorRecord(title, formattedError(e));
}

// ---------------------------------------------------------------------------------------------
// Errors.

function runtimeError(name) {
  const cls = class extends Error {};
  Object.defineProperty(cls, 'name', { value: name });
  cls.prototype.name = `Runtime.${name}`;
  return cls;
}
const MalformedHandlerName = runtimeError('MalformedHandlerName');
const HandlerNotFound = runtimeError('HandlerNotFound');
const ImportModuleError = runtimeError('ImportModuleError');
const UserCodeSyntaxError = runtimeError('UserCodeSyntaxError');
const MalformedStreamingHandler = runtimeError('MalformedStreamingHandler');
const NodeJsExit = runtimeError('NodeJsExit');
const UnhandledPromiseRejection = runtimeError('UnhandledPromiseRejection');
const NODEJS_EXIT_MESSAGE =
  'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes';

function isErrorLike(e) {
  return (
    util.types.isNativeError(e) ||
    (e &&
      typeof e.name === 'string' &&
      typeof e.message === 'string' &&
      typeof e.stack === 'string' &&
      e.name &&
      e.message &&
      e.stack)
  );
}

/** The body posted to the Runtime API for an error. */
function toRapidError(err) {
  try {
    if (isErrorLike(err)) {
      return {
        errorType: err.name,
        errorMessage: err.message,
        trace: typeof err.stack === 'string' ? err.stack.split('\n') : [],
      };
    }
    return { errorType: typeof err, errorMessage: String(err), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Runtime API client: one keep-alive agent, no timeouts (next long-polls).

const API = env.AWS_LAMBDA_RUNTIME_API || '127.0.0.1:9001';
const API_COLON = API.lastIndexOf(':');
const API_HOST = API.slice(0, API_COLON).replace(/^\[|\]$/g, '');
const API_PORT = Number(API.slice(API_COLON + 1));
const BASE = '/2018-06-01/runtime';
const NEXT_PATH = `${BASE}/invocation/next`;
const agent = new http.Agent({ keepAlive: true });

/** One request; resolves {status, headers, body} once the whole reply is read. */
function rapid(method, urlPath, headers, body) {
  return new Promise((resolve, reject) => {
    const attempt = (mayRetry) => {
      const req = http.request({ agent, host: API_HOST, port: API_PORT, method, path: urlPath, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      });
      req.on('error', (e) => {
        // A kept-alive socket the server closed while idle: retry once on a fresh connection.
        if (mayRetry && req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) attempt(false);
        else reject(e);
      });
      req.end(body);
    };
    attempt(true);
  });
}

function postHeaders(body, contentType, errorType) {
  const h = { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) };
  if (errorType !== undefined) h['Lambda-Runtime-Function-Error-Type'] = headerSafe(errorType);
  return h;
}

/** Header values must be printable latin-1; AWS's client escapes DEL, we escape anything odd. */
function headerSafe(s) {
  const str = String(s);
  if (/^[\x20-\x7e]*$/.test(str)) return str;
  return str.replace(/[^\x20-\x7e]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
}

/** POST and log a non-2xx reply; rejects only when the Runtime API cannot be reached. */
async function post(urlPath, body, contentType, errorType) {
  const r = await rapid('POST', urlPath, postHeaders(body, contentType, errorType), body);
  if (r.status < 200 || r.status > 299) diag(`POST ${urlPath} -> HTTP ${r.status}: ${r.body}`);
}

function unreachable(e) {
  diag(`cannot reach the Runtime API at ${API}: ${e && e.message}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// Loading the handler.

const bootRequire = createRequire(import.meta.url);
const pkgTypeCache = new Map();

/** "module" | "commonjs" from the package.json in dir, or null if there is none. */
function packageTypeIn(dir) {
  let t = pkgTypeCache.get(dir);
  if (t !== undefined) return t;
  t = null;
  const pj = path.join(dir, 'package.json');
  try {
    const data = JSON.parse(fs.readFileSync(pj, 'utf8'));
    t = data && data.type === 'module' ? 'module' : 'commonjs';
  } catch (e) {
    if (e.code !== 'ENOENT' && e.code !== 'ENOTDIR') {
      console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
      t = 'commonjs';
    }
  }
  pkgTypeCache.set(dir, t);
  return t;
}

/**
 * Package type of dir from the nearest package.json, looking no higher than `stop` (inclusive)
 * and not past a node_modules directory; null when none is found.
 */
function scopeType(dir, stop) {
  for (let d = dir; ;) {
    if (d.endsWith(`${path.sep}node_modules`)) return null;
    const t = packageTypeIn(d);
    if (t) return t;
    if (d === stop) return null;
    const up = path.dirname(d);
    if (up === d) return null;
    d = up;
  }
}

const insideTaskRoot = (p) =>
  p === TASK_ROOT || p.startsWith(TASK_ROOT.endsWith(path.sep) ? TASK_ROOT : TASK_ROOT + path.sep);
const boundedScope = (dir) => scopeType(dir, insideTaskRoot(dir) ? TASK_ROOT : path.parse(dir).root);

// If an ESM package scope encloses the task root, Node would treat unclaimed .js files in the code
// as ES modules; keep AWS semantics (CommonJS) for them.
if (
  TASK_ROOT !== path.dirname(TASK_ROOT) &&
  scopeType(path.dirname(TASK_ROOT), path.parse(TASK_ROOT).root) === 'module'
) {
  const originalJs = Module._extensions['.js'];
  Module._extensions['.js'] = function (mod, filename) {
    if (insideTaskRoot(filename) && boundedScope(path.dirname(filename)) === null) {
      let src = fs.readFileSync(filename, 'utf8');
      if (src.charCodeAt(0) === 0xfeff) src = src.slice(1);
      return mod._compile(src, filename, 'commonjs');
    }
    return originalJs.call(this, mod, filename);
  };
}

const isFile = (p) => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};
const importFile = (p) => import(pathToFileURL(p).href);

function requireOrImport(file) {
  try {
    return bootRequire(file);
  } catch (e) {
    if (e && (e.code === 'ERR_REQUIRE_ESM' || e.code === 'ERR_REQUIRE_ASYNC_MODULE')) return importFile(file);
    throw e;
  }
}

async function loadModule(moduleRoot, moduleName) {
  const base = path.resolve(TASK_ROOT, moduleRoot, moduleName);
  // Same order as AWS: extensionless, .js (CommonJS unless in an ESM scope), .mjs, .cjs, then a
  // package/module name resolved from the task root.
  if (fs.existsSync(base)) return bootRequire(base);
  const js = base + '.js';
  if (isFile(js)) return boundedScope(path.dirname(base)) === 'module' ? importFile(js) : bootRequire(js);
  if (isFile(base + '.mjs')) return importFile(base + '.mjs');
  if (isFile(base + '.cjs')) return bootRequire(base + '.cjs');
  const resolved = bootRequire.resolve(moduleName, { paths: [TASK_ROOT, path.resolve(TASK_ROOT, moduleRoot)] });
  return requireOrImport(resolved);
}

const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

async function loadHandler(handlerString) {
  if (handlerString.includes('..')) {
    throw new MalformedHandlerName(
      `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const base = path.basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.lastIndexOf(base));
  const dot = base.indexOf('.');
  if (dot === -1) throw new MalformedHandlerName('Bad handler');
  const moduleName = base.slice(0, dot);
  const propPath = base.slice(dot + 1);

  let mod;
  try {
    mod = await loadModule(moduleRoot, moduleName);
  } catch (e) {
    if (e instanceof SyntaxError) throw new UserCodeSyntaxError(String(e));
    if (e && (e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND')) {
      throw new ImportModuleError(`${e.name}: ${e.message}`);
    }
    throw e;
  }
  let fn = mod;
  for (const key of propPath.split('.')) fn = fn && fn[key];
  if (!fn) throw new HandlerNotFound(`${handlerString} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${handlerString} is not a function`);
  const streaming = fn[HANDLER_STREAMING];
  if (streaming && streaming !== 'response')
    throw new MalformedStreamingHandler('Only response streaming is supported.');
  return fn;
}

// awslambda.streamifyResponse / HttpResponseStream, as AWS provides them globally.
if (env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA !== '1' && env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA !== 'true') {
  globalThis.awslambda = {
    streamifyResponse(handler) {
      handler[HANDLER_STREAMING] = 'response';
      return handler;
    },
    HttpResponseStream: class HttpResponseStream {
      static from(stream, prelude) {
        stream.setContentType?.('application/vnd.awslambda.http-integration-response');
        stream.write(JSON.stringify(prelude));
        stream.write(new Uint8Array(8));
        return stream;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The invocation loop.

let handler;
let handlerIsAsync = false;
let handlerStreams = false;
let initDone = false;
let exiting = false;
/** State of the invocation in progress (null between invocations). */
let current = null;
/** The POST of the last result, while in flight. */
let inflight = null;
/** What to do when the event loop next runs dry (see callbackWaitsForEmptyEventLoop). */
let onEmptyLoop = null;

process.on('beforeExit', () => {
  const task = onEmptyLoop;
  if (task) {
    onEmptyLoop = null;
    task();
  } else if (!initDone && !exiting) {
    // Module init (e.g. a top-level await) is waiting on a promise nothing will ever settle.
    const err = new NodeJsExit(NODEJS_EXIT_MESSAGE);
    logError('Uncaught Exception', err);
    fatal(err, 13);
  }
});

function nextInvocation() {
  if (exiting) return;
  rapid('GET', NEXT_PATH).then(startInvocation, unreachable);
}

function parseJsonHeader(value, name) {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (e) {
    throw new Error(`Cannot parse ${name} as json: ${e}`);
  }
}

function startInvocation(r) {
  if (exiting) return;
  if (r.status !== 200) {
    diag(`GET ${NEXT_PATH} -> HTTP ${r.status}: ${r.body}`);
    process.exit(1);
  }
  const h = r.headers;
  const id = h['lambda-runtime-aws-request-id'];
  if (!id) {
    diag('next invocation has no Lambda-Runtime-Aws-Request-Id header');
    process.exit(1);
  }
  currentRequestId = id;
  const trace = h['lambda-runtime-trace-id'];
  if (trace) env._X_AMZN_TRACE_ID = trace;
  else delete env._X_AMZN_TRACE_ID;

  const inv = { id, deadline: Number(h['lambda-runtime-deadline-ms']), settled: false, posted: false, waits: true };
  current = inv;

  let event, clientContext, identity;
  try {
    event = r.body.length === 0 ? {} : JSON.parse(r.body);
    clientContext = parseJsonHeader(h['lambda-runtime-client-context'], 'ClientContext');
    identity = parseJsonHeader(h['lambda-runtime-cognito-identity'], 'CognitoIdentity');
  } catch (e) {
    fail(inv, e);
    return;
  }

  const done = (err, result) => {
    if (err !== undefined && err !== null) fail(inv, err);
    else succeed(inv, result, false);
  };
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return inv.waits;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      inv.waits = value;
    },
    succeed: (result) => done(null, result),
    fail: (err) => done(err === undefined || err === null ? 'handled' : err),
    done,
    functionVersion: FUNCTION_VERSION,
    functionName: FUNCTION_NAME,
    memoryLimitInMB: MEMORY_LIMIT,
    logGroupName: LOG_GROUP,
    logStreamName: LOG_STREAM,
    clientContext,
    identity,
    invokedFunctionArn: h['lambda-runtime-invoked-function-arn'],
    awsRequestId: id,
    getRemainingTimeInMillis: () => inv.deadline - Date.now(),
  };

  if (handlerStreams) {
    runStreaming(inv, event, context);
    return;
  }

  // If the loop runs dry before the handler reports anything.
  onEmptyLoop = () => {
    if (inv.settled) return;
    if (handlerIsAsync) fail(inv, new NodeJsExit(NODEJS_EXIT_MESSAGE));
    else succeed(inv, null, false);
  };
  const callback = (err, result) => {
    if (err !== undefined && err !== null) fail(inv, err);
    else succeed(inv, result, true);
  };

  let ret;
  try {
    ret = handler(event, context, callback);
  } catch (e) {
    fail(inv, e === undefined || e === null ? 'handled' : e);
    return;
  }
  if (ret && typeof ret.then === 'function') {
    ret.then(
      (v) => done(null, v),
      (e) => context.fail(e),
    );
  }
}

/** Report success; first settlement of the invocation wins. */
function succeed(inv, result, viaCallback) {
  if (inv.settled) return;
  inv.settled = true;
  if (viaCallback && inv.waits) {
    // callbackWaitsForEmptyEventLoop: respond once nothing else is pending.
    onEmptyLoop = () => setImmediate(() => postResult(inv, result));
    return;
  }
  if (current === inv) onEmptyLoop = null;
  postResult(inv, result);
}

/** Report failure; first settlement of the invocation wins. */
function fail(inv, err) {
  if (inv.settled) return;
  inv.settled = true;
  if (current === inv) onEmptyLoop = null;
  logError('Invoke Error', err);
  postError(inv, err);
}

function postResult(inv, result) {
  let body;
  try {
    body = JSON.stringify(result === undefined ? null : result);
  } catch {
    const err = new Error('Unable to stringify response body');
    logError('Invoke Error', err);
    postError(inv, err);
    return;
  }
  send(inv, `${BASE}/invocation/${encodeURIComponent(inv.id)}/response`, body ?? 'null', 'application/json');
}

function postError(inv, err) {
  const rapidErr = toRapidError(err);
  const url = `${BASE}/invocation/${encodeURIComponent(inv.id)}/error`;
  send(inv, url, JSON.stringify(rapidErr), 'application/json', rapidErr.errorType);
}

function send(inv, url, body, contentType, errorType) {
  if (inv.posted || exiting) return;
  inv.posted = true;
  if (current === inv) current = null;
  inflight = post(url, body, contentType, errorType).then(() => {
    inflight = null;
    nextInvocation();
  }, unreachable);
}

/** awslambda.streamifyResponse handlers, buffered: post what was written once the stream ends. */
function runStreaming(inv, event, context) {
  const chunks = [];
  let contentType = 'application/octet-stream';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  stream.setContentType = (t) => {
    contentType = String(t);
  };
  const finished = new Promise((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  onEmptyLoop = () => {
    if (!inv.settled) fail(inv, new NodeJsExit(NODEJS_EXIT_MESSAGE));
  };
  let ret;
  try {
    ret = handler(event, stream, context);
  } catch (e) {
    fail(inv, e);
    return;
  }
  if (!ret || typeof ret.then !== 'function') {
    fail(inv, new Error('Streaming does not support non-async handlers.'));
    return;
  }
  ret
    .then(() => finished)
    .then(
      () => {
        if (inv.settled) return;
        inv.settled = true;
        if (current === inv) onEmptyLoop = null;
        const body = Buffer.concat(chunks);
        send(inv, `${BASE}/invocation/${encodeURIComponent(inv.id)}/response`, body, contentType);
      },
      (e) => fail(inv, e),
    );
}

/**
 * An uncaught exception or unhandled rejection: report it against whatever is running (init or
 * the current invocation), then exit; the platform replaces the environment.
 */
function fatal(err, code) {
  if (exiting) return;
  exiting = true;
  const exit = () => process.exit(code);
  setTimeout(exit, 3000); // never hang here if the Runtime API does not answer
  let p;
  if (!initDone) {
    const e = toRapidError(err);
    p = post(`${BASE}/init/error`, JSON.stringify(e), 'application/json', e.errorType);
  } else if (current && !current.posted) {
    const inv = current;
    inv.posted = true;
    const e = toRapidError(err);
    p = post(
      `${BASE}/invocation/${encodeURIComponent(inv.id)}/error`,
      JSON.stringify(e),
      'application/json',
      e.errorType,
    );
  } else {
    p = inflight || Promise.resolve();
  }
  p.then(exit, exit);
}

process.on('uncaughtException', (err) => {
  logError('Uncaught Exception', err);
  fatal(err, EXIT_UNCAUGHT);
});

process.on('unhandledRejection', (reason, promise) => {
  let text;
  try {
    text = String(reason);
  } catch {
    text = util.inspect(reason);
  }
  const err = new UnhandledPromiseRejection(text);
  err.reason = reason;
  err.promise = promise;
  logError('Unhandled Promise Rejection', err);
  fatal(err, EXIT_UNHANDLED_REJECTION);
});

async function init() {
  try {
    handler = await loadHandler(HANDLER_STRING);
  } catch (e) {
    logError('Uncaught Exception', e);
    fatal(e, EXIT_UNCAUGHT);
    return;
  }
  if (exiting) return;
  try {
    handlerIsAsync = handler.constructor?.name === 'AsyncFunction';
  } catch {
    handlerIsAsync = false;
  }
  handlerStreams = handler[HANDLER_STREAMING] === 'response';
  initDone = true;
  nextInvocation();
}

init();
