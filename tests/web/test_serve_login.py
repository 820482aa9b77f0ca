"""`snakemake-domino local serve` prints a login link that carries no key and works once."""

from __future__ import annotations

import re
from pathlib import Path

import requests

from tests.local.test_cli import _serve, _stop
from tests.local.test_restart import _read_banner


def test_serve_prints_a_one_time_login_link_without_the_key(tmp_path: Path) -> None:
    proc = _serve(tmp_path, "--project", "me/demo", SNAKEMAKE_DOMINO_LOCAL_API_KEY="k-123456789")
    try:
        url, banner = _read_banner(proc)
        link = re.search(rf"{re.escape(url)}/login\?code=\S+", banner)
        assert link, banner
        assert "k-123456789" not in banner
        first = requests.get(link.group(0), allow_redirects=False, timeout=5)
        assert first.status_code == 303 and "set-cookie" in first.headers
        cookie = first.headers["set-cookie"].split(";")[0].split("=", 1)
        projects = requests.get(f"{url}/", cookies={cookie[0]: cookie[1]}, timeout=5)
        assert projects.status_code == 200 and "me/demo" in projects.text
        again = requests.get(link.group(0), allow_redirects=False, timeout=5)
        assert again.status_code == 401
    finally:
        _stop(proc)
