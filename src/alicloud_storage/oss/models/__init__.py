"""Request and result models of the OSS operations, with the official names and fields."""
from alicloud_storage.oss.models.base import Model, RequestModel, ResultModel
from alicloud_storage.oss.models.bucket import *  # noqa: F401,F403
from alicloud_storage.oss.models.bucket import __all__ as _bucket_all
from alicloud_storage.oss.models.multipart import *  # noqa: F401,F403
from alicloud_storage.oss.models.multipart import __all__ as _multipart_all
from alicloud_storage.oss.models.object import *  # noqa: F401,F403
from alicloud_storage.oss.models.object import __all__ as _object_all

__all__ = ["Model", "RequestModel", "ResultModel", *_bucket_all, *_object_all, *_multipart_all]
