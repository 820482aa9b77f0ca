"""Pages are as guarded as the API: a session for every page, a CSRF token for every action.

A page request without a valid session is redirected to `/login` (and back afterwards); an
action (a POST) without one is refused with 403, as is one without the session's CSRF token
or one whose `Origin` is another site. The session cookie is HttpOnly and SameSite=Strict,
so other sites can neither read it nor make the browser send it; the CSRF token and the
Origin check stop forged requests even where SameSite is not enforced.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request, Response

from snakemake_executor_domino.local.web.session import SESSION_TTL_SECONDS, Session, WebAuth

COOKIE_PREFIX = "domino_local_session"


class LoginRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class WebError(Exception):
    """An answer other than the page asked for: rendered as a short HTML message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def web_auth(request: Request) -> WebAuth:
    return request.app.state.web_auth


def cookie_name(request: Request) -> str:
    # cookies ignore ports: without the port in the name, two local Dominos on one host
    # (an embedded one and a `local serve`) would keep overwriting each other's session
    port = request.url.port or (443 if request.url.scheme == "https" else 80)
    return f"{COOKIE_PREFIX}_{port}"


def current_session(request: Request) -> Session | None:
    return web_auth(request).session(request.cookies.get(cookie_name(request)))


def page_session(request: Request) -> Session:
    """Dependency of every page: the session, or a redirect to the login form."""
    session = current_session(request)
    if session is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return session


def action_session(request: Request) -> Session:
    """Dependency of every action: a session and a same-origin request, else 403.

    The CSRF token comes in the form body; handlers check it with `check_csrf`."""
    session = current_session(request)
    if session is None:
        raise WebError(403, "not logged in: open /login and log in with the API key first")
    check_same_origin(request)
    return session


def check_same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise WebError(403, "refused: the request came from another site")


def check_csrf(request: Request, session: Session, token: str | None) -> None:
    if not web_auth(request).csrf_ok(session, token):
        raise WebError(
            403, "refused: the form's CSRF token is missing or wrong; reload the page and retry"
        )


def set_session_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(
        cookie_name(request),
        value,
        max_age=SESSION_TTL_SECONDS,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",  # a plain-http local server must still work
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        cookie_name(request), path="/", httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )


def safe_next(raw: str | None) -> str:
    """A local path to return to after login; anything else (another site) becomes '/'."""
    if not raw or not raw.startswith("/") or raw.startswith(("//", "/\\")):
        return "/"
    if any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in raw):
        return "/"
    return raw


def login_url(next_path: str) -> str:
    return "/login" if next_path == "/" else f"/login?next={quote(next_path, safe='/')}"
