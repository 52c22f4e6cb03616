"""A scripted Tablestore answerer for MockTransport: signed, checkable responses built with
the same auth module the emulator uses, so the client's checks run for real."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, List, Optional

from alicloud_storage.http import Request, Response
from alicloud_storage.tablestore.auth import content_md5, sign_response, signing_key
from alicloud_storage.tablestore.wire import pb

AK, SK, TOKEN, INSTANCE = "test-ak-id", "test-secret-Zq9", "test-sts-token-Xk2", "inst"
ENDPOINT = "http://ots.test"


def api_of(request: Request) -> str:
    return request.url.rsplit("/", 1)[1]


def answer(
    request: Request,
    message: Any = None,
    status: int = 200,
    secret: str = SK,
    date: Optional[datetime] = None,
    tamper: Optional[Callable[[dict, bytes], bytes]] = None,
    region: Optional[str] = None,
    raw: Optional[bytes] = None,
) -> Response:
    """A response to ``request`` carrying ``message`` (or ``raw`` bytes), signed as the service signs it."""
    body = raw if raw is not None else message.SerializeToString() if message is not None else b""
    moment = date or datetime.now(timezone.utc)
    headers = {
        "x-ots-contentmd5": content_md5(body),
        "x-ots-requestid": "req-0001",
        "x-ots-date": moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z",
        "x-ots-contenttype": "protocol buffer",
    }
    key = signing_key(secret, request.headers.get("x-ots-signdate"), region)
    headers["authorization"] = sign_response("/" + api_of(request), headers, request.headers["x-ots-accesskeyid"], key)
    if tamper is not None:
        body = tamper(headers, body)
    return Response(status, "", headers, body)


def error(request: Request, code: str, message: str, status: int) -> Response:
    """A signed service error."""
    failure = pb.Error()
    failure.code, failure.message = code, message
    return answer(request, failure, status)


def list_table_ok(request: Request) -> Response:
    response = pb.ListTableResponse()
    response.table_names.extend(["a", "b"])
    return answer(request, response)


def consumed(message: Any, read: int = 0, write: int = 1) -> Any:
    message.consumed.capacity_unit.read = read
    message.consumed.capacity_unit.write = write
    return message


class Script:
    """Answers requests in turn from a list of handlers (the last one repeats); records requests."""

    def __init__(self, *handlers: Callable[[Request], Response]) -> None:
        self.handlers: List[Callable[[Request], Response]] = list(handlers)
        self.requests: List[Request] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append(request)
        handler = self.handlers[min(len(self.requests), len(self.handlers)) - 1]
        return handler(request)

