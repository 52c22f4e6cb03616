"""Search indexes of the emulated Tablestore: documents kept in step with base writes
(documents.py, used by the engine's write path), queries and sorts (query.py; geo shapes
and distances in geo.py), aggregations and group-bys (aggregations.py), and the
search-index APIs (handlers.py, contributed to the front's dispatch table)."""

from typing import List

__all__: List[str] = []
