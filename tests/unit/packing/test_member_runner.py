"""The in-job runner, run as a Domino job runs it: members' logs and exit statuses apart,
never more at once than the tier's cores hold, and a failing member fails only itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from snakemake_executor_domino.files.pack_bundle import unpacked
from snakemake_executor_domino.packing import member_runner
from snakemake_executor_domino.packing.member_status import parse_status


def run_pack(tmp_path: Path, cores: int, members: list[dict]) -> subprocess.CompletedProcess:
    spec = tmp_path / "pack" / "spec.json"
    spec.parent.mkdir()
    spec.write_text(json.dumps({"cores": cores, "mem_mb": None, "members": members}))
    return subprocess.run([sys.executable, member_runner.__file__, str(spec)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)


def member(name: str, command: str, threads: int = 1) -> dict:
    return {"name": name, "label": f"rule {name}", "command": command, "threads": threads}


def test_each_member_has_its_own_log_and_status_and_a_failure_stays_its_own(tmp_path):
    result = run_pack(tmp_path, 2, [
        member("m1", "echo one; echo one > one.txt"),
        member("m2", "echo 'no such thing: boom' >&2; exit 3"),
        member("m3", "echo three > three.txt"),
    ])
    assert result.returncode == 1, result.stderr  # the pack's page shows a member failed
    statuses = parse_status((tmp_path / "pack" / "status.json").read_text())
    assert {n: s.exit for n, s in statuses.items()} == {"m1": 0, "m2": 3, "m3": 0}
    assert "boom" in (tmp_path / "pack" / "m2.log").read_text()
    assert (tmp_path / "pack" / "m1.log").read_text() == "one\n"
    assert (tmp_path / "three.txt").read_text() == "three\n"
    assert "rule m2 ended with exit status 3" in result.stdout


def test_members_never_use_more_cores_than_the_tier_has(tmp_path):
    # each member notes how many members run beside it, by files that exist while it runs
    note = ("touch running.$$; ls running.* | wc -l >> seen.txt; "
            "while [ $(ls running.* | wc -l) -lt 2 ] && [ ! -e done ]; do :; done; "
            "touch done; rm running.$$")
    result = run_pack(tmp_path, 2, [member(f"m{i}", note) for i in range(4)] +
                      [member("big", "ls running.* 2>/dev/null | wc -l > big.txt", threads=2)])
    assert result.returncode == 0, result.stderr
    assert max(int(n) for n in (tmp_path / "seen.txt").read_text().split()) <= 2
    assert (tmp_path / "big.txt").read_text().strip() == "0"  # a 2-thread member ran alone


def test_snakemake_members_fork_from_the_runner_and_keep_their_own_status_and_log(tmp_path):
    """A member that is `THIS_PYTHON -m snakemake ...` runs in a fork of the runner, which
    imported Snakemake once; its exit status, log and follow-up command are its own."""
    python = sys.executable
    result = run_pack(tmp_path, 1, [
        member("ok", f"{python} -m snakemake --version && echo recorded > after.txt"),
        member("bad", f"{python} -m snakemake --no-such-option && echo never > never.txt"),
        member("shell", "echo plain > plain.txt"),
    ])
    assert result.returncode == 1, result.stderr
    statuses = parse_status((tmp_path / "pack" / "status.json").read_text())
    assert {n: s.exit for n, s in statuses.items()} == {"ok": 0, "bad": 2, "shell": 0}
    assert "rule ok (Snakemake forked from the runner)" in result.stdout
    assert "rule bad (Snakemake forked from the runner)" in result.stdout
    assert "started rule shell\n" in result.stdout  # not Snakemake: bash, as before
    assert (tmp_path / "pack" / "ok.log").read_text().strip()[0].isdigit()  # the version
    assert "--no-such-option" in (tmp_path / "pack" / "bad.log").read_text()
    assert (tmp_path / "after.txt").read_text() == "recorded\n"
    assert not (tmp_path / "never.txt").exists()
    assert (tmp_path / "plain.txt").read_text() == "plain\n"


def test_only_a_plain_snakemake_command_of_this_python_is_forked():
    python = sys.executable
    call = member_runner.snakemake_call(f"{python} -m snakemake --cores 1 'a b' && rec 'x&&y'")
    assert call == (["--cores", "1", "a b"], "rec 'x&&y'")
    assert member_runner.snakemake_call(f"{python} -m snakemake --cores 1")[1] == ""
    for other in (f"X=1 {python} -m snakemake", f"{python} -m snakemake | tee log",
                  f"{python} -m snakemake > $OUT", f"{python} -m pytest", "/no/python -m snakemake",
                  f"{python} -m snakemake 'unclosed"):
        assert member_runner.snakemake_call(other) is None, other


def test_the_bundle_holds_records_manifests_and_small_outputs(tmp_path):
    """bundle.tar: what the executor reads back of the pack, in one download."""
    manifest = {"files": {"one.txt": [4, "x"], "big.bin": [2 << 20, "y"],
                          "/elsewhere.txt": [1, "z"], "unhashed.txt": [1, None],
                          "carried.txt": [2, "w"]},
                "inline": {"carried.txt": "Ywo="}}  # in the manifest: not again
    write = (f"echo one > one.txt; head -c {2 << 20} /dev/zero > big.bin; echo u > "
             f"unhashed.txt; echo c > carried.txt; mkdir -p m; "
             f"echo '{json.dumps(manifest)}' > m/m1.json")
    result = run_pack(tmp_path, 1, [{**member("m1", write), "manifest": "m/m1.json"},
                                    {**member("m2", "exit 4"), "manifest": "m/m2.json"}])
    assert result.returncode == 1, result.stderr
    files = unpacked((tmp_path / "pack" / "bundle.tar").read_bytes())
    # no big file, no path outside the project, no file without its SHA-1 to check it by,
    # none whose content the member's manifest carries
    assert set(files) == {"pack/status.json", "pack/m1.log", "pack/m2.log", "m/m1.json",
                          "one.txt"}
    assert files["one.txt"] == b"one\n"


def test_a_bundle_that_cannot_be_written_fails_no_member(tmp_path):
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "bundle.tar.part").mkdir()  # in the way of the archive
    spec = tmp_path / "pack" / "spec.json"
    spec.write_text(json.dumps({"cores": 1, "mem_mb": None,
                                "members": [member("m1", "echo one > one.txt")]}))
    result = subprocess.run([sys.executable, member_runner.__file__, str(spec)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "pack: no bundle" in result.stdout
    assert not (tmp_path / "pack" / "bundle.tar").exists()
    assert (tmp_path / "one.txt").read_text() == "one\n"
