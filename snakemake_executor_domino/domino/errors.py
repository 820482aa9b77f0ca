"""What a failed Domino call raises. Every message names the call, the HTTP status and
Domino's own words, never a credential."""

from __future__ import annotations

from snakemake_executor_domino.exceptions import DominoPluginError

# 429 and 5xx: Domino (or a proxy in front of it) is busy or restarting; worth retrying.
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})


class DominoError(DominoPluginError):
    """A Domino API call failed; the message names the call, the status and Domino's words."""

    def __init__(self, message: str, status: int | None = None, detail: str | None = None):
        super().__init__(message)
        self.status = status
        self.detail = detail  # Domino's own words, where it answered


class DominoAuthError(DominoError):
    """Domino refused the credentials (401/403), or they could not be read."""


class DominoReloginRequired(DominoAuthError):
    """409: Domino wants the credentials renewed (its temporary credentials expired)."""


class DominoNotFound(DominoError):
    pass


class DominoTransientError(DominoError):
    """Connection trouble, 429 or 5xx that outlasted the retry budget."""


class DominoTimeout(DominoTransientError):
    """No answer within the request timeout: the server may still act on the request."""


class IntegrityError(DominoError):
    """A downloaded file does not match the size or content hash Domino reports."""


def is_transient(exc: DominoError) -> bool:
    """Worth trying again later: connection trouble, timeouts, 429 and 5xx."""
    return isinstance(exc, DominoTransientError) or exc.status in TRANSIENT_STATUS
