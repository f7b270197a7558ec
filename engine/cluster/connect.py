"""Ray, imported only here and only when `--engine ray` runs; a local Ray or a cluster."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from logwatch.engine.errors import UserError

INSTALL_HINT = "--engine ray needs Ray: pip install 'logwatch[cluster]'"
REACH_SECONDS = 10.0
"""How long the cluster's address may take to answer before the run gives up. Ray itself
retries an address nobody answers at for many minutes (13 on this project's machine),
printing a warning every few seconds; a head that is up answers in milliseconds."""


def import_ray() -> Any:
    """The `ray` module, or UserError saying in one line how to install it."""
    os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")  # no per-dataset progress lines
    try:
        import ray
        import ray.data  # noqa: F401  # the [data] extra: pyarrow and pandas
    except ModuleNotFoundError as error:
        if not (error.name or "").split(".")[0] in ("ray", "pyarrow", "pandas"):
            raise
        raise UserError(INSTALL_HINT) from None
    return ray


def where(ray: Any, address: str | None) -> str:
    """Where the work runs, for the one line said before it starts."""
    cpus = int(ray.cluster_resources().get("CPU", 0))
    place = f"the Ray cluster at {address}" if address else "a local Ray"
    return f"{place} ({cpus} CPUs)"


@contextmanager
def ray_session(address: str | None = None, *, num_cpus: int | None = None) -> Iterator[tuple[Any, str]]:
    """(ray, where) with Ray connected: to `address` or $RAY_ADDRESS when set, else to a local
    Ray started on this machine (`num_cpus`: default all). A Ray already initialised in this
    process (tests, benches) is used as it is and left running."""
    ray = import_ray()
    address = address or os.environ.get("RAY_ADDRESS") or None
    _configure_data(ray)
    if ray.is_initialized():
        yield ray, where(ray, address)
        return
    quiet = {"logging_level": logging.ERROR, "log_to_driver": False}
    try:
        if address:
            _check_reachable(address)
            ray.init(address=address, **quiet)
        else:
            ray.init(num_cpus=num_cpus, include_dashboard=False, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as error:
        why = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise UserError(f"cannot start or reach Ray{' at ' + address if address else ''}: {why}") from None
    try:
        yield ray, where(ray, address)
    finally:
        ray.shutdown()


def _check_reachable(address: str) -> None:
    """ConnectionError unless `address` (`host:port` or `ray://host:port`; `auto` is left to
    Ray) takes a TCP connection within REACH_SECONDS."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # `auto`, or a form Ray itself judges
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=REACH_SECONDS).close()
    except TimeoutError:
        raise ConnectionError(f"no answer within {REACH_SECONDS:g} s") from None
    except OSError as error:
        raise ConnectionError(error.strerror or type(error).__name__) from None


def _configure_data(ray: Any) -> None:
    """No progress bars (the run says one line and its summary), and the sort-based shuffle:
    the hash shuffle starts aggregator actors, seconds of overhead for a few servers."""
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.shuffle_strategy = ray.data.context.ShuffleStrategy.SORT_SHUFFLE_PULL_BASED
    logging.getLogger("ray.data").setLevel(logging.ERROR)
