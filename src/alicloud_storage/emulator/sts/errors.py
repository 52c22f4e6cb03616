"""The emulated STS error table: code -> (HTTP status, message), as the real service answers."""
from __future__ import annotations

import json
from typing import Optional

from alicloud_storage.emulator.pipeline import ServiceError

__all__ = ["STS_ERRORS", "StsServiceError", "error_body"]

STS_ERRORS: dict[str, tuple[int, str]] = {
    "InvalidAccessKeyId.NotFound": (404, "Specified access key is not found."),
    "InvalidAccessKeyId.Inactive": (400, "Specified access key is disabled."),
    "InvalidSecurityToken.Expired": (400, "Specified SecurityToken is expired."),
    "InvalidSecurityToken.MismatchWithAccessKey": (
        400, "Specified SecurityToken mismatch with the AccessKey."),
    "InvalidSecurityToken.Malformed": (400, "Specified SecurityToken is malformed."),
    "MissingSecurityToken": (400, "SecurityToken is mandatory for this action."),
    "SignatureDoesNotMatch": (
        400, "Specified signature is not matched with our calculation. server string to sign is:{detail}"),
    "IncompleteSignature": (400, "The request signature does not conform to Aliyun standards."),
    "MissingParameter": (
        400,
        'The input parameter "{detail}" that is mandatory for processing this request is not supplied.',
    ),
    "InvalidTimeStamp.Expired": (400, "Specified time stamp or date value is expired."),
    "InvalidTimeStamp.Format": (400, "Specified time stamp or date value is not well formatted."),
    "SignatureNonceUsed": (400, "Specified signature nonce was used already."),
    "UnsupportedSignatureMethod": (400, "The signature method is not supported: {detail}"),
    "Throttling.User": (400, "Request was denied due to user flow control."),
    "InvalidVersion": (400, "Specified parameter Version is not valid."),
    "InvalidAction.NotFound": (404, "Specified api is not found, please check your url and method."),
    "InvalidParameter.DurationSeconds": (400, "The parameter DurationSeconds is wrongly formed."),
    "InternalError": (500, "STS Server Internal Error happened, please send the RequestId to us."),
}


class StsServiceError(ServiceError):
    """An STS error answer from the table (status and message from ``code``); never holds a secret."""

    def __init__(self, code: str, message: Optional[str] = None, http_status: Optional[int] = None,
                 detail: str = "") -> None:
        status, template = STS_ERRORS.get(code, (400, "{detail}"))
        super().__init__(
            http_status or status, code, message if message is not None else template.format(detail=detail)
        )


def error_body(error: ServiceError, request_id: str, host_id: str) -> str:
    """The JSON error document of the real service."""
    return json.dumps({
        "RequestId": request_id,
        "HostId": host_id,
        "Code": error.code,
        "Message": error.message,
        "Recommend": f"https://api.aliyun.com/troubleshoot?q={error.code}&product=Sts",
    })
