"""Reading a rule's resources without evaluating them; defaults are not asks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from snakemake.resources import Resource, Resources

from snakemake_executor_domino.placement.resources import (
    UNKNOWN,
    evaluated_ask,
    is_default,
    known_ask,
    known_resource,
    known_tier,
)
from snakemake_executor_domino.placement.sizing import Ask


@dataclass
class _Settings:
    max_threads: int | None = None
    default_resources: Resources | None = None


class _Workflow:
    def __init__(self, global_resources=None, max_threads=None, defaults=None):
        self.global_resources = Resources.from_mapping(global_resources or {})
        self.resource_settings = _Settings(max_threads, defaults)


class _Rule:
    def __init__(self, resources: Resources, workflow: _Workflow):
        self.resources = resources
        self.workflow = workflow
        self.name = "r"


class _Job:
    def __init__(self, resources: dict, workflow: _Workflow | None = None, evaluated=None):
        self.rule = _Rule(Resources(resources), workflow or _Workflow())
        self.resources = evaluated or {}

    def is_group(self) -> bool:
        return False


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


def _with_defaults(own: dict, defaults: dict, evaluated=None) -> _Job:
    """A job whose rule got `defaults` as Snakemake gives them (copied into the rule's
    resources, then its own on top)."""
    # as Snakemake's command line parses --default-resources
    parsed = Resources.parse([f"{k}={v}" for k, v in defaults.items()],
                             allow_expressions=True, defaults="full")
    workflow = _Workflow(defaults=parsed)
    merged = parsed.copy()
    merged.update(Resources.from_mapping(own))
    job = _Job({}, workflow, evaluated)
    job.rule.resources = merged
    return job


def test_default_resources_are_not_asks():
    # a profile's default-resources: mem_mb=8000, tier="Small" ...
    defaults = {"mem_mb": "8000", "tier": '"Small"'}  # disk_mb: Snakemake's own preset
    plain = _with_defaults({}, defaults, {"mem_mb": 8000, "disk_mb": 1000, "_cores": 1})
    assert is_default(plain, "mem_mb") and is_default(plain, "tier")
    assert known_ask(plain) == Ask()  # nothing evaluated, nothing asked
    assert evaluated_ask(plain) == Ask()
    # ... while a rule's own mem_mb and threads are
    own = _with_defaults({"mem_mb": 12000, "_cores": 2}, defaults,
                         {"mem_mb": 12000, "disk_mb": 1000, "_cores": 2})
    assert not is_default(own, "mem_mb") and is_default(own, "disk_mb")
    assert known_ask(own) == Ask(threads=2, mem_mb=12000)
    assert evaluated_ask(own) == Ask(threads=2, mem_mb=12000)


def test_one_thread_and_zero_gpus_ask_nothing():
    job = _Job({"_cores": Resource("_cores", 1), "gpu": Resource("gpu", 0)},
               evaluated={"_cores": 1, "gpu": 0})
    assert known_ask(job) == Ask() and evaluated_ask(job) == Ask()
    job = _Job({"gpu": Resource("gpu", 1)}, evaluated={"gpu": 1, "_cores": 1})
    assert known_ask(job) == Ask(gpus=1) == evaluated_ask(job)


def test_an_ask_with_a_function_is_unknown_before_submission():
    job = _Job({"mem_mb": Resource("mem_mb", calls_refused)}, evaluated={"mem_mb": 3000})
    assert known_ask(job) is UNKNOWN
    assert evaluated_ask(job) == Ask(mem_mb=3000)
    # Snakemake's <TBD> (an input it could not read yet) asks nothing
    assert evaluated_ask(_Job({}, evaluated={"mem_mb": "<TBD>"})) == Ask()
