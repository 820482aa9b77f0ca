"""A finished job's runtime details and usage, from documented answers: what is read, which
route is asked, and that a Domino without the route answers None rather than an error."""

from __future__ import annotations

import dataclasses

import pytest

from snakemake_executor_domino.domino import DominoError, JobUsage, parse
from tests.unit.domino.conftest import documented

JOB = parse.job(documented("jobset_50")["jobs"][0])
USAGE = f"/v4/jobs/jobs/{JOB.id}/usage"
DETAILS = f"/v4/jobs/{JOB.id}/runtimeExecutionDetails"


def test_runtime_details_name_tier_and_environment(client, fake):
    fake.answer("GET", DETAILS, documented("runtime_details_50"))
    details = client.runtime_details(JOB.id)
    assert (details.tier_id, details.tier_name) == ("medium-k8s", "Medium")
    assert details.environment_name == "Domino Standard Environment"
    fake.answer("GET", DETAILS.replace(JOB.id, "x" * 24), documented("runtime_details_latest"))
    latest = client.runtime_details("x" * 24)
    assert (latest.tier_id, latest.tier_name, latest.environment_name) == ("gpu-k8s", "GPU", None)


def test_usage_samples_give_mean_cpu_and_peak_memory(client, fake):
    fake.answer("GET", USAGE, documented("job_usage_50"))
    assert client.job_usage(JOB) == JobUsage(cpu=1.0, memory=314572800)
    assert fake.paths() == [USAGE]


def test_usage_in_the_job_answer_needs_no_call(client, fake):
    body = {**documented("jobset_50")["jobs"][0], "usage": {"cpu": 0.8, "memory": 5.0e8}}
    job = parse.job(body)
    assert job.usage == JobUsage(cpu=0.8, memory=5.0e8)
    assert client.job_usage(job) == job.usage and fake.paths() == []


def test_usage_in_domino_public_units_is_kept_in_them():
    # JobUsageV1: maximum CPU as a percentage of the execution's, maximum memory in GiB
    body = {**documented("jobset_50")["jobs"][0],
            "usage": {"cpuPercentage": 87.5, "memoryGiB": 1.5}}
    usage = parse.job(body).usage
    assert usage == JobUsage(cpu=None, memory=1.5 * 2**30, cpu_peak_percent=87.5)


@pytest.mark.parametrize("usage", [None, {}, {"cpu": None},
                                   {"cpuPercentage": None, "memoryGiB": None}])
def test_no_usage_in_the_answer(usage):
    body = {**documented("jobset_50")["jobs"][0], "usage": usage}
    assert parse.job(body).usage is None


def test_a_domino_without_the_routes_answers_none(client, fake):
    assert client.runtime_details(JOB.id) is None  # 404
    fake.answer("GET", USAGE, {"message": "no such route"}, status=405)
    assert client.job_usage(dataclasses.replace(JOB, usage=None)) is None
    assert parse.usage_samples([]) is None and parse.usage_samples({"odd": 1}) is None


def test_a_real_failure_is_not_hidden(client, fake):
    fake.answer("GET", DETAILS, {"message": "boom"}, status=401)
    with pytest.raises(DominoError):
        client.runtime_details(JOB.id)
