"""oss2's "V2" signature (``OSS2``, HMAC-SHA256): the verify side accepts it, as OSS does.

    Authorization: OSS2 AccessKeyId:<AK>[,AdditionalHeaders:<a;b>],Signature:<base64>

The string to sign is V1's with every x-oss-* and listed additional header, the sorted
additional names, the resource ``/bucket/key`` RFC 3986-encoded with ``/`` encoded too,
and then EVERY query parameter (encoded, sorted). Presigned URLs carry
``x-oss-signature-version=OSS2``, ``x-oss-expires``, ``x-oss-access-key-id``,
``x-oss-additional-headers`` and ``x-oss-signature``; the expiry replaces the date.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Sequence

from alicloud_storage.oss.signer.canonical import SigningRequest, quote_value

__all__ = ["ALGORITHM", "string_to_sign", "signature"]

ALGORITHM = "OSS2"


def _resource(request: SigningRequest) -> str:
    path = "/" if not request.bucket else f"/{request.bucket}/{request.key or ''}"
    encoded = sorted((quote_value(k), quote_value(v)) for k, v in request.query)
    query = "&".join(f"{k}={v}" if v else k for k, v in encoded)
    return quote_value(path) + ("?" + query if query else "")


def string_to_sign(request: SigningRequest, date: str, additional: Sequence[str]) -> str:
    """What an ``OSS2`` signature signs; ``date`` is the Date header (or the expiry)."""
    headers = request.headers  # lower-case names
    extra = set(additional)
    lines = sorted((name, value) for name, value in headers.items()
                   if name.startswith("x-oss-") or name in extra)
    return "\n".join([
        request.method, headers.get("content-md5", ""), headers.get("content-type", ""), date,
        "".join(f"{name}:{value}\n" for name, value in lines) + ";".join(sorted(extra)),
        _resource(request),
    ])


def signature(secret: str, to_sign: str) -> str:
    """base64(HMAC-SHA256(secret, to_sign))."""
    digest = hmac.new(secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")
