"""Wiring the pages into the app: routers, the login redirect, error pages, the stylesheet."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from snakemake_executor_domino.local.backend import Backend
from snakemake_executor_domino.local.web.guard import (
    LoginRequired,
    WebError,
    action_session,
    login_url,
    page_session,
)
from snakemake_executor_domino.local.web.page_routes import ACTIONS, PAGES, PUBLIC
from snakemake_executor_domino.local.web.session import WebAuth
from snakemake_executor_domino.local.web.templating import page

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI, be: Backend) -> None:
    app.state.web_auth = WebAuth(be.api_key)
    for routes, guard in ((PUBLIC, None), (PAGES, page_session), (ACTIONS, action_session)):
        router = APIRouter(dependencies=[Depends(guard)] if guard else [])
        for method, path, handler in routes:
            router.add_api_route(path, handler, methods=[method], include_in_schema=False)
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.exception_handler(LoginRequired)
    async def _login(_: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    @app.exception_handler(WebError)
    async def _error(request: Request, exc: WebError) -> Response:
        title = f"{exc.status} {HTTPStatus(exc.status).phrase}"
        return page(
            request, "message.html", status_code=exc.status, message=exc.message, title=title
        )
