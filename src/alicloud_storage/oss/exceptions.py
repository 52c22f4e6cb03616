"""The OSS client's exceptions, with the names and messages of ``alibabacloud_oss_v2``.

    BaseError
     ├── OperationError          every failed call: "operation error {name}: {error}."; .unwrap()
     ├── ServiceError            the service answered an error (status_code, code, message,
     │                           request_id, ec, timestamp, request_target, headers, operation)
     ├── RequestError            the request could not be sent (connect, TLS, write)
     ├── ResponseError           the answer could not be read (read timeout, cut stream)
     ├── InconsistentError       CRC-64 of the bytes differs from x-oss-hash-crc64ecma
     ├── CredentialsBaseError > CredentialsEmptyError, CredentialsFetchError
     ├── ParamInvalidError, ParamNullError, ParamNullOrEmptyError, ParamRequiredError
     ├── BucketNameInvalidError, ObjectNameInvalidError, PresignExpirationError
     ├── SerializationError, DeserializationError
     └── StreamConsumedError, StreamClosedError, FileNotExist, FileNotReadable

No message holds a secret: URLs are shown with signed query parameters redacted.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

__all__ = [
    "BaseError",
    "CredentialsBaseError",
    "CredentialsEmptyError",
    "CredentialsFetchError",
    "StreamConsumedError",
    "StreamClosedError",
    "RequestError",
    "ResponseError",
    "ServiceError",
    "ParamInvalidError",
    "ParamNullError",
    "ParamNullOrEmptyError",
    "ParamRequiredError",
    "OperationError",
    "SerializationError",
    "DeserializationError",
    "BucketNameInvalidError",
    "ObjectNameInvalidError",
    "InconsistentError",
    "PresignExpirationError",
    "FileNotExist",
    "FileNotReadable",
]


class BaseError(Exception):
    """The base of every OSS client error; ``fmt`` is filled from the keyword arguments."""

    fmt = "An unspecified error occurred"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(self.fmt.format(**kwargs))
        self.kwargs = kwargs


class CredentialsBaseError(BaseError):
    """Credentials could not be had."""


class CredentialsEmptyError(CredentialsBaseError):
    """The provider gave no key pair."""

    fmt = "Credentials is null or empty"


class CredentialsFetchError(CredentialsBaseError):
    """The provider raised; retried like a network error."""

    fmt = "Fetch Credentials raised an exception: {error}"


class StreamConsumedError(BaseError):
    """The response body was read already."""

    fmt = "You have likely already consumed this stream, so it can not be accessed anymore."


class StreamClosedError(BaseError):
    """The response body was closed."""

    fmt = "The content for response can no longer be read or streamed."


class _Wrapping(BaseError):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._error: Optional[BaseException] = kwargs.get("error")

    def unwrap(self) -> Optional[BaseException]:
        """The underlying error."""
        return self._error


class RequestError(_Wrapping):
    """The request could not be sent (connect, TLS, write)."""

    fmt = "request error: {error}."


class ResponseError(_Wrapping):
    """The response could not be read (read timeout, connection cut)."""

    fmt = "response error: {error}."


class ServiceError(BaseError):
    """An error answered by OSS; ``operation`` names the API (e.g. ``PutObject``)."""

    fmt = (
        "Error returned by Service.\n"
        "        Http Status Code: {status_code}.\n"
        "        Error Code: {code}.\n"
        "        Request Id: {request_id}.\n"
        "        Message: {message}.\n"
        "        EC: {ec}.\n"
        "        Timestamp: {timestamp}.\n"
        "        Request Endpoint: {request_target}."
    )

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("operation", None)
        for name in ("code", "message", "request_id", "ec", "timestamp", "request_target"):
            kwargs.setdefault(name, None)
        kwargs.setdefault("status_code", 0)
        super().__init__(**kwargs)
        self.status_code: int = kwargs["status_code"]
        self.code: Optional[str] = kwargs["code"]
        self.message: Optional[str] = kwargs["message"]
        self.request_id: Optional[str] = kwargs["request_id"]
        self.ec: Optional[str] = kwargs["ec"]
        self.timestamp: Any = kwargs["timestamp"]
        self.request_target: Optional[str] = kwargs["request_target"]
        self.operation: Optional[str] = kwargs["operation"]
        self.snapshot: Optional[bytes] = kwargs.get("snapshot")
        self.headers: Dict[str, str] = kwargs.get("headers") or {}
        self.error_fields: Dict[str, Optional[str]] = kwargs.get("error_fields") or {}
        self.error_fileds = self.error_fields  # sic: the official attribute name

    def __repr__(self) -> str:
        return (f"ServiceError(status_code={self.status_code}, code={self.code!r}, "
                f"request_id={self.request_id!r}, ec={self.ec!r}, operation={self.operation!r})")


class ParamInvalidError(BaseError, ValueError):
    """A parameter has an invalid value; ``field`` names it."""

    fmt = "invalid field, {field}."


class ParamNullError(BaseError, ValueError):
    """A parameter is None."""

    fmt = "null field, {field}."


class ParamNullOrEmptyError(BaseError, ValueError):
    """A parameter is None or empty."""

    fmt = "null or empty field, {field}."


class ParamRequiredError(BaseError, ValueError):
    """A required parameter is missing."""

    fmt = "missing required field, {field}."


class OperationError(_Wrapping):
    """What every failed call raises: the operation's name and the inner error."""

    fmt = "operation error {name}: {error}."

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.name: str = kwargs.get("name", "")


class SerializationError(BaseError):
    """A request could not be encoded."""

    fmt = "Serialization raised an exception: {error}"


class DeserializationError(BaseError):
    """A response could not be decoded."""

    fmt = "Deserialization raised an exception: {error}"


class BucketNameInvalidError(BaseError, ValueError):
    """3-63 characters of a-z, 0-9 and '-', not starting or ending with '-'."""

    fmt = "Bucket name is invalid, got {name}."


class ObjectNameInvalidError(BaseError, ValueError):
    """1-1024 characters."""

    fmt = "Object name is invalid."


class InconsistentError(BaseError):
    """The CRC-64 of the bytes sent or received differs from the service's."""

    fmt = "crc is inconsistent, client {client_crc}, server {server_crc}"


class PresignExpirationError(BaseError, ValueError):
    """V4 presigned URLs live at most seven days."""

    fmt = "expires should be not greater than 604800(seven days)"


class FileNotExist(BaseError):
    """A local file to upload is missing."""

    fmt = "File not exists, {filepath}"


class FileNotReadable(BaseError):
    """A local file to upload cannot be read."""

    fmt = "File is not readable, {filepath}"
