"""The web pages' route table, one line per page or action (handlers in pages.py).

Job pages use the URL pattern of Domino's own job pages, `/jobs/{owner}/{project}/{jobId}`
(the executor prints these), the jobs dashboard is `/jobs/{owner}/{project}`, and files are
browsed at `/u/{owner}/{project}/browse?commitId=...&path=...`, as on Domino.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from snakemake_executor_domino.local.api import route_table as urls  # noqa: F401  (registers the `filepath` convertor used below)
from snakemake_executor_domino.local.web import pages
from snakemake_executor_domino.local.web import run_pages as runs

J = "/jobs/{owner}/{project}"
U = "/u/{owner}/{project}"

# no session needed: the way in
PUBLIC: list[tuple[str, str, Callable[..., Any]]] = [
    ("GET", "/login", pages.login_form),
    ("POST", "/login", pages.login_submit),
]

# a session needed, else a redirect to /login
PAGES: list[tuple[str, str, Callable[..., Any]]] = [
    ("GET", "/", pages.index),
    ("GET", J, pages.project_page),
    # before the job page: /runs is no job id (Domino's are 24 hex digits)
    ("GET", f"{J}/runs", runs.runs_page),
    ("GET", f"{J}/runs/{{runId}}", runs.run_page),
    ("GET", f"{J}/{{jobId}}", pages.job_page),
    ("GET", f"{J}/{{jobId}}/log", pages.job_log),
    ("GET", f"{U}/browse", pages.browse),
    ("GET", f"{U}/raw/{{commitId}}/{{path:filepath}}", pages.raw_file),
    ("GET", f"{U}/results/{{jobId}}", pages.legacy_results),
    ("GET", U, pages.project_overview),
    ("GET", f"{U}/overview", pages.project_overview),
]

# a session and its CSRF token needed, else 403
ACTIONS: list[tuple[str, str, Callable[..., Any]]] = [
    ("POST", "/logout", pages.logout),
    ("POST", f"{J}/{{jobId}}/stop", pages.stop_job),
]
