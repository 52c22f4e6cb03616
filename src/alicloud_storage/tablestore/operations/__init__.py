"""The Tablestore operations: the table both clients are generated from.

:mod:`registry` holds the table (:data:`OPERATIONS`, :data:`ITERATORS`) and
:func:`register`; :mod:`envelope` signs requests and checks responses; each family
module (``table``, ``index``, ``transaction``, ``row``, ``batch``, ``range``,
``timeseries``, ``sql``, ``search``) registers its
operations when imported here, using the shared :mod:`arguments` and :mod:`results`
helpers. A new family is one more module, imported
below. Importing this package loads protobuf.
"""
from alicloud_storage.tablestore.operations import table, index, transaction, row, batch, range, timeseries, sql, search  # noqa: F401,I001  (they register, in this order)
from alicloud_storage.tablestore.operations.registry import ITERATORS, OPERATIONS, Operation, SubCall

__all__ = ["OPERATIONS", "ITERATORS", "Operation", "SubCall"]
