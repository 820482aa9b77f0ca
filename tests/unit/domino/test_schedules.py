"""Scheduled-job bodies as each Domino takes them, and the local-only extras as optional."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.domino import DominoError, ScheduleSpec
from snakemake_executor_domino.domino.schedules import create_body, newer_api, update_payload
from tests.unit.domino.conftest import PROJECT, documented

SPEC = ScheduleSpec(title="nightly", command="snakemake -j 3", cron="0 0 3 * * ?",
                    tier_id="medium-k8s")
USER = "64f0c1d2e3a4b5c6d7e8f000"
SCHEDULED = f"/v4/projects/{PROJECT.id}/scheduledjobs"
# the 5.0 OpenAPI's UpdatedScheduledJobDTO fields (what a 5.0 PUT takes)
UPDATE_50 = {
    "title", "command", "schedule", "timezoneId", "isPaused", "publishAfterCompleted",
    "publishModelId", "allowConcurrentExecution", "hardwareTierIdentifier",
    "overrideEnvironmentId", "overrideEnvironmentRevisionSpec", "scheduledByUserId",
    "notifyOnCompleteEmailAddresses", "datasetConfig", "onDemandSparkClusterProperties",
    "computeClusterProperties",
}


@pytest.mark.parametrize("version, newer", [("5.0.0", False), ("5.11.1", False),
                                            ("6.0.0", True), ("6.1", True), ("", False)])
def test_which_body_a_version_takes(version, newer):
    assert newer_api(version) is newer


def test_create_body_for_50_has_its_required_fields_and_revision_name():
    # 5.0 OpenAPI NewScheduledJobDto
    body = create_body(SPEC, USER, "5.0.0")
    required = {"title", "command", "schedule", "timezoneId", "isPaused",
                "publishAfterCompleted", "allowConcurrentExecution", "hardwareTierIdentifier",
                "scheduledByUserId", "notifyOnCompleteEmailAddresses"}
    assert required <= body.keys()
    assert body["publishAfterCompleted"] is False
    assert body["overrideEnvironmentRevisionSpec"] == "ActiveRevision"
    assert "environmentRevisionSpec" not in body
    assert body["schedule"] == {"cronString": "0 0 3 * * ?", "isCustom": True}


def test_create_body_for_newer_domino():
    # python-domino's scheduled-job branch: scheduled_job_create
    body = create_body(SPEC, USER, "6.0.0")
    assert body["environmentRevisionSpec"] == "ActiveRevision"
    assert "publishAfterCompleted" not in body and "overrideEnvironmentRevisionSpec" not in body
    assert "overrideEnvironmentId" not in body
    assert create_body(
        ScheduleSpec("t", "c", "0 0 3 * * ?", environment_id="e1"), USER, "6.0.0"
    )["overrideEnvironmentId"] == "e1"


def test_update_of_a_50_answer_sends_back_what_the_put_takes():
    payload = update_payload(documented("scheduled_job_50"))
    assert payload.keys() <= UPDATE_50
    assert payload["schedule"] == {"cronString": "0 0 3 * * ?", "isCustom": True}
    assert payload["overrideEnvironmentRevisionSpec"] == "ActiveRevision"
    assert payload["publishAfterCompleted"] is False
    # not a fixed list: a field this client does not know survives
    assert update_payload({**documented("scheduled_job_50"), "futureField": 1})["futureField"] == 1


def test_update_of_a_newer_answer():
    payload = update_payload(documented("scheduled_job_latest"))
    for read_only in ("id", "created", "projectId", "hardwareTierName", "scheduledByUserName",
                      "dataConfig"):
        assert read_only not in payload
    assert payload["environmentRevisionSpec"] == "ActiveRevision"
    assert payload["snapshotDatasetsOnCompletion"] is False
    assert "humanReadableCronString" not in payload["schedule"]


def test_create_names_the_revision_by_domino_version(client, fake):
    fake.answer("GET", "/version", {"version": "6.0.0"})
    fake.answer("GET", "/v4/users/self", {"id": USER, "userName": "marks"})
    fake.answer("POST", SCHEDULED, documented("scheduled_job_latest"))
    created = client.create_scheduled_job(SPEC)
    assert "environmentRevisionSpec" in fake.calls[-1][2]["json"]
    assert created.title == "Weekly Report"


def test_pause_sends_back_the_answer_with_ispaused(client, fake):
    one = f"{SCHEDULED}/65a0b1c2d3e4f50617283940"
    fake.answer("GET", one, documented("scheduled_job_50"))
    fake.answer("PUT", one, {**documented("scheduled_job_50"), "isPaused": True})
    assert client.set_scheduled_job_paused("65a0b1c2d3e4f50617283940", True).is_paused
    sent = fake.calls[-1][2]["json"]
    assert sent == {**update_payload(documented("scheduled_job_50")), "isPaused": True}


def test_local_extras_are_optional(client, fake):
    one = f"{SCHEDULED}/65a0b1c2d3e4f50617283940"
    fake.answer("GET", one, documented("scheduled_job_50"))
    assert client.run_scheduled_job("65a0b1c2d3e4f50617283940") is None
    assert client.scheduled_job_runs("65a0b1c2d3e4f50617283940") is None


def test_a_refused_fire_is_no_credentials_error(client, fake):
    one = f"{SCHEDULED}/65a0b1c2d3e4f50617283940"
    fake.answer("GET", one, documented("scheduled_job_50"))
    fake.answer("POST", "/_local/scheduledjobs/65a0b1c2d3e4f50617283940/run",
                {"message": "previous job still runs"}, status=409)
    with pytest.raises(DominoError) as info:
        client.run_scheduled_job("65a0b1c2d3e4f50617283940")
    assert "previous job still runs" in str(info.value) and "renew" not in str(info.value)


def test_local_extras_live_under_the_local_prefix(client, fake):
    one = f"{SCHEDULED}/65a0b1c2d3e4f50617283940"
    fake.answer("GET", one, documented("scheduled_job_50"))
    fake.answer("GET", "/_local/scheduledjobs/65a0b1c2d3e4f50617283940/runs", {"runs": [
        {"fireTime": "2024-01-12T02:00:00Z", "outcome": "started", "manual": False,
         "reason": None, "job": {"jobId": "j1", "jobNumber": 3, "status": "Succeeded",
                                 "outputCommitId": "c3"}}]})
    runs = client.scheduled_job_runs("65a0b1c2d3e4f50617283940")
    assert runs is not None and (runs[0].job_number, runs[0].output_commit_id) == (3, "c3")
    assert all(path.startswith(("/_local/", "/v4/")) for path in fake.paths())
    assert not any("/scheduledjobs/65a0b1c2d3e4f50617283940/run" in p and p.startswith("/v4")
                   for p in fake.paths())
