"""Paginators with the official names: ``client.list_objects_v2_paginator(limit=...)``
then ``for page in paginator.iter_page(request): ...`` (``async for`` on the async
client). Each page's Next* marker feeds the next request while ``is_truncated``."""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable, Dict, Generic, Iterator, Optional, Tuple, TypeVar

__all__ = ["PageRule", "PAGE_RULES", "Paginator", "AsyncPaginator"]

_Request = TypeVar("_Request")
_Result = TypeVar("_Result")


@dataclass(frozen=True)
class PageRule:
    """One listing: its method, the request field ``limit`` sets, and the result fields
    copied into the next request as (request field, result field)."""

    method: str
    limit_field: str
    advance: Tuple[Tuple[str, str], ...]


PAGE_RULES: Dict[str, PageRule] = {
    "list_objects": PageRule("list_objects", "max_keys", (("marker", "next_marker"),)),
    "list_objects_v2": PageRule("list_objects_v2", "max_keys", (("continuation_token", "next_continuation_token"),)),
    "list_buckets": PageRule("list_buckets", "max_keys", (("marker", "next_marker"),)),
    "list_parts": PageRule("list_parts", "max_parts", (("part_number_marker", "next_part_number_marker"),)),
    "list_multipart_uploads": PageRule("list_multipart_uploads", "max_uploads",
                                       (("key_marker", "next_key_marker"),
                                        ("upload_id_marker", "next_upload_id_marker"))),
}


def _first(rule: PageRule, request: Any, limit: Optional[int]) -> Any:
    request = copy.copy(request)
    if limit is not None:
        setattr(request, rule.limit_field, limit)
    return request


def _next(rule: PageRule, request: Any, result: Any) -> Optional[Any]:
    if not result.is_truncated:
        return None
    following = copy.copy(request)
    for field, source in rule.advance:
        setattr(following, field, getattr(result, source))
    return following


class Paginator(Generic[_Request, _Result]):
    """Pages of one listing on the sync client (typed by its request and result models)."""

    def __init__(self, call: Callable[..., Any], rule: PageRule, limit: Optional[int] = None) -> None:
        self._call = call
        self._rule = rule
        self._limit = limit

    def iter_page(self, request: _Request, limit: Optional[int] = None, **kwargs: Any) -> Iterator[_Result]:
        """Every page of the listing, first to last."""
        current: Optional[Any] = _first(self._rule, request, limit if limit is not None else self._limit)
        while current is not None:
            result = self._call(current, **kwargs)
            yield result
            current = _next(self._rule, current, result)


class AsyncPaginator(Generic[_Request, _Result]):
    """Pages of one listing on the async client (typed by its request and result models)."""

    def __init__(self, call: Callable[..., Any], rule: PageRule, limit: Optional[int] = None) -> None:
        self._call = call
        self._rule = rule
        self._limit = limit

    async def iter_page(self, request: _Request, limit: Optional[int] = None,
                        **kwargs: Any) -> AsyncIterator[_Result]:
        """Every page of the listing, first to last."""
        current: Optional[Any] = _first(self._rule, request, limit if limit is not None else self._limit)
        while current is not None:
            result = await self._call(current, **kwargs)
            yield result
            current = _next(self._rule, current, result)
