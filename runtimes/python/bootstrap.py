"""Gust's Python runtime: AWS Lambda's Python programming model over the Runtime API 2018-06-01.

Started once per execution environment as `python3 -u bootstrap.py` with cwd = the function's code
directory. It imports the handler module once, then loops: GET invocation/next, call
handler(event, context), POST the result or the error. Error types, messages, stack traces and log
line formats follow AWS's runtime interface client (awslambdaric) so that functions behave and log
as they do on Lambda. Python 3.8+ standard library only.

Logging contract with Gust's log collector: every log record is written to stdout as ONE line; a
multi-line record has its inner '\n' replaced by '\r' (the collector turns them back).
"""

import decimal
import http.client
import importlib
import json
import logging
import math
import os
import re
import sys
import time
import traceback

RUNTIME_API_PREFIX = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"

MARSHAL_ERROR = "Runtime.MarshalError"
UNMARSHAL_ERROR = "Runtime.UnmarshalError"
USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

# Logged (as AWS does) before an init error.
UNHANDLED_EXCEPTION_WARNING = (
    "LAMBDA_WARNING: "
    "Unhandled exception. "
    "The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, "
    "or can be applied automatically. "
    "To determine if the runtime has been updated, check the runtime version in the INIT_START log entry. "
    "If this error correlates with a change in the runtime version, you may be able to mitigate this "
    "error by temporarily rolling back to the previous runtime version. "
    "For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)

_TEXT_LOG_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"
_TEXT_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
_JSON_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_ERROR_INDENT = "\u00a0"  # leading spaces of traceback lines become NO-BREAK SPACEs, as on AWS

_LOG_FORMAT_JSON = (os.environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"

# The request in flight (or the last one); read by the logging filter.
_request_id = None
_tenant_id = None


class FaultException(Exception):
    """A runtime-detected fault with a Lambda error type (Runtime.*)."""

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.exception_type = exception_type
        self.msg = msg
        self.trace = trace


# ---------------------------------------------------------------------------------------------
# JSON (de)serialisation

# Lambda's python3.12+ runtimes encode responses without escaping non-ASCII characters.
_ENSURE_ASCII = sys.version_info < (3, 12)
# Decimals are emitted verbatim (as simplejson's RawJSON does on AWS): the encoder writes a
# per-process marker string in their place, which is then substituted with str(decimal).
_DECIMAL_MARK = "__gust_decimal_" + os.urandom(8).hex() + "_"
_DECIMAL_RE = re.compile('"' + _DECIMAL_MARK + r'(\d+)"')


class _Encoder(json.JSONEncoder):
    def __init__(self, ensure_ascii=_ENSURE_ASCII):
        super().__init__(ensure_ascii=ensure_ascii, allow_nan=True)
        self.decimals = None

    def default(self, o):
        if isinstance(o, decimal.Decimal):
            if o.is_nan():
                return math.nan
            if self.decimals is None:
                self.decimals = []
            self.decimals.append(str(o))
            return _DECIMAL_MARK + str(len(self.decimals) - 1)
        return json.JSONEncoder.default(self, o)


def to_json(obj, ensure_ascii=_ENSURE_ASCII):
    enc = _Encoder(ensure_ascii)
    out = enc.encode(obj)
    decimals = enc.decimals
    if decimals:
        out = _DECIMAL_RE.sub(lambda m: decimals[int(m.group(1))], out)
    return out


def marshal_response(response):
    if isinstance(response, bytes):
        return response, "application/unknown"
    try:
        return to_json(response).encode("utf-8"), "application/json"
    except Exception as e:
        raise FaultException(MARSHAL_ERROR, "Unable to marshal response: {}".format(e))


def unmarshal_request(body, content_type):
    if content_type is not None and content_type.split(";", 1)[0].strip().lower() != "application/json":
        return body
    try:
        return json.loads(body)
    except Exception as e:
        raise FaultException(UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(e))


# ---------------------------------------------------------------------------------------------
# Context


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id={},cognito_identity_pool_id={}])".format(
            self.cognito_identity_id, self.cognito_identity_pool_id
        )


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __repr__(self):
        return "Client([{}])".format(",".join("{}={}".format(f, getattr(self, f)) for f in self.__slots__))


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return "ClientContext([custom={},env={},client={}])".format(self.custom, self.env, self.client)


def _obj_from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    get = d.get if isinstance(d, dict) else (lambda _k, _d=None: None)
    for field in cls.__slots__:
        setattr(obj, field, get(field, None))
    return obj


class LambdaContext(object):
    def __init__(
        self,
        invoke_id,
        client_context,
        cognito_identity,
        epoch_deadline_time_in_ms,
        invoked_function_arn=None,
        tenant_id=None,
    ):
        env = os.environ
        self.aws_request_id = invoke_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        # A string, as on AWS (it comes from the environment).
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id

        self.client_context = _obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _obj_from_dict(Client, self.client_context.client)

        self.identity = _obj_from_dict(CognitoIdentity, {})
        if isinstance(cognito_identity, dict):
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")

        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext(["
            "aws_request_id={},log_group_name={},log_stream_name={},function_name={},"
            "memory_limit_in_mb={},function_version={},invoked_function_arn={},"
            "client_context={},identity={},tenant_id={}])"
        ).format(
            self.aws_request_id,
            self.log_group_name,
            self.log_stream_name,
            self.function_name,
            self.memory_limit_in_mb,
            self.function_version,
            self.invoked_function_arn,
            self.client_context,
            self.identity,
            self.tenant_id,
        )


def _parse_json_header(value, name):
    try:
        return json.loads(value)
    except Exception as e:
        raise FaultException(LAMBDA_CONTEXT_UNMARSHAL_ERROR, "Unable to parse {} JSON: {}".format(name, e))


# ---------------------------------------------------------------------------------------------
# Errors and logging


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def _safe_str(value):
    try:
        return str(value)
    except Exception:
        return "<unprintable {} object>".format(type(value).__name__)


def _format_stack(tb):
    """The traceback's frames as traceback.format_list strings, without this file's leading frames."""
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if "/bootstrap.py" not in frame[0]:
            frames = frames[i:]
            break
    return traceback.format_list(frames)


def build_fault_result(exc_info, invoke_id=None):
    etype, value, tb = exc_info
    return make_error(_safe_str(value), etype.__name__, _format_stack(tb), invoke_id)


def _write_record(text):
    """Write one log record as one stdout line (inner newlines become '\r')."""
    if text.endswith("\n"):
        text = text[:-1]
    if "\n" in text:
        text = text.replace("\n", "\r")
    sys.stdout.write(text + "\n")


def _indent_nbsp(line):
    stripped = line.lstrip(" ")
    return _ERROR_INDENT * (len(line) - len(stripped)) + stripped


def log_error(error_result):
    if _LOG_FORMAT_JSON:
        record = {
            "timestamp": time.strftime(_JSON_DATE_FORMAT, time.gmtime()),
            "log_level": "ERROR",
        }
        record.update(error_result)
        _write_record(to_json(record))
        return
    description = "[ERROR]"
    etype = error_result.get("errorType")
    if etype:
        description += " " + etype
    emsg = error_result.get("errorMessage")
    if emsg:
        if etype:
            description += ":"
        description += " " + emsg
    lines = [description]
    stack = error_result.get("stackTrace")
    if stack is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack:
            if element == "":
                lines.append("")
            else:
                lines.extend(_indent_nbsp(line) for line in element.splitlines())
    _write_record("\r".join(lines))


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        record.tenant_id = _tenant_id
        return True


class _StdoutHandler(logging.Handler):
    def emit(self, record):
        try:
            _write_record(self.format(record))
        except Exception:
            self.handleError(record)


_JSON_RESERVED_FIELDS = frozenset(
    [
        "name",
        "msg",
        "args",
        "levelname",
        "levelno",
        "pathname",
        "filename",
        "module",
        "exc_info",
        "exc_text",
        "stack_info",
        "lineno",
        "funcName",
        "created",
        "msecs",
        "relativeCreated",
        "thread",
        "threadName",
        "processName",
        "process",
        "aws_request_id",
        "tenant_id",
        "_frame_type",
    ]
)
_json_log_encoder = json.JSONEncoder(ensure_ascii=False, default=_safe_str)


class JsonFormatter(logging.Formatter):
    """AWS's JSON application log format."""

    def __init__(self):
        super().__init__(datefmt=_JSON_DATE_FORMAT)

    def format(self, record):
        record.levelno = min(50, max(0, record.levelno)) // 10 * 10
        record.levelname = logging.getLevelName(record.levelno)
        exc = record.exc_info
        if exc and exc[0] is None:
            exc = None
        result = {
            "timestamp": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc[2]) if exc else None,
            "errorType": exc[0].__name__ if exc else None,
            "errorMessage": _safe_str(exc[1]) if exc else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": "{}:{}:{}".format(record.pathname, record.funcName, record.lineno) if exc else None,
        }
        if getattr(record, "tenant_id", None) is not None:
            result["tenantId"] = record.tenant_id
        for key, value in record.__dict__.items():
            if key not in _JSON_RESERVED_FIELDS and key not in result:
                result[key] = value
        return _json_log_encoder.encode({k: v for k, v in result.items() if v is not None}) + "\n"


def setup_logging():
    logging.Formatter.converter = time.gmtime
    root = logging.getLogger()
    handler = _StdoutHandler()
    if _LOG_FORMAT_JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(_TEXT_LOG_FORMAT, _TEXT_DATE_FORMAT))
    level = (os.environ.get("AWS_LAMBDA_LOG_LEVEL") or "").upper()
    if level == "TRACE":
        level = "DEBUG"
    if level and isinstance(logging.getLevelName(level), int):
        root.setLevel(level)
    handler.addFilter(_RequestIdFilter())
    root.addHandler(handler)


def flush_output():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def runtime_warn(msg):
    try:
        sys.stderr.write("[gust-python-runtime] " + msg + "\n")
        sys.stderr.flush()
    except Exception:
        pass


# ---------------------------------------------------------------------------------------------
# Runtime API client


class RuntimeClient(object):
    """One persistent HTTP/1.1 connection to the Runtime API, re-opened when it drops."""

    def __init__(self, address):
        self.address = address
        self.conn = None
        try:
            import select

            self._poll_mod = select if hasattr(select, "poll") else None
        except ImportError:
            self._poll_mod = None

    def _connection(self):
        conn = self.conn
        if conn is None:
            conn = self.conn = http.client.HTTPConnection(self.address)
        elif conn.sock is not None and self._poll_mod is not None:
            # An idle keep-alive connection that is readable was closed by the server: re-open it
            # instead of failing on it.
            p = self._poll_mod.poll()
            p.register(conn.sock, self._poll_mod.POLLIN)
            if p.poll(0):
                conn.close()
        return conn

    def _drop(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None

    def request(self, method, path, body=None, headers=None):
        """Send one request; retries once on a fresh connection if the connection fails."""
        for attempt in (0, 1):
            conn = self._connection()
            try:
                if headers:
                    conn.request(method, path, body, headers)
                else:
                    conn.request(method, path, body)
                resp = conn.getresponse()
                data = resp.read()
                if resp.will_close:
                    self._drop()
                return resp, data
            except (http.client.HTTPException, OSError):
                self._drop()
                if attempt:
                    raise

    def next(self):
        """Long-poll for the next invocation: (headers dict with lower-case names, body bytes)."""
        path = RUNTIME_API_PREFIX + "/invocation/next"
        delay = 0.0
        for attempt in range(6):
            if delay:
                time.sleep(delay)
            try:
                resp, body = self.request("GET", path)
                if resp.status == 200:
                    return {k.lower(): v for k, v in resp.getheaders()}, body
                runtime_warn(
                    "Request to Lambda Runtime '{}' endpoint failed. Reason: '{}'. Response body: '{}'".format(
                        path, resp.status, body.decode("utf-8", "replace")
                    )
                )
            except Exception as e:
                runtime_warn("Failed to get next invocation: {}: {}".format(type(e).__name__, e))
            delay = 0.05 if not delay else delay * 2
        runtime_warn("Runtime API unreachable; exiting")
        flush_output()
        sys.exit(1)

    def post(self, path, body, headers):
        """POST; a failure or non-2xx reply is logged to stderr. Returns True on success."""
        try:
            resp, data = self.request("POST", path, body, headers)
        except Exception as e:
            runtime_warn("Request to Lambda Runtime '{}' endpoint failed: {}: {}".format(path, type(e).__name__, e))
            return False
        if 200 <= resp.status < 300:
            return True
        runtime_warn(
            "Request to Lambda Runtime '{}' endpoint failed. Reason: '{}'. Response body: '{}'".format(
                path, resp.status, data.decode("utf-8", "replace")
            )
        )
        return False

    def post_init_error(self, error_result):
        return self.post(
            RUNTIME_API_PREFIX + "/init/error",
            to_json(error_result).encode("utf-8"),
            {"Content-Type": "application/json", ERROR_TYPE_HEADER: _header_value(error_result["errorType"])},
        )


_SAFE_ID_RE = re.compile(r"^[A-Za-z0-9._~-]+$")


def _header_value(value):
    try:
        value.encode("latin-1")
        return value if "\n" not in value and "\r" not in value else "Unhandled"
    except UnicodeEncodeError:
        return "Unhandled"


# ---------------------------------------------------------------------------------------------
# Handler loading and invocation


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, e))

    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                BUILT_IN_MODULE_CONFLICT, "Cannot use built-in module {} as a handler module".format(modname)
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(USER_CODE_SYNTAX_ERROR, "Syntax error in module '{}': {}".format(modname, e), trace)

    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname))


def handle_invocation(client, request_handler, headers, body):
    global _request_id, _tenant_id
    invoke_id = headers.get("lambda-runtime-aws-request-id", "")
    tenant_id = headers.get("lambda-runtime-aws-tenant-id")
    _request_id = invoke_id
    _tenant_id = tenant_id

    trace_id = headers.get("lambda-runtime-trace-id")
    if trace_id:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    elif "_X_AMZN_TRACE_ID" in os.environ:
        del os.environ["_X_AMZN_TRACE_ID"]

    error_result = None
    try:
        client_context = headers.get("lambda-runtime-client-context")
        cognito_identity = headers.get("lambda-runtime-cognito-identity")
        try:
            deadline_ms = int(headers.get("lambda-runtime-deadline-ms") or 0)
        except ValueError:
            deadline_ms = 0
        context = LambdaContext(
            invoke_id,
            _parse_json_header(client_context, "Client Context") if client_context else None,
            _parse_json_header(cognito_identity, "Cognito Identity") if cognito_identity else None,
            deadline_ms,
            headers.get("lambda-runtime-invoked-function-arn"),
            tenant_id,
        )
        event = unmarshal_request(body, headers.get("content-type"))
        response = request_handler(event, context)
        result, content_type = marshal_response(response)
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        error_result = build_fault_result(sys.exc_info(), invoke_id)

    quoted_id = invoke_id if _SAFE_ID_RE.match(invoke_id) else _quote(invoke_id)
    path = RUNTIME_API_PREFIX + "/invocation/" + quoted_id
    if error_result is not None:
        log_error(error_result)
        flush_output()
        client.post(
            path + "/error",
            to_json(error_result).encode("utf-8"),
            {"Content-Type": "application/json", ERROR_TYPE_HEADER: _header_value(error_result["errorType"])},
        )
    else:
        flush_output()
        client.post(path + "/response", result, {"Content-Type": content_type})


def _quote(s):
    from urllib.parse import quote

    return quote(s, safe="")


def _setup_stdio():
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if enc != "utf8":
            try:
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
            except Exception:
                pass


def _setup_sys_path():
    here = os.path.dirname(os.path.realpath(__file__))
    if sys.path and sys.path[0] and os.path.realpath(sys.path[0]) == here:
        del sys.path[0]
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    sys.path.insert(0, task_root)


def main():
    _setup_stdio()
    _setup_sys_path()
    client = RuntimeClient(os.environ.get("AWS_LAMBDA_RUNTIME_API") or "127.0.0.1:9001")

    error_result = None
    try:
        setup_logging()
        request_handler = get_handler(os.environ.get("_HANDLER", ""))
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        error_result = build_fault_result(sys.exc_info())

    if error_result is not None:
        logging.warning(UNHANDLED_EXCEPTION_WARNING)
        log_error(error_result)
        flush_output()
        client.post_init_error(error_result)
        flush_output()
        sys.exit(1)

    while True:
        headers, body = client.next()
        handle_invocation(client, request_handler, headers, body)


if __name__ == "__main__":
    main()
