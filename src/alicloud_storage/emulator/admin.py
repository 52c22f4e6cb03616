"""The emulator's own admin API under ``/_emulator`` on the Tablestore listener.

Every route goes through the one pipeline with one guard: the request must be signed with
ACS3-HMAC-SHA256 (as ``alicloud_storage.admin_client`` signs) by the root AccessKey pair or
by a RAM user allowed the route's action. JSON in, JSON out; a refusal answers
``{"Code", "Message"}`` with its HTTP status. Routes (relative to the prefix) and actions:

    GET    /health                                    emulator:Health       identity, no secret
    POST   /reset                                     emulator:Reset
    POST   /faults   {api, code?, message?, http_status?, count?, delay?, service?}  emulator:InjectFault
    GET    /ram                                       ram:GetAccountRam     the state, no secrets
    POST   /ram/config                                ram:LoadConfig        a RAM config document
    POST   /ram/policies          {name, document}    ram:CreatePolicy
    DELETE /ram/policies/{name}                       ram:DeletePolicy
    POST   /ram/users             {name}              ram:CreateUser
    DELETE /ram/users/{name}                          ram:DeleteUser
    POST   /ram/users/{name}/access-keys {id?, secret?} -> {id, secret}   ram:CreateAccessKey
    PATCH  /ram/access-keys/{id}  {active}            ram:UpdateAccessKey
    DELETE /ram/access-keys/{id}                      ram:DeleteAccessKey
    POST   /ram/roles             {name, trust_policy?, max_session_duration?} -> {arn}  ram:CreateRole
    DELETE /ram/roles/{name}                          ram:DeleteRole
    POST   /ram/{users|roles}/{name}/policies {policy}          ram:AttachPolicy
    DELETE /ram/{users|roles}/{name}/policies/{policy}          ram:DetachPolicy
"""
from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Optional, Sequence

from aiohttp import web

from alicloud_storage.admin_client import ADMIN_ACTION, ADMIN_PREFIX, ADMIN_VERSION
from alicloud_storage.emulator.faults import Fault
from alicloud_storage.emulator.jsonbody import JsonError, loads
from alicloud_storage.emulator.pipeline import Endpoint, ErrorSpec, Requirement, Route, Service, ServiceError
from alicloud_storage.emulator.ram import Principal, RamError
from alicloud_storage.emulator.ram.iam import DEFAULT_MAX_SESSION
from alicloud_storage.emulator.runtime import Runtime
from alicloud_storage.emulator.sts.verify import authenticate, pop_request
from alicloud_storage.sts.verify import PopRequest

__all__ = [
    "AdminService", "UNSIGNED", "NOT_ADMIN_SIGNED", "NO_PERMISSION", "NOT_JSON", "NOT_AN_OBJECT", "BAD_FIELD", "MALFORMED", "INTERNAL_ERROR",
]

# The admin API's error table (a RamError keeps its own code, message and status).
UNSIGNED = ErrorSpec(403, "", (  # the code is the STS verifier's
    "{message} Admin requests must be signed with ACS3-HMAC-SHA256 (as `alicloud-storage ram` "
    "signs) by the root AccessKey pair or a RAM user allowed {action}."
))
NOT_ADMIN_SIGNED = ErrorSpec(403, "IncompleteSignature", (
    "Admin requests must be signed with ACS3-HMAC-SHA256 with x-acs-action EmulatorAdmin and "
    "x-acs-version emulator among the signed headers (as `alicloud-storage ram` signs)."
))
NO_PERMISSION = ErrorSpec(403, "NoPermission", "You are not authorized to do {action}.")
NOT_JSON = ErrorSpec(400, "InvalidParameter", "The body is not JSON.")
NOT_AN_OBJECT = ErrorSpec(400, "InvalidParameter", "The body must be a JSON object.")
BAD_FIELD = ErrorSpec(400, "InvalidParameter", "Bad or missing field: {detail}")
MALFORMED = ErrorSpec(400, "InvalidParameter", "{reason}")
INTERNAL_ERROR = ErrorSpec(500, "InternalError", "The emulator failed; see its log.")

_NO_CONTEXT: Dict[str, str] = {}
_Action = Callable[[web.Request, Dict[str, Any]], Any]  # a result or an awaitable of one


@dataclass
class _Call:
    request: web.Request
    pop: PopRequest


_MISSING = object()


def _required(payload: Dict[str, Any], name: str) -> Any:
    if name not in payload:
        raise KeyError(name)
    return payload[name]


def _field(payload: Dict[str, Any], name: str, kind: type, default: Any = _MISSING) -> Any:
    """``payload[name]`` of JSON type ``kind`` (``int`` excludes true/false; ``float`` takes
    any finite number), ``default`` when absent (required when no default is given)."""
    value = payload.get(name, default)
    if value is _MISSING:
        raise KeyError(name)
    if value is default and default is not _MISSING:
        return value
    if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(f"{name} must be {_KINDS[kind]}")
    return value


_KINDS = {str: "a string", int: "an integer", float: "a number", bool: "true or false", dict: "an object"}


def _document(value: Any) -> Any:
    """A policy document sent as a JSON object or as JSON text."""
    return json.dumps(value) if isinstance(value, (dict, list)) else value


class _AdminEndpoint(Endpoint[_Call]):
    """One admin route: the guard (signature, then ``action``) and its JSON action."""

    service = "admin"

    def __init__(self, runtime: Runtime, action: str, run: _Action) -> None:
        self._runtime = runtime
        self._action = action
        self._run = run
        scope = action.split(":", 1)[0]
        self._resource = f"acs:{scope}:*:{runtime.settings.account_id}:*"

    async def read(self, request: web.Request) -> _Call:
        return _Call(request, await pop_request(request))

    def authenticate(self, call: _Call) -> Principal:
        """ACS3 only (its signature covers method, path, query, host and the body's hash), made for
        the admin API: an RPC V1 query signature covers neither path nor host, so an STS
        signature could be replayed here."""
        rt = self._runtime
        pop = call.pop
        if pop.headers.get("authorization", "").startswith("ACS3-HMAC-SHA256 "):
            foreign = (pop.headers.get("x-acs-action"), pop.headers.get("x-acs-version")) != (
                ADMIN_ACTION, ADMIN_VERSION)
        else:  # any other signature is refused; none at all is the verifier's MissingParameter
            foreign = "authorization" in pop.headers or "Signature" in pop.query or "Signature" in pop.form
        if foreign:
            raise NOT_ADMIN_SIGNED.error()
        try:
            return authenticate(call.pop, rt.iam, rt.clock(), rt.nonces).principal
        except ServiceError as exc:  # the STS verifier's code, the admin API's status and hint
            refused = UNSIGNED.error(message=exc.message, action=self._action)
            raise ServiceError(refused.http_status, exc.code, refused.message) from None

    def api(self, call: _Call) -> str:
        return self._action

    def requirement(self, call: _Call, principal: Principal) -> Requirement:
        return Requirement(self._action, (self._resource,), _NO_CONTEXT)  # the global keys are the pipeline's

    def denied(self, call: _Call, action: str) -> ServiceError:
        return NO_PERMISSION.error(action=action)

    async def dispatch(self, call: _Call, principal: Principal) -> Any:
        try:
            payload = loads(call.pop.body) if call.pop.body else {}
        except JsonError:
            raise NOT_JSON.error() from None
        if not isinstance(payload, dict):
            raise NOT_AN_OBJECT.error()
        try:
            result = self._run(call.request, payload)
            return await result if inspect.isawaitable(result) else result  # (reset waits for its turn)
        except RamError as exc:
            raise ServiceError(exc.http_status, exc.code, exc.message) from None
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            raise BAD_FIELD.error(detail=exc) from None

    def render(self, call: _Call, result: Any) -> web.StreamResponse:
        return web.json_response({} if result is None else result)

    def render_error(self, request: web.Request, call: Optional[_Call], error: ServiceError) -> web.StreamResponse:
        return web.json_response({"Code": error.code, "Message": error.message}, status=error.http_status)

    def internal_error(self) -> ServiceError:
        return INTERNAL_ERROR.error()

    def malformed(self, reason: str) -> ServiceError:
        return MALFORMED.error(reason=reason)


class AdminService(Service):
    """The admin routes of one Emulator; ``health`` and ``reset`` are the Emulator's own."""

    name = "admin"
    listener = "tablestore"
    prefix = ADMIN_PREFIX

    def __init__(
        self, runtime: Runtime, health: Callable[[], Dict[str, Any]], reset: Callable[[], Awaitable[None]]
    ) -> None:
        self._runtime = runtime
        self._health = health
        self._reset = reset

    def routes(self) -> Sequence[Route]:
        iam, faults = self._runtime.iam, self._runtime.faults

        def route(method: str, path: str, action: str, run: _Action) -> Route:
            return Route(method, path, _AdminEndpoint(self._runtime, action, run))

        def inject(request: web.Request, spec: Dict[str, Any]) -> None:
            code = spec.get("code")
            if code is not None and not isinstance(code, str):
                raise TypeError("code must be a string or null")
            fault = Fault(code, _field(spec, "message", str, ""), _field(spec, "http_status", int, 503),
                          _field(spec, "delay", float, 0.0))
            faults.add(_field(spec, "service", str, "tablestore"), _field(spec, "api", str), fault,
                       _field(spec, "count", int, 1))

        def holder(request: web.Request) -> Dict[str, str]:
            kind = "user" if request.match_info["kind"] == "users" else "role"
            return {kind: request.match_info["name"]}

        def access_key(request: web.Request, payload: Dict[str, Any]) -> Dict[str, str]:
            key_id, secret = iam.create_access_key(
                request.match_info["name"], _field(payload, "id", str, None), _field(payload, "secret", str, None)
            )
            return {"id": key_id, "secret": secret}

        def role(request: web.Request, payload: Dict[str, Any]) -> Dict[str, str]:
            trust = payload.get("trust_policy")
            arn = iam.create_role(
                _field(payload, "name", str), None if trust is None else _document(trust),
                _field(payload, "max_session_duration", int, DEFAULT_MAX_SESSION),
            )
            return {"arn": arn}

        def key_status(request: web.Request, payload: Dict[str, Any]) -> None:
            iam.set_access_key_active(request.match_info["id"], _field(payload, "active", bool))

        def health(request: web.Request, payload: Dict[str, Any]) -> Dict[str, Any]:
            info = self._health()
            info.pop("access_key_secret", None)  # the caller already holds a key: no secret here
            return info

        return [
            route("GET", "/health", "emulator:Health", health),
            route("POST", "/reset", "emulator:Reset", lambda r, p: self._reset()),
            route("POST", "/faults", "emulator:InjectFault", inject),
            route("GET", "/ram", "ram:GetAccountRam", lambda r, p: iam.describe()),
            route("POST", "/ram/config", "ram:LoadConfig", lambda r, p: iam.load_config(p)),
            route("POST", "/ram/policies", "ram:CreatePolicy", lambda r, p: iam.create_policy(
                _field(p, "name", str), _document(_required(p, "document")))),
            route("DELETE", "/ram/policies/{name}", "ram:DeletePolicy",
                  lambda r, p: iam.delete_policy(r.match_info["name"])),
            route("POST", "/ram/users", "ram:CreateUser", lambda r, p: iam.create_user(_field(p, "name", str))),
            route("DELETE", "/ram/users/{name}", "ram:DeleteUser",
                  lambda r, p: iam.delete_user(r.match_info["name"])),
            route("POST", "/ram/users/{name}/access-keys", "ram:CreateAccessKey", access_key),
            route("PATCH", "/ram/access-keys/{id}", "ram:UpdateAccessKey", key_status),
            route("DELETE", "/ram/access-keys/{id}", "ram:DeleteAccessKey",
                  lambda r, p: iam.delete_access_key(r.match_info["id"])),
            route("POST", "/ram/roles", "ram:CreateRole", role),
            route("DELETE", "/ram/roles/{name}", "ram:DeleteRole",
                  lambda r, p: iam.delete_role(r.match_info["name"])),
            route("POST", "/ram/{kind:users|roles}/{name}/policies", "ram:AttachPolicy",
                  lambda r, p: iam.attach_policy(_field(p, "policy", str), **holder(r))),
            route("DELETE", "/ram/{kind:users|roles}/{name}/policies/{policy}", "ram:DetachPolicy",
                  lambda r, p: iam.detach_policy(r.match_info["policy"], **holder(r))),
        ]
