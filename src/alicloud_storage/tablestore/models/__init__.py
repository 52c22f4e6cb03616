"""Public Tablestore model classes, with the official SDK's names and constructors."""
from alicloud_storage.tablestore.models.batch import *  # noqa: F401,F403
from alicloud_storage.tablestore.models.batch import __all__ as _batch
from alicloud_storage.tablestore.models.condition import *  # noqa: F401,F403
from alicloud_storage.tablestore.models.condition import __all__ as _condition
from alicloud_storage.tablestore.models.row import *  # noqa: F401,F403
from alicloud_storage.tablestore.models.row import __all__ as _row
from alicloud_storage.tablestore.models.search import *  # noqa: F401,F403
from alicloud_storage.tablestore.models.search import __all__ as _search
from alicloud_storage.tablestore.models.search_aggs import *  # noqa: F401,F403
from alicloud_storage.tablestore.models.search_aggs import __all__ as _search_aggs
from alicloud_storage.tablestore.models.table import *  # noqa: F401,F403
from alicloud_storage.tablestore.models.table import __all__ as _table
from alicloud_storage.tablestore.models.timeseries import *  # noqa: F401,F403
from alicloud_storage.tablestore.models.timeseries import __all__ as _timeseries

__all__ = [*_table, *_row, *_condition, *_batch, *_timeseries, *_search, *_search_aggs]
