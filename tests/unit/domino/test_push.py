"""Transfer's push against documented answers: the commit a job starts at is the head after
the uploads (an upload answer names no commit), and a file is skipped only when its key
matches its bytes."""

from __future__ import annotations

import hashlib

from snakemake_executor_domino.files.transfer import FileHasher, Transfer
from tests.unit.domino.conftest import PROJECT, documented

V4_HEAD = f"/v4/projects/{PROJECT.id}/commits/head"
FILES = "/v1/projects/marks/quick-start/files/{}/data"
UPLOAD = "/v1/projects/marks/quick-start/data/{}"


def setup(fake, tmp_path, remote_key: str):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "same.csv").write_bytes(b"same\n")
    (tmp_path / "data" / "new.csv").write_bytes(b"new\n")
    fake.answer("GET", V4_HEAD, {"id": "old", "name": "", "commitTime": 1})
    fake.answer("GET", V4_HEAD, {"id": "new", "name": "", "commitTime": 2})
    fake.answer("GET", FILES.format("old"), {"data": [
        {"path": "data/same.csv", "size": 5, "key": remote_key}]})
    fake.answer("PUT", UPLOAD.format("new.csv"), documented("upload_v1"), status=201)
    fake.answer("PUT", UPLOAD.format("same.csv"), documented("upload_v1"), status=201)
    return Transfer(fake_client(fake), tmp_path, max_file_size=10**6, hasher=FileHasher())


def fake_client(fake):
    from snakemake_executor_domino.domino import Credentials, DominoClient

    client = DominoClient(fake.host, "marks", "quick-start", Credentials(api_key="x"))
    client.http, client._project = fake, PROJECT
    return client


def test_the_job_commit_is_the_head_after_uploads(fake, tmp_path):
    transfer = setup(fake, tmp_path, hashlib.sha1(b"same\n").hexdigest())
    result = transfer.push(["data"])
    assert result.uploaded == ["data/new.csv"]
    assert result.commit_id == "new"  # not the upload answer's, which has none


def test_a_key_of_an_unknown_scheme_means_upload(fake, tmp_path):
    transfer = setup(fake, tmp_path, "0123456789abcdef0123456789abcdef01234567")
    result = transfer.push(["data"])
    assert result.uploaded == ["data/new.csv", "data/same.csv"]


def test_nothing_to_upload_keeps_the_head(fake, tmp_path):
    transfer = setup(fake, tmp_path, hashlib.sha1(b"same\n").hexdigest())
    (tmp_path / "data" / "new.csv").unlink()
    result = transfer.push(["data"])
    assert (result.uploaded, result.commit_id) == ([], "old")


def test_a_directory_output_is_pulled_from_a_listing_without_directory_entries(fake, tmp_path):
    base = "/v1/projects/marks/quick-start/files/c9/"
    files = [{"path": "out/a.txt", "key": hashlib.sha1(b"a").hexdigest(), "size": 1},
             {"path": "out/deep/b.txt", "key": hashlib.sha1(b"bb").hexdigest(), "size": 2}]
    fake.answer("GET", base + "/", {"data": [*files, {"path": "README.md", "key": "r" * 40,
                                                 "size": 9}]})
    fake.answer("GET", base + "out", {"data": files})
    for path, body in (("out/a.txt", b"a"), ("out/deep/b.txt", b"bb")):
        fake.answer("GET", f"/api/projects/v1/projects/{PROJECT.id}/files/c9/{path}/content",
                    body, headers={"Content-Length": str(len(body))})
    transfer = Transfer(fake_client(fake), tmp_path, max_file_size=10**6, hasher=FileHasher())
    pulled, missing = transfer.pull("c9", ["out", "nowhere.txt"])
    assert (pulled, missing) == (["out/a.txt", "out/deep/b.txt"], ["nowhere.txt"])
    assert (tmp_path / "out" / "deep" / "b.txt").read_bytes() == b"bb"
