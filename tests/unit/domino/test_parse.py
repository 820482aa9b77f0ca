"""Every documented variant of Domino's answers parses to the same models (parse.py)."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.domino import parse, schedule_parse
from tests.unit.domino.conftest import documented

HEAD = "9d2a5c0e8f1b3a4d5e6f708192a3b4c5d6e7f809"


@pytest.mark.parametrize("name", ["commits_v1_ids", "commits_v1_objects"])
def test_v1_commit_list_as_ids_or_objects(name):
    assert parse.head_commit_id(documented(name)) == HEAD


def test_v4_head_commit_and_empty_list():
    assert parse.commit_id(documented("commit_head_v4")) == HEAD
    assert parse.head_commit_id([]) is None


def test_project_owner_and_default_tier_from_the_50_answer():
    project = parse.project(documented("project_50"), "asked-owner", "quick-start")
    assert project.id == "64f0c1d2e3a4b5c6d7e8f901"
    assert project.owner == "marks"  # owner.userName; there is no ownerUsername
    assert (project.default_tier_id, project.default_tier_name) == ("medium-k8s", "Medium")


def test_project_without_owner_keeps_the_owner_asked_for():
    # python-domino tests/test_files.py: the find answer may hold little more than the id
    project = parse.project({"id": "64f0c1d2e3a4b5c6d7e8f901"}, "marks", "quick-start")
    assert (project.owner, project.name, project.default_tier_id) == ("marks", "quick-start", None)


def test_tiers_50_flat():
    small, gpu = parse.hardware_tiers(documented("tiers_50_flat"))
    assert (small.id, small.name, small.is_default) == ("small-k8s", "Small", True)
    assert (small.cores, small.memory_gib, small.gpus, small.cents_per_minute) == (1, 4, 0, 0.5)
    assert (gpu.is_default, gpu.cores, gpu.memory_gib, gpu.gpus) == (False, 8, 61.5, 1)
    assert gpu.cents_per_minute == 4.2


def test_tiers_with_hwtflags_and_nested_resources():
    small, medium, gpu = parse.hardware_tiers(documented("tiers_hwtflags"))
    assert [t.is_default for t in (small, medium, gpu)] == [False, True, False]
    assert small.memory_gib == 4.0  # 4096 MiB
    assert (medium.cores, medium.memory_gib) == (4, 16)
    assert gpu.gpus == 2 and gpu.cents_per_minute is None


def test_tiers_without_a_default():
    assert not any(t.is_default for t in parse.hardware_tiers(documented("tiers_no_default")))


def test_file_listing_with_isdirectory():
    folder, csv = parse.file_entries(documented("files_with_isdirectory"))
    assert (folder.path, folder.is_directory) == ("data", True)
    assert (csv.path, csv.is_directory, csv.size) == ("data/raw.csv", False, 1234)


def test_file_listing_without_isdirectory_tells_directories_by_their_missing_key():
    entries = {e.path: e for e in parse.file_entries(documented("files_without_isdirectory"))}
    assert not entries["main.py"].is_directory and entries["main.py"].size == 0
    assert entries["results"].is_directory
    assert entries["models"].is_directory  # "models/": a trailing slash, stripped
    assert not entries["data/raw.csv"].is_directory


@pytest.mark.parametrize(
    "item, directory",
    [
        ({"path": "a", "key": "k", "isDirectory": True}, True),
        ({"path": "a", "isDirectory": False}, False),
        ({"path": "a", "key": "k", "kind": "directory"}, True),
        ({"path": "a", "type": "file"}, False),
    ],
)
def test_explicit_directory_markers_win(item, directory):
    assert parse.is_directory(item) is directory


def test_upload_answer_names_no_commit():
    answer = parse.uploaded(documented("upload_v1"), "ignored")
    assert (answer.path, answer.size) == ("data/randomNumbers.rdata", 32690)
    assert answer.key == "5c28ab880e29953e41b91e351f786a833fbf18a5"
    assert not hasattr(answer, "commit_id")


def test_jobset_50_pagination_and_jobs_without_tier():
    page = parse.job_page(documented("jobset_50"), page_size=100, page_no=1)
    assert (page.total, page.page_size, page.page_no, page.newest_first) == (60, 2, 3, True)
    assert not page.last  # 3 pages of 2 of 60
    done, running = page.jobs
    assert (done.number, done.status, done.succeeded, done.output_commit_id) == (
        42, "Succeeded", True, "ddeeff445566")
    assert (done.tier_id, done.tier_name) == (None, None)
    assert (running.title, running.finished, running.output_commit_id) == ("", False, None)
    assert running.is_scheduled and not done.is_scheduled


def test_job_list_without_pagination_uses_what_was_asked_and_reads_no_tier_from_a_job():
    page = parse.job_page(documented("jobs_local"), page_size=100, page_no=1)
    assert (page.page_size, page.page_no, page.total, page.last) == (100, 1, 1, True)
    # no document puts a tier on a Job: it comes from runtimeExecutionDetails only
    assert (page.jobs[0].tier_id, page.jobs[0].tier_name) == (None, None)


def test_job_list_sorted_otherwise_is_not_newest_first():
    body = {"jobs": [], "totalCount": 0, "pagination": {"pageSize": 5, "pageNo": 1,
                                                        "sortBy": "asc", "orderBy": "number"}}
    assert parse.job_page(body, 5, 1).newest_first is False


def test_v1_log_html_is_stripped_to_plain_text():
    setup, output = parse.run_log(documented("run_stdout_html"))
    assert setup == "Pulling image\nPreparing /mnt\n"
    assert output == "Hello, World!\na < b && c > d\n"


def test_plain_v1_log_is_left_as_it_is():
    text = "x &amp; y <not a tag>\n"
    assert parse.run_log({"setup": "", "stdout": text}) == ("", text)


def test_scheduled_job_50():
    job = schedule_parse.scheduled_job(documented("scheduled_job_50"))
    assert (job.cron, job.timezone, job.tier_id, job.tier_name) == (
        "0 0 3 * * ?", "Europe/Berlin", "medium-k8s", "Medium")
    assert job.scheduled_by == "marks" and job.notify == ("ops@example.com",)
    assert job.next_fire_ms is None and job.last_run is None  # local extras only
