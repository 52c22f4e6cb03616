"""Run-time RAM administration over HTTP (mounted by the emulator under its admin prefix).

JSON in, JSON out; a refused change answers ``{"Code", "Message"}`` with the RamError's
status. Routes (relative to the admin prefix):

    GET    /ram                                   the account's RAM state (no secrets)
    POST   /ram/config                            load a RAM config document
    POST   /ram/policies          {name, document}
    DELETE /ram/policies/{name}
    POST   /ram/users             {name}
    DELETE /ram/users/{name}
    POST   /ram/users/{name}/access-keys  {id?, secret?}  -> {id, secret}
    PATCH  /ram/access-keys/{id}  {active}
    DELETE /ram/access-keys/{id}
    POST   /ram/roles             {name, trust_policy?, max_session_duration?} -> {arn}
    DELETE /ram/roles/{name}
    POST   /ram/{users|roles}/{name}/policies     {policy}
    DELETE /ram/{users|roles}/{name}/policies/{policy}
"""
from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

from aiohttp import web

from alicloud_storage.emulator.ram.iam import DEFAULT_MAX_SESSION, Iam
from alicloud_storage.emulator.ram.identity import RamError

__all__ = ["ram_admin_routes"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _guard(action: Callable[[web.Request, dict[str, Any]], Any]) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        try:
            payload: Any = await request.json() if request.can_read_body else {}
        except ValueError:
            return web.json_response({"Code": "InvalidParameter", "Message": "The body is not JSON."}, status=400)
        if not isinstance(payload, dict):
            return web.json_response({"Code": "InvalidParameter", "Message": "The body must be an object."}, status=400)
        try:
            result = action(request, payload)
        except RamError as exc:
            return web.json_response({"Code": exc.code, "Message": exc.message}, status=exc.http_status)
        except (KeyError, TypeError, ValueError) as exc:
            return web.json_response(
                {"Code": "InvalidParameter", "Message": f"Bad or missing field: {exc}"}, status=400
            )
        return web.json_response(result if result is not None else {"ok": True})

    return handler


def _required(payload: dict[str, Any], name: str) -> Any:
    if name not in payload:
        raise KeyError(name)
    return payload[name]


def ram_admin_routes(iam: Iam) -> list[web.RouteDef]:
    """The admin routes acting on ``iam``."""

    def holder(request: web.Request) -> dict[str, str]:
        kind = "user" if request.match_info["kind"] == "users" else "role"
        return {kind: request.match_info["name"]}

    def access_key(request: web.Request, payload: dict[str, Any]) -> dict[str, str]:
        key_id, secret = iam.create_access_key(
            request.match_info["name"], payload.get("id"), payload.get("secret")
        )
        return {"id": key_id, "secret": secret}

    def role(request: web.Request, payload: dict[str, Any]) -> dict[str, str]:
        arn = iam.create_role(
            _required(payload, "name"), payload.get("trust_policy"),
            int(payload.get("max_session_duration", DEFAULT_MAX_SESSION)),
        )
        return {"arn": arn}

    def dump(document: Any) -> Any:
        return json.dumps(document) if isinstance(document, (dict, list)) else document

    return [
        web.get("/ram", _guard(lambda r, p: iam.describe())),
        web.post("/ram/config", _guard(lambda r, p: iam.load_config(p))),
        web.post("/ram/policies", _guard(
            lambda r, p: iam.create_policy(_required(p, "name"), dump(_required(p, "document"))))),
        web.delete("/ram/policies/{name}", _guard(lambda r, p: iam.delete_policy(r.match_info["name"]))),
        web.post("/ram/users", _guard(lambda r, p: iam.create_user(_required(p, "name")))),
        web.delete("/ram/users/{name}", _guard(lambda r, p: iam.delete_user(r.match_info["name"]))),
        web.post("/ram/users/{name}/access-keys", _guard(access_key)),
        web.patch("/ram/access-keys/{id}", _guard(
            lambda r, p: iam.set_access_key_active(r.match_info["id"], bool(_required(p, "active"))))),
        web.delete("/ram/access-keys/{id}", _guard(lambda r, p: iam.delete_access_key(r.match_info["id"]))),
        web.post("/ram/roles", _guard(role)),
        web.delete("/ram/roles/{name}", _guard(lambda r, p: iam.delete_role(r.match_info["name"]))),
        web.post("/ram/{kind:users|roles}/{name}/policies", _guard(
            lambda r, p: iam.attach_policy(_required(p, "policy"), **holder(r)))),
        web.delete("/ram/{kind:users|roles}/{name}/policies/{policy}", _guard(
            lambda r, p: iam.detach_policy(r.match_info["policy"], **holder(r)))),
    ]
