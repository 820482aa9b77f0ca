"""DominoClient against a local Domino that injects faults: each call survives each kind of
fault, a job start is never repeated, a download is never taken half, and a lasting outage
ends within the retry budget with a message that says so."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from snakemake_executor_domino.domino import (
    DominoClient,
    DominoError,
    DominoTransientError,
)
from tests.reliability.conftest import FaultyDomino, part_files

# faults a retry can ride out; "slow" is covered separately (it needs a short timeout)
KINDS = ("500", "502", "503", "429", "drop", "truncate")


@pytest.fixture(scope="module")
def project(faulty: FaultyDomino) -> str:
    return faulty.new_project("client-faults")


def make_client(faulty: FaultyDomino, project: str, **kw) -> DominoClient:
    from snakemake_executor_domino.domino import Credentials

    owner, name = project.split("/")
    kw.setdefault("retry_budget", 20.0)
    return DominoClient(faulty.url, owner, name, Credentials(api_key=faulty.api_key), **kw)


@pytest.fixture(scope="module")
def seeded(faulty: FaultyDomino, project: str, tmp_path_factory) -> tuple[str, bytes]:
    """A commit holding data/blob.bin (300 kB, several download chunks)."""
    payload = bytes(range(256)) * 1200
    source = tmp_path_factory.mktemp("seed") / "blob.bin"
    source.write_bytes(payload)
    client = make_client(faulty, project)
    client.upload_file("data/blob.bin", source)
    return client.head_commit_id() or "", payload


@pytest.mark.parametrize("kind", KINDS)
def test_every_call_rides_out_each_kind_of_fault(faulty, project, seeded, tmp_path, kind):
    commit, payload = seeded
    client = make_client(faulty, project)
    client.project  # noqa: B018 (looked up once, outside the faults)
    entry = {e.path: e for e in client.list_files(commit, "data")}["data/blob.bin"]
    source = tmp_path / "up.bin"
    source.write_bytes(payload[::-1])
    target = tmp_path / "out" / "blob.bin"
    calls = {
        "version": client.version,
        "list files": lambda: client.list_files(commit, "data"),
        "list jobs": lambda: client.list_jobs(page_size=5),
        "upload": lambda: client.upload_file(f"up/{kind}.bin", source),
        "download": lambda: client.download_file(
            commit, entry.path, target, expected_size=entry.size, expected_key=entry.key
        ),
    }
    for i, (name, call) in enumerate(calls.items()):
        # before and after the server acted, in turn (429 is always before, truncation after)
        when = ("before", "after")[i % 2]
        before = faulty.injected()
        with faulty.faults(f"rate=1,kinds={kind},when={when},limit=1"):
            call()
        assert faulty.injected() != before, name  # the fault really happened
    head = client.head_commit_id() or ""
    listed = {e.path: e for e in client.list_files(head, "up")}
    assert listed[f"up/{kind}.bin"].size == len(payload)
    assert target.read_bytes() == payload
    assert part_files(tmp_path) == []


def test_download_that_always_breaks_leaves_nothing(faulty, project, seeded, tmp_path):
    commit, _ = seeded
    client = make_client(faulty, project, retry_budget=3.0)
    entry = {e.path: e for e in client.list_files(commit, "data")}["data/blob.bin"]
    target = tmp_path / "blob.bin"
    target.write_bytes(b"the previous, good version")
    (tmp_path / ".blob.bin.stale012.domino.part").write_bytes(b"left by a killed run")
    # the content route (5.10+) or the v1 blob of the key (before; this server is 5.0)
    with faulty.faults("rate=1,kinds=truncate,paths=(/content|/blobs/[^/]+)$"):
        with pytest.raises(DominoTransientError, match="transfer broke|bytes"):
            client.download_file(
                commit,
                entry.path,
                target,
                expected_size=entry.size,
                expected_key=entry.key,
                attempts=2,
            )
    # the good file is untouched, no half file beside it
    assert target.read_bytes() == b"the previous, good version"
    assert part_files(tmp_path) == []


def test_corrupt_content_is_refused(faulty_latest, tmp_path):
    """Bytes whose hash differs from the listed key: only the content route (5.10+) can
    serve them, since a v1 blob is fetched by that very key."""
    project = faulty_latest.new_project("corrupt")
    client = make_client(faulty_latest, project)
    source = tmp_path / "source.bin"
    source.write_bytes(bytes(range(256)) * 1200)
    client.upload_file("data/blob.bin", source)
    commit = client.head_commit_id() or ""
    entry = {e.path: e for e in client.list_files(commit, "data")}["data/blob.bin"]
    target = tmp_path / "blob.bin"
    from snakemake_executor_domino.domino import IntegrityError

    with pytest.raises(IntegrityError, match="content hash"):
        client.download_file(
            commit, entry.path, target, expected_size=entry.size, expected_key="0" * 40,
            attempts=1,
        )
    assert not target.exists() and part_files(tmp_path) == []


@pytest.mark.parametrize(
    "fault",
    [
        *(f"{kind},when=after" for kind in ("500", "502", "503", "drop")),
        "truncate",
        # with a 1 s timeout: an answer that comes too late, and a start that itself comes
        # late (the client must look for it long enough before starting it again)
        "slow,when=after,delay=2",
        "slow,when=before,delay=2",
    ],
)
def test_job_start_is_never_repeated(faulty, project, fault):
    client = make_client(faulty, project, timeout=1.0)
    title = f"start under {fault} {time.monotonic_ns()}"
    with faulty.faults(f"rate=1,kinds={fault},limit=1,paths=jobs/start"):
        job = client.start_job("true", title=title)
    if "before" in fault:
        time.sleep(2.5)  # a late first start would have landed by now
    same = [j for j in client.list_jobs(page_size=200)[0] if j.title == title]
    assert [j.id for j in same] == [job.id]


def test_stop_rides_out_faults(faulty, project):
    client = make_client(faulty, project)
    kinds = ("500,when=after", "502", "drop,when=after", "truncate")
    jobs = [client.start_job("sleep 60", title=f"stop {k} {time.monotonic_ns()}") for k in kinds]
    for job, kind in zip(jobs, kinds, strict=True):
        with faulty.faults(f"rate=1,kinds={kind},limit=1,paths=jobs/stop"):
            client.stop_job(job.id)
    deadline = time.monotonic() + 20
    while not all(client.get_job(j.id).finished for j in jobs) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [client.get_job(j.id).status for j in jobs] == ["Stopped"] * 4


def test_lasting_outage_ends_within_the_retry_budget(faulty, project):
    client = make_client(faulty, project, retry_budget=3.0)
    client.project  # noqa: B018
    started = time.monotonic()
    with faulty.faults("rate=1,kinds=502"):
        with pytest.raises(DominoTransientError) as caught:
            client.list_jobs()
    elapsed = time.monotonic() - started
    # retries 0 s, 1 s, 2 s apart (plus up to 0.5 s jitter each)
    assert 2.5 < elapsed < 3.0 + 3 * 0.5 + 2, elapsed
    assert "502" in str(caught.value) and "retry" in str(caught.value)


def test_slow_answers_within_the_timeout_are_just_slow(faulty, project):
    client = make_client(faulty, project, timeout=5.0)
    with faulty.faults("rate=1,kinds=slow,delay=0.3,limit=3"):
        started = time.monotonic()
        client.version()
        client.list_jobs()
        assert time.monotonic() - started >= 0.6


def test_faults_do_not_touch_the_web_pages_or_control_routes(faulty):
    with faulty.faults("rate=1,kinds=500"):
        state = requests.get(
            f"{faulty.url}/_local/faults", headers={"X-Domino-Api-Key": faulty.api_key}, timeout=5
        )
        assert state.status_code == 200
        assert requests.get(f"{faulty.url}/version", timeout=5).status_code == 500
    assert requests.get(f"{faulty.url}/_local/faults", timeout=5).status_code == 401


def test_kill_hook_ends_a_running_job_failed(faulty, project):
    client = make_client(faulty, project)
    job = client.start_job("sleep 60", title=f"to be killed {time.monotonic_ns()}")
    deadline = time.monotonic() + 20
    while client.get_job(job.id).status != "Running" and time.monotonic() < deadline:
        time.sleep(0.05)
    answer = requests.post(
        f"{faulty.url}/_local/faults/kill/{job.id}",
        headers={"X-Domino-Api-Key": faulty.api_key},
        timeout=5,
    )
    assert answer.status_code == 200
    while not client.get_job(job.id).finished and time.monotonic() < deadline:
        time.sleep(0.05)
    assert client.get_job(job.id).status in ("Failed", "Error")
    again = requests.post(
        f"{faulty.url}/_local/faults/kill/{job.id}",
        headers={"X-Domino-Api-Key": faulty.api_key},
        timeout=5,
    )
    assert again.status_code == 409


def test_kill_fault_kind_kills_started_jobs(faulty, project):
    client = make_client(faulty, project)
    with faulty.faults("rate=1,kinds=kill,kill_after=0.2,limit=1"):
        job = client.start_job("sleep 30", title=f"kill kind {time.monotonic_ns()}")
        deadline = time.monotonic() + 20
        while not client.get_job(job.id).finished and time.monotonic() < deadline:
            time.sleep(0.1)
    assert client.get_job(job.id).status == "Failed"


def test_parse_specs():
    from snakemake_executor_domino.local.faults.spec import FaultSpec, FaultSpecError

    spec = FaultSpec.parse("rate=0.1,kinds=500,502,503,429,drop,slow,seed=7")
    assert spec is not None
    assert spec.rate == 0.1 and spec.seed == 7
    assert spec.kinds == ("500", "502", "503", "429", "drop", "slow")
    assert FaultSpec.parse("off") is None and FaultSpec.parse("") is None
    hot = FaultSpec.parse("rate=0,hot=^POST /v4/jobs/start$,hot_rate=0.5,pick=cycle")
    assert hot is not None and hot.hot == "^POST /v4/jobs/start$" and hot.hot_rate == 0.5
    assert FaultSpec.parse(hot.describe()) == hot  # the banner's text is a valid spec
    assert FaultSpec.parse("rate=0.5,kinds=all").kinds == (
        "500", "502", "503", "429", "drop", "slow", "truncate"
    )
    for bad, words in [
        ("rate=2", "between 0 and 1"),
        ("rate=0.1,kinds=418", "unknown fault kind"),
        ("rate=0.1,wobble=3", "unknown fault setting"),
        ("0.1", "KEY=VALUE"),
        ("rate=x", "rate=x"),
        ("rate=0.1,when=during", "when=during"),
        ("hot=(", "not a regular expression"),
    ]:
        with pytest.raises(FaultSpecError, match=words):
            FaultSpec.parse(bad)


def test_env_var_and_cli_flag(tmp_path: Path, monkeypatch, capsys):
    from snakemake_executor_domino.local.faults.spec import ENV_VAR
    from snakemake_executor_domino.local.server import LocalDomino

    monkeypatch.setenv(ENV_VAR, "rate=1,kinds=503")
    with LocalDomino(tmp_path / "env") as server:
        assert requests.get(f"{server.url}/version", timeout=5).status_code == 503
        assert server.faults is not None and server.faults.spec.kinds == ("503",)
    # an explicit "off" wins over the env var; without either there is no injector at all
    assert LocalDomino(tmp_path / "off", faults="off").fault_spec is None
    monkeypatch.delenv(ENV_VAR)
    assert LocalDomino(tmp_path / "default").fault_spec is None

    from tests.reliability.conftest import server_process

    with server_process(tmp_path / "cli", faults="rate=1,kinds=502") as proc:
        assert requests.get(f"{proc.url}/version", timeout=5).status_code == 502
    assert "rate=1,kinds=502" in proc.banner and "fault injection is ON" in proc.banner
    from snakemake_executor_domino.cli import main

    assert main(["local", "serve", "--root", str(tmp_path / "bad"), "--faults", "rate=3"]) == 2
    assert "between 0 and 1" in capsys.readouterr().err


def test_client_error_names_the_call_not_the_key(faulty, project):
    client = make_client(faulty, project, retry_budget=1.0)
    client.project  # noqa: B018
    with faulty.faults("rate=1,kinds=500"):
        with pytest.raises(DominoError) as caught:
            client.list_jobs()
    assert "list jobs" in str(caught.value)
    assert faulty.api_key not in str(caught.value)


def test_poller_reports_a_late_second_start_of_a_tracked_job(faulty, project):
    from snakemake_executor_domino.polling import JobPoller

    client = make_client(faulty, project)
    title = f"twice {time.monotonic_ns()}"
    first = client.start_job("sleep 30", title=title)
    poller = JobPoller(client)
    poller.track(first)
    # the same start once more, as a lost start request that reached Domino late would
    second = client.start_job("sleep 30", title=title)
    states = poller.poll([first.id])
    assert list(states) == [first.id]
    assert [job.id for job in poller.duplicates] == [second.id]
    for job in (first, second):
        client.stop_job(job.id)


def test_interrupt_uses_a_smaller_retry_budget(faulty, project):
    client = make_client(faulty, project)
    client.project  # noqa: B018
    quick = client.with_retry_budget(1.0)  # what cancel_jobs stops jobs with
    assert client.retry_budget == 20.0 and quick.project_id == client.project_id
    started = time.monotonic()
    with faulty.faults("rate=1,kinds=502"):
        with pytest.raises(DominoTransientError):
            quick.stop_job("no-such-job")
    assert time.monotonic() - started < 5
