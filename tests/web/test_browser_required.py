"""Under CI the browser tests cannot be skipped: a missing browser fails them."""

from __future__ import annotations

import pytest

from tests.web.conftest import browser_missing


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_missing_browser_fails_under_ci(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests, but no"):
        browser_missing("no Chromium at /usr/bin/chromium")


@pytest.mark.parametrize("value", [None, "", "false", "0"])
def test_missing_browser_skips_elsewhere(monkeypatch, value):
    if value is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        browser_missing("no Chromium at /usr/bin/chromium")
