"""A TCP proxy in a thread: put a real network fault between a process and PostgreSQL.

    from tests.faults.proxy import DatabaseProxy

    with DatabaseProxy.for_database(connection.settings_dict) as proxy:
        env = {**os.environ, "DATABASE_URL": proxy.database_url}
        subprocess.Popen([...], env=env)   # a server or a command, connected through the proxy
        proxy.cut()       # the database is "down": new connections refused, open ones dropped
        ...
        proxy.restore()   # the same address accepts connections again

`DatabaseProxy(upstream)` proxies any TCP service: `upstream` is `(host, port)` or the
path of a Unix socket (the embedded PostgreSQL of `config.localdb` listens on one).
`for_database(settings_dict)` finds the upstream of a Django connection's settings and
gives `database_url`, the same database reached through the proxy (127.0.0.1:<port>).

- `cut()` closes the listening socket (a client's connect gets "connection refused")
  and shuts down every open connection in both directions (a client in the middle of a
  query sees the server go away). Idempotent.
- `restore()` listens again on the same port (and drops any `latency`); clients
  reconnect by themselves.
- `latency = 0.5` delays every answer of the upstream by half a second: with it a
  request takes long enough to be cut in the middle (after its first query).
- `accepted` counts the connections made through the proxy (was it used at all?).

Inside tests/faults/ the package-scoped fixture `db_proxy` (conftest.py) is one proxy to
the test database, shared by the folder, with `app_server` (gunicorn behind it) on top;
the function fixture `database_outage` gives the same proxy and restores it after the test
whatever happens. Elsewhere, `with DatabaseProxy.for_database(...)` as above.
"""

import os
import selectors
import socket
import threading
import time
from urllib.parse import quote

Upstream = tuple[str, int] | str


class DatabaseProxy:
    def __init__(self, upstream: Upstream, *, host: str = "127.0.0.1", port: int = 0, database_url: str = ""):
        self.upstream = upstream
        self.host = host
        self.port = port
        self.accepted = 0
        self.latency = 0.0
        self._url_template = database_url
        self._lock = threading.Lock()
        self._listener: _Listener | None = None
        self._pipes: set[_Pipe] = set()

    # --- construction ---------------------------------------------------------------------

    @classmethod
    def for_database(cls, settings_dict: dict) -> "DatabaseProxy":
        """A proxy to the database of a Django connection's `settings_dict` (not started)."""
        options = settings_dict.get("OPTIONS") or {}  # a URL's ?host=/socket/dir lands here
        host = options.get("host") or settings_dict.get("HOST") or ""
        port = int(options.get("port") or settings_dict.get("PORT") or 5432)
        if not host:
            host = "/var/run/postgresql" if os.path.isdir("/var/run/postgresql") else "localhost"
        upstream: Upstream = os.path.join(host, f".s.PGSQL.{port}") if host.startswith("/") else (host, port)
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        name = quote(settings_dict["NAME"], safe="")
        return cls(upstream, database_url=f"postgres://{credentials}{{address}}/{name}")

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def database_url(self) -> str:
        if not self._url_template:
            raise ValueError("This proxy was not made with for_database(): it has no database URL.")
        if not self.port:
            raise RuntimeError("Start the proxy first: its port is chosen when it starts listening.")
        return self._url_template.format(address=self.address)

    # --- life cycle -----------------------------------------------------------------------

    def start(self) -> "DatabaseProxy":
        with self._lock:
            if self._listener is None:
                self._listener = _Listener(self)
                self.port = self._listener.port
        return self

    def stop(self) -> None:
        self.cut()

    def __enter__(self) -> "DatabaseProxy":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # --- faults ---------------------------------------------------------------------------

    @property
    def is_cut(self) -> bool:
        return self._listener is None

    def cut(self) -> None:
        """Refuse new connections and drop the open ones, as a database that went away."""
        with self._lock:
            listener, self._listener = self._listener, None
            pipes, self._pipes = self._pipes, set()
        if listener is not None:
            listener.close()
        for pipe in pipes:
            pipe.close()

    def restore(self) -> None:
        """Accept connections again, on the same port, at full speed."""
        self.latency = 0.0
        self.start()

    # --- used by the threads --------------------------------------------------------------

    def _connect_upstream(self) -> socket.socket:
        if isinstance(self.upstream, str):
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            upstream.connect(self.upstream)
            return upstream
        return socket.create_connection(self.upstream)

    def _accept(self, listener: "_Listener", client: socket.socket) -> None:
        try:
            upstream = self._connect_upstream()
        except OSError:
            client.close()
            return
        pipe = _Pipe(client, upstream, self)
        with self._lock:
            if self._listener is not listener:  # cut while connecting
                pipe.close()
                return
            self._pipes.add(pipe)
            self.accepted += 1
        pipe.start()

    def _forget(self, pipe: "_Pipe") -> None:
        with self._lock:
            self._pipes.discard(pipe)


class _Listener:
    """The listening socket and its accept loop (a daemon thread)."""

    def __init__(self, proxy: DatabaseProxy):
        self.proxy = proxy
        self.closed = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((proxy.host, proxy.port))
        self.sock.listen(64)
        self.sock.settimeout(0.1)  # the loop looks at `closed` ten times a second
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._run, name=f"db-proxy-accept:{self.port}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.closed.is_set():
            try:
                client, _address = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            self.proxy._accept(self, client)

    def close(self) -> None:
        self.closed.set()
        self.thread.join(timeout=2)
        self.sock.close()


class _Pipe:
    """One proxied connection: bytes copied both ways by one daemon thread."""

    def __init__(self, client: socket.socket, upstream: socket.socket, proxy: DatabaseProxy):
        self.client, self.upstream, self.proxy = client, upstream, proxy
        self._closed = threading.Event()
        self.thread = threading.Thread(target=self._run, name="db-proxy-pipe", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        other = {self.client: self.upstream, self.upstream: self.client}
        with selectors.DefaultSelector() as selector:
            for sock in other:
                selector.register(sock, selectors.EVENT_READ)
            try:
                while not self._closed.is_set():
                    for key, _events in selector.select(timeout=0.2):
                        data = key.fileobj.recv(65536)
                        if not data:
                            return
                        if key.fileobj is self.upstream and self.proxy.latency:
                            time.sleep(self.proxy.latency)
                        other[key.fileobj].sendall(data)
            except (OSError, ValueError):
                return
            finally:
                self.close()
                self.proxy._forget(self)

    def close(self) -> None:
        """Drop the connection: both sides see the other end go away."""
        if self._closed.is_set():
            return
        self._closed.set()
        for sock in (self.client, self.upstream):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
