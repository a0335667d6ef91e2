"""A local push service (RFC 8030) and a browser's subscription keys, for web-push tests.

The service checks what a real one checks: the VAPID `Authorization: vapid t=<JWT>, k=<key>`
header (RFC 8292: an ES256 JWT signed by the application server's key, its `aud` the
service's origin, not expired), `TTL` and `Content-Encoding: aes128gcm`. The "browser" holds
the subscription's private key and auth secret and decrypts what arrives (RFC 8291), so a
test reads the notice as the service worker would. Endpoints under /gone/ answer 410.
"""

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vapid_keys() -> tuple[str, str]:
    """(private key as base64url raw, public key as base64url uncompressed point), as the env holds them."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    public = b64url(
        key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return private, public


@dataclass
class Browser:
    """One browser's push subscription: its keys stay here, the service only forwards ciphertext."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth_secret(self) -> str:
        return b64url(self.auth)

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


def _verify_vapid(header: str, origin: str, public_key: str) -> None:
    scheme, _, params = header.partition(" ")
    assert scheme == "vapid", header
    parts = dict(p.strip().split("=", 1) for p in params.split(","))
    assert parts["k"] == public_key, "signed by another application server"
    head, payload, signature = parts["t"].split(".")
    claims = json.loads(b64url_decode(payload))
    assert json.loads(b64url_decode(head))["alg"] == "ES256"
    assert claims["aud"] == origin and claims["exp"] > time.time() and claims["sub"].startswith("mailto:")
    raw = b64url_decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    point = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(public_key))
    point.verify(der, f"{head}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged


class PushService:
    def __init__(self, vapid_public_key: str):
        self.vapid_public_key = vapid_public_key
        self.delivered: list[tuple[str, bytes]] = []
        self.refused: list[str] = []

    def start(self) -> str:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/gone/"):
                    self.send_response(410)
                    self.end_headers()
                    return
                try:
                    _verify_vapid(self.headers.get("Authorization", ""), service.origin, service.vapid_public_key)
                    assert self.headers.get("Content-Encoding") == "aes128gcm"
                    assert int(self.headers.get("TTL", "-1")) >= 0
                except Exception as exc:  # what a real service answers: 401/403
                    service.refused.append(repr(exc))
                    self.send_response(403)
                    self.end_headers()
                    return
                service.delivered.append((self.path, body))
                self.send_response(201)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.origin

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
