"""The canceller's registry, against a real local Domino: a job whose start answer came
while the interrupt was being handled is in both the submitted jobs and the starts in flight;
it is stopped once, and not also reported as a start that never reached Domino."""

from __future__ import annotations

from snakemake_executor_domino.cancel import Canceller, Registry
from snakemake_executor_domino.job_identity import command_marker, marked_command, run_marker
from tests.conftest import DominoServer
from tests.reliability.conftest import wait_for


def test_a_job_both_submitted_and_in_flight_is_stopped_once_and_not_unseen(domino: DominoServer):
    client = domino.client(domino.new_project("cancel-registry"))
    title = "snakemake work i=1 [run r1 job 1 try 1]"
    job = client.start_job(marked_command("sleep 600", title), title=title,
                           marker=command_marker(title))
    registry = Registry(submitted={job.id: ("rule work (i=1)", "key-1")},
                        starting={title: "key-1"}, labels={title: "rule work (i=1)"})
    settled: list[str | None] = []

    outcome = Canceller(client, run_marker("r1"), settled.append, seconds=30).cancel(registry)

    assert outcome.stopped == ["rule work (i=1)"]
    assert outcome.unseen == [] and outcome.failed == []
    assert settled == ["key-1"]
    wait_for(lambda: client.get_job(job.id).status == "Stopped", 30, "the job to stop")
