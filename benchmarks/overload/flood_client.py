"""An open-loop HTTP/1.1 load client that costs little CPU.

The flood runs on the same two cores as the service it measures; `requests`
and a thread per request took ~1.6 core-seconds of the 10 a 5 s flood has, CPU
the web then lacked. This client is one thread with a `selectors` loop over a
pool of keep-alive connections, sends bytes prepared once, and reads answers
by Content-Length (the service always sends it). Requests are sent at their
scheduled times whatever the answers' speed; a request that finds every
connection busy waits for one, and that wait counts in its latency.
"""
import gc
import heapq
import selectors
import socket
import time


class Request:
    __slots__ = ("kind", "scheduled", "payload", "on_answer", "retried")

    def __init__(self, kind, scheduled, payload, on_answer):
        self.kind = kind
        self.scheduled = scheduled
        self.payload = payload  # bytes, or a function giving bytes (or None to skip) at send time
        self.on_answer = on_answer  # (request, status, body, finished)
        self.retried = False


class Connection:
    __slots__ = ("sock", "request", "buffer", "host", "port", "sent_at")

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.sock = None
        self.request = None
        self.sent_at = 0.0
        self.buffer = bytearray()

    def open(self):
        self.sock = socket.create_connection((self.host, self.port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer.clear()

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None


def answer_of(buffer):
    """(status, body, consumed) once `buffer` holds a whole answer, else None."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    length = 0
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    total = end + 4 + length
    if len(buffer) < total:
        return None
    return status, bytes(buffer[end + 4:total]), total


def post_bytes(host, port, path, body):
    return (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def get_bytes(host, port, path):
    return f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()


def run(host, port, requests, connections=48, timeout=60.0):
    """Sends `requests` (sorted or not) at their scheduled monotonic times; calls
    each one's `on_answer` with status 0 when it could not be answered (or not
    within `timeout` seconds)."""
    # A collection of the cycle GC in the middle would delay sends and count as
    # the server's latency; the flood makes little garbage, collect afterwards.
    gc.disable()
    try:
        _run(host, port, requests, connections, timeout)
    finally:
        gc.enable()


def _run(host, port, requests, connections, timeout):
    due = [(r.scheduled, i, r) for i, r in enumerate(requests)]
    heapq.heapify(due)
    waiting = []  # due, no free connection yet (FIFO)
    selector = selectors.DefaultSelector()
    idle = []
    for _ in range(connections):
        connection = Connection(host, port)
        connection.open()
        selector.register(connection.sock, selectors.EVENT_READ, connection)
        idle.append(connection)
    busy = 0
    last_timeout_check = time.monotonic()

    def send(connection, request):
        """False when the connection stays free: nothing to send, or the send failed."""
        payload = request.payload() if callable(request.payload) else request.payload
        if payload is None:
            return False
        request.payload = payload
        try:
            if connection.sock is None:
                reopen(connection)
            connection.sock.sendall(payload)
        except OSError:
            drop(connection)
            retry_or_fail(request, got_bytes=False)
            return False
        connection.request = request
        connection.sent_at = time.monotonic()
        return True

    def drop(connection):
        if connection.sock is not None:
            try:
                selector.unregister(connection.sock)
            except (KeyError, ValueError):
                pass
        connection.close()

    def reopen(connection):
        """A new socket, or OSError (the server refuses connections: the request fails)."""
        drop(connection)
        connection.open()
        selector.register(connection.sock, selectors.EVENT_READ, connection)

    def retry_or_fail(request, got_bytes):
        if not request.retried and not got_bytes:
            request.retried = True
            waiting.insert(0, request)
        else:
            request.on_answer(request, 0, b"", time.monotonic())

    def fail(connection):
        """The connection broke or the server closed it: resend once on a new one if
        nothing came back, else status 0. An idle connection is just opened again
        (the server closes keep-alive connections it has not heard from a while)."""
        nonlocal busy
        request, connection.request = connection.request, None
        got_bytes = bool(connection.buffer)
        drop(connection)  # opened again when next used
        if request is None:
            return
        busy -= 1
        idle.append(connection)
        retry_or_fail(request, got_bytes)

    while due or waiting or busy:
        now = time.monotonic()
        while due and due[0][0] <= now:
            waiting.append(heapq.heappop(due)[2])
        while waiting and idle:
            connection = idle.pop(0)  # the longest idle: every connection stays warm
            request = waiting.pop(0)
            if send(connection, request):
                busy += 1
            else:
                idle.append(connection)
        if now - last_timeout_check >= 1.0:
            last_timeout_check = now
            for key in list(selector.get_map().values()):
                connection = key.data
                if connection.request is not None and now - connection.sent_at > timeout:
                    connection.request.retried = True  # no second try after a timeout
                    fail(connection)
        wait = max(0.0, due[0][0] - time.monotonic()) if due else 0.5
        if not busy:
            if due:
                time.sleep(wait)
            continue
        for key, _ in selector.select(min(wait, 0.5)):
            connection = key.data
            try:
                chunk = connection.sock.recv(65536)
            except OSError:
                chunk = b""
            if not chunk:
                fail(connection)
                continue
            connection.buffer += chunk
            answer = answer_of(connection.buffer)
            if answer is None:
                continue
            status, body, consumed = answer
            del connection.buffer[:consumed]
            request, connection.request = connection.request, None
            if request is None:
                continue  # an answer nobody asked for (a server's timeout notice): the close follows
            busy -= 1
            idle.append(connection)
            request.on_answer(request, status, body, time.monotonic())
    for key in list(selector.get_map().values()):
        key.data.close()
    selector.close()
