"""The request envelope shared by every operation: a signed POST per attempt, and the
response checks (MD5, signature, date) before decoding or raising OTSServiceError."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Optional

from alicloud_storage.credentials import Credentials
from alicloud_storage.http import Request, Response
from alicloud_storage.tablestore.auth import RequestSigner
from alicloud_storage.tablestore.errors import OTSClientError, OTSDecodeError, OTSServiceError
from alicloud_storage.tablestore.operations.registry import Operation
from alicloud_storage.tablestore.wire import pb

__all__ = ["build_request", "parse_response", "request_id_of"]


def build_request(
    api: str,
    body: bytes,
    base_url: str,
    credentials: Credentials,
    instance_name: str,
    signer: RequestSigner,
    now: datetime,
    extra_headers: Optional[Mapping[str, str]] = None,
) -> Request:
    """A signed POST of ``body`` to ``{base_url}/{api}`` (re-built for every attempt)."""
    headers = signer.sign("/" + api, body, credentials, instance_name, now, extra_headers)
    return Request("POST", f"{base_url}/{api}", headers, body)


def request_id_of(headers: Mapping[str, str]) -> str:
    """The x-ots-requestid of a response (header names are lowercase), or ''."""
    return headers.get("x-ots-requestid", "")


def parse_response(
    operation: Operation,
    response: Response,
    context: Any,
    credentials: Credentials,
    signer: RequestSigner,
    sign_date: Optional[str],
    now: datetime,
) -> Any:
    """Check the response as the protocol requires, then decode it or raise OTSServiceError."""
    path = "/" + operation.api
    status, headers, body = response.status, response.headers, response.body
    signer.check_response(path, status, headers, body, credentials, sign_date, now)
    request_id = request_id_of(headers)
    if not 200 <= status < 300:
        error = pb.Error()
        try:
            error.ParseFromString(body)
        except Exception:  # protobuf raises its own DecodeError
            raise OTSClientError(
                f"{operation.api} failed with HTTP status {status} and an unreadable error body "
                f"(request id {request_id or 'unknown'})",
                status,
            ) from None
        if status == 403:
            signer.check_response(path, status, headers, body, credentials, sign_date, now, error.code)
        raise OTSServiceError(status, error.code, error.message, request_id)
    message = operation.response_type()
    try:
        message.ParseFromString(body)
    except Exception as exc:
        raise OTSDecodeError(f"{operation.api}: malformed response body ({type(exc).__name__})") from None
    return operation.decode(message, context, request_id)
