"""The Jinja2 environment (autoescape on: every title, command, log line and file name a
user supplied is escaped), URL builders for the templates, and the page response."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse, Response

from snakemake_executor_domino.local.api.auth import backend
from snakemake_executor_domino.local.web import format as fmt
from snakemake_executor_domino.local.web.guard import current_session
from snakemake_executor_domino.local.web.redact import redact

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
# no script at all: the pages need none, so an injected <script> could not run even if
# escaping ever failed; inline styles are not needed either (one stylesheet)
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "X-Content-Type-Options": "nosniff",
    # not no-referrer: with it, browsers send "Origin: null" on our own form posts
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def _q(segment: str) -> str:
    return quote(segment, safe="")


def project_url(owner: str, name: str, **query: Any) -> str:
    base = f"/jobs/{_q(owner)}/{_q(name)}"
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{base}?{urlencode(query)}" if query else base


def job_url(owner: str, name: str, job_id: str) -> str:
    return f"/jobs/{_q(owner)}/{_q(name)}/{_q(job_id)}"


def browse_url(owner: str, name: str, commit_id: str | None = None, path: str = "") -> str:
    query = {k: v for k, v in (("commitId", commit_id), ("path", path)) if v}
    base = f"/u/{_q(owner)}/{_q(name)}/browse"
    return f"{base}?{urlencode(query)}" if query else base


def raw_url(owner: str, name: str, commit_id: str, path: str, inline: bool = False) -> str:
    url = f"/u/{_q(owner)}/{_q(name)}/raw/{_q(commit_id)}/{quote(path, safe='/')}"
    return url + "?inline=1" if inline else url


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a typo in a template is an error, not a blank
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        clock=fmt.clock, span=fmt.span, size=fmt.size, short=fmt.short
    )
    env.globals.update(
        project_url=project_url,
        job_url=job_url,
        browse_url=browse_url,
        raw_url=raw_url,
        run_time=fmt.run_time,
        queue_time=fmt.queue_time,
        timezone=fmt.timezone_name,
    )
    return env


templates = Jinja2Templates(env=_environment())


def page(
    request: Request, name: str, status_code: int = 200, refresh: int | None = None,
    **context: Any,
) -> Response:
    """Render a page. `refresh` (seconds) reloads it while something on it is still active."""
    context.setdefault("title", "local Domino")
    context["session"] = current_session(request)
    context["refresh"] = refresh
    context["request"] = request
    body = templates.get_template(name).render(context)
    return HTMLResponse(
        redact(body, backend(request).api_key), status_code=status_code, headers=PAGE_HEADERS
    )
