"""The local Domino's scheduled-job routes: Domino's shapes, validation, nothing half-done."""

from __future__ import annotations

import pytest

from .conftest import Project


def test_create_list_get_replace_delete(project: Project) -> None:
    me = project.request("GET", "/v4/users/self").json()
    created = project.create(
        title="retrain", command="snakemake --executor domino -j 3 score_report.txt",
        timezoneId="Europe/Berlin", hardwareTierIdentifier="medium-k8s",
        notifyOnCompleteEmailAddresses=["ml@example.com"],
    )
    assert created["title"] == "retrain"
    assert created["schedule"] == {"cronString": "0 0 3 * * ?", "isCustom": True,
                                   "humanReadableCronString": "At 03:00:00, every day"}
    assert created["timezoneId"] == "Europe/Berlin"
    assert created["hardwareTierIdentifier"] == "medium-k8s"
    assert created["hardwareTierName"] == "Medium"
    assert created["isPaused"] is False
    assert created["allowConcurrentExecution"] is False  # sequential unless asked
    assert created["overrideEnvironmentRevisionSpec"] == "ActiveRevision"
    assert created["publishAfterCompleted"] is False
    assert created["scheduledByUserId"] == me["id"]
    assert created["scheduledByUserName"] == me["userName"] == "tester"
    assert created["notifyOnCompleteEmailAddresses"] == ["ml@example.com"]
    record = project.record(created["id"])
    assert record.next_fire_ms % 3_600_000 == 0  # 03:00 Berlin: a whole hour in UTC
    assert record.last_job_id is None
    assert project.schedules() == [created]
    assert project.schedule(created["id"]) == created

    # PUT replaces every setting, as Domino's does
    body = project.replacing(created, isPaused=True, allowConcurrentExecution=True,
                             notifyOnCompleteEmailAddresses=[])
    r = project.request("PUT", f"{project.scheduled}/{created['id']}", json=body)
    assert r.status_code == 200, r.text
    replaced = r.json()
    assert replaced["isPaused"] is True and project.record(created["id"]).next_fire_ms is None
    assert replaced["allowConcurrentExecution"] is True
    assert replaced["notifyOnCompleteEmailAddresses"] == []

    # Domino 5.0 documents no body for a deletion
    r = project.request("DELETE", f"{project.scheduled}/{created['id']}")
    assert r.status_code == 200 and r.content == b""
    assert project.schedules() == []


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"schedule": {"cronString": "0 3 * * *"}}, "invalid schedule.cronString: cron "
         "expression '0 3 * * *' is not Quartz cron"),
        ({"schedule": {"cronString": "0 0 25 * * ?"}}, "'0 0 25 * * ?' is not valid"),
        ({"schedule": "daily"}, "missing required field 'schedule'"),
        ({"hardwareTierIdentifier": "huge-k8s"}, "unknown hardware tier 'huge-k8s' in "
         "hardwareTierIdentifier; valid tiers: small-k8s (Small), medium-k8s (Medium)"),
        ({"timezoneId": "Moon/Base"}, "unknown time zone 'Moon/Base'"),
        ({"title": ""}, "field 'title' must not be empty"),
        ({"command": None}, "missing required field 'command'"),
        ({"isPaused": "yes"}, "field 'isPaused' must be true or false"),
        ({"notifyOnCompleteEmailAddresses": ["not-an-address"]}, "not an email address"),
        ({"overrideEnvironmentRevisionSpec": "Newest"}, "invalid overrideEnvironmentRevisionSpec"),
        ({"publishAfterCompleted": True}, "no models to publish"),
        ({"publishAfterCompleted": None}, "missing required field 'publishAfterCompleted'"),
        ({"computeClusterProperties": {"clusterType": "Ray"}}, "no compute clusters"),
        ({"schedule": {"cronString": "0 0 3 * * ?", "isCustom": None}},
         "missing required field 'isCustom'"),
        ({"timezoneId": None}, "missing required field 'timezoneId'"),
        ({"hardwareTierIdentifier": None}, "missing required field 'hardwareTierIdentifier'"),
        ({"scheduledByUserId": None}, "missing required field 'scheduledByUserId'"),
        ({"notifyOnCompleteEmailAddresses": None},
         "missing required field 'notifyOnCompleteEmailAddresses'"),
        ({"isPaused": None}, "missing required field 'isPaused'"),
        ({"allowConcurrentExecution": None}, "missing required field 'allowConcurrentExecution'"),
        ({"scheduledByUserId": "0123456789abcdef01234567"}, "is not a user of this Domino"),
    ],
)
def test_invalid_requests_are_400_naming_the_problem_and_change_nothing(
    project: Project, change: dict, says: str
) -> None:
    kept = project.create()
    body = project.body(**change)
    body = {k: v for k, v in body.items() if v is not None}
    body["schedule"] = {k: v for k, v in body["schedule"].items() if v is not None} if \
        isinstance(body["schedule"], dict) else body["schedule"]
    for method, path in (("POST", project.scheduled),
                         ("PUT", f"{project.scheduled}/{kept['id']}")):
        r = project.request(method, path, json=body)
        assert r.status_code == 400, r.text
        assert says in r.json()["message"]
    assert project.schedules() == [kept]


def test_unknown_ids_are_404(project: Project) -> None:
    unknown = "0123456789abcdef01234567"
    for method in ("GET", "PUT", "DELETE"):
        r = project.request(method, f"{project.scheduled}/{unknown}", json={})
        assert r.status_code == 404, (method, r.text)
        assert f"scheduled job {unknown} not found in project {project.spec}" in r.json()[
            "message"]
    assert project.fire(unknown).status_code == 404
    assert project.request("GET", f"/_local/scheduledjobs/{unknown}/runs").status_code == 404
    r = project.request("GET", "/v4/projects/0123456789abcdef01234567/scheduledjobs")
    assert r.status_code == 404 and "project" in r.json()["message"]


def test_another_projects_schedule_is_not_found(project: Project, scheduling_server) -> None:
    from .conftest import new_project

    other = new_project(scheduling_server)
    theirs = other.create()
    assert project.request("GET", f"{project.scheduled}/{theirs['id']}").status_code == 404
    assert project.request("DELETE", f"{project.scheduled}/{theirs['id']}").status_code == 404
    assert other.schedules() == [theirs]


def test_run_now_starts_a_scheduled_job_in_dominos_environment(project: Project) -> None:
    project.request("PUT", f"/v1/projects/{project.spec}/data.txt", data=b"input")
    created = project.create(
        title="env check", hardwareTierIdentifier="medium-k8s",
        command="env | grep -E '^DOMINO_(API_HOST|PROJECT_NAME|HARDWARE_TIER_ID)=' | sort "
        "> env.txt; cat data.txt",
    )
    r = project.fire(created["id"])
    assert r.status_code == 200, r.text
    job = project.wait_job(r.json()["id"])
    assert job["title"] == "env check"
    assert job["statuses"]["isScheduled"] is True
    assert job["statuses"]["executionStatus"] == "Succeeded"
    assert project.tier_of(job["id"]) == "medium-k8s"
    commit = job["commitDetails"]["outputCommitId"]
    # the file's content by the route the client reads on this Domino version
    env = project.request(
        "GET", project.client().content_path(commit, "env.txt", None)
    ).text.splitlines()
    assert env == [
        f"DOMINO_API_HOST={project.url}",
        "DOMINO_HARDWARE_TIER_ID=medium-k8s",
        f"DOMINO_PROJECT_NAME={project.name}",
    ]
    assert project.record(created["id"]).last_job_id == job["id"]
    (run,) = project.runs(created["id"])
    assert run["outcome"] == "started" and run["manual"] is True
    assert run["job"]["status"] == "Succeeded" and run["job"]["outputCommitId"] == commit
    # a job the user starts by hand is not a scheduled one
    r = project.request("POST", "/v4/jobs/start",
                        json={"projectId": project.id, "commandToRun": "true"})
    assert r.json()["statuses"]["isScheduled"] is False
