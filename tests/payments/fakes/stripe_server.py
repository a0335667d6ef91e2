"""A local Stripe API, enough of it for our provider, speaking Stripe's protocol: form-encoded
nested parameters, bearer secret key, `Idempotency-Key` (a replay returns the first answer; the
same key with other parameters is an `idempotency_error`), `expand[]`, Stripe's error bodies,
Checkout's 30-minute to 24-hour `expires_at` window. The real `stripe` SDK talks to it.

Tests drive what a customer would do (`complete`, `expire`), build events (`event`) and sign
them with the SDK's own scheme (`sign`), and read what we sent (`requests`).
"""

import re
import secrets
import time
from urllib.parse import parse_qsl

import stripe

from tests.payments.fakes.http import FakeServer, Request, Response

SECRET_KEY = "sk_test_fake_platform"
WEBHOOK_SECRET = "whsec_fake_platform"
CONNECT_WEBHOOK_SECRET = "whsec_fake_connect"


def _nested(pairs) -> dict:
    """Stripe's `a[b][0][c]=v` form encoding back into nested dicts and lists."""
    root: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


def _error(status: int, message: str, type_="invalid_request_error", param=None) -> Response:
    return Response(status, {"error": {"type": type_, "message": message, "param": param}})


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


class FakeStripe(FakeServer):
    def __init__(self):
        super().__init__()
        self.reset()

    def reset(self):
        with self.lock:
            self.sessions: dict[str, dict] = {}
            self.intents: dict[str, dict] = {}
            self.refunds: dict[str, dict] = {}
            self.requests: list[dict] = []
            self.idempotent: dict[str, tuple[dict, Response]] = {}
            self.down = False

    # --- the API --------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if self.down:
            return _error(503, "Service unavailable", "api_error")
        if request.headers.get("authorization") != f"Bearer {SECRET_KEY}":
            return _error(401, "Invalid API Key provided")
        if request.method == "GET":
            params = _nested(parse_qsl(request.query))
        else:
            params = _nested(parse_qsl(request.body.decode()))
        with self.lock:
            self.requests.append(
                {"method": request.method, "path": request.path, "params": params, "headers": request.headers}
            )
            key = request.headers.get("idempotency-key")
            if request.method == "POST" and key:
                seen = self.idempotent.get(key)
                if seen is not None:
                    if seen[0] != params or seen[2] != request.path:
                        return _error(
                            400,
                            "Keys for idempotent requests can only be used with the same parameters they were first used with.",
                            "idempotency_error",
                        )
                    return Response(seen[1].status, seen[1].body, {"Idempotent-Replayed": "true"})
            response = self._route(request, params)
            if request.method == "POST" and key and response.status < 500:
                self.idempotent[key] = (params, response, request.path)
            return response

    def _route(self, request: Request, params: dict) -> Response:
        path, method = request.path, request.method
        if path == "/v1/checkout/sessions" and method == "POST":
            return self._session_create(params)
        match = re.fullmatch(r"/v1/checkout/sessions/(cs_[A-Za-z0-9_]+)(/expire)?", path)
        if match:
            session = self.sessions.get(match.group(1))
            if session is None:
                return _error(404, f"No such checkout.session: '{match.group(1)}'", param="session")
            if match.group(2) and method == "POST":
                if session["status"] != "open":
                    return _error(400, "Only Checkout Sessions with a status in [open] can be expired.")
                session["status"] = "expired"
                return Response(200, self._session_out(session, []))
            if method == "GET":
                return Response(200, self._session_out(session, params.get("expand", [])))
        match = re.fullmatch(r"/v1/payment_intents/(pi_[A-Za-z0-9_]+)", path)
        if match and method == "GET":
            intent = self.intents.get(match.group(1))
            return Response(200, intent) if intent else _error(404, "No such payment_intent", param="intent")
        if path == "/v1/refunds" and method == "POST":
            return self._refund_create(params)
        return _error(404, f"Unrecognized request URL ({method}: {path}).")

    def _session_create(self, params: dict) -> Response:
        if params.get("mode") != "payment":
            return _error(400, "Invalid mode", param="mode")
        if not params.get("success_url"):
            return _error(400, "Missing required param: success_url.", param="success_url")
        items = params.get("line_items") or []
        if not items:
            return _error(400, "Missing required param: line_items.", param="line_items")
        amount = 0
        for item in items:
            data = item.get("price_data") or {}
            if data.get("currency") != "eur" or not str(data.get("unit_amount", "")).isdigit():
                return _error(400, "Invalid price_data", param="line_items")
            amount += int(data["unit_amount"]) * int(item.get("quantity", 1))
        destination = ((params.get("payment_intent_data") or {}).get("transfer_data") or {}).get("destination")
        if destination is not None and not str(destination).startswith("acct_"):
            return _error(
                400, f"No such destination: '{destination}'", param="payment_intent_data[transfer_data][destination]"
            )
        now = int(time.time())
        expires_at = int(params.get("expires_at") or now + 24 * 3600)
        if not (now + 30 * 60 - 5 <= expires_at <= now + 24 * 3600):
            return _error(
                400,
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from creation.",
                param="expires_at",
            )
        session_id = _id("cs_test")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_total": amount,
            "currency": "eur",
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "expires_at": expires_at,
            "metadata": params.get("metadata") or {},
            "mode": "payment",
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "customer_email": params.get("customer_email"),
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "_intent_data": params.get("payment_intent_data") or {},
        }
        self.sessions[session_id] = session
        return Response(200, self._session_out(session, []))

    def _session_out(self, session: dict, expand) -> dict:
        out = {k: v for k, v in session.items() if not k.startswith("_")}
        if "payment_intent" in (expand or []) and session["payment_intent"]:
            out["payment_intent"] = self.intents[session["payment_intent"]]
        return out

    def _refund_create(self, params: dict) -> Response:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return _error(400, "No such payment_intent", param="payment_intent")
        amount = int(params.get("amount") or intent["amount"] - intent["amount_refunded"])
        if amount > intent["amount"] - intent["amount_refunded"]:
            return _error(400, "Refund amount is greater than unrefunded amount on charge", param="amount")
        intent["amount_refunded"] += amount
        refund = {
            "id": _id("re"),
            "object": "refund",
            "amount": amount,
            "payment_intent": intent["id"],
            "status": "succeeded",
            "reverse_transfer": params.get("reverse_transfer") == "true",
            "metadata": params.get("metadata") or {},
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        return Response(200, refund)

    # --- what a customer does, and what tests read -----------------------------------------------

    def complete(self, session_id: str) -> dict:
        """The customer pays the session: a PaymentIntent, transferred to the destination."""
        with self.lock:
            session = self.sessions[session_id]
            assert session["status"] == "open", f"session {session['status']}"
            data = session["_intent_data"]
            intent = {
                "id": _id("pi"),
                "object": "payment_intent",
                "amount": session["amount_total"],
                "amount_refunded": 0,
                "currency": "eur",
                "status": "succeeded",
                "created": int(time.time()),
                "metadata": data.get("metadata") or {},
                "transfer_data": {"destination": (data.get("transfer_data") or {}).get("destination")},
            }
            self.intents[intent["id"]] = intent
            session.update(status="complete", payment_status="paid", payment_intent=intent["id"])
            return self._session_out(session, ["payment_intent"])

    def expire(self, session_id: str) -> dict:
        with self.lock:
            session = self.sessions[session_id]
            session["status"] = "expired"
            return self._session_out(session, [])

    def charged(self) -> list[dict]:
        """Every PaymentIntent that took money."""
        return [i for i in self.intents.values() if i["status"] == "succeeded"]

    def created_sessions(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST" and r["path"] == "/v1/checkout/sessions"]

    def refund_requests(self) -> list[dict]:
        return [r for r in self.requests if r["method"] == "POST" and r["path"] == "/v1/refunds"]

    @staticmethod
    def event(type_: str, obj: dict, *, account: str | None = None, event_id: str | None = None) -> dict:
        event = {
            "id": event_id or _id("evt"),
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "type": type_,
            "livemode": False,
            "pending_webhooks": 1,
            "data": {"object": obj},
        }
        if account:
            event["account"] = account
        return event

    @staticmethod
    def sign(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
        """The `Stripe-Signature` header, computed with the SDK's own helper."""
        return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
