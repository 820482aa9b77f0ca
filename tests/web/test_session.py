"""Signed session tokens, CSRF tokens and one-time login codes (no server needed)."""

from __future__ import annotations

import time

from snakemake_executor_domino.local.web import session as s


def test_session_round_trip_and_csrf_bound_to_the_session():
    auth = s.WebAuth("key-1")
    cookie = auth.new_session()
    got = auth.session(cookie)
    assert got is not None
    assert auth.csrf_ok(got, got.csrf)
    other = auth.session(auth.new_session())
    assert other is not None and other.csrf != got.csrf
    assert not auth.csrf_ok(got, other.csrf)
    assert not auth.csrf_ok(got, None) and not auth.csrf_ok(got, "")
    assert "key-1" not in cookie


def test_tokens_from_another_key_or_purpose_or_tampered_are_refused():
    auth = s.WebAuth("key-1")
    cookie = auth.new_session()
    assert s.WebAuth("key-2").session(cookie) is None  # a new API key ends every session
    code = s.login_code("key-1")
    assert auth.session(code) is None  # a login code is not a session
    assert not auth.redeem_login_code(cookie)  # nor the reverse
    body, mac = cookie.split(".")
    assert auth.session(body + "." + mac[::-1]) is None
    assert auth.session(body[:-2] + "xx." + mac) is None
    for junk in ("", ".", "a.b.c", "x" * 5000, "!!!.???"):
        assert auth.session(junk) is None


def test_expired_tokens_are_refused():
    key = s.signing_key("key-1")
    token = s.sign(key, s.SESSION, {"sid": "abc", "exp": int(time.time()) - 1})
    assert s.verify(key, s.SESSION, token) is None
    fresh = s.sign(key, s.SESSION, {"sid": "abc", "exp": int(time.time()) + 60})
    assert (s.verify(key, s.SESSION, fresh) or {}).get("sid") == "abc"
    assert s.verify(key, s.SESSION, fresh, now=time.time() + 120) is None


def test_login_code_is_single_use_and_short_lived():
    auth = s.WebAuth("key-1")
    code = s.login_code("key-1")
    assert auth.redeem_login_code(code)
    assert not auth.redeem_login_code(code)
    assert not auth.redeem_login_code(s.login_code("key-2"))
    expired = s.login_code("key-1", ttl=-1)
    assert not auth.redeem_login_code(expired)
    assert s.LOGIN_CODE_TTL_SECONDS <= 15 * 60


def test_login_link_carries_a_code_never_the_key():
    link = s.login_link("http://127.0.0.1:8899/", "secret-key", "/jobs/a/b")
    assert link.startswith("http://127.0.0.1:8899/login?code=")
    assert "secret-key" not in link
    assert "next=%2Fjobs%2Fa%2Fb" in link


def test_api_key_check():
    auth = s.WebAuth("key-1")
    assert auth.is_api_key("key-1")
    assert not auth.is_api_key("key-2") and not auth.is_api_key("")
