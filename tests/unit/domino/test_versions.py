"""What the client does differently by Domino version (domino/versions.py): no `title` on a
start before 5.5 (named afterwards, found by its command's marker), downloads through v1
blobs before 5.10, chosen from the version asked once."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.domino import versions

from .conftest import PROJECT, documented

START = "/v4/jobs/start"
JOBS = "/v4/jobs"


def job_body(number: int, *, title: str | None, command: str) -> dict:
    body = dict(documented("jobset_50")["jobs"][0])
    return {**body, "id": f"{number:024x}", "number": number, "title": title,
            "jobRunCommand": command}


@pytest.mark.parametrize("text, parsed", [
    ("5.0.0", (5, 0)), ("5.10.2", (5, 10)), ("6.3.0-rc1", (6, 3)), ("v5.5", (5, 5)),
    ("", None), ("unknown", None),
])
def test_version_parsing(text, parsed):
    assert versions.parse_version(text) == parsed


def test_feature_table_by_version():
    assert not versions.has("5.0.0", "job_title") and versions.has("5.5.1", "job_title")
    assert not versions.has("5.9.9", "file_content_route")
    assert versions.has("5.10.0", "file_content_route")
    assert versions.has("garbage", "file_content_route")  # unreadable: assume current


def test_a_50_start_sends_no_title_and_names_the_job_afterwards(client, fake):
    fake.answer("GET", "/version", {"version": "5.0.0"})
    started = job_body(7, title=None, command="run # m")
    fake.answer("POST", START, started)
    fake.answer("POST", f"/v4/jobs/{started['id']}/name", {**started, "title": "t"})
    job = client.start_job("run # m", title="t", marker="# m")
    assert "title" not in fake.calls[1][2]["json"]
    assert fake.calls[2][2]["json"] == {"name": "t"}
    assert job.title == "t"


def test_a_current_start_sends_the_title_and_names_nothing(client, fake):
    fake.answer("POST", START, job_body(7, title="t", command="run"))
    client.start_job("run", title="t")
    assert fake.calls[-1][2]["json"]["title"] == "t"
    assert fake.paths() == [START]


def test_a_lost_start_answer_is_found_by_its_marker_on_a_later_page(client, fake):
    fake.answer("GET", "/version", {"version": "5.0.0"})
    fake.answer("POST", START, {"message": "bad gateway"}, status=502)
    mine = job_body(3, title=None, command="python -m snakemake # mark-3")
    pages = [[job_body(n, title=None, command=f"other {n}") for n in (9, 8)],
             [job_body(7, title=None, command="other 7"), mine]]
    for no, jobs in enumerate(pages, 1):
        fake.answer("GET", JOBS, {"jobs": jobs, "totalCount": 4,
                                  "pagination": {"pageSize": 2, "pageNo": no}})
    found = client.start_job("python -m snakemake # mark-3", title="t", marker="# mark-3")
    assert found.id == mine["id"]
    assert fake.paths("POST") == [START]  # found, never started twice


def test_before_510_a_download_reads_the_v1_blob_of_its_key(client, fake, tmp_path):
    fake.answer("GET", "/version", {"version": "5.0.0"})
    blob = f"/v1/projects/{PROJECT.owner}/{PROJECT.name}/blobs/k1"
    fake.answer("GET", blob, b"data")
    client.download_file("c1", "out.csv", tmp_path / "out.csv", expected_key="k1")
    assert (tmp_path / "out.csv").read_bytes() == b"data"
    assert fake.paths() == ["/version", blob]


def test_before_510_a_download_without_a_key_lists_it_first(client, fake, tmp_path):
    fake.answer("GET", "/version", {"version": "5.9.0"})
    listing = f"/v1/projects/{PROJECT.owner}/{PROJECT.name}/files/c1/d"
    fake.answer("GET", listing, {"data": [{"path": "d/out.csv", "size": 4, "key": "k2"}]})
    fake.answer("GET", f"/v1/projects/{PROJECT.owner}/{PROJECT.name}/blobs/k2", b"data")
    client.download_file("c1", "d/out.csv", tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == b"data"


def test_from_510_a_download_uses_the_content_route(client, fake, tmp_path):
    content = f"/api/projects/v1/projects/{PROJECT.id}/files/c1/out.csv/content"
    fake.answer("GET", content, b"data")
    client.download_file("c1", "out.csv", tmp_path / "out.csv")
    assert fake.paths() == [content]
