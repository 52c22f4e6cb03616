"""Sans-IO core of the OSS client: a configuration resolved once (:class:`Settings`), a
request model encoded once (:func:`encode`), signed per attempt (:func:`sign`), and a
response turned into a result or an error (:func:`parse`). No I/O, no clock: time and
credentials are passed in.
"""
from __future__ import annotations

import base64
import mimetypes
import platform
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Dict, Optional, Tuple
from xml.etree import ElementTree

from alicloud_storage._version import __version__
from alicloud_storage.credentials import Credentials
from alicloud_storage.http import Request, Response
from alicloud_storage.oss import endpoints
from alicloud_storage.oss.body import PreparedBody, prepare_body
from alicloud_storage.oss.config import Config
from alicloud_storage.oss.credentials import has_keys
from alicloud_storage.oss.endpoints import AddressStyle, Endpoint
from alicloud_storage.oss.exceptions import (
    DeserializationError,
    InconsistentError,
    ParamInvalidError,
    PresignExpirationError,
    ServiceError,
)
from alicloud_storage.oss.operations import EMPTY_MD5, Operation, content_md5
from alicloud_storage.oss.serde import WireInput, deserialize, parse_httptime, serialize
from alicloud_storage.oss.signer import (
    SigningRequest,
    encode_query,
    presign_v1,
    presign_v4,
    sign_v1,
    sign_v4,
)
from alicloud_storage.oss.signer.v4 import MAX_PRESIGN_EXPIRES

__all__ = ["Settings", "Encoded", "resolve", "encode", "sign", "parse", "presign", "parse_error", "skew_from",
           "redact_url", "SIGNED_QUERY"]

SIGNED_QUERY = frozenset({"Signature", "x-oss-signature", "security-token", "x-oss-security-token",
                          "x-oss-credential", "OSSAccessKeyId"})
_SIGNED_QUERY_RE = re.compile(r"([?&](?:%s)=)[^&]*" % "|".join(re.escape(n) for n in sorted(SIGNED_QUERY)))


def redact_url(url: str) -> str:
    """``url`` with the values of signature and token query parameters masked."""
    return _SIGNED_QUERY_RE.sub(r"\1***", url)


@dataclass(frozen=True)
class Settings:
    """What a Config resolves to, once per client."""

    endpoint: Optional[Endpoint]
    style: AddressStyle
    region: str
    product: str
    signature_version: str
    additional_headers: Tuple[str, ...]
    user_agent: str
    upload_crc: bool
    download_crc: bool
    default_headers: Dict[str, str] = field(default_factory=dict)


def _user_agent(extra: Optional[str]) -> str:
    base = (f"alicloud-storage-python/{__version__} ({platform.system()}/{platform.release()}/"
            f"{platform.machine()};{platform.python_version()})")
    return f"{base}/{extra}" if extra else base


def resolve(cfg: Config) -> Settings:
    """The endpoint, address style, signer and flags of a Config."""
    endpoint = endpoints.resolve_endpoint(
        cfg.region, cfg.endpoint, bool(cfg.disable_ssl), bool(cfg.use_dualstack_endpoint),
        bool(cfg.use_internal_endpoint), bool(cfg.use_accelerate_endpoint))
    style = endpoints.resolve_address_style(endpoint, bool(cfg.use_cname), bool(cfg.use_path_style),
                                            bool(cfg.use_virtual_hosted_alias))
    region, product = cfg.region or "", "oss"
    if cfg.cloud_box_id:
        region, product = cfg.cloud_box_id, "oss-cloudbox"
    return Settings(
        endpoint=endpoint, style=style, region=region, product=product,
        signature_version="v1" if cfg.signature_version == "v1" else "v4",
        additional_headers=tuple(cfg.additional_headers or ()),
        user_agent=_user_agent(cfg.user_agent),
        upload_crc=not cfg.disable_upload_crc64_check, download_crc=not cfg.disable_download_crc64_check,
        default_headers=dict(cfg.default_request_headers or {}),
    )


@dataclass(frozen=True)
class Encoded:
    """A request encoded once: the wire parts, the body bytes and their CRC-64."""

    operation: Operation
    wire: WireInput
    body: PreparedBody


def encode(operation: Operation, request: Any, settings: Settings) -> Encoded:
    """Validate and serialize a request model (ParamInvalidError, name errors)."""
    if not isinstance(request, operation.request_type):
        raise ParamInvalidError(field=f"request: {operation.name} takes {operation.request_type.__name__}")
    if settings.endpoint is None:
        raise ParamInvalidError(field="endpoint")
    wire = serialize(request)
    if hasattr(request, "bucket"):
        endpoints.check_bucket_name(wire.bucket)
    if hasattr(request, "key"):
        endpoints.check_object_name(wire.key)
    if operation.encode is not None:
        operation.encode(request, wire)
    query = list(operation.sub_resource)
    if operation.url_encoding and not any(k == "encoding-type" for k, _ in wire.query):
        query.append(("encoding-type", "url"))
    wire.query = query + wire.query
    body = prepare_body(wire.body, getattr(request, "progress_fn", None))
    headers = wire.headers
    lowered = {k.lower() for k in headers}
    if operation.md5 and "content-md5" not in lowered and body.in_memory:
        headers["Content-MD5"] = content_md5(body.payload) if body.payload else EMPTY_MD5
    if "content-type" not in lowered:
        content_type = operation.default_content_type
        if operation.mime and wire.key and not getattr(request, "disable_auto_detect_mime_type", False):
            content_type = mimetypes.guess_type(wire.key)[0] or content_type
        if content_type:
            headers["Content-Type"] = content_type
    for name, value in settings.default_headers.items():
        if name.lower() not in lowered and name.lower() != "user-agent":
            headers[name] = value
    headers["User-Agent"] = settings.user_agent
    return Encoded(operation, wire, body)


def _url(settings: Settings, wire: WireInput, query: str) -> str:
    assert settings.endpoint is not None  # encode() refused a missing endpoint
    return endpoints.build_url(settings.endpoint, settings.style, wire.bucket, wire.key, query)


def sign(encoded: Encoded, settings: Settings, credentials: Credentials, now: datetime) -> Request:
    """The signed HTTP request of one attempt (unsigned for anonymous credentials)."""
    wire = encoded.wire
    headers = dict(wire.headers)
    if has_keys(credentials):
        to_sign = SigningRequest(encoded.operation.method, wire.bucket, wire.key, wire.query, headers)
        if settings.signature_version == "v1":
            headers.update(sign_v1(to_sign, credentials, now))
        else:
            headers.update(sign_v4(to_sign, credentials, settings.region, now, settings.product,
                                   settings.additional_headers))
    return Request(encoded.operation.method, _url(settings, wire, encode_query(wire.query)), headers,
                   encoded.body.payload)


def presign(encoded: Encoded, settings: Settings, credentials: Credentials, now: datetime,
            expiration: datetime) -> Tuple[str, Dict[str, str]]:
    """A presigned URL valid until ``expiration`` and the headers the caller must send."""
    wire = encoded.wire
    signed = {k: v for k, v in wire.headers.items()
              if k.lower().startswith("x-oss-") or k.lower() in ("content-type", "content-md5")
              or k.lower() in {h.lower() for h in settings.additional_headers}}
    if "Content-MD5" in signed and encoded.body.payload == b"" and encoded.operation.name != "CompleteMultipartUpload":
        signed.pop("Content-MD5")
    request = SigningRequest(encoded.operation.method, wire.bucket, wire.key, wire.query, signed)
    if settings.signature_version == "v1":
        pairs = presign_v1(request, credentials, expiration)
    else:
        expires = int((expiration - now).total_seconds())
        if expires > MAX_PRESIGN_EXPIRES:
            raise PresignExpirationError()
        pairs = presign_v4(request, credentials, settings.region, now, expires, settings.product,
                           settings.additional_headers)
    return _url(settings, wire, encode_query(pairs, bare_empty=True)), signed


def parse_error(operation: str, request: Request, response: Response) -> ServiceError:
    """A ServiceError from an error answer (XML body, ``x-oss-err`` header or JSON)."""
    headers = response.headers
    fields: Dict[str, Optional[str]] = {}
    code, message = "BadErrorResponse", ""
    body = response.body
    if not body and headers.get("x-oss-err"):
        try:
            body = base64.b64decode(headers["x-oss-err"])
        except ValueError:
            body = b""
    if headers.get("content-type", "") == "application/json" and body:
        import json

        try:
            payload = json.loads(body).get("Error", {})
            fields = {k: None if v is None else str(v) for k, v in payload.items()}
        except (ValueError, AttributeError):
            fields = {}
        code, message = fields.get("Code") or code, fields.get("Message") or ""
    elif body:
        try:
            root = ElementTree.fromstring(body)
            if root.tag == "Error":
                fields = {child.tag: child.text for child in root}
                code, message = fields.get("Code") or "", fields.get("Message") or ""
            else:
                message = f"Expect root node Error, but get {root.tag}."
        except ElementTree.ParseError as exc:
            message = f"Failed to parse xml from response body due to: {exc}"
    timestamp = None
    if headers.get("date"):
        try:
            timestamp = parse_httptime(headers["date"])
        except (TypeError, ValueError):
            timestamp = None
    return ServiceError(
        status_code=response.status, code=code, message=message,
        request_id=fields.get("RequestId") or headers.get("x-oss-request-id", ""),
        ec=fields.get("EC") or headers.get("x-oss-ec", ""), timestamp=timestamp,
        request_target=f"{request.method} {redact_url(request.url)}", snapshot=body,
        headers=dict(headers), error_fields=fields, operation=operation,
    )


def _check_crc(client_crc: int, headers: Dict[str, str]) -> None:
    server = headers.get("x-oss-hash-crc64ecma")
    if server is not None and server.isdigit() and int(server) != client_crc:
        raise InconsistentError(client_crc=client_crc, server_crc=server)


def parse(encoded: Encoded, request: Request, response: Response, settings: Settings) -> Any:
    """The result model of a 2xx answer; ServiceError for the rest; InconsistentError when
    the uploaded bytes' CRC-64 differs from the service's."""
    operation = encoded.operation
    if response.status // 100 != 2:
        raise parse_error(operation.name, request, response)
    if operation.upload_crc and settings.upload_crc:
        _check_crc(encoded.body.crc64, response.headers)
    root = None
    if operation.xml and response.body:
        try:
            root = ElementTree.fromstring(response.body)
        except ElementTree.ParseError as exc:
            raise DeserializationError(error=exc) from exc
        if operation.root is not None and root.tag != operation.root:
            raise DeserializationError(error=f"Expect root node {operation.root}, but get {root.tag}.")
    result: Any = deserialize(operation.result_type, response.status, response.reason, response.headers, root)
    if operation.decode is not None:
        operation.decode(result)
    return result


def skew_from(error: ServiceError, now: datetime) -> Optional[timedelta]:
    """The server's clock minus ours, from a RequestTimeTooSkewed answer's Date."""
    if error.code != "RequestTimeTooSkewed" or not isinstance(error.timestamp, datetime):
        return None
    return error.timestamp - now
