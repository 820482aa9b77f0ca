"""No request can name a file outside the project: bad paths are 400 on every file route."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from snakemake_executor_domino.local.server import LocalDomino
from snakemake_executor_domino.local.store.paths import BadPath, clean_dir_path, clean_file_path

from .conftest import Api, make_api

ATTACKS = [
    "../escape.txt",
    "a/../../escape.txt",
    "%2e%2e/escape.txt",
    "a/%2E%2E/%2e%2e/escape.txt",
    "..%2Fescape.txt",
    "/etc/passwd",
    "%2Fetc/passwd",
    "a/./b.txt",
    "a//b.txt",
    "nul%00byte.txt",
    "back%5Cslash.txt",
    "ctrl%0Achar.txt",
]


@pytest.mark.parametrize("path", ATTACKS)
def test_upload_refuses(api: Api, path: str) -> None:
    before = api.head()
    status, body = api.raw("PUT", f"{api.v1}/{path}", body=b"evil")
    assert status == 400, (path, body)
    assert body["message"].startswith("invalid path")
    assert api.head() == before


@pytest.mark.parametrize("path", ATTACKS)
def test_list_refuses(api: Api, path: str) -> None:
    commit = api.upload_commit("a/b.txt", b"x")
    status, body = api.raw("GET", f"{api.v1}/files/{commit}/{path}")
    assert status == 400, (path, body)


@pytest.fixture(scope="module")
def api_510(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A Domino 5.10: the first with the content route (the default flavor, 5.0, has none)."""
    with LocalDomino(tmp_path_factory.mktemp("paths-510"), user="tester",
                     api_flavor="5.10") as domino:
        yield make_api(domino, "tester/paths")


@pytest.mark.parametrize("path", ATTACKS)
def test_content_refuses(api_510: Api, path: str) -> None:
    api = api_510
    commit = api.upload_commit("a/b.txt", b"x")
    route = f"/api/projects/v1/projects/{api.project_id}/files/{commit}/{path}/content"
    status, body = api.raw("GET", route)
    assert status == 400, (path, body)


def test_nothing_was_written_outside_the_root(api: Api, server) -> None:
    for path in ATTACKS:
        api.raw("PUT", f"{api.v1}/{path}", body=b"evil")
    root = server.root
    assert not (root.parent / "escape.txt").exists()
    assert not (root / "escape.txt").exists()


def test_path_rules() -> None:
    assert clean_file_path("a/b.txt") == "a/b.txt"
    assert clean_file_path("dots..are.fine..txt") == "dots..are.fine..txt"
    assert clean_dir_path("") == clean_dir_path("/") == ""
    assert clean_dir_path("a/b/") == "a/b"
    for bad in ("", "a/", "/a", "a\\b", "a/../b", "..", ".", "a\x00b", "a" * 5000):
        with pytest.raises(BadPath):
            clean_file_path(bad)
    for bad in ("//", "/a", "a//", "../", "a/./"):
        with pytest.raises(BadPath):
            clean_dir_path(bad)
