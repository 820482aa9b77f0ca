"""Signed browser sessions, CSRF tokens and one-time login codes, with the stdlib only.

A browser cannot send the `X-Domino-Api-Key` header, so `/login` exchanges the API key (or a
one-time login code that `snakemake-domino local serve` prints) for a session cookie.

Sessions are stateless: the cookie holds `<payload>.<mac>`, an HMAC-SHA256 over a purpose tag
and a JSON payload (a random session id and an expiry). The signing key is derived from the
API key, so
- a server restart keeps everyone logged in (no extra secret file to guard), and
- changing the API key ends every session and voids every unused login code.
The purpose tag keeps a session token from ever passing as a login code, and the reverse.

A login code is the same kind of token with a nonce and a short expiry. It is single-use:
the server remembers redeemed nonces until they expire. It travels as a query parameter, so
it can appear in browser history, but it is dead after its first use and after 15 minutes,
and the API key itself never appears in any URL (nor in the access log, which is off).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

SESSION_TTL_SECONDS = 12 * 3600
LOGIN_CODE_TTL_SECONDS = 15 * 60
MAX_TOKEN_LENGTH = 512  # refuse oversized input before decoding anything
_KEY_CONTEXT = b"snakemake-domino local web v1"
SESSION = "session"
LOGIN_CODE = "login-code"


def signing_key(api_key: str) -> bytes:
    return hmac.new(api_key.encode(), _KEY_CONTEXT, hashlib.sha256).digest()


def sign(key: bytes, purpose: str, payload: dict[str, Any]) -> str:
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_b64(_mac(key, purpose, body))}"


def verify(key: bytes, purpose: str, token: str, now: float | None = None) -> dict[str, Any] | None:
    """The payload of a genuine, unexpired token made for `purpose`; else None."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    try:
        given = _unb64(mac)
    except (binascii.Error, ValueError):
        return None
    if not hmac.compare_digest(given, _mac(key, purpose, body)):
        return None
    try:
        payload = json.loads(_unb64(body))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int):
        return None
    if payload["exp"] <= (time.time() if now is None else now):
        return None
    return payload


def login_code(api_key: str, ttl: int = LOGIN_CODE_TTL_SECONDS) -> str:
    payload = {"n": secrets.token_urlsafe(12), "exp": int(time.time()) + ttl}
    return sign(signing_key(api_key), LOGIN_CODE, payload)


def login_link(base_url: str, api_key: str, next_path: str = "/") -> str:
    """A one-time link that logs a browser in (what `local serve` prints)."""
    query = {"code": login_code(api_key)}
    if next_path != "/":
        query["next"] = next_path
    return f"{base_url.rstrip('/')}/login?{urlencode(query)}"


@dataclass(frozen=True)
class Session:
    sid: str
    expires: int
    csrf: str


class WebAuth:
    """The server side: checks keys, issues and reads session cookies, redeems codes."""

    def __init__(self, api_key: str) -> None:
        self._api_key = api_key.encode()
        self._key = signing_key(api_key)
        self._redeemed: dict[str, int] = {}  # login-code nonce -> its expiry
        self._lock = threading.Lock()

    def is_api_key(self, candidate: str) -> bool:
        return hmac.compare_digest(candidate.encode(), self._api_key)

    def new_session(self) -> str:
        payload = {"sid": secrets.token_urlsafe(16), "exp": int(time.time()) + SESSION_TTL_SECONDS}
        return sign(self._key, SESSION, payload)

    def session(self, cookie: str | None) -> Session | None:
        payload = verify(self._key, SESSION, cookie or "")
        if payload is None or not isinstance(payload.get("sid"), str):
            return None
        sid = payload["sid"]
        return Session(sid, payload["exp"], self._csrf_for(sid))

    def csrf_ok(self, session: Session, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token).encode(), session.csrf.encode())

    def redeem_login_code(self, code: str) -> bool:
        """True once per genuine, unexpired code; False for anything else."""
        payload = verify(self._key, LOGIN_CODE, code)
        if payload is None or not isinstance(payload.get("n"), str):
            return False
        now = int(time.time())
        with self._lock:
            for nonce, expiry in list(self._redeemed.items()):
                if expiry <= now:  # expired codes fail verify(); no need to remember them
                    del self._redeemed[nonce]
            if payload["n"] in self._redeemed:
                return False
            self._redeemed[payload["n"]] = payload["exp"]
        return True

    def _csrf_for(self, sid: str) -> str:
        # derived from the session id, so the cookie needs no second secret; the form token
        # never equals anything in the cookie and cannot be computed without the key
        return _b64(_mac(self._key, "csrf", sid))


def _mac(key: bytes, purpose: str, body: str) -> bytes:
    return hmac.new(key, f"{purpose}|{body}".encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
