"""Domino's file key as a content hash: trusted only once it has matched bytes we know.
A truncated or corrupted download is refused either way; an unknown key scheme does not
fail good downloads."""

from __future__ import annotations

import hashlib
import logging
import os

import pytest

from snakemake_executor_domino.domino import IntegrityError, file_digests, keys
from snakemake_executor_domino.domino.keys import KeyScheme
from tests.unit.domino.conftest import PROJECT

DATA = b"feature,value\n" * 1000
SHA1 = hashlib.sha1(DATA).hexdigest()
GIT_BLOB = hashlib.sha1(b"blob %d\0" % len(DATA) + DATA).hexdigest()
OTHER = "0123456789abcdef0123456789abcdef01234567"  # some other 40-hex scheme
CONTENT = f"/api/projects/v1/projects/{PROJECT.id}/files/c1/out.csv/content"


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr("snakemake_executor_domino.domino.retry.time.sleep", lambda s: None)


def serve(fake, *bodies: bytes) -> None:
    for body in bodies:
        fake.answer("GET", CONTENT, body, headers={"Content-Length": str(len(body))})


def download(client, target, key):
    return client.download_file("c1", "out.csv", target, expected_size=len(DATA),
                                expected_key=key)


@pytest.mark.parametrize("key, scheme", [(SHA1, "sha1"), (GIT_BLOB, "git-blob")])
def test_a_matching_download_confirms_the_scheme(client, fake, tmp_path, key, scheme):
    serve(fake, DATA)
    got = download(client, tmp_path / "out.csv", key)
    assert got.size == len(DATA)
    assert client.keys.confirmed == scheme
    assert (tmp_path / "out.csv").read_bytes() == DATA
    # every digest comes back, not only the one checked: the caller need not read it again
    assert got.digests == file_digests(tmp_path / "out.csv")


def test_confirmed_scheme_refuses_a_corrupted_download(client, fake, tmp_path):
    client.keys.confirmed = "sha1"
    corrupted = DATA[:-2] + b"X\n"  # same size: only the hash can tell
    serve(fake, corrupted)
    with pytest.raises(IntegrityError, match="content hash differs"):
        download(client, tmp_path / "out.csv", SHA1)
    assert not (tmp_path / "out.csv").exists()
    assert list(tmp_path.iterdir()) == []  # no temp file left behind


def test_confirmed_scheme_takes_a_good_copy_after_a_corrupted_one(client, fake, tmp_path):
    client.keys.confirmed = "sha1"
    serve(fake, DATA[:-2] + b"X\n", DATA)
    download(client, tmp_path / "out.csv", SHA1)
    assert (tmp_path / "out.csv").read_bytes() == DATA


@pytest.mark.parametrize("scheme", [None, "sha1", "unconfirmed"])
def test_a_truncated_download_is_refused_whatever_the_scheme(client, fake, tmp_path, scheme):
    if scheme == "unconfirmed":
        client.keys.unconfirmed = True
    else:
        client.keys.confirmed = scheme
    serve(fake, DATA[:100])
    with pytest.raises(IntegrityError, match="bytes but Domino"):
        download(client, tmp_path / "out.csv", SHA1)
    assert not (tmp_path / "out.csv").exists()



def test_a_small_file_read_into_memory_is_checked_like_a_download(client, fake, tmp_path):
    """The manifest and a pack's archive are read this way: a corrupted copy is fetched
    again, a truncated one refused."""
    client.keys.confirmed = "sha1"
    serve(fake, DATA[:100], DATA[:-2] + b"X\n", DATA)
    with pytest.raises(IntegrityError, match="bytes but Domino"):
        client.read_file("c1", "out.csv", expected_size=len(DATA), attempts=1)
    assert client.read_file("c1", "out.csv", expected_size=len(DATA), expected_key=SHA1) == DATA
    assert len(fake.paths()) == 3


def test_a_download_clears_the_temp_files_a_killed_run_left(client, fake, tmp_path):
    stale = tmp_path / ".out.csv.abc12345.domino.part"
    stale.write_bytes(b"half")
    (tmp_path / ".notes.part").write_bytes(b"the user's own")  # not a temp file of ours
    serve(fake, DATA)
    download(client, tmp_path / "out.csv", SHA1)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".notes.part", "out.csv"]


def test_unknown_scheme_does_not_fail_a_good_download(client, fake, tmp_path, caplog):
    serve(fake, DATA)
    with caplog.at_level(logging.INFO, "snakemake_executor_domino.domino.keys"):
        download(client, tmp_path / "out.csv", OTHER)
        download(client, tmp_path / "again.csv", OTHER)
    assert (tmp_path / "out.csv").read_bytes() == DATA
    assert client.keys.unconfirmed and client.keys.confirmed is None
    # decided on two alike copies of the first file, then size only; said once
    assert len(fake.paths()) == 3
    assert len([r for r in caplog.records if "size only" in r.message]) == 1


def test_unknown_scheme_tells_a_corrupted_copy_from_an_other_scheme(client, fake, tmp_path):
    serve(fake, DATA[:-2] + b"X\n", DATA, DATA)
    download(client, tmp_path / "out.csv", SHA1)
    assert (tmp_path / "out.csv").read_bytes() == DATA
    assert client.keys.confirmed == "sha1"


def test_a_key_that_is_no_sha1_at_all_gives_up_without_a_second_download(client, fake, tmp_path):
    serve(fake, DATA)
    download(client, tmp_path / "out.csv", "blob-7")
    assert client.keys.unconfirmed and len(fake.paths()) == 1


def test_an_upload_answer_settles_the_scheme(client, fake, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(DATA)
    fake.answer("PUT", "/v1/projects/marks/quick-start/in.csv", {"key": GIT_BLOB}, status=201)
    client.upload_file("in.csv", source)
    assert client.keys.confirmed == "git-blob"


def test_an_upload_answer_with_an_other_key_means_size_only(client, fake, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(DATA)
    fake.answer("PUT", "/v1/projects/marks/quick-start/in.csv", {"key": OTHER}, status=201)
    client.upload_file("in.csv", source)
    assert client.keys.unconfirmed


def test_push_skips_a_file_only_when_a_key_matches_its_bytes(tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(DATA)
    digests = file_digests(source)
    assert (digests.sha1, digests.git_blob) == (SHA1, GIT_BLOB)
    keys = KeyScheme()
    assert not keys.same_content(OTHER, digests)  # unsure: upload
    assert not keys.same_content(None, digests)
    assert keys.same_content(GIT_BLOB.upper(), digests)
    assert keys.confirmed == "git-blob"
    keys = KeyScheme()
    keys.unconfirmed = True
    assert keys.same_content(SHA1, digests)  # a match is proof whatever the scheme


def test_the_background_digester_hashes_what_the_plain_one_does():
    data = [os.urandom(128 * 1024) for _ in range(40)] + [b"tail"]
    size = sum(map(len, data))
    plain = keys.Digester(size)
    with keys.BackgroundDigester(size, depth=4) as background:
        for chunk in data:
            plain.update(chunk)
            background.update(chunk)
        assert background.hexdigests() == plain.hexdigests()
    assert plain.hexdigests()["sha1"] == hashlib.sha1(b"".join(data)).hexdigest()
    # closing again (the context's exit) is harmless
    background.close()
