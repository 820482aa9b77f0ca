"""Transport: one requests.Session per budget, credentials, and the mapping of failures to
DominoError with messages that never carry a secret.

Idempotent calls (GET, PUT, DELETE, HEAD) are retried here on connection trouble, 429 and
5xx by the one retry policy (retry.py: urllib3's backoff, which honours Retry-After), as
long as the retry budget lasts. POSTs (job start, stop, schedule create) are never repeated
here: their callers decide, because a lost answer may mean Domino acted.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError

from snakemake_executor_domino.domino.errors import (
    TRANSIENT_STATUS,
    DominoAuthError,
    DominoError,
    DominoNotFound,
    DominoReloginRequired,
    DominoTimeout,
    DominoTransientError,
)
from snakemake_executor_domino.domino.retry import (
    BUDGETS,
    Pace,
    attempts,
    retry_after,
    urllib3_policy,
)

log = logging.getLogger(__name__)

IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD"})
# The first call (GET /version) gives up sooner: a Domino that cannot be reached at all
# at start-up is nearly always a wrong URL, better said now than after the whole budget.
PROBE_BUDGET = 10.0


@dataclass(frozen=True)
class Credentials:
    """How requests prove who we are. repr() never shows the secret."""

    api_key: str | None = field(default=None, repr=False)
    token_file: str | None = None
    api_proxy: str | None = None
    # a bearer token itself: a personal access token or a service account's token, what
    # Domino 6.3 prefers to the API key (python-domino 2.x sends them as Bearer)
    token: str | None = field(default=None, repr=False)

    @property
    def is_api_key(self) -> bool:
        return bool(self.api_key) and not (self.api_proxy or self.token_file or self.token)

    def describe(self) -> str:
        if self.api_proxy:
            return f"the Domino API proxy at {self.api_proxy}"
        if self.token_file:
            return f"the token in {self.token_file}"
        if self.token:
            return "a bearer token (personal access token or service account)"
        if self.api_key:
            return "an API key"
        return "no credentials"

    def setting(self) -> str:
        """The setting a user changes to renew or fix these credentials."""
        if self.api_proxy:
            return "the API proxy's own credentials (--domino-api-proxy / $DOMINO_API_PROXY)"
        if self.token_file:
            return "the token file (--domino-token-file / $DOMINO_TOKEN_FILE)"
        if self.token:
            return "--domino-token / $SNAKEMAKE_DOMINO_TOKEN"
        return "--domino-api-key / $DOMINO_USER_API_KEY"

    def headers(self) -> dict[str, str]:
        if self.api_proxy:
            return {}  # the proxy adds credentials itself
        if self.token_file:
            try:
                token = Path(self.token_file).read_text().strip()
            except OSError as exc:
                raise DominoAuthError(
                    f"Cannot read the Domino token file {self.token_file}: {exc.strerror}. "
                    "Check --domino-token-file / $DOMINO_TOKEN_FILE."
                ) from None
            return {"Authorization": f"Bearer {token}"}
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.api_key:
            return {"X-Domino-Api-Key": self.api_key}
        return {}



class _HeadersOnly(requests.auth.AuthBase):
    """The credentials are the client's own headers. Without an auth of its own, requests
    reads ~/.netrc for every request and, where it names the host, replaces the
    Authorization header (the bearer token) with the netrc login."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


class HostSession(requests.Session):
    """A session that reads proxies and CA bundles from the environment once per host,
    and never credentials from ~/.netrc.

    requests reads them again for every request, walking the whole environment twice
    (a third of each request's CPU in the submitting process, measured at 100 jobs); what a
    run's environment says of a host does not change while it runs.
    """

    def __init__(self) -> None:
        super().__init__()
        self.auth = _HeadersOnly()
        self._environment: dict[tuple, dict[str, Any]] = {}

    def merge_environment_settings(self, url, proxies, stream, verify, cert):  # type: ignore[override]
        if proxies or not self.trust_env:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        key = (urlsplit(url)[:2], stream, verify, cert)
        settings = self._environment.get(key)
        if settings is None:
            settings = super().merge_environment_settings(url, {}, stream, verify, cert)
            self._environment[key] = settings
        return {**settings, "proxies": dict(settings["proxies"])}


def make_session(verify: bool | str, retry_budget: float, pace: Pace) -> requests.Session:
    session = HostSession()
    session.verify = verify
    session.headers["User-Agent"] = "snakemake-executor-plugin-domino"
    adapter = HTTPAdapter(
        max_retries=urllib3_policy(retry_budget, TRANSIENT_STATUS, IDEMPOTENT, pace),
        pool_maxsize=16,
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class Http:
    """Requests to one Domino host (or its API proxy), with one retry budget."""

    def __init__(
        self,
        host: str,
        credentials: Credentials,
        *,
        verify: bool | str = True,
        timeout: float = 60.0,
        retry_budget: float = 300.0,
        on_request: Callable[[str, str], None] | None = None,
        pace: Pace | None = None,
    ):
        self.host = host.rstrip("/")
        self.pace = pace or Pace()  # shared by this client's copies (with_retry_budget)
        self.credentials = credentials
        self.timeout = timeout
        self.retry_budget = retry_budget
        self.on_request = on_request
        self.base = self.host
        if credentials.api_proxy:
            proxy = credentials.api_proxy
            self.base = (proxy if "://" in proxy else f"http://{proxy}").rstrip("/")
        self.session = make_session(verify, retry_budget, self.pace)
        self.probe_session = make_session(verify, min(retry_budget, PROBE_BUDGET), self.pace)

    def with_retry_budget(self, seconds: float) -> Http:
        return Http(
            self.host,
            self.credentials,
            verify=self.session.verify,
            timeout=self.timeout,
            retry_budget=seconds,
            on_request=self.on_request,
            pace=self.pace,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: IO[bytes] | bytes | None = None,
        stream: bool = False,
        ok: tuple[int, ...] = (200, 201, 204),
        what: str = "",
        headers: dict[str, str] | None = None,
        probe: bool = False,
    ) -> requests.Response:
        label = what or f"{method} {path}"
        all_headers = self.credentials.headers()
        if headers:
            all_headers.update(headers)
        session = self.probe_session if probe else self.session
        budget = BUDGETS["broken_body"].within(PROBE_BUDGET if probe else self.retry_budget)
        for attempt in attempts(budget):
            self.pace.wait()
            if self.on_request:
                self.on_request(method, path)
            try:
                response = session.request(
                    method,
                    self.base + path,
                    params=params,
                    json=json,
                    data=data,
                    stream=stream,
                    timeout=self.timeout,
                    headers=all_headers,
                )
                break
            except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError) as exc:
                # urllib3 retries what fails before an answer's body; a body cut short is
                # read by requests afterwards, so an idempotent call is repeated here
                if (
                    _exhausted(exc)
                    or isinstance(exc, requests.exceptions.SSLError)
                    or method not in IDEMPOTENT
                    or not _rewindable(data)
                    or attempt.last
                ):
                    raise self.transport_error(label, exc) from None
                log.debug("%s: answer broke off (%s); retrying", label, reason(exc))
                if hasattr(data, "seek"):
                    data.seek(0)  # type: ignore[union-attr]
            except requests.RequestException as exc:
                raise self.transport_error(label, exc) from None
        if response.status_code in ok:
            return response
        seconds = retry_after(response.status_code, response.headers.get("Retry-After"))
        if seconds is not None:  # e.g. a POST, which urllib3 does not retry: pace the rest
            self.pace.hold(seconds)
        raise self.error(label, response)

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise DominoError(
                f"{kwargs.get('what') or path}: {self.host} answered with something that is "
                f"not JSON (Content-Type {response.headers.get('Content-Type', '?')}). "
                "Is --domino-url really a Domino deployment?"
            ) from None

    def transport_error(self, label: str, exc: requests.RequestException) -> DominoError:
        """The DominoError for a request that got no (complete) answer."""
        if isinstance(exc, requests.exceptions.SSLError):
            return DominoError(
                f"{label}: TLS verification of {self.host} failed ({type(exc).__name__}). "
                "Pass --domino-ca-bundle with your CA's certificate."
            )
        if isinstance(exc, requests.exceptions.ReadTimeout):
            # no answer in time: the server may still act on the request
            return DominoTimeout(
                f"{label}: Domino at {self.host} did not answer within "
                f"{self.timeout:g} s (--domino-request-timeout)."
            )
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return DominoTransientError(
                f"{label}: Domino's answer broke off ({reason(exc)}); retried until "
                "--domino-retry-budget ran out."
            )
        if isinstance(exc, requests.ConnectionError | requests.Timeout):
            return DominoTransientError(
                f"{label}: cannot reach Domino at {self.host} ({reason(exc)}). "
                "Check --domino-url / $DOMINO_API_HOST and your network."
            )
        return DominoError(f"{label}: {type(exc).__name__}: {reason(exc)}")

    def error(self, label: str, response: requests.Response) -> DominoError:
        status = response.status_code
        detail = domino_message(response)
        if status in (401, 403):
            return DominoAuthError(
                f"{label}: Domino refused the credentials ({status}: {detail}). "
                f"The client used {self.credentials.describe()}; check "
                "--domino-api-key / $DOMINO_USER_API_KEY or the token file.",
                status,
            )
        if status == 409 and urlparse(response.url or "").path.startswith("/api/"):
            # the public /api/* routes use 409 for a conflict (Domino's public API models);
            # only the v1/v4 routes mean an expired login by it
            return DominoError(f"{label}: Domino answered 409, a conflict ({detail})", status,
                               detail)
        if status == 409:
            # python-domino's request manager turns every 409 into ReloginRequiredException
            # ("Temporary credentials expired"); 5.0's OpenAPI calls it Relogin ("User
            # needs to re-login"). Domino's own words stay in, in case it meant a conflict.
            return DominoReloginRequired(
                f"{label}: Domino answered 409 ({detail}). Domino says this when the "
                f"credentials it was given have expired: renew them "
                f"({self.credentials.setting()}), log in to Domino's web UI once if it asks "
                "you to, and try again.",
                status,
                detail,
            )
        if status == 404:
            return DominoNotFound(f"{label}: not found (404: {detail})", status, detail)
        if status in TRANSIENT_STATUS:
            return DominoTransientError(
                f"{label}: Domino kept answering {status} ({detail}) through the retry "
                "budget; try again later or raise --domino-retry-budget.",
                status,
            )
        return DominoError(f"{label}: Domino answered {status}: {detail}", status, detail)


def _exhausted(exc: requests.RequestException) -> bool:
    """True if urllib3 already spent its retries on this failure."""
    return any(isinstance(arg, MaxRetryError) for arg in exc.args)


def _rewindable(data: object) -> bool:
    return data is None or isinstance(data, bytes) or hasattr(data, "seek")


def domino_message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip().replace("\n", " ")
        return text[:200] or response.reason or "no message"
    if isinstance(body, dict):
        for key in ("message", "detail", "error", "errors"):
            if body.get(key):
                return str(body[key])[:500]
    return str(body)[:200]


def reason(exc: BaseException) -> str:
    """The innermost cause of a requests/urllib3 error, e.g. "[Errno 111] Connection refused".

    The wrappers' own words ("Max retries exceeded with url: ...") say nothing the caller's
    message does not, and object reprs say nothing at all.
    """
    inner: BaseException = exc
    for _ in range(6):
        cause = getattr(inner, "reason", None)
        nested = [a for a in getattr(inner, "args", ()) if isinstance(a, BaseException)]
        deeper = cause if isinstance(cause, BaseException) else (nested[0] if nested else None)
        if deeper is None or deeper is inner:
            break
        inner = deeper
    text = str(inner)
    # object reprs and "HTTPConnection(host=..., port=...): " repeat what the caller says
    text = re.sub(r"<[^<>]*object at 0x[0-9a-f]+>:?\s*", "", text)
    text = re.sub(r"^\w*Connection(Pool)?\([^()]*\):\s*", "", text).strip(" :")
    return text[:200] or type(inner).__name__
