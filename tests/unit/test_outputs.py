"""Which outputs a job must leave, and the manifest of what Domino's listing cannot show."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from snakemake_interface_executor_plugins.utils import TargetSpec

from snakemake_executor_domino.files import outputs
from snakemake_executor_domino.files.outputs import (
    ManifestError,
    link_target,
    parse_manifest,
    plan_outputs,
    recorder_command,
)


class Flagged(str):
    def __new__(cls, value: str, **flags: bool):
        made = super().__new__(cls, value)
        made.flags = flags
        return made


@dataclass
class FakeJob:
    output: list
    log: list = field(default_factory=list)
    benchmark: str | None = None
    rule_name: str = "r"
    wildcards: dict = field(default_factory=dict)

    def is_group(self) -> bool:
        return False

    def get_target_spec(self):
        return [TargetSpec(self.rule_name, self.wildcards)]


@dataclass
class FakeGroup:
    jobs: list

    def is_group(self) -> bool:
        return True

    def __iter__(self):
        return iter(self.jobs)

    def get_target_spec(self):
        return [spec for job in self.jobs for spec in job.get_target_spec()]


def test_pipe_service_and_unneeded_temp_outputs_are_optional():
    first = FakeJob(
        output=[Flagged("a.txt"), Flagged("p.fifo", pipe=True), Flagged("t.txt", temp=True)],
        log=["logs/a.log"],
        benchmark="bench/a.tsv",
    )
    second = FakeJob(output=[Flagged("sock", service=True), Flagged("b.txt")], rule_name="s")
    plan = plan_outputs(FakeGroup([first, second]), unneeded_temp=["t.txt"])
    assert plan.required == ["a.txt", "bench/a.tsv", "b.txt"]
    assert plan.optional == ["p.fifo", "t.txt", "sock"]
    assert plan.logs == ["logs/a.log"]


def test_a_temp_output_someone_needs_is_required():
    plan = plan_outputs(FakeJob(output=[Flagged("t.txt", temp=True)]))
    assert plan.required == ["t.txt"] and plan.optional == []


def test_manifest_name_is_stable_per_job_and_differs_between_jobs():
    one = plan_outputs(FakeJob(output=["x"], wildcards={"s": "1"})).manifest
    assert one == plan_outputs(FakeJob(output=["y"], wildcards={"s": "1"})).manifest
    assert one != plan_outputs(FakeJob(output=["x"], wildcards={"s": "2"})).manifest
    assert one.startswith(".snakemake/domino_outputs/") and one.endswith(".json")
    # alone in its directory: before 5.10 its key comes from that directory's listing
    directory = os.path.dirname(one)
    assert directory != ".snakemake/domino_outputs"
    assert directory != os.path.dirname(
        plan_outputs(FakeJob(output=["x"], wildcards={"s": "2"})).manifest)
    assert outputs.legacy_manifest_path(one) == directory + ".json"


@pytest.mark.parametrize(
    ("link", "target", "expected"),
    [
        ("link.txt", "final.txt", "final.txt"),
        ("d/y", "sub/x", "sub/x"),
        ("d/e/y", "../x", "../x"),
        ("d/y", "/mnt/d/sub/x", "sub/x"),  # absolute inside the job's directory
        ("y", "/mnt/a/b", "a/b"),
        ("link", "../outside", None),
        ("d/y", "../../outside", None),
        ("y", "/etc/passwd", None),
        ("y", "/mntx/a", None),
    ],
)
def test_link_targets_are_kept_inside_the_working_directory(link, target, expected):
    assert link_target(link, target, "/mnt") == expected


def test_manifest_sets_outside_links_apart():
    text = json.dumps({"root": "/mnt", "links": {"a": "/etc/hosts", "b": "ok.txt"}})
    manifest = parse_manifest(text)
    assert manifest.outside == {"a": "/etc/hosts"}
    assert manifest.links == {"b": "ok.txt"}
    assert manifest.link_under("a") == "a"


@pytest.mark.parametrize("text", ["not json", "{}", '{"root": "/mnt", "dirs": ["../x"]}'])
def test_unreadable_manifest_is_refused(text):
    with pytest.raises(ManifestError):
        parse_manifest(text)


def _record(workdir: Path, paths: list[str]) -> dict | None:
    plan = plan_outputs(FakeJob(output=paths))
    command = recorder_command(sys.executable, plan, paths)
    subprocess.run(["bash", "-c", command], cwd=workdir, check=True)
    manifest = workdir / plan.manifest
    return json.loads(manifest.read_text()) if manifest.exists() else None


def test_recorder_notes_links_empty_directories_and_executables(tmp_path):
    (tmp_path / "d/sub").mkdir(parents=True)
    (tmp_path / "d/empty/deeper").mkdir(parents=True)
    (tmp_path / "d/sub/x").write_text("x")
    (tmp_path / "d/y").symlink_to("sub/x")
    (tmp_path / "d/alias").symlink_to("sub")
    (tmp_path / "tool.sh").write_text("#!/bin/sh\n")
    os.chmod(tmp_path / "tool.sh", 0o755)
    (tmp_path / "plain.txt").write_text("p")
    (tmp_path / "link.txt").symlink_to(tmp_path / "plain.txt")
    data = _record(tmp_path, ["d", "tool.sh", "plain.txt", "link.txt", "absent"])
    assert data["root"] == str(tmp_path)
    absolute = str(tmp_path / "plain.txt")
    assert data["links"] == {"d/y": "sub/x", "d/alias": "sub", "link.txt": absolute}
    assert data["dirs"] == ["d/empty/deeper"]
    assert data["executables"] == ["tool.sh"]
    manifest = parse_manifest(json.dumps(data))
    assert manifest.links["link.txt"] == "plain.txt"


def test_recorder_lists_every_regular_file_with_size_and_sha1(tmp_path):
    """What lets a job's outputs come back without a listing (files/commit_index.py):
    each regular file below the declared paths, links excepted, with its size and SHA-1;
    the manifest is written even when nothing else needs recording, and replaces an
    earlier job's."""
    (tmp_path / "out/deep").mkdir(parents=True)
    (tmp_path / "out/deep/b.txt").write_bytes(b"bee")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "l").symlink_to("a.txt")
    first = _record(tmp_path, ["a.txt", "l", "out", "absent"])
    assert first["files"] == {
        "a.txt": [1, hashlib.sha1(b"a").hexdigest()],
        "out/deep/b.txt": [3, hashlib.sha1(b"bee").hexdigest()],
    }
    assert parse_manifest(json.dumps(first)).files["out/deep/b.txt"] == (
        3, hashlib.sha1(b"bee").hexdigest())
    (tmp_path / "l").unlink()
    again = _record(tmp_path, ["a.txt"])
    assert again["links"] == {} and list(again["files"]) == ["a.txt"]


def test_recorder_carries_small_files_up_to_its_budget(tmp_path, monkeypatch):
    for name, size in [("a", 3), ("b", 4), ("c", 6), ("d", 2)]:
        (tmp_path / name).write_bytes(name.encode() * size)
    recorder = outputs._RECORDER.replace(f"<={outputs.INLINE_MAX}]", "<=5]").replace(
        f"<={outputs.INLINE_TOTAL}", "<=8")
    monkeypatch.setattr(outputs, "_RECORDER", recorder)
    # c is over the per-file limit; d would take the total past the budget
    manifest = parse_manifest(json.dumps(_record(tmp_path, ["a", "b", "c", "d"])))
    assert manifest.inline == {"a": b"aaa", "b": b"bbbb"}


def test_recorder_leaves_the_sha1_of_big_files_to_domino(tmp_path, monkeypatch):
    (tmp_path / "big.bin").write_bytes(b"12345")
    recorder = outputs._RECORDER.replace(f"<={outputs.HASHED_MAX}", "<=4")
    assert recorder != outputs._RECORDER
    monkeypatch.setattr(outputs, "_RECORDER", recorder)
    assert _record(tmp_path, ["big.bin"])["files"] == {"big.bin": [5, None]}


def test_a_manifest_with_a_bad_file_record_is_refused():
    for files in ({"a": [-1, None]}, {"a": [1, "abc"]}, {"../x": [1, None]}):
        text = json.dumps({"root": "/w", "files": files})
        with pytest.raises(ManifestError):
            parse_manifest(text)
