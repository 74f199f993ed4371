"""A TCP forwarder between the program and its database server whose cable can be pulled.

The network-loss tests point cogtrain at this proxy instead of at the PostgreSQL server.
:meth:`TcpProxy.cut` drops every open connection at once (mid-query, mid-commit: the
client sees the socket die, as when a switch or Wi-Fi goes away) and refuses new ones
until :meth:`TcpProxy.restore`. It is the closest thing to a network cut a test can make
without root: the server itself keeps running, as it would in the clinic's server room.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading


class TcpProxy:
    """Forward ``127.0.0.1:<port>`` to ``target``; cut and restore on demand."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._up = threading.Event()
        self._up.set()
        self._stop = threading.Event()
        self.connections_made = 0
        self.cuts = 0
        self._thread = threading.Thread(target=self._accept_loop, name="tcp-proxy", daemon=True)
        self._thread.start()

    # -- control ---------------------------------------------------------------------

    def cut(self) -> None:
        """Drop every connection now and refuse new ones."""
        self._up.clear()
        self.cuts += 1
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for a, b in pairs:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    s.close()

    def restore(self) -> None:
        self._up.set()

    @property
    def is_up(self) -> bool:
        return self._up.is_set()

    def close(self) -> None:
        self._stop.set()
        self.cut()
        self._thread.join(timeout=5)
        self._listener.close()

    # -- forwarding ------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self._up.is_set():
                client.close()  # the cable is out: the connection is refused at once
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._pairs.append((client, upstream))
                self.connections_made += 1
            threading.Thread(
                target=self._pump, args=(client, upstream), name="tcp-proxy-pump", daemon=True
            ).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        sel = selectors.DefaultSelector()
        try:
            sel.register(a, selectors.EVENT_READ, b)
            sel.register(b, selectors.EVENT_READ, a)
            while self._up.is_set():
                for key, _ in sel.select(timeout=0.1):
                    src: socket.socket = key.fileobj  # type: ignore[assignment]
                    data = src.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            sel.close()
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()
            with self._lock:
                self._pairs = [p for p in self._pairs if p != (a, b)]
