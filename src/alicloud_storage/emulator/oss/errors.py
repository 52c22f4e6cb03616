"""The emulator's OSS error table: (HTTP status, code, message template, EC) per failure.

The OSS service answers with these and the tests assert against them, so a message text
lives in exactly one place. Texts and ECs follow reference/oss-facts.md §5.2; rows marked
"unverified" there keep the S3-style wording the SDKs do not parse.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from alicloud_storage.emulator.pipeline import ServiceError

__all__ = [
    "OssErrorSpec", "OssError",
    "NO_SUCH_BUCKET", "NO_SUCH_KEY", "NO_SUCH_UPLOAD", "BUCKET_ALREADY_EXISTS",
    "BUCKET_NOT_EMPTY", "INVALID_BUCKET_NAME", "OBJECT_NAME_EMPTY", "OBJECT_NAME_TOO_LONG",
    "INVALID_OBJECT_NAME", "TOO_MANY_BUCKETS", "ACCESS_DENIED", "ACCESS_DENIED_ACL",
    "ACCESS_DENIED_RAM", "ACCESS_DENIED_RAM_EXPLICIT", "INVALID_ACCESS_KEY", "INVALID_SECURITY_TOKEN",
    "SECURITY_TOKEN_EXPIRED", "INVALID_ARGUMENT", "INVALID_PART_NUMBER", "MISSING_ARGUMENT",
    "INVALID_DIGEST", "BAD_DIGEST", "CRC64_MISMATCH", "ENTITY_TOO_LARGE", "ENTITY_TOO_SMALL",
    "INVALID_PART", "INVALID_PART_ORDER", "MALFORMED_XML", "PRECONDITION_FAILED",
    "NOT_MODIFIED", "INVALID_RANGE", "POSITION_NOT_EQUAL_TO_LENGTH", "OBJECT_NOT_APPENDABLE",
    "FILE_ALREADY_EXISTS", "MISSING_CONTENT_LENGTH", "OPERATION_NOT_SUPPORTED",
    "INVALID_OBJECT_STATE", "NOT_IMPLEMENTED", "SYMLINK_TARGET_NOT_EXIST", "NOT_SYMLINK",
    "MISSING_SYMLINK_TARGET", "METADATA_TOO_LARGE", "INVALID_TAG", "METHOD_NOT_ALLOWED",
    "INTERNAL_ERROR", "ERRORS",
]


@dataclass(frozen=True)
class OssErrorSpec:
    """One kind of OSS failure; ``template`` is a ``str.format`` pattern."""

    http_status: int
    code: str
    template: str
    ec: str = ""

    def format(self, **params: Any) -> str:
        """The message text for ``params``."""
        return self.template.format(**params)

    def error(
        self,
        details: Optional[Mapping[str, str]] = None,
        headers: Optional[Mapping[str, str]] = None,
        **params: Any,
    ) -> "OssError":
        """An exception carrying this failure: extra ``<Error>`` elements and headers."""
        return OssError(self.http_status, self.code, self.format(**params), self.ec,
                        dict(details or {}), dict(headers or {}))


class OssError(ServiceError):
    """A failure to answer with OSS's error XML: ``details`` become extra elements,
    ``headers`` extra response headers, ``ec`` the service's error-center code."""

    def __init__(
        self, http_status: int, code: str, message: str, ec: str = "",
        details: Optional[Mapping[str, str]] = None, headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        super().__init__(http_status, code, message)
        self.ec = ec
        self.details: Dict[str, str] = dict(details or {})
        self.headers: Dict[str, str] = dict(headers or {})


NO_SUCH_BUCKET = OssErrorSpec(404, "NoSuchBucket", "The specified bucket does not exist.",
                              "0015-00000101")
NO_SUCH_KEY = OssErrorSpec(404, "NoSuchKey", "The specified key does not exist.", "0026-00000001")
NO_SUCH_UPLOAD = OssErrorSpec(
    404, "NoSuchUpload",
    "The specified upload does not exist. The upload ID may be invalid, or the upload may "
    "have been aborted or completed.", "0042-00000002")
BUCKET_ALREADY_EXISTS = OssErrorSpec(
    409, "BucketAlreadyExists",
    "The requested bucket name is not available. The bucket namespace is shared by all users "
    "of the system. Please select a different name and try again.", "0015-00000104")
BUCKET_NOT_EMPTY = OssErrorSpec(409, "BucketNotEmpty",
                                "The bucket has objects. Please delete them first.", "0015-00000301")
INVALID_BUCKET_NAME = OssErrorSpec(400, "InvalidBucketName", "The specified bucket is not valid.",
                                   "0015-00000001")
OBJECT_NAME_EMPTY = OssErrorSpec(400, "InvalidObjectName", "The Object name can not be empty",
                                 "0016-00000001")
OBJECT_NAME_TOO_LONG = OssErrorSpec(
    400, "InvalidObjectName", "The Length of Object name must be less than 1024", "0016-00000002")
INVALID_OBJECT_NAME = OssErrorSpec(400, "InvalidObjectName", "The specified object is not valid.",
                                   "0016-00000005")
TOO_MANY_BUCKETS = OssErrorSpec(
    400, "TooManyBuckets", "You have attempted to create more buckets than allowed",
    "0015-00000103")
ACCESS_DENIED = OssErrorSpec(403, "AccessDenied", "{reason}", "0003-00000905")
ACCESS_DENIED_ACL = OssErrorSpec(
    403, "AccessDenied", "You have no right to access this object because of bucket acl.",
    "0003-00000001")
ACCESS_DENIED_RAM = OssErrorSpec(
    403, "AccessDenied", "You are not authorized to do this action. You should be authorized by RAM.",
    "0003-00000905")
ACCESS_DENIED_RAM_EXPLICIT = OssErrorSpec(
    403, "AccessDenied", "You are not authorized to do this action. You are denied by RAM policy.",
    "0003-00000201")
INVALID_ACCESS_KEY = OssErrorSpec(
    403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.",
    "0002-00000902")
INVALID_SECURITY_TOKEN = OssErrorSpec(
    403, "InvalidSecurityToken", "The security token you provided is invalid.", "0002-00000004")
SECURITY_TOKEN_EXPIRED = OssErrorSpec(
    403, "SecurityTokenExpired", "The security token you provided has expired.", "0002-00000007")
INVALID_ARGUMENT = OssErrorSpec(400, "InvalidArgument", "{message}", "0017-00000001")
INVALID_PART_NUMBER = OssErrorSpec(
    400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.",
    "0017-00000220")
MISSING_ARGUMENT = OssErrorSpec(400, "MissingArgument", "Missing Some Required Arguments.",
                                "0016-00000502")
INVALID_DIGEST = OssErrorSpec(400, "InvalidDigest",
                              "The Content-MD5 you specified is not valid.", "0017-00000502")
BAD_DIGEST = OssErrorSpec(
    400, "InvalidDigest", "The Content-MD5 you specified did not match what we received.",
    "0017-00000503")
CRC64_MISMATCH = OssErrorSpec(
    400, "InvalidDigest",
    "The x-oss-hash-crc64ecma you specified did not match what we received.", "0017-00000504")
ENTITY_TOO_LARGE = OssErrorSpec(
    400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.",
    "0017-00000511")
ENTITY_TOO_SMALL = OssErrorSpec(
    400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.",
    "0042-00000213")
INVALID_PART = OssErrorSpec(
    400, "InvalidPart",
    "One or more of the specified parts could not be found or the specified entity tag might "
    "not have matched the part's entity tag.", "0042-00000210")
INVALID_PART_ORDER = OssErrorSpec(
    400, "InvalidPartOrder",
    "The list of parts was not in ascending order. The parts list must be specified in order "
    "by part number.", "0042-00000209")
MALFORMED_XML = OssErrorSpec(
    400, "MalformedXML",
    "The XML you provided was not well-formed or did not validate against our published schema.",
    "0031-00000001")
PRECONDITION_FAILED = OssErrorSpec(
    412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold.",
    "0017-00001001")
NOT_MODIFIED = OssErrorSpec(304, "NotModified", "", "")
INVALID_RANGE = OssErrorSpec(416, "InvalidRange", "The requested range cannot be satisfied",
                             "0017-00000601")
POSITION_NOT_EQUAL_TO_LENGTH = OssErrorSpec(
    409, "PositionNotEqualToLength", "Position is not equal to file length", "0026-00000016")
OBJECT_NOT_APPENDABLE = OssErrorSpec(409, "ObjectNotAppendable", "The object is not appendable",
                                     "0026-00000015")
FILE_ALREADY_EXISTS = OssErrorSpec(
    409, "FileAlreadyExists", "The object you specified already exists and can not be overwritten.",
    "0026-00000002")
MISSING_CONTENT_LENGTH = OssErrorSpec(
    411, "MissingContentLength", "You must provide the Content-Length HTTP header",
    "0017-00000101")
OPERATION_NOT_SUPPORTED = OssErrorSpec(
    400, "OperationNotSupported", "The operation is not supported for this resource",
    "0016-00000702")
INVALID_OBJECT_STATE = OssErrorSpec(
    403, "InvalidObjectState", "The operation is not valid for the object's state",
    "0016-00000801")
NOT_IMPLEMENTED = OssErrorSpec(
    400, "NotImplemented", "A header you provided implies functionality that is not implemented",
    "0016-00000101")
SYMLINK_TARGET_NOT_EXIST = OssErrorSpec(
    404, "SymlinkTargetNotExist", "The symbolic's target file does not exist", "0026-00000012")
NOT_SYMLINK = OssErrorSpec(400, "NotSymlink", "The specified object is not a symlink.",
                           "0043-00000101")
MISSING_SYMLINK_TARGET = OssErrorSpec(
    400, "MissingArgument", "Missing Some Required Arguments.", "0043-00000001")
METADATA_TOO_LARGE = OssErrorSpec(
    400, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.",
    "0011-00000002")
INVALID_TAG = OssErrorSpec(400, "InvalidTag", "{message}", "0010-00000217")
METHOD_NOT_ALLOWED = OssErrorSpec(
    405, "MethodNotAllowed", "The specified method is not allowed against this resource.",
    "0016-00000106")
INTERNAL_ERROR = OssErrorSpec(
    500, "InternalError", "We encountered an internal error. Please try again.", "")

ERRORS: Dict[str, OssErrorSpec] = {
    name: spec for name, spec in list(globals().items()) if isinstance(spec, OssErrorSpec)
}
"""Every row above by its Python name (for documentation and table tests)."""
