"""A real OpenID Connect provider on localhost for the tests: oidc-provider-mock (Flask, Authlib).

It speaks the real protocol over HTTP: discovery, authorization, token and userinfo
endpoints, JWKS, RS256 ID tokens with the client's nonce. Version 0.3 ignores PKCE, so
`PkceProvider` wraps it (WSGI middleware, same server) to enforce it the way a provider
must (RFC 7636): the code's `code_challenge` is remembered at the authorization endpoint
and the token endpoint refuses a `code_verifier` that does not match it, or none at all.

`tamper`, when set, rewrites the token endpoint's JSON answer: how the tests hand our
callback an ID token altered in transit or signed with another key.
"""

import base64
import hashlib
import io
import json
import threading
from collections.abc import Callable
from urllib.parse import parse_qs, parse_qsl, urlsplit

import oidc_provider_mock
import requests
import werkzeug.serving


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


class PkceProvider:
    def __init__(self):
        self.inner = oidc_provider_mock.app(require_nonce=True)
        self.challenges: dict[str, tuple[str, str]] = {}  # code -> (challenge, method)
        self.token_requests: list[dict] = []
        self.tamper: Callable[[dict], dict] | None = None
        self.url = ""

    def _call(self, environ):
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        chunks = self.inner(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return captured["status"], captured["headers"], body

    def __call__(self, environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        if path == "/oauth2/token" and method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(raw)
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            self.token_requests.append(form)
            refusal = self._pkce_refusal(form)
            if refusal:
                body = json.dumps({"error": "invalid_grant", "error_description": refusal}).encode()
                start_response("400 BAD REQUEST", [("Content-Type", "application/json")])
                return [body]
        status, headers, body = self._call(environ)
        if path == "/oauth2/authorize" and method == "POST" and status.startswith("302"):
            location = dict(headers).get("Location", "")
            code = dict(parse_qsl(urlsplit(location).query)).get("code")
            query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
            if code:
                self.challenges[code] = (query.get("code_challenge", ""), query.get("code_challenge_method", ""))
        if path == "/oauth2/token" and status.startswith("200") and self.tamper is not None:
            body = json.dumps(self.tamper(json.loads(body))).encode()
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    def _pkce_refusal(self, form: dict) -> str:
        if form.get("grant_type") != "authorization_code":
            return ""
        challenge, challenge_method = self.challenges.pop(form.get("code", ""), ("", ""))
        verifier = form.get("code_verifier", "")
        if not challenge:
            return "PKCE required: the authorization request had no code_challenge"
        if challenge_method != "S256":
            return "PKCE: only S256 is accepted"
        if not verifier or s256(verifier) != challenge:
            return "PKCE verification failed"
        return ""

    # --- helpers for the tests, over HTTP like any client --------------------------------

    def set_user(self, sub: str, claims: dict) -> None:
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def authorize(self, authorization_url: str, sub: str) -> str:
        """The person signs in at the provider: returns where it sends the browser back (our callback)."""
        answer = requests.post(authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert answer.status_code == 302, answer.text[:500]
        return answer.headers["Location"]

    def signing_key(self) -> dict:
        return requests.get(f"{self.url}/jwks", timeout=5).json()["keys"][0]


class running:
    """Serve a `PkceProvider` on localhost on a free port, in a thread, until the block ends."""

    def __enter__(self) -> PkceProvider:
        self.provider = PkceProvider()
        self.server = werkzeug.serving.make_server("localhost", 0, self.provider, threaded=True)
        self.provider.url = f"http://localhost:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()
        return self.provider

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(2)
