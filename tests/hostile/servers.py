"""Hostile network peers on 127.0.0.1 for the ``--scheduler`` cases: each answers every
connection the same way, in a daemon thread, until the context ends."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

__all__ = ["ANSWERS", "hostile_server"]

#: What each kind of peer sends after accepting a connection (None: read, then say nothing).
ANSWERS: dict[str, bytes | None] = {
    # an HTTP server (the dashboard's port, a web proxy): it answers a request, not a hello
    "http": b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    # random bytes
    "garbage": bytes(range(256)) * 4,
    # a length prefix of 3 EiB: Dask's reader would try to allocate it
    "length-bomb": struct.pack("<Q", 3 * 2**60) + b"\x00" * 64,
    # a well-formed frame table whose payload is not a Dask handshake
    "not-msgpack": struct.pack("<QQQ", 24, 1, 8) + b"notdask!",
    # accepts, never speaks
    "silent": None,
}


@contextmanager
def hostile_server(kind: str) -> Iterator[str]:
    """A TCP server of one of the :data:`ANSWERS` kinds; yields its ``tcp://`` address."""
    answer = ANSWERS[kind]
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            held.append(conn)
            try:
                if answer is None:
                    continue
                if kind == "http":  # wait for a request, as an HTTP server does
                    conn.settimeout(0.5)
                    with suppress(TimeoutError, OSError):
                        conn.recv(4096)
                conn.sendall(answer)
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()
