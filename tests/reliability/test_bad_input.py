"""Bad input: one clear message naming the problem and the fix, no traceback, and nothing
changed (no Domino job started, nothing uploaded, no output written)."""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import closed_port, snakemake_env
from tests.reliability.conftest import FaultyDomino, part_files

pytestmark = pytest.mark.slow

WRITES_A = 'rule a:\n    output: "a.txt"\n    shell: "echo a > {output}"\n'


@pytest.fixture(scope="module")
def not_domino() -> Iterator[str]:
    """A plain web server on loopback: answers, but not like Domino."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def run(workdir: Path, faulty: FaultyDomino, project: str, *args: str, **env_changes: str):
    env = snakemake_env(faulty, project, poll=0.3)
    env.update(env_changes)
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--executor", "domino", "--jobs", "1", *args],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=180,
    )
    return result, result.stdout + result.stderr


# name -> (Snakefile, extra files, snakemake args, env changes, words the message must hold)
SETUP_ERRORS = {
    "unknown tier": (
        'rule a:\n    output: "a.txt"\n    resources: tier="Humongous"\n'
        '    shell: "echo a > {output}"\n',
        {}, (), {},
        ["hardware tier 'Humongous' does not exist", "Valid tiers: Small", "no job was started",
         "resources: tier="],
    ),
    "unknown project": (
        WRITES_A, {}, (), {"SNAKEMAKE_DOMINO_PROJECT": "tester/no-such-project"},
        ["project tester/no-such-project does not exist", "--domino-project OWNER/NAME"],
    ),
    "wrong key": (
        WRITES_A, {}, (), {"SNAKEMAKE_DOMINO_API_KEY": "wrong-key-4d1f9b"},
        ["refused the credentials (401", "--domino-api-key / $DOMINO_USER_API_KEY"],
    ),
    "unreachable url": (
        WRITES_A, {}, ("--domino-retry-budget", "2"), {"SNAKEMAKE_DOMINO_URL": "CLOSED"},
        ["cannot reach Domino at http://127.0.0.1:", "Connection refused",
         "Check --domino-url / $DOMINO_API_HOST"],
    ),
    "url not domino": (
        WRITES_A, {}, (), {"SNAKEMAKE_DOMINO_URL": "NOT_DOMINO"},
        ["does not look like a Domino API", "GET /version answered status 404",
         "Check --domino-url"],
    ),
    "output outside workdir": (
        'rule a:\n    output: "../outside.txt"\n    shell: "echo a > {output}"\n',
        {}, (), {},
        ["../outside.txt is outside the working directory", "no job was started",
         "Use a path inside the working directory"],
    ),
    "input over the size limit": (
        'rule a:\n    input: "big.bin"\n    output: "a.txt"\n    shell: "cp {input} {output}"\n',
        {"big.bin": b"x" * 5000}, ("--domino-max-file-size", "1000"), {},
        ["big.bin is 5000 bytes, over the limit of 1000 bytes", "--domino-max-file-size",
         "no job was started"],
    ),
}


@pytest.mark.parametrize("case", list(SETUP_ERRORS))
def test_bad_setting_fails_before_anything_changes(faulty, not_domino, tmp_path, case):
    snakefile, files, args, env, words = SETUP_ERRORS[case]
    project = faulty.new_project("bad-input")
    (tmp_path / "Snakefile").write_text(snakefile)
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    replacements = {"CLOSED": f"http://127.0.0.1:{closed_port()}", "NOT_DOMINO": not_domino}
    env = {k: replacements.get(v, v) for k, v in env.items()}
    client = faulty.client(project)
    head = client.head_commit_id()
    result, output = run(tmp_path, faulty, project, *args, **env)

    assert result.returncode != 0
    for word in words:
        assert word in output, f"{word!r} missing from:\n{output}"
    assert output.count(words[0]) == 1, output  # said once
    assert "Traceback (most recent call last)" not in output
    assert faulty.api_key not in output and "wrong-key-4d1f9b" not in output
    # nothing changed: no job, no upload, no output
    assert client.list_jobs()[0] == []
    assert client.head_commit_id() == head
    assert not (tmp_path / "a.txt").exists() and not (tmp_path.parent / "outside.txt").exists()


def test_job_that_writes_no_output_fails_with_its_log(faulty, tmp_path):
    project = faulty.new_project("no-output")
    (tmp_path / "Snakefile").write_text(
        'rule a:\n    output: "a.txt"\n    shell: "echo oops > b.txt"\n'
    )
    result, output = run(tmp_path, faulty, project, "--latency-wait", "0")
    assert result.returncode != 0
    # Snakemake inside the job notices and fails it; its words come back with the job's URL
    assert "ended Failed" in output and "/jobs/" in output
    assert "some output files are missing" in output and "a.txt" in output
    assert "Traceback (most recent call last)" not in output
    assert not (tmp_path / "a.txt").exists() and not (tmp_path / "b.txt").exists()


def test_job_that_succeeded_without_its_output_is_an_error(faulty, tmp_path):
    # the job writes a.txt, but the project's .dominoignore keeps it out of the output
    # commit: Domino says Succeeded, the file never comes back
    project = faulty.new_project("ignored-output")
    (tmp_path / "Snakefile").write_text(WRITES_A)
    (tmp_path / ".dominoignore").write_text("a.txt\n")
    result, output = run(tmp_path, faulty, project)
    assert result.returncode != 0
    assert "succeeded, but its output commit holds no a.txt" in output
    assert ".dominoignore" in output
    assert "Traceback (most recent call last)" not in output
    assert not (tmp_path / "a.txt").exists()


def test_a_packed_job_whose_output_was_kept_out_of_the_commit_fails_alone(faulty_latest,
                                                                          tmp_path):
    # the pack's archive was written inside the job, before Domino left out what
    # .dominoignore excludes: the commit, which downstream jobs see, decides (on a Domino
    # that serves files by path, where no listing is read otherwise)
    faulty = faulty_latest
    project = faulty.new_project("ignored-packed-output")
    (tmp_path / "Snakefile").write_text(
        'rule all:\n    input: "kept.txt", "ignored.txt"\n'
        'rule w:\n    output: "{name}.txt"\n    shell: "echo {wildcards.name} > {output}"\n'
    )
    (tmp_path / ".dominoignore").write_text("ignored.txt\n")
    result, output = run(tmp_path, faulty, project, "--jobs", "2", "--domino-pack", "2",
                         "--keep-going")
    assert result.returncode != 0, output
    assert "packed because --domino-pack 2" in output
    assert "succeeded, but its output commit holds no ignored.txt" in output
    assert (tmp_path / "kept.txt").read_text() == "kept\n"
    assert not (tmp_path / "ignored.txt").exists()


def test_output_over_the_size_limit_is_not_pulled_back(faulty, tmp_path):
    project = faulty.new_project("big-output")
    (tmp_path / "Snakefile").write_text(
        'rule a:\n    output: "a.txt", "b.txt"\n'
        '    shell: "echo small > {output[0]}; head -c 5000 /dev/zero > {output[1]}"\n'
    )
    result, output = run(tmp_path, faulty, project, "--domino-max-file-size", "1000")
    assert result.returncode != 0
    assert "b.txt is 5000 bytes on Domino, over the limit of 1000 bytes" in output
    assert "--domino-max-file-size" in output and "reattaches" in output
    # neither output came back, not even the small one, and no half file either
    assert not (tmp_path / "a.txt").exists() and not (tmp_path / "b.txt").exists()
    assert part_files(tmp_path) == []

    # with the limit raised, the rerun pulls the finished job's outputs: no new job
    again, output = run(tmp_path, faulty, project, "--domino-max-file-size", "10000")
    assert again.returncode == 0, output
    assert "reattached to Domino job" in output
    assert (tmp_path / "b.txt").stat().st_size == 5000
    assert len(faulty.client(project).list_jobs()[0]) == 1
