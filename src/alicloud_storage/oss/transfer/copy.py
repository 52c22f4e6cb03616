"""The copy flow: one CopyObject below the threshold, else UploadPartCopy ranges in parallel
(bound to the source's ETag) and the result's CRC-64 checked against the source's."""
from __future__ import annotations

from typing import Any, Iterator

from alicloud_storage.oss import models
from alicloud_storage.oss.exceptions import InconsistentError, OperationError
from alicloud_storage.oss.transfer.driver import Flow, Parallel, call
from alicloud_storage.oss.transfer.models import CopierOptions, CopyError, CopyResult
from alicloud_storage.oss.transfer.plan import PartSpan, Progress, carry, fit_part_size, header_value, split

__all__ = ["copy_flow"]


def _result(result: Any, upload_id: Any, expected: Any) -> CopyResult:
    crc = getattr(result, "hash_crc64", None) or header_value(result.headers, "x-oss-hash-crc64ecma")
    if expected and crc and expected.isdigit() and crc.isdigit() and int(expected) != int(crc):
        raise InconsistentError(client_crc=int(expected), server_crc=int(crc))
    return CopyResult(upload_id=upload_id, etag=result.etag, version_id=result.version_id, hash_crc64=crc,
                      status=result.status, status_code=result.status_code, request_id=result.request_id,
                      headers=dict(result.headers))


def copy_flow(client: Any, request: models.CopyObjectRequest, options: CopierOptions) -> Flow:
    """Copy ``source_bucket/source_key`` to ``bucket/key``."""
    path = f"oss://{request.source_bucket or request.bucket}/{request.source_key} -> oss://{request.bucket}/{request.key}"
    upload_id = None
    try:
        source_bucket = request.source_bucket or request.bucket
        head = yield from call(client, "HeadObject", models.HeadObjectRequest(
            bucket=source_bucket, key=request.source_key, version_id=request.source_version_id,
            request_payer=request.request_payer))
        total = int(head.content_length or 0)
        if total < options.multipart_copy_threshold:
            result = yield from call(client, "CopyObject", carry(request, models.CopyObjectRequest, progress_fn=None))
            if request.progress_fn is not None:
                request.progress_fn(total, total, total)
            return _result(result, None, head.hash_crc64)
        changes = {}
        if (request.metadata_directive or "").upper() != "REPLACE":
            changes = {"metadata": head.metadata, "content_type": head.content_type,
                       "cache_control": head.cache_control, "content_disposition": head.content_disposition,
                       "content_encoding": head.content_encoding, "expires": head.expires}
        init = yield from call(client, "InitiateMultipartUpload",
                               carry(request, models.InitiateMultipartUploadRequest, **changes))
        upload_id = init.upload_id
        spans = split(total, fit_part_size(options.part_size, total))
        progress = Progress(request.progress_fn, total)

        def copy_part(span: PartSpan) -> Flow:
            part = yield from call(client, "UploadPartCopy", models.UploadPartCopyRequest(
                bucket=request.bucket, key=request.key, part_number=span.number, upload_id=upload_id,
                source_bucket=source_bucket, source_key=request.source_key,
                source_version_id=request.source_version_id, source_range=span.range_header,
                if_match=head.etag, request_payer=request.request_payer))
            progress.add(span.size)
            return models.UploadPart(part_number=span.number, etag=part.etag)

        def parts() -> Iterator[Flow]:
            return (copy_part(s) for s in spans)

        uploaded = yield Parallel(parts(), options.parallel_num)
        result = yield from call(client, "CompleteMultipartUpload", models.CompleteMultipartUploadRequest(
            bucket=request.bucket, key=request.key, upload_id=upload_id, acl=request.acl,
            forbid_overwrite=request.forbid_overwrite, request_payer=request.request_payer,
            complete_multipart_upload=models.CompleteMultipartUpload(parts=uploaded)))
        return _result(result, upload_id, head.hash_crc64)
    except Exception as exc:
        if upload_id and not options.leave_parts_on_error:
            try:
                yield from call(client, "AbortMultipartUpload", models.AbortMultipartUploadRequest(
                    bucket=request.bucket, key=request.key, upload_id=upload_id,
                    request_payer=request.request_payer))
            except OperationError:
                pass
        raise CopyError(upload_id=upload_id, path=path, error=exc) from None
