"""Reading a rule's resources without evaluating them, and the tier-fit judgement."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from snakemake.resources import Resource, Resources

from snakemake_executor_domino.checks import (
    UNKNOWN,
    fit_problems,
    known_resource,
    known_tier,
)


@dataclass
class _Settings:
    max_threads: int | None = None


class _Workflow:
    def __init__(self, global_resources=None, max_threads=None):
        self.global_resources = Resources.from_mapping(global_resources or {})
        self.resource_settings = _Settings(max_threads)


class _Rule:
    def __init__(self, resources: Resources, workflow: _Workflow):
        self.resources = resources
        self.workflow = workflow
        self.name = "r"


class _Job:
    def __init__(self, resources: dict, workflow: _Workflow | None = None):
        self.rule = _Rule(Resources(resources), workflow or _Workflow())


def calls_refused(*args, **kwargs):
    raise AssertionError("a resource function was called")


def test_constants_are_known():
    job = _Job({"tier": Resource("tier", "Large"), "_cores": Resource("_cores", 4),
                "mem": Resource("mem", "4GB")})
    assert known_tier(job) == "Large"
    assert known_resource(job, "_cores") == 4
    assert known_resource(job, "mem_mb") == 4000  # Snakemake stores mem as mem_mb
    assert known_resource(job, "disk_mb") is None


def test_functions_are_not_called():
    job = _Job({"tier": Resource("tier", calls_refused),
                "_cores": Resource("_cores", calls_refused),
                "mem_mb": Resource("mem_mb", calls_refused)})
    assert known_tier(job) is UNKNOWN
    assert known_resource(job, "_cores") is UNKNOWN
    assert known_resource(job, "mem_mb") is UNKNOWN


@pytest.mark.parametrize(
    ("expression", "known"),
    [('"Small"', "Small"), ("'GPU'", "GPU"), ("4", 4), ("input.size_mb > 10 and 'Large'",
     UNKNOWN), ("$TIER", UNKNOWN), ("Small", UNKNOWN), ("[1]", UNKNOWN), ("True", UNKNOWN)],
)
def test_command_line_literals_are_known_without_evaluation(expression, known):
    # --set-resources / default-resources / profiles: Snakemake keeps them as expressions
    job = _Job({"tier": Resource.from_cli_expression("tier", expression)})
    assert known_resource(job, "tier") is known or known_resource(job, "tier") == known


def test_threads_capped_as_snakemake_caps_them():
    workflow = _Workflow(global_resources={"_cores": 3}, max_threads=2)
    assert known_resource(_Job({"_cores": Resource("_cores", 8)}, workflow), "_cores") == 2
    workflow = _Workflow(global_resources={"mem_mb": 1000})
    assert known_resource(_Job({"mem_mb": Resource("mem_mb", 5000)}, workflow), "mem_mb") == 1000


@dataclass
class _Tier:
    name: str
    cores: float | None
    memory_gib: float | None


def test_fit_problems():
    small = _Tier("Small", 1, 4)
    assert fit_problems("r", 1, 4000, small) == []
    assert fit_problems("r", 2, None, small) == ["rule r: threads=2, but tier Small has 1 core(s)"]
    assert fit_problems("r", None, 5000, small) == [
        "rule r: mem_mb=5000, but tier Small has 4 GiB (4295 MB)"
    ]
    assert fit_problems("r", UNKNOWN, UNKNOWN, small) == []
    assert fit_problems("r", 64, 10**6, _Tier("Odd", None, None)) == []  # tier says nothing
