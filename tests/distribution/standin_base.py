"""What the channels' local stand-ins share (douyin_standin.py, wechat_standin.py).

The plain-HTTP plumbing of a stand-in: the server and its handler's way through a request
(record, faults, checks, the endpoint's logic, faults again, the reply), the streamed body and
multipart readers, the fault kinds and their queue, recorded requests with secrets masked, the
clock the tests move. Each stand-in adds its contract: endpoints, envelope, error codes, logic.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import struct
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import timedelta, timezone
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

MB = 1024 * 1024
GB = 1024 * MB
CHINA = timezone(timedelta(hours=8))  # daily quotas turn over at midnight in Beijing time
READ_CHUNK = 1 * MB  # what is read from the socket at a time: memory stays at about this much per request
FORM_MAX = 64 * 1024  # form and JSON bodies are small: anything larger is refused, not buffered

# Fault kinds (see FaultQueue.fail). "Before" kinds leave the state untouched; "after" kinds take effect first.

HTTP_ERROR = "http_error"  # a 5xx reply (gateway-like text body)
SLOW = "slow"  # the normal reply, `delay` seconds late
TIMEOUT = "timeout"  # no reply for `delay` seconds (longer than the client's read timeout), then the socket closes
RESET = "reset"  # the request is read, then the connection is reset (RST) without a reply
RESET_MID_BODY = "reset_mid_body"  # `after_bytes` of the body are read, then the connection is reset
ERROR = "error"  # a contract error code (`code`), nothing done
LOST_REPLY = "lost_reply"  # the call takes effect, then the connection closes before any reply is written
ERROR_AFTER = "error_after"  # the call takes effect, the reply is an error (`code`, or HTTP `status` if given)
FAULT_KINDS = {HTTP_ERROR, SLOW, TIMEOUT, RESET, RESET_MID_BODY, ERROR, LOST_REPLY, ERROR_AFTER}


class ChannelError(Exception):
    """An error reply in the channel's envelope. `violation`: the request broke the contract (state.violations)."""

    def __init__(self, code, description, *, http_status=200, violation=False):
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.http_status = http_status
        self.violation = violation


class BadBody(ValueError):
    """The request's framing is broken (Content-Length): the stand-in answers with its contract's bad-request error."""


class Clock:
    """Wall time plus an offset the tests move, so token and upload_id expiry need no waiting.

    `freeze()` stops it (a rate-limit test then does not depend on how fast the machine is).
    """

    def __init__(self):
        self.offset = 0.0
        self.frozen_at = None

    def now(self):
        return self.frozen_at if self.frozen_at is not None else time.time() + self.offset

    def advance(self, seconds):
        if self.frozen_at is not None:
            self.frozen_at += seconds
        self.offset += seconds

    def freeze(self):
        self.frozen_at = self.now()

    def unfreeze(self):
        self.frozen_at = None


@dataclass(frozen=True)
class Endpoint:
    """One path of a contract: how it is called and what its body must be."""

    name: str
    path: str
    method: str
    body: str  # "form", "json", "multipart", "empty" (nothing, or a JSON object that is ignored), "raw"
    scope: str | None = None  # API calls: what the token must allow (a stand-in's own meaning); None: no token


@dataclass
class Fault:
    """A misbehaviour waiting for a matching request. `times=None` repeats it for ever."""

    endpoint: str
    kind: str
    times: int | None = 1
    part_number: int | None = None
    code: int | None = None
    status: int | None = None
    delay: float = 0.0
    after_bytes: int | None = None
    description: str = ""
    fired: int = 0


@dataclass
class RecordedRequest:
    """One request as received: secrets' values are masked, bodies are kept as field names (and form/JSON values)."""

    method: str
    path: str
    endpoint: str | None
    query: dict
    headers: dict
    content_type: str = ""
    fields: list = field(default_factory=list)  # body field names, in order (form, JSON keys, multipart parts)
    body: dict | None = None  # form or JSON values, secrets masked; None for multipart and raw bodies
    files: list = field(default_factory=list)  # multipart files: {"name", "filename", "content_type", "size", "digest"}
    body_size: int = 0
    http_status: int | None = None
    error_code: int | None = None
    description: str = ""
    fault: str | None = None
    started_at: float = 0.0


def mask(values, secret_names):
    """`values` with the values of `secret_names` (lower case) replaced by ***."""
    return {key: ("***" if key.lower() in secret_names and value else value) for key, value in values.items()}


class FaultQueue:
    """The state's half that steers faults and keeps the records. Needs `lock`, `faults`, `requests`,
    `endpoint_names` and `default_fault_code` on the state."""

    def fail(
        self,
        endpoint,
        kind=ERROR,
        times=1,
        *,
        part_number=None,
        code=None,
        status=None,
        delay=None,
        after_bytes=None,
        description="",
    ):
        """Make the next `times` calls of `endpoint` (of that part, if given) misbehave; `times=None`: every call.

        Kinds: http_error (`status`, 500 by default), slow (`delay` s, then the normal reply), timeout (no reply
        for `delay` s, then close), reset (after reading the request), reset_mid_body (after `after_bytes`),
        error (contract `code`, nothing done), lost_reply (done, then closed without a reply), error_after
        (done, then `code` or HTTP `status`). Faults queue: the first that matches a request fires.
        """
        if endpoint not in self.endpoint_names:
            raise ValueError(f"unknown endpoint {endpoint!r}: one of {sorted(self.endpoint_names)}")
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}: one of {sorted(FAULT_KINDS)}")
        if delay is None:
            delay = 30.0 if kind == TIMEOUT else 1.0 if kind == SLOW else 0.0
        if kind == HTTP_ERROR and status is None:
            status = 500
        if code is None:
            code = self.default_fault_code
        fault = Fault(endpoint, kind, times, part_number, code, status, delay, after_bytes, description)
        with self.lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self):
        with self.lock:
            self.faults.clear()

    def _take_fault(self, endpoint, part_number):
        with self.lock:
            for fault in self.faults:
                if fault.endpoint != endpoint or (fault.part_number is not None and str(fault.part_number) != part_number):
                    continue
                fault.fired += 1
                if fault.times is not None and fault.fired >= fault.times:
                    self.faults.remove(fault)
                return fault
        return None

    def requests_to(self, endpoint):
        with self.lock:
            return [request for request in self.requests if request.endpoint == endpoint]


class BodyReader:
    """The request body as a stream, by Content-Length or chunked transfer coding.

    `readinto` fills the caller's buffer, so a large body costs no allocation per chunk (the fast path of
    uploads); `read` returns bytes (small bodies).
    """

    def __init__(self, rfile, headers):
        self.rfile = rfile
        self.read_bytes = 0
        self.chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
        self._chunk_left = 0
        self._done = False
        self._scratch = None
        length = headers.get("Content-Length")
        if self.chunked:
            self.remaining = None
        else:
            try:
                self.remaining = int(length) if length else 0
            except ValueError:
                raise BadBody("Content-Length 不是整数")
            if self.remaining < 0:
                raise BadBody("Content-Length 为负")
            self._done = not self.remaining
        self.declared_length = None if self.chunked else self.remaining

    def _available(self):
        """How many bytes can be read now without passing the body's end: 0 at the end."""
        if self._done:
            return 0
        if not self.chunked:
            return self.remaining
        if not self._chunk_left:
            line = self.rfile.readline(1024)
            if not line:
                raise ConnectionError("the client closed the connection mid-body")
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise ConnectionError("a malformed chunk size: the connection cannot go on")
            if not size:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                self._done = True
                return 0
            self._chunk_left = size
        return self._chunk_left

    def readinto(self, view):
        """Read into `view` (a writable memoryview); the number of bytes, 0 at the end of the body."""
        available = self._available()
        if not available or not len(view):
            return 0
        got = self.rfile.readinto(view[: min(len(view), available)])
        if not got:
            raise ConnectionError("the client closed the connection mid-body")
        self.read_bytes += got
        if self.chunked:
            self._chunk_left -= got
            if not self._chunk_left:
                self.rfile.readline(16)  # the CRLF that ends a chunk
        else:
            self.remaining -= got
            self._done = not self.remaining
        return got

    def read(self, n=64 * 1024):
        buffer = bytearray(n)
        with memoryview(buffer) as view:
            got = self.readinto(view)
        del buffer[got:]
        return bytes(buffer)

    def read_at_most(self, limit):
        """A small body whole (forms, JSON); None when it is larger than `limit` (the rest is drained)."""
        parts, size = [], 0
        while chunk := self.read():
            size += len(chunk)
            if size > limit:
                self.drain()
                return None
            parts.append(chunk)
        return b"".join(parts)

    def chunks(self, size=READ_CHUNK):
        """The rest of the body as views of one reused buffer: each is valid until the next is asked for."""
        self._scratch = self._scratch or memoryview(bytearray(size))
        while got := self.readinto(self._scratch):
            yield self._scratch[:got]

    def drain(self, limit=None):
        """Read and drop what is left (up to `limit` bytes in all), so the connection can serve the next request."""
        if limit is None:
            for _chunk in self.chunks():
                pass
            return
        self._scratch = self._scratch or memoryview(bytearray(READ_CHUNK))
        while self.read_bytes < limit and self.readinto(self._scratch[: min(READ_CHUNK, limit - self.read_bytes)]):
            pass


class MultipartError(ValueError):
    pass


class MultipartReader:
    """multipart/form-data, part by part, without holding the body: one fixed buffer, refilled in place.

    Iterating yields each part's headers (`name`, `filename`, `content_type`); `stream(write)` passes its
    bytes to `write` as they arrive (views of the buffer, valid during the call), and a part not
    streamed is skipped.
    """

    def __init__(self, body, boundary, size=READ_CHUNK):
        if not 1 <= len(boundary) <= 200:
            raise MultipartError("multipart 分隔符长度不对")
        self.body = body
        self.delimiter = b"\r\n--" + boundary
        self.buffer = bytearray(size)
        self.view = memoryview(self.buffer)
        self.buffer[:2] = b"\r\n"  # the first boundary is not preceded by CRLF: pretend it is
        self.start, self.end = 0, 2  # the unread bytes are buffer[start:end]
        self._open = False

    def _fill(self):
        """Move the unread bytes to the front and read more behind them."""
        left = self.end - self.start
        if self.start:
            self.view[:left] = bytes(self.view[self.start : self.end])  # a delimiter's length at most, or headers
            self.start, self.end = 0, left
        got = self.body.readinto(self.view[self.end :])
        if not got:
            raise MultipartError(
                "multipart 正文不完整：缺少结束分隔符" if self.end < len(self.buffer) else "multipart 分段头过长"
            )
        self.end += got

    def _next_delimiter(self, write):
        """Pass bytes up to the next delimiter to `write` (or drop them) and consume the delimiter."""
        keep = len(self.delimiter) - 1
        while True:
            at = self.buffer.find(self.delimiter, self.start, self.end)
            stop = at if at >= 0 else max(self.start, self.end - keep)
            if stop > self.start and write is not None:
                write(self.view[self.start : stop])
            if at >= 0:
                self.start = at + len(self.delimiter)
                return
            self.start = stop
            self._fill()

    def _read_until(self, marker, limit):
        while (at := self.buffer.find(marker, self.start, self.end)) < 0:
            if self.end - self.start > limit:
                raise MultipartError("multipart 分段头过长")
            self._fill()
        data = bytes(self.view[self.start : at])
        self.start = at + len(marker)
        return data

    def _peek(self, n):
        while self.end - self.start < n:
            self._fill()
        return bytes(self.view[self.start : self.start + n])

    def __iter__(self):
        self._next_delimiter(None)  # the preamble
        while True:
            if self._peek(2) == b"--":  # the close delimiter: the epilogue is drained with the body
                return
            self._read_until(b"\r\n", 1024)  # transport padding, then the line break
            if self._peek(2) == b"\r\n":  # a part without headers
                self.start += 2
                lines = []
            else:
                lines = self._read_until(b"\r\n\r\n", 16 * 1024).split(b"\r\n")
            headers = {}
            for line in lines:
                name, _, value = line.decode("utf-8", "replace").partition(":")
                headers[name.strip().lower()] = value.strip()
            message = Message()
            message["content-disposition"] = headers.get("content-disposition", "")
            self._open = True
            yield MultipartPart(
                self,
                message.get_param("name", header="content-disposition"),
                message.get_param("filename", header="content-disposition"),
                headers.get("content-type", ""),
            )
            if self._open:
                self.stream(None)

    def stream(self, write):
        self._open = False
        self._next_delimiter(write)


@dataclass
class MultipartPart:
    reader: MultipartReader
    name: str | None
    filename: str | None
    content_type: str

    def stream(self, write):
        self.reader.stream(write)


class FileSink:
    """Receives a file's bytes: counts, hashes, keeps the first 16 bytes, writes to disk only if asked."""

    HEAD = 16

    def __init__(self, hash_name, path=None):
        self.size = 0
        self.head = b""
        self._hash = hashlib.new(hash_name) if hash_name else None
        self._file = open(path, "wb") if path else None

    def write(self, data):
        if len(self.head) < self.HEAD:
            self.head += bytes(data[: self.HEAD - len(self.head)])
        self.size += len(data)
        if self._hash is not None:
            self._hash.update(data)
        if self._file is not None:
            self._file.write(data)

    def close(self):
        if self._file is not None:
            self._file.close()

    @property
    def digest(self):
        return self._hash.hexdigest() if self._hash is not None else None


@dataclass
class Call:
    """What an endpoint's logic gets: the parsed request, its body stream and its record."""

    endpoint: Endpoint
    query: dict
    headers: dict
    body: BodyReader
    record: RecordedRequest
    open_id: str | None = None  # who the token speaks for, once authenticated


class Handled(Exception):
    """A fault has answered the request, or closed the connection without an answer: nothing more to do."""


class StandInHandler(BaseHTTPRequestHandler):
    """A request's way through a stand-in. A subclass gives the contract: `endpoints` (path → Endpoint),
    `secret_names`, `error_class`, `bad_request(description)`, `unknown_path(path)`, `process(call)`,
    `reply_data(record, data)` and `reply_error(record, error)`."""

    protocol_version = "HTTP/1.1"  # keep-alive: a client's pool reuses connections, as with the real service
    timeout = 120  # a client silent that long mid-request is gone
    disable_nagle_algorithm = True  # headers and body go in two writes: without this, each small reply waits ~40 ms
    endpoints: dict = {}
    secret_names: set = set()
    error_class = ChannelError

    def log_message(self, *args):
        pass  # the tests read state.requests, not a log

    def setup(self):
        super().setup()
        self.server.connections.add(self.connection)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass
        self.server.connections.discard(self.connection)

    @property
    def state(self):
        return self.server.state

    def do_GET(self):
        self.serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET  # noqa: N815 (http.server's names)

    # The request's way through: record, faults, checks, the endpoint's logic, faults again, the reply.

    def serve(self):
        state = self.state
        url = urlsplit(self.path)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        headers = {name.lower(): value for name, value in self.headers.items()}
        endpoint = self.endpoints.get(url.path)
        record = RecordedRequest(
            method=self.command,
            path=url.path,
            endpoint=endpoint.name if endpoint else None,
            query=mask(query, self.secret_names),
            headers=mask(headers, self.secret_names),
            content_type=headers.get("content-type", ""),
            started_at=state.now(),
        )
        with state.lock:
            state.requests.append(record)
        try:
            body = BodyReader(self.rfile, self.headers)
        except BadBody as error:
            self.close_connection = True
            self.reply_error(record, self.bad_request(str(error)))
            return
        try:
            self.handle_call(Call(endpoint, query, headers, body, record) if endpoint else None, record, body, url.path)
        except Handled:
            pass
        except OSError:
            self.close_connection = True  # the client went away mid-request
        except Exception:  # a bug of the stand-in: shown to the tests (state.errors), answered with a 500
            with state.lock:
                state.errors.append(traceback.format_exc())
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.reply_text(record, 500)
        finally:
            record.body_size = body.read_bytes

    def handle_call(self, call, record, body, path):
        state = self.state
        if call is None:
            body.drain()
            self.reply_error(record, self.unknown_path(path))
            return
        fault = state._take_fault(call.endpoint.name, call.query.get("part_number"))
        if fault:
            record.fault = fault.kind
            self.fault_before(fault, call)  # returns only if the call is to go on
        error = None
        try:
            result = self.process(call)
        except self.error_class as raised:
            error, result = raised, None
        body.drain()
        if fault and fault.kind == LOST_REPLY:
            record.error_code = error.code if error else 0  # what was done, though the client never hears it
            record.description = error.description if error else ""
            self.close(reset=False)
        if fault and fault.kind == ERROR_AFTER:
            if fault.status:
                self.reply_text(record, fault.status)
                return
            error = self.error_class(fault.code, fault.description or f"注入的错误 {fault.code}")
        if fault and fault.kind == SLOW:
            state.stopping.wait(fault.delay)
        if error is not None:
            self.reply_error(record, error)
        else:
            self.reply_result(record, result)

    def reply_result(self, record, result):
        self.reply_data(record, result)

    def fault_before(self, fault, call):
        """The faults that act before the call takes effect: they end the request (raise or reply) themselves."""
        body, record = call.body, call.record
        if fault.kind == RESET_MID_BODY:
            declared = body.declared_length
            body.drain(fault.after_bytes if fault.after_bytes is not None else (declared // 2 if declared else READ_CHUNK))
            self.close(reset=True)
        if fault.kind in (RESET, TIMEOUT, HTTP_ERROR, ERROR):
            body.drain()
        if fault.kind == RESET:
            self.close(reset=True)
        if fault.kind == TIMEOUT:
            self.state.stopping.wait(fault.delay)
            self.close(reset=False)
        if fault.kind == HTTP_ERROR:
            self.reply_text(record, fault.status)
            raise Handled
        if fault.kind == ERROR:
            self.reply_error(record, self.error_class(fault.code, fault.description or f"注入的错误 {fault.code}"))
            raise Handled

    def close(self, *, reset):
        """End the connection with no reply: a reset (RST) or an orderly close (FIN, a lost reply)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
            self.rfile.close()  # the file holds the socket open: close it first
            self.connection.close()
        raise Handled

    # Replies.

    def send(self, status, content_type, raw, extra_headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        for name, value in extra_headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(raw)

    def reply_text(self, record, status):
        """A 5xx as a gateway sends it: no envelope."""
        record.http_status = status
        self.send(status, "text/html; charset=utf-8", f"<html><body><h1>{status}</h1></body></html>".encode())


class StandInServer(ThreadingHTTPServer):
    daemon_threads = True  # a held reply (timeout fault) never keeps the process alive
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, state, handler):
        self.state = state
        self.connections = set()
        super().__init__(address, handler)


class StandIn:
    """A server and its state, served from a thread. A subclass sets `state_class`, `handler_class` and `name`."""

    state_class = None
    handler_class = None
    name = "standin"

    def __init__(self, host="127.0.0.1", port=0, **options):
        self.state = self.state_class(**options)
        self._server = StandInServer((host, port), self.state, self.handler_class)
        self._thread = None

    @property
    def base_url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path, **query):
        return self.base_url + path + (f"?{urlencode(query)}" if query else "")

    def start(self):
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=self.name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        """Stop serving and end open connections, held replies included."""
        self.state.stopping.set()
        self._server.shutdown()
        for connection in list(self._server.connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)


@contextlib.contextmanager
def serving(standin_class, **options):
    """Serve a stand-in on 127.0.0.1 (a free port unless `port` is given) while the block runs."""
    standin = standin_class(**options).start()
    try:
        yield standin
    finally:
        standin.stop()
