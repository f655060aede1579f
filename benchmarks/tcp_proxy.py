"""A TCP proxy on loopback that makes a server slow or hang, for the degraded-mode
benchmark (``benchmarks/caller_budget.py``) and tests.

In front of ``target`` (e.g. PostgreSQL on 127.0.0.1:5432) it either forwards each
connection after ``delay`` seconds, or (``hang=True``) accepts it and never
forwards a byte: a server that takes the connection and then says nothing,
which no connection refusal warns of. Every socket and thread it opens ends with
:meth:`TcpProxy.close` (threads are daemons besides).
"""

from __future__ import annotations

import socket
import threading
import time


class TcpProxy:
    def __init__(self, target: tuple[str, int], *, hang: bool = False, delay: float = 0.0
                 ) -> None:
        self.target, self.hang, self.delay = target, hang, delay
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.accepted = 0
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="proxy-accept").start()

    def _keep(self, sock: socket.socket) -> bool:
        with self._lock:
            if self._closed:
                sock.close()
                return False
            self._sockets.append(sock)
            return True

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return  # closed
            self.accepted += 1
            if self._keep(client) and not self.hang:
                threading.Thread(target=self._forward, args=(client,), daemon=True).start()

    def _forward(self, client: socket.socket) -> None:
        time.sleep(self.delay)
        try:
            upstream = socket.create_connection(self.target, timeout=10)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        if not self._keep(upstream):
            return
        threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()
        _pump(client, upstream)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            sockets, self._sockets = self._sockets, []
        self.server.close()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
