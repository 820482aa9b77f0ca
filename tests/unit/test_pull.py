"""Pulling a job's outputs back from a real local Domino commit, as the job left them."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest

from snakemake_executor_domino.exceptions import TransferError
from snakemake_executor_domino.files.outputs import local_mode
from snakemake_executor_domino.files.transfer import FileHasher, Transfer
from tests.conftest import DominoServer

MANIFEST = ".snakemake/domino_outputs/job.json"


def _commit(domino: DominoServer, tmp_path: Path, files: dict[str, str]):
    """A project whose head holds `files`; returns (client, head commit id)."""
    client = domino.client(domino.new_project("pull"))
    source = tmp_path / "source"
    for path, text in files.items():
        local = source / path
        local.parent.mkdir(parents=True, exist_ok=True)
        local.write_text(text)
        client.upload_file(path, local)
    return client, client.head_commit_id()


def _transfer(client, tmp_path: Path) -> Transfer:
    workdir = tmp_path / "work"
    workdir.mkdir()
    return Transfer(client, workdir, max_file_size=10**6, hasher=FileHasher())


def _manifest(**parts) -> str:
    return json.dumps({"root": "/mnt", **parts})


def test_links_empty_directories_and_executables_come_back(domino, tmp_path):
    manifest = _manifest(
        links={"link.txt": "/mnt/final.txt", "d/y": "sub/x", "d/alias": "sub"},
        dirs=["d/empty", "hollow"],
        executables=["d/sub/run.sh"],
    )
    files = {"final.txt": "final\n", "d/sub/x": "x\n", "d/sub/run.sh": "#!/bin/sh\n"}
    client, commit = _commit(domino, tmp_path, {**files, MANIFEST: manifest})
    transfer = _transfer(client, tmp_path)
    found = transfer.read_manifest(commit, MANIFEST)
    pulled, missing = transfer.pull(
        commit, ["final.txt", "link.txt", "d", "hollow"], manifest=found
    )
    work = transfer.workdir
    assert missing == []
    assert os.readlink(work / "link.txt") == "final.txt"
    assert (work / "link.txt").read_text() == "final\n"
    assert os.readlink(work / "d/y") == "sub/x" and (work / "d/y").read_text() == "x\n"
    assert os.readlink(work / "d/alias") == "sub"
    assert (work / "d/empty").is_dir() and (work / "hollow").is_dir()
    assert stat.S_IMODE((work / "d/sub/run.sh").stat().st_mode) == local_mode(True)
    assert stat.S_IMODE((work / "final.txt").stat().st_mode) == local_mode(False)
    assert set(pulled) >= {"final.txt", "d/sub/x", "link.txt", "d/y", "hollow"}


def test_a_link_replaces_whatever_file_was_there(domino, tmp_path):
    client, commit = _commit(
        domino, tmp_path, {"a.txt": "a", MANIFEST: _manifest(links={"l": "a.txt"})}
    )
    transfer = _transfer(client, tmp_path)
    (transfer.workdir / "l").write_text("stale")
    transfer.pull(commit, ["l"], manifest=transfer.read_manifest(commit, MANIFEST))
    assert os.readlink(transfer.workdir / "l") == "a.txt"


def test_optional_outputs_are_pulled_when_present_and_never_missing(domino, tmp_path):
    client, commit = _commit(domino, tmp_path, {"kept.txt": "k", "service.out": "s"})
    transfer = _transfer(client, tmp_path)
    pulled, missing = transfer.pull(
        commit, ["kept.txt"], optional=["pipe.fifo", "scratch.tmp", "service.out"]
    )
    assert missing == []
    assert sorted(pulled) == ["kept.txt", "service.out"]
    assert not (transfer.workdir / "scratch.tmp").exists()
    _, missing = transfer.pull(commit, ["absent.txt"])
    assert missing == ["absent.txt"]


def test_a_link_pointing_outside_fails_naming_the_file_and_the_fix(domino, tmp_path):
    links = {"out/ref.fa": "/data/genomes/ref.fa", "d/up": "../../x", "sock": "/dev/random"}
    client, commit = _commit(domino, tmp_path, {MANIFEST: _manifest(links=links)})
    transfer = _transfer(client, tmp_path)
    manifest = transfer.read_manifest(commit, MANIFEST)
    with pytest.raises(TransferError) as info:
        transfer.pull(commit, ["out/ref.fa", "d"], optional=["sock"], manifest=manifest)
    message = str(info.value)
    assert "out/ref.fa -> /data/genomes/ref.fa" in message and "d/up -> ../../x" in message
    assert "cp, not ln -s" in message
    assert "sock" not in message  # an optional output (a service's socket) is just skipped
    assert transfer.pull(commit, [], optional=["sock"], manifest=manifest) == ([], [])
    assert not (transfer.workdir / "sock").exists()


def test_no_manifest_means_nothing_to_restore(domino, tmp_path):
    client, commit = _commit(domino, tmp_path, {"a.txt": "a"})
    assert _transfer(client, tmp_path).read_manifest(commit, MANIFEST) is None


@pytest.fixture(scope="module", params=["latest", "5.0"])
def by_path(request, tmp_path_factory):
    """A local Domino serving files by path (5.10+), or by a key from a listing (5.0): a
    file carried in the manifest needs neither, so no listing says what a commit holds
    unless the executor asks."""
    from snakemake_executor_domino.local.server import LocalDomino

    server = LocalDomino(tmp_path_factory.mktemp("by-path"), api_flavor=request.param).start()
    try:
        yield DominoServer(server=server, url=server.url, api_key=server.api_key)
    finally:
        server.stop()


def _inline_manifest(path: str, recorded: bytes, carried: bytes) -> str:
    import base64
    import hashlib

    return _manifest(files={path: [len(recorded), hashlib.sha1(recorded).hexdigest()]},
                     inline={path: base64.b64encode(carried).decode()})


def test_a_small_output_comes_in_its_manifest_without_a_download(by_path, tmp_path,
                                                                  monkeypatch):
    domino = by_path
    # the commit lacks a.txt, so only the manifest's copy can bring it back
    client, commit = _commit(domino, tmp_path, {
        MANIFEST: _inline_manifest("a.txt", b"made\n", b"made\n")})
    transfer = _transfer(client, tmp_path)
    pulled, missing = transfer.pull(commit, ["a.txt"],
                                    manifest=transfer.read_manifest(commit, MANIFEST))
    assert (pulled, missing) == (["a.txt"], [])
    assert (transfer.workdir / "a.txt").read_text() == "made\n"
    _known_without_reading(transfer, transfer.workdir / "a.txt", monkeypatch)


def test_a_manifest_copy_is_not_taken_where_dominoignore_kept_the_file_out(by_path, tmp_path):
    domino = by_path
    client, commit = _commit(domino, tmp_path, {
        MANIFEST: _inline_manifest("a.txt", b"made\n", b"made\n")})
    transfer = _transfer(client, tmp_path)
    (transfer.workdir / ".dominoignore").write_text("*.txt\n")
    pulled, missing = transfer.pull(commit, ["a.txt"],
                                    manifest=transfer.read_manifest(commit, MANIFEST))
    assert (pulled, missing) == ([], ["a.txt"])
    assert not (transfer.workdir / "a.txt").exists()


def test_a_manifest_copy_unlike_what_the_job_recorded_is_downloaded_instead(by_path, tmp_path):
    domino = by_path
    client, commit = _commit(domino, tmp_path, {
        "a.txt": "made\n", MANIFEST: _inline_manifest("a.txt", b"made\n", b"torn\n")})
    transfer = _transfer(client, tmp_path)
    pulled, missing = transfer.pull(commit, ["a.txt"],
                                    manifest=transfer.read_manifest(commit, MANIFEST))
    assert (pulled, missing) == (["a.txt"], [])
    assert (transfer.workdir / "a.txt").read_text() == "made\n"


def _known_without_reading(transfer: Transfer, local: Path, monkeypatch) -> None:
    """The transfer took `local`'s digests as it wrote it: the run record's provenance
    (and a later push check) get them without reading the file again, until it changes."""

    def unread(path):
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr("snakemake_executor_domino.files.hashing.file_digests", unread)
    assert transfer.hasher.sha1(local) == hashlib.sha1(local.read_bytes()).hexdigest()
    local.write_text("changed since\n")
    with pytest.raises(AssertionError, match="read again"):
        transfer.hasher.sha1(local)


def test_a_downloaded_file_is_not_read_again_for_its_digests(domino, tmp_path, monkeypatch):
    client, commit = _commit(domino, tmp_path, {"big.csv": "row\n" * 1000})
    transfer = _transfer(client, tmp_path)
    transfer.pull(commit, ["big.csv"])
    _known_without_reading(transfer, transfer.workdir / "big.csv", monkeypatch)
