"""SIGTERM as Ctrl-C: the executor's interrupt stops the run's Domino jobs either way."""

from __future__ import annotations

import signal
import threading


def take_over_sigterm() -> None:
    """Make SIGTERM cancel like Ctrl-C does.

    Snakemake's scheduler installs its own SIGTERM handler right after creating the
    executor, and that one only stops scheduling new jobs: the running ones would go on
    for hours on Domino while the machine that asked for them shuts down. So this runs
    again whenever jobs are submitted, and takes SIGTERM over from Snakemake's scheduler,
    but from no one else.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    current = signal.getsignal(signal.SIGTERM)
    if current is _interrupt:
        return
    owner = type(getattr(current, "__self__", None)).__name__
    if current not in (signal.SIG_DFL, None) and owner != "JobScheduler":
        return  # someone else handles it; leave theirs alone
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
