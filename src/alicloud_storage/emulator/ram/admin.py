"""Run-time RAM administration over HTTP (mounted by the emulator under its admin prefix).

Every request must be signed with ACS3-HMAC-SHA256 (as ``alicloud-storage ram`` does) by
the root account, or by a RAM user allowed the route's ``ram:<Action>``. JSON in, JSON out;
a refused change answers ``{"Code", "Message"}`` with its HTTP status. Routes (relative to
the admin prefix) and their actions:

    GET    /ram                                      GetAccountRam   the state, no secrets
    POST   /ram/config                               LoadConfig      a RAM config document
    POST   /ram/policies          {name, document}   CreatePolicy
    DELETE /ram/policies/{name}                      DeletePolicy
    POST   /ram/users             {name}             CreateUser
    DELETE /ram/users/{name}                         DeleteUser
    POST   /ram/users/{name}/access-keys {id?, secret?} -> {id, secret}   CreateAccessKey
    PATCH  /ram/access-keys/{id}  {active}           UpdateAccessKey
    DELETE /ram/access-keys/{id}                     DeleteAccessKey
    POST   /ram/roles             {name, trust_policy?, max_session_duration?} -> {arn}  CreateRole
    DELETE /ram/roles/{name}                         DeleteRole
    POST   /ram/{users|roles}/{name}/policies {policy}          AttachPolicy
    DELETE /ram/{users|roles}/{name}/policies/{policy}          DetachPolicy
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

from aiohttp import web

from alicloud_storage.emulator.ram.iam import DEFAULT_MAX_SESSION, Iam
from alicloud_storage.emulator.ram.identity import RamError
from alicloud_storage.emulator.sts.errors import StsServiceError
from alicloud_storage.emulator.sts.verify import NonceCache, authenticate, pop_request

__all__ = ["ram_admin_routes"]

_Action = Callable[[web.Request, dict[str, Any]], Any]
_Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _error(code: str, message: str, status: int) -> web.Response:
    return web.json_response({"Code": code, "Message": message}, status=status)


def _required(payload: dict[str, Any], name: str) -> Any:
    if name not in payload:
        raise KeyError(name)
    return payload[name]


def _document(value: Any) -> Any:
    """A policy document sent as a JSON object or as JSON text."""
    return json.dumps(value) if isinstance(value, (dict, list)) else value


def ram_admin_routes(iam: Iam) -> list[web.RouteDef]:
    """The admin routes acting on ``iam``."""
    nonces = NonceCache()

    def guard(action_name: str, action: _Action) -> _Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            pop = await pop_request(request)
            try:
                auth = authenticate(pop, iam, iam.clock(), nonces)
            except StsServiceError as exc:
                return _error(exc.code, exc.message, exc.http_status)
            context = {"acs:SourceIp": request.remote or ""}
            resource = f"acs:ram:*:{iam.account_id}:*"
            if not iam.is_allowed(auth.principal, f"ram:{action_name}", resource, context):
                return _error("NoPermission", f"You are not authorized to do ram:{action_name}.", 403)
            try:
                payload = json.loads(pop.body) if pop.body else {}
            except ValueError:
                return _error("InvalidParameter", "The body is not JSON.", 400)
            if not isinstance(payload, dict):
                return _error("InvalidParameter", "The body must be a JSON object.", 400)
            try:
                result = action(request, payload)
            except RamError as exc:
                return _error(exc.code, exc.message, exc.http_status)
            except (KeyError, TypeError, ValueError) as exc:
                return _error("InvalidParameter", f"Bad or missing field: {exc}", 400)
            return web.json_response({} if result is None else result)

        return handler

    def holder(request: web.Request) -> dict[str, str]:
        kind = "user" if request.match_info["kind"] == "users" else "role"
        return {kind: request.match_info["name"]}

    def access_key(request: web.Request, payload: dict[str, Any]) -> dict[str, str]:
        key_id, secret = iam.create_access_key(
            request.match_info["name"], payload.get("id"), payload.get("secret")
        )
        return {"id": key_id, "secret": secret}

    def role(request: web.Request, payload: dict[str, Any]) -> dict[str, str]:
        trust = payload.get("trust_policy")
        arn = iam.create_role(
            _required(payload, "name"), None if trust is None else _document(trust),
            int(payload.get("max_session_duration", DEFAULT_MAX_SESSION)),
        )
        return {"arn": arn}

    def key_status(request: web.Request, payload: dict[str, Any]) -> None:
        active = _required(payload, "active")
        if not isinstance(active, bool):
            raise TypeError("active must be true or false")
        iam.set_access_key_active(request.match_info["id"], active)

    return [
        web.get("/ram", guard("GetAccountRam", lambda r, p: iam.describe())),
        web.post("/ram/config", guard("LoadConfig", lambda r, p: iam.load_config(p))),
        web.post("/ram/policies", guard("CreatePolicy", lambda r, p: iam.create_policy(
            _required(p, "name"), _document(_required(p, "document"))))),
        web.delete("/ram/policies/{name}", guard(
            "DeletePolicy", lambda r, p: iam.delete_policy(r.match_info["name"]))),
        web.post("/ram/users", guard("CreateUser", lambda r, p: iam.create_user(_required(p, "name")))),
        web.delete("/ram/users/{name}", guard(
            "DeleteUser", lambda r, p: iam.delete_user(r.match_info["name"]))),
        web.post("/ram/users/{name}/access-keys", guard("CreateAccessKey", access_key)),
        web.patch("/ram/access-keys/{id}", guard("UpdateAccessKey", key_status)),
        web.delete("/ram/access-keys/{id}", guard(
            "DeleteAccessKey", lambda r, p: iam.delete_access_key(r.match_info["id"]))),
        web.post("/ram/roles", guard("CreateRole", role)),
        web.delete("/ram/roles/{name}", guard(
            "DeleteRole", lambda r, p: iam.delete_role(r.match_info["name"]))),
        web.post("/ram/{kind:users|roles}/{name}/policies", guard(
            "AttachPolicy", lambda r, p: iam.attach_policy(_required(p, "policy"), **holder(r)))),
        web.delete("/ram/{kind:users|roles}/{name}/policies/{policy}", guard(
            "DetachPolicy", lambda r, p: iam.detach_policy(r.match_info["policy"], **holder(r)))),
    ]
