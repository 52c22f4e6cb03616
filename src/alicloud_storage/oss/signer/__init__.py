"""OSS request signatures, both ends: V4 (``OSS4-HMAC-SHA256``) and V1 (``OSS``), in a
header or as a presigned URL; the client signs, the emulator verifies, with the same code.

Pure functions: time is passed in, nothing reads the clock; no secret, token or
signature reaches an exception message or a repr.
"""
from alicloud_storage.oss.signer.canonical import SigningRequest, encode_query, parse_query
from alicloud_storage.oss.signer.v1 import presign_v1, sign_v1
from alicloud_storage.oss.signer.v4 import presign_v4, sign_v4
from alicloud_storage.oss.signer.verify import (
    AUTH_ERRORS,
    AuthErrorSpec,
    SignatureError,
    VerifiedRequest,
    verify_request,
)

__all__ = [
    "AUTH_ERRORS",
    "AuthErrorSpec",
    "SignatureError",
    "SigningRequest",
    "VerifiedRequest",
    "encode_query",
    "parse_query",
    "presign_v1",
    "presign_v4",
    "sign_v1",
    "sign_v4",
    "verify_request",
]
