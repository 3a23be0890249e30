"""The test settings' share of one machine when pytest-xdist runs the suite in several processes.

pytest-xdist names each worker process in PYTEST_XDIST_WORKER ("gw0", "gw1", ...);
a run without it has no such variable and keeps every name as it is.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def worker_number() -> int | None:
    """This process's xdist worker number, or None outside a parallel run."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(name[2:]) if name.startswith("gw") and name[2:].isdigit() else None


def worker_suffix() -> str:
    """A suffix for names each worker must have to itself ("" outside a parallel run)."""
    number = worker_number()
    return "" if number is None else f"-gw{number}"


def worker_redis_url(url: str, *, databases: int = 16) -> str:
    """The Redis URL with a database of this worker's own: the URL's database plus its number.

    Worker gw1 of a run given redis://host:6379/0 uses database 1; outside a parallel
    run the URL is returned unchanged. `databases` is the server's count (16 by default).
    """
    number = worker_number()
    if number is None:
        return url
    parts = urlsplit(url)
    path = parts.path.strip("/")
    base = int(path) if path.isdigit() else 0
    database = base + number
    if database >= databases:
        raise ValueError(
            f"xdist worker gw{number} would use Redis database {database}; "
            f"Redis has {databases}: start fewer workers or a lower database"
        )
    return urlunsplit(parts._replace(path=f"/{database}"))
