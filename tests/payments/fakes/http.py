"""A small threaded HTTP server on 127.0.0.1 for the fakes of the providers we cannot reach."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class Request:
    def __init__(self, method: str, path: str, query: str, headers: dict, body: bytes):
        self.method, self.path, self.query, self.headers, self.body = method, path, query, headers, body

    def json(self):
        return json.loads(self.body or b"null")


class Response:
    def __init__(self, status: int, body=None, headers: dict | None = None, content_type="application/json"):
        self.status, self.body, self.headers, self.content_type = status, body, headers or {}, content_type


class FakeServer:
    """Subclasses implement `handle(request) -> Response`; `url` is where it listens."""

    def __init__(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    response = fake.handle(Request(self.command, parts.path, parts.query, headers, body))
                except Exception as exc:  # a bug in the fake shows as a 500, with its text
                    response = Response(500, {"error": {"message": repr(exc)}})
                payload = response.body
                if isinstance(payload, (dict, list)):
                    payload = json.dumps(payload).encode()
                elif isinstance(payload, str):
                    payload = payload.encode()
                payload = payload or b""
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.lock = threading.RLock()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def handle(self, request: Request) -> Response:
        raise NotImplementedError
