"""`create_app(backend)`: the FastAPI application serving the Domino API over a Backend."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, FastAPI

from snakemake_executor_domino.local.api import traffic
from snakemake_executor_domino.local.api.api_errors import install_error_handlers
from snakemake_executor_domino.local.api.auth import authenticate
from snakemake_executor_domino.local.api.route_table import ROUTES
from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.web import install_web


def create_app(backend: Backend) -> FastAPI:
    # no OpenAPI pages: they would be the one unauthenticated corner of the server
    app = FastAPI(
        title="local Domino", docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.backend = backend
    router = APIRouter(dependencies=[Depends(authenticate)])
    for method, path, handler in ROUTES:
        router.add_api_route(path, handler, methods=[method])
    app.include_router(router)
    install_error_handlers(app)
    # the web pages (jobs, logs, files) behind a login; see web/__init__.py
    install_web(app, backend)
    traffic.install(app)  # only when the contract tests ask for it (traffic.py)
    delay_ms = backend.config.limits.request_latency_ms
    if delay_ms:
        _delay_answers(app, delay_ms / 1000)
    return app


def _delay_answers(app: FastAPI, seconds: float) -> None:
    """Every answer later by `seconds`, as a remote deployment's (--request-latency)."""

    @app.middleware("http")
    async def delayed(request, call_next):  # type: ignore[no-untyped-def]
        await asyncio.sleep(seconds)
        return await call_next(request)
