"""The executor's stop gate (starts.py): once cancelling has begun, no Domino job starts.

The polling thread starts held jobs too (packs, and jobs that waited for room); a start it
sent after cancel_jobs had read the starts in flight would run on with no one to stop it.
Against the real local Domino: what the gate lets through starts there, what it refuses
never reaches it.
"""

from __future__ import annotations

import pytest

from snakemake_executor_domino.exceptions import StartsStopped
from snakemake_executor_domino.runs.journal import Journal
from snakemake_executor_domino.starts import Starts


class Starter(Starts):
    def __init__(self, client, journal: Journal) -> None:
        self.client = client
        self.journal = journal
        self.labels: dict[str, str] = {}
        self.starting: dict[str, str | None] = {}
        self.open_gate()


@pytest.fixture
def starter(domino, tmp_path) -> Starter:
    client = domino.client(domino.new_project("gate"))
    readme = tmp_path / "readme.txt"
    readme.write_text("a commit to start at\n")
    client.upload_file("readme.txt", readme)
    return Starter(client, Journal(tmp_path, client.project_id))


def titles(client) -> list[str]:
    jobs, _ = client.list_jobs(page_size=100)
    return [job.title for job in jobs]


def test_a_start_before_cancelling_reaches_domino_and_is_seen_in_flight(starter):
    head = starter.client.head_commit_id()
    job = starter._start("k1", "gate job one [run x]", "rule one", "true", commit_id=head)
    assert titles(starter.client) == ["gate job one [run x]"]
    assert job.id and starter.journal.lookup("k1") == job.id
    # the executor forgets a start in flight only once it has recorded the job
    assert starter.close_gate() == {"gate job one [run x]": "k1"}


def test_no_start_reaches_domino_once_cancelling_began(starter):
    head = starter.client.head_commit_id()
    assert starter.close_gate() == {}
    with pytest.raises(StartsStopped, match="rule two: not started, the run is being cancel"):
        starter._start("k2", "gate job two [run x]", "rule two", "true", commit_id=head)
    assert titles(starter.client) == []
    # nothing recorded either: a rerun has no start of this run to look for
    assert starter.journal.intent("k2") is None and starter.starting == {}
    assert starter.stopping
