"""The local Domino's web pages: jobs, logs and files of every run, behind a login.

Served by the same app and port as the API (`install_web` adds them), rendered on the server
from the Jinja2 templates in `local/templates/`, with one stylesheet in `local/static/` and no
JavaScript. Modules: `routes` (the table), `pages` (handlers), `views` (what a page shows),
`files` (previews and safe file responses), `guard` + `session` (login, cookies, CSRF),
`redact` (the API key off every page),
`templating`, `format`, `schedules`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from snakemake_executor_domino.local.backend import Backend


def install_web(app: FastAPI, be: Backend) -> None:
    # imported here: the CLI imports `web.session` (stdlib only) without the web framework
    from snakemake_executor_domino.local.web._install import install

    install(app, be)
