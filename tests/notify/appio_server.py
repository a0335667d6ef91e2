"""A local App IO server built from the specification (/work/shared/specs/app-io-services.yaml).

It speaks the two operations the platform uses, as the specification defines them:
getProfileByPOST (`POST /api/v1/profiles`) and submitMessageforUserWithFiscalCodeInBody
(`POST /api/v1/messages`). Every request body is validated against the specification's own
schema (`FiscalCodePayload`, `NewMessage`): a body the real IO would refuse gets the 400
ProblemJson the specification describes, and is recorded as refused, so a test sees it.
The subscription key (`Ocp-Apim-Subscription-Key`) must be one of the keys the server was
given; which comune's key it was is recorded with each message.
"""

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import yaml

SPEC_PATH = Path("/work/shared/specs/app-io-services.yaml")


def load_spec() -> dict:
    return yaml.safe_load(SPEC_PATH.read_text())


def validator_for(spec: dict, definition: str) -> jsonschema.Draft4Validator:
    """Swagger 2.0 schemas are JSON Schema draft 4 (plus x- keywords, which validators ignore)."""
    return jsonschema.Draft4Validator({"$ref": f"#/definitions/{definition}", "definitions": spec["definitions"]})


@dataclass
class Received:
    path: str
    comune: str  # whose key authenticated it
    body: dict


@dataclass
class FakeAppIO:
    keys: dict[str, str]  # key -> comune slug
    profiles: dict[str, bool] = field(default_factory=dict)  # fiscal code -> sender_allowed; absent: 404
    unavailable: bool = False  # answer 503 to everything
    received: list[Received] = field(default_factory=list)
    refused: list[tuple[str, list[str]]] = field(default_factory=list)

    def __post_init__(self):
        spec = load_spec()
        self.base_path = spec["basePath"]
        self.validators = {
            f"{self.base_path}/profiles": validator_for(spec, "FiscalCodePayload"),
            f"{self.base_path}/messages": validator_for(spec, "NewMessage"),
        }
        self.message_validator = self.validators[f"{self.base_path}/messages"]

    @property
    def messages(self) -> list[Received]:
        return [r for r in self.received if r.path.endswith("/messages")]

    def start(self) -> str:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict | None = None):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                if body is not None:
                    self.send_header(
                        "Content-Type", "application/problem+json" if status >= 400 else "application/json"
                    )
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if fake.unavailable:
                    return self._answer(503, {"title": "Service Unavailable", "status": 503})
                comune = fake.keys.get(self.headers.get("Ocp-Apim-Subscription-Key", ""))
                if comune is None:
                    return self._answer(401)
                validator = fake.validators.get(self.path)
                if validator is None:
                    return self._answer(404, {"title": "Not Found", "status": 404})
                try:
                    body = json.loads(raw)
                except ValueError:
                    fake.refused.append((self.path, ["not JSON"]))
                    return self._answer(400, {"title": "Invalid payload", "status": 400})
                errors = [e.message for e in validator.iter_errors(body)]
                if errors:
                    fake.refused.append((self.path, errors))
                    return self._answer(400, {"title": "Invalid payload", "status": 400, "detail": "; ".join(errors)})
                fake.received.append(Received(self.path, comune, body))
                if self.path.endswith("/profiles"):
                    allowed = fake.profiles.get(body["fiscal_code"])
                    if allowed is None:
                        return self._answer(404, {"title": "Profile not found", "status": 404})
                    return self._answer(200, {"sender_allowed": allowed, "preferred_languages": ["it_IT"]})
                return self._answer(201, {"id": uuid.uuid4().hex[:26].upper()})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}{self.base_path}"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
