"""What a job asks for (tier, environment, threads, memory, GPUs), read without evaluating
anything early.

Snakemake calls a rule's resource functions only once the job's inputs exist, just before
it runs (`snakemake -n` shows them as <TBD>): a function that reads an upstream output
cannot be called sooner. So before the first job only what is already known is read --
constants in the Snakefile and literal values from the command line or a profile
(`--set-resources`, `default-resources: tier="Small"`) -- and the rest at submission, where
Snakemake has evaluated them.

Defaults are not asks. A value that comes from Snakemake's default resources (its own preset
under a bare `--default-resources`, or a profile's `default-resources:`) is what every rule
gets, not what this rule needs: it never chooses a tier by size, and a default tier is used
only by a rule that asks for nothing. Likewise `threads: 1` (what Snakemake gives a rule
that names no threads) and `gpu: 0` ask for nothing. A rule's own value equal to the
default is indistinguishable from it and is read as the default.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any, Final

from snakemake_interface_executor_plugins.jobs import JobExecutorInterface

from snakemake_executor_domino.placement.sizing import Ask

GPU_RESOURCE = "gpu"


class _Unknown:
    """A resource function Snakemake has not evaluated yet."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()


def members(job: JobExecutorInterface) -> list[JobExecutorInterface]:
    return list(job.jobs) if job.is_group() else [job]


def is_default(job: JobExecutorInterface, name: str) -> bool:
    """Whether the rule's resource `name` is the one default-resources gave every rule."""
    resources = job.rule.resources
    if name not in resources:
        return False
    settings = getattr(job.rule.workflow, "resource_settings", None)
    defaults = getattr(settings, "default_resources", None)
    if not isinstance(defaults, Mapping) or name not in defaults:
        return False
    return resources[name] == defaults[name]  # Snakemake's Resource compares values


def known_resource(job: JobExecutorInterface, name: str) -> Any:
    """The value of one job's resource `name` ("_cores" for threads), as far as it is known
    without calling a function: None if the rule does not set it, UNKNOWN if it is a
    function (or a command-line expression) that Snakemake has not evaluated yet."""
    resources = job.rule.resources  # Snakemake's unevaluated Resources of the rule
    if name not in resources:
        return None
    resource = resources[name]
    if resource.is_evaluable():
        value = _literal(resource.raw)
        if value is UNKNOWN or (name.endswith("_mb") and not isinstance(value, int)):
            return UNKNOWN  # e.g. mem_mb="4 GB": Snakemake's own parsing decides
    else:
        value = resource.value
    if isinstance(value, int):
        for limit in _limits(job, name):
            value = min(value, limit)
    return value


def known_choice(job: JobExecutorInterface, name: str) -> str | None | _Unknown:
    """A named choice (tier, environment) of one job: a name or id, None, or UNKNOWN."""
    value = known_resource(job, name)
    if value is UNKNOWN:
        return UNKNOWN
    return str(value) if value not in (None, "") else None


def known_tier(job: JobExecutorInterface) -> str | None | _Unknown:
    return known_choice(job, "tier")


def choice(job: JobExecutorInterface, name: str) -> tuple[str | None, bool]:
    """(value, from the defaults) of an evaluated named choice of one (non-group) job."""
    value = job.resources.get(name)
    text = str(value) if value not in (None, "") else None
    return text, text is not None and is_default(job, name)


def known_ask(job: JobExecutorInterface) -> Ask | _Unknown:
    """What one job asks for, before anything is evaluated; UNKNOWN if any of it is a
    function Snakemake has not called yet."""
    values = {}
    for field, name in _ASKED.items():
        if is_default(job, name):
            continue
        value = known_resource(job, name)
        if value is UNKNOWN:
            return UNKNOWN
        values[field] = value
    return _ask(**values)


def evaluated_ask(job: JobExecutorInterface) -> Ask:
    """What a job (or every member of a group job) asks for, once Snakemake has evaluated
    its resources at submission."""
    ask = Ask()
    for member in members(job):
        resources = member.resources
        values = {
            field: resources.get(name)
            for field, name in _ASKED.items()
            if not is_default(member, name)
        }
        ask = ask.merged(_ask(**values))
    return ask


_ASKED = {"threads": "_cores", "mem_mb": "mem_mb", "disk_mb": "disk_mb", "gpus": GPU_RESOURCE}


def _ask(threads: Any = None, mem_mb: Any = None, disk_mb: Any = None, gpus: Any = None) -> Ask:
    def number(value: Any, floor: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None  # unset, or Snakemake's <TBD>: nothing to judge
        return round(value) if value > floor else None

    return Ask(number(threads, 1), number(mem_mb, 0), number(disk_mb, 0), number(gpus, 0))


def _literal(raw: object) -> Any:
    """The value of a command-line resource expression that is a plain literal
    (`"Small"`, `4`), without evaluating anything; UNKNOWN for any other expression."""
    if not isinstance(raw, str) or "$" in raw or raw.strip().startswith("~"):
        return UNKNOWN  # Snakemake expands variables and ~ first
    try:
        value = ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return UNKNOWN
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return UNKNOWN
    return round(value) if isinstance(value, float) else value


def _limits(job: JobExecutorInterface, name: str) -> list[int]:
    """The caps Snakemake puts on the value when it evaluates it: --resources for any
    resource, and --max-threads and --cores for threads."""
    workflow = job.rule.workflow
    caps = [workflow.global_resources.get(name)]
    if name == "_cores":
        caps.append(workflow.resource_settings.max_threads)
    limits = []
    for cap in caps:
        if hasattr(cap, "is_evaluable"):  # a Snakemake Resource
            cap = None if cap.is_evaluable() else cap.value
        if isinstance(cap, int) and not isinstance(cap, bool):
            limits.append(cap)
    return limits
