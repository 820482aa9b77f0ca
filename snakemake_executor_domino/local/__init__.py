"""The local Domino: a real HTTP server implementing the Domino API subset the executor uses.

Import `LocalDomino` from here; the heavy imports (FastAPI, uvicorn) happen only on first use,
since Snakemake imports our plugin package for every command it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from snakemake_executor_domino.local.server import LocalDomino

__all__ = ["LocalDomino"]


def __getattr__(name: str) -> Any:
    if name == "LocalDomino":
        from snakemake_executor_domino.local.server import LocalDomino

        return LocalDomino
    raise AttributeError(name)
