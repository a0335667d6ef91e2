"""A local pagoPA built from its OpenAPI specifications (tests/payments/specs/: GPD, GPD payments,
Checkout v2), on one port with the three services under their real path prefixes.

Every request is matched against the specification's paths and methods, its subscription key
header checked, its query parameters and JSON body validated against the operation's schemas
(jsonschema); anything off the specification is answered 400 with a ProblemJson and recorded
in `violations`, which tests assert stays empty. Every JSON answer is validated against the
specification's response schema as well, so the fake cannot drift from it.

Behaviour follows the platform: a debt position is created (and published with `toPublish`),
a second one with the same IUPD is a 409, publishing and invalidating move its status, a cart
answers 302 to Checkout, and receipts appear once a position is paid. Tests act as the payer
with `pay(notice_number)` and as time with `expire(iupd)`.
"""

import copy
import json
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl

import jsonschema

from tests.payments.fakes.http import FakeServer, Request, Response

SPECS = Path(__file__).resolve().parent.parent / "specs"  # copied unchanged: specs/README.md
GPD_KEY = "gpd-subscription-key-test"
CHECKOUT_KEY = "checkout-subscription-key-test"

SERVICES = {
    # prefix: (spec file, key)
    "/gpd/debt-positions-service/v1": ("pagopa-gpd.json", GPD_KEY),
    "/gpd/payments-receipts-service/v1": ("pagopa-gpd_payments.json", GPD_KEY),
    "/checkout/ec/v2": ("pagopa-checkout_v2.json", CHECKOUT_KEY),
}


def specs_dir() -> Path:
    return SPECS


def _inline(node, components):
    """The schema with every local $ref replaced by what it points at (the specs have no cycles)."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return _inline(copy.deepcopy(components[name]), components)
        return {k: _inline(v, components) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, components) for v in node]
    return node


class Operation:
    def __init__(self, prefix: str, template: str, method: str, spec: dict, key: str):
        self.prefix, self.template, self.method, self.key = prefix, template, method, key
        pattern = re.sub(r"\\\{[^}]+\\\}", r"([^/]+)", re.escape(template.rstrip("/")))
        self.regex = re.compile("^" + re.escape(prefix) + pattern + "/?$")
        self.names = re.findall(r"\{([^}]+)\}", template)
        operation = spec["paths"][template][method]
        components = spec.get("components", {}).get("schemas", {})
        self.operation_id = operation.get("operationId")
        self.parameters = [_inline(p, components) for p in operation.get("parameters", [])]
        body = (operation.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
        self.body_schema = _inline(body, components) if body else None
        self.body_required = bool((operation.get("requestBody") or {}).get("required"))
        self.responses = {}
        for status, answer in operation.get("responses", {}).items():
            schema = (answer.get("content") or {}).get("application/json", {}).get("schema")
            if schema:
                self.responses[status] = _inline(schema, components)


def _validate(schema: dict, value, where: str) -> list[str]:
    validator = jsonschema.Draft7Validator(schema)
    return [f"{where}: {error.message} at {list(error.absolute_path)}" for error in validator.iter_errors(value)]


def _problem(status: int, detail: str) -> Response:
    return Response(status, {"title": "Bad Request" if status == 400 else "Error", "status": status, "detail": detail})


def _euro(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


class FakePagoPA(FakeServer):
    def __init__(self):
        super().__init__()
        self.operations: list[Operation] = []
        for prefix, (filename, key) in SERVICES.items():
            spec = json.loads((specs_dir() / filename).read_text())
            for template, methods in spec["paths"].items():
                for method in methods:
                    if method in ("get", "post", "put", "delete", "patch"):
                        self.operations.append(Operation(prefix, template, method, spec, key))
        self.reset()

    def reset(self):
        with self.lock:
            self.positions: dict[tuple[str, str], dict] = {}  # (organization, iupd)
            self.receipts: dict[tuple[str, str], str] = {}  # (organization, iuv) -> XML
            self.carts: list[dict] = []
            self.requests: list[dict] = []
            self.violations: list[str] = []
            self.down = False

    def gpd_url(self) -> str:
        return self.url + "/gpd/debt-positions-service/v1"

    def payments_url(self) -> str:
        return self.url + "/gpd/payments-receipts-service/v1"

    def checkout_url(self) -> str:
        return self.url + "/checkout/ec/v2"

    # --- the protocol ------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if self.down:
            return _problem(503, "Service Unavailable")
        method = request.method.lower()
        for operation in self.operations:
            match = operation.regex.match(request.path)
            if match and operation.method == method:
                break
        else:
            return self._violation(f"{request.method} {request.path}: no such operation in the specifications", 404)
        with self.lock:
            query = dict(parse_qsl(request.query))
            self.requests.append(
                {"operation": operation.operation_id, "path": request.path, "query": query, "body": request.body}
            )
            if request.headers.get("ocp-apim-subscription-key") != operation.key:
                return Response(401, b"", content_type="text/plain")
            problems = self._check_parameters(operation, query)
            body = None
            if operation.body_schema is not None:
                try:
                    body = json.loads(request.body or b"null")
                except ValueError:
                    problems.append("body: not JSON")
                if body is None and operation.body_required:
                    problems.append("body: required")
                elif body is not None:
                    problems += _validate(operation.body_schema, body, f"{operation.operation_id} body")
            if problems:
                return self._violation("; ".join(problems), 400)
            path_params = dict(zip(operation.names, match.groups()))
            response = getattr(self, f"_op_{operation.operation_id}")(path_params, query, body)
            schema = operation.responses.get(str(response.status))
            if schema is not None and response.content_type == "application/json":
                self.violations += _validate(schema, response.body, f"{operation.operation_id} answer")
            return response

    def _check_parameters(self, operation: Operation, query: dict) -> list[str]:
        problems = []
        for parameter in operation.parameters:
            if parameter.get("in") != "query":
                continue
            name, schema = parameter["name"], parameter.get("schema", {})
            if name not in query:
                if parameter.get("required"):
                    problems.append(f"query {name}: required")
                continue
            raw = query[name]
            value = raw
            if schema.get("type") == "boolean":
                if raw not in ("true", "false"):
                    problems.append(f"query {name}: not a boolean")
                    continue
                value = raw == "true"
            elif schema.get("type") == "integer":
                if not re.fullmatch(r"-?\d+", raw):
                    problems.append(f"query {name}: not an integer")
                    continue
                value = int(raw)
            problems += _validate(schema, value, f"query {name}")
        return problems

    def _violation(self, text: str, status: int) -> Response:
        self.violations.append(text)
        return _problem(status, text)

    # --- GPD ------------------------------------------------------------------------------------------

    def _answer(self, position: dict) -> dict:
        return {k: v for k, v in position.items() if not k.startswith("_")}

    def _op_createPosition(self, params, query, body) -> Response:
        organization = params["organizationfiscalcode"]
        key = (organization, body["iupd"])
        if key in self.positions:
            return _problem(409, "Conflict: duplicate debt position found")
        for option in body.get("paymentOption", []):
            if any(
                o["iuv"] == option["iuv"]
                for (org, _i), p in self.positions.items()
                if org == organization
                for o in p.get("paymentOption", [])
            ):
                return _problem(409, "Conflict: duplicate IUV")
        position = copy.deepcopy(body)
        position["status"] = "VALID" if query.get("toPublish") == "true" else "DRAFT"
        for option in position.get("paymentOption", []):
            option["nav"] = "3" + option["iuv"]
        self.positions[key] = position
        return Response(201, self._answer(position))

    def _position(self, params):
        return self.positions.get((params["organizationfiscalcode"], params["iupd"]))

    def _op_getOrganizationDebtPositionByIUPD(self, params, query, body) -> Response:
        position = self._position(params)
        return Response(200, self._answer(position)) if position else _problem(404, "No debt position found")

    def _op_publishPosition(self, params, query, body) -> Response:
        position = self._position(params)
        if position is None:
            return _problem(404, "No debt position found")
        if position["status"] != "DRAFT":
            return _problem(409, "Conflict: debt position is not in publishable state")
        position["status"] = "VALID"
        return Response(200, self._answer(position))

    def _op_invalidatePosition(self, params, query, body) -> Response:
        position = self._position(params)
        if position is None:
            return _problem(404, "No debt position found")
        if position["status"] not in ("VALID", "PUBLISHED"):
            return _problem(409, "Conflict: debt position is not in invalidable state")
        position["status"] = "INVALID"
        return Response(200, self._answer(position))

    # --- GPD payments ---------------------------------------------------------------------------------

    def _op_getReceiptByIUV(self, params, query, body) -> Response:
        xml = self.receipts.get((params["organizationfiscalcode"], params["iuv"]))
        if xml is None:
            return _problem(404, "No receipt found")
        return Response(200, xml, content_type="application/xml")

    def _op_getOrganizationReceipts(self, params, query, body) -> Response:
        organization = params["organizationfiscalcode"]
        results = [{"organizationFiscalCode": org, "iuv": iuv} for (org, iuv) in self.receipts if org == organization]
        return Response(200, {"currentPageNumber": 0, "length": len(results), "totalPages": 1, "results": results})

    # --- Checkout ------------------------------------------------------------------------------------

    def _op_PostCartsV2(self, params, query, body) -> Response:
        for notice in body["paymentNotices"]:
            found = self.position_by_notice(notice["noticeNumber"])
            if found is None or found[1]["status"] != "VALID" or found[0] != notice["fiscalCode"]:
                return _problem(400, f"Notice {notice['noticeNumber']} is not payable")
        cart = {"id": secrets.token_hex(8), **body}
        self.carts.append(cart)
        return Response(
            302, b"", {"Location": f"https://checkout.pagopa.test/c/{cart['id']}"}, content_type="text/plain"
        )

    # --- the payer, and time --------------------------------------------------------------------------

    def position_by_notice(self, notice_number: str):
        for (organization, _iupd), position in self.positions.items():
            for option in position.get("paymentOption", []):
                if "3" + option["iuv"] == notice_number:
                    return organization, position, option
        return None

    def pay(self, notice_number: str, *, amount_cents: int | None = None) -> str:
        """A payer pays the notice (any channel): the position is paid and its receipt appears."""
        with self.lock:
            found = self.position_by_notice(notice_number)
            assert found is not None, f"no position for notice {notice_number}"
            organization, position, option = found
            assert position["status"] in ("VALID", "PUBLISHED"), f"position {position['status']}"
            position["status"] = "PAID"
            amount = option["amount"] if amount_cents is None else amount_cents
            receipt_id = secrets.token_hex(16)
            now = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "")
            transfer = option["transfer"][0]
            self.receipts[(organization, option["iuv"])] = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<pafn:paSendRTV2Request xmlns:pafn="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd">'
                f"<idPA>{organization}</idPA><idBrokerPA>00000000000</idBrokerPA><idStation>00000000000_01</idStation>"
                f"<receipt><receiptId>{receipt_id}</receiptId><noticeNumber>{notice_number}</noticeNumber>"
                f"<fiscalCode>{organization}</fiscalCode><outcome>OK</outcome>"
                f"<creditorReferenceId>{option['iuv']}</creditorReferenceId>"
                f"<paymentAmount>{_euro(amount)}</paymentAmount><description>{option['description']}</description>"
                f"<companyName>{position['companyName']}</companyName>"
                f"<debtor><uniqueIdentifier><entityUniqueIdentifierType>F</entityUniqueIdentifierType>"
                f"<entityUniqueIdentifierValue>{position['fiscalCode']}</entityUniqueIdentifierValue></uniqueIdentifier>"
                f"<fullName>{position['fullName']}</fullName></debtor>"
                f"<transferList><transfer><idTransfer>1</idTransfer><transferAmount>{_euro(amount)}</transferAmount>"
                f"<fiscalCodePA>{transfer.get('organizationFiscalCode', organization)}</fiscalCodePA>"
                f"<IBAN>{transfer.get('iban', '')}</IBAN><remittanceInformation>x</remittanceInformation>"
                f"<transferCategory>{transfer['category']}</transferCategory></transfer></transferList>"
                f"<paymentDateTime>{now}</paymentDateTime><applicationDate>{now[:10]}</applicationDate>"
                f"<transferDate>{now[:10]}</transferDate></receipt></pafn:paSendRTV2Request>"
            )
            return receipt_id

    def expire(self, iupd: str) -> None:
        with self.lock:
            for (_org, key), position in self.positions.items():
                if key == iupd:
                    position["status"] = "EXPIRED"
