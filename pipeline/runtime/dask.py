"""Rendering on a Dask distributed cluster (optional extra `pipeline[distributed]`).

In: a scheduler address (tcp://host:8786).
Out: a connected `Client` and its `concurrent.futures` executor: the build submits the same article
tasks to it as to the local process pool, so nothing about the outputs changes. This is the one place
that imports Dask.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from pipeline.errors import UsageProblem


def connect(address: str) -> tuple[Any, Executor]:
    try:
        from distributed import Client  # the one lazy import of Dask: it is an optional extra
    except ImportError:
        raise UsageProblem("--scheduler needs the distributed extra: pip install 'newsroom-pipeline[distributed]'"
                           ) from None
    try:
        client = Client(address, timeout="10s")
    except OSError as err:
        raise UsageProblem(f"cannot reach the Dask scheduler at {address}: {err}") from None
    return client, client.get_executor()
