"""A real HTTP proxy in front of the live server that misbehaves on purpose.

The client's retry rules are about what happens on the wire, so they are tested on the wire:
this proxy forwards each request to the live server over a new connection, and can answer the
first requests with a 503 itself, forward a request and then hang up without passing the
answer on (the answer the client never got, after the server acted on it), or pass on only the
start of an answer (a download that breaks off).
"""

from __future__ import annotations

import socket
import socketserver
import threading
from dataclasses import dataclass, field

BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Content-Length: 48\r\nConnection: close\r\n\r\n"
    b'{"detail": "proxy busy", "code": "unavailable"}\n'
)


@dataclass
class Plan:
    busy: int = 0  # answer this many requests with 503 before forwarding any
    lose_answers_to: str | None = None  # "POST /api/v1/submissions/": forward, then hang up
    losses: int = 1
    cut_answers_to: str | None = None  # "GET /path": pass on only the first `cut_at` bytes
    cut_at: int = 0
    seen: list[str] = field(default_factory=list)  # "METHOD /path" of every request
    ranges: list[str | None] = field(default_factory=list)  # their Range headers


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    # One request per upstream connection: the answer ends when the server closes.
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


def _header(request: bytes, name: bytes) -> str | None:
    for line in request.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip().decode()
    return None


class FlakyProxy:
    def __init__(self, upstream: str, plan: Plan):
        host, port = upstream.removeprefix("http://").split(":")
        self.upstream = (host, int(port))
        self.plan = plan
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                proxy._handle(self.request)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FlakyProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, conn: socket.socket) -> None:
        request = _read_request(conn)
        if not request:
            return
        first_line = request.split(b"\r\n", 1)[0].decode()
        method, target = first_line.split(" ")[:2]
        label = f"{method} {target.split('?')[0]}"
        self.plan.seen.append(label)
        self.plan.ranges.append(_header(request, b"range"))
        if self.plan.busy > 0:
            self.plan.busy -= 1
            conn.sendall(BUSY)
            return
        with socket.create_connection(self.upstream) as upstream:
            upstream.sendall(request)
            answer = b""
            while chunk := upstream.recv(65536):
                answer += chunk
        if label == self.plan.lose_answers_to and self.plan.losses > 0:
            self.plan.losses -= 1
            return  # the server acted; the client never hears of it
        if label == self.plan.cut_answers_to and self.plan.cut_at:
            answer, self.plan.cut_at = answer[: self.plan.cut_at], 0
        conn.sendall(answer)
