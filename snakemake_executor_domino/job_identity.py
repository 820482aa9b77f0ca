"""How a Snakemake job looks on Domino: its title, its files, its saved log."""

from __future__ import annotations

import os
import re
from pathlib import Path

from snakemake_interface_executor_plugins.jobs import JobExecutorInterface

from snakemake_executor_domino.domino import Job
from snakemake_executor_domino.files.outputs import plan_outputs

LOG_DIR = Path(".snakemake") / "domino_logs"
TAIL_LINES = 20


def _wildcards(job: JobExecutorInterface) -> str:
    wildcards = getattr(job, "wildcards_dict", None) or {}
    return ",".join(f"{key}={value}" for key, value in wildcards.items())


def describe_job(job: JobExecutorInterface) -> str:
    if job.is_group():
        return f"group {job.name} ({', '.join(sorted({j.rule.name for j in job.jobs}))})"
    wildcards = _wildcards(job)
    return f"rule {job.rule.name}" + (f" ({wildcards})" if wildcards else "")


def job_title(job: JobExecutorInterface, run_id: str) -> str:
    """Unique per submission: how a start whose answer was lost is found again."""
    name = f"group {job.name}" if job.is_group() else job.rule.name
    wildcards = "" if job.is_group() else _wildcards(job)
    parts = ["snakemake", name, wildcards, f"{run_marker(run_id)}{job.jobid} try {job.attempt}]"]
    return " ".join(part for part in parts if part)


def pack_title(size: int, rules: str, marker: str) -> str:
    """The title of a pack's Domino job (packing/): how many Snakemake jobs it runs."""
    return f"snakemake pack of {size} ({rules}) {marker}"


_PACK_TITLE = re.compile(r"^snakemake pack of (\d+) ")
_PACK_MARKER = re.compile(r"-p\d+ try \d+\]$")


def pack_id_for(run_id: str, number: int) -> str:
    """A pack's id within a workflow run; its marker ends `-pN try K]` (snakemake_jobs)."""
    return f"{run_id}-p{number}"


def snakemake_jobs(title: str, command: str) -> str:
    """How many Snakemake jobs a Domino job runs, as `jobs list` shows it: a pack's size,
    1 for one job, "group" for a group job, "" for a job this plugin did not start. A job
    with no title (its name not set yet on a Domino before 5.5) says so from its marker."""
    if title:
        pack = _PACK_TITLE.match(title)
        if pack:
            return pack.group(1)
        if not (title.startswith("snakemake ") and "[run " in title):
            return ""
        return "group" if title.startswith("snakemake group ") else "1"
    marker = marker_in(command)
    if not marker:
        return ""
    return "pack" if _PACK_MARKER.search(marker) else "1"


# A submission's marker also ends its command, as a shell comment: Domino before 5.5 keeps
# no title from a start, but every version returns the command (`jobRunCommand`).
COMMAND_MARK = "# snakemake-domino "


def command_marker(title: str) -> str:
    """The comment that ends the command of the submission titled `title`."""
    start = title.find("[run ")
    return COMMAND_MARK + (title[start:] if start >= 0 else title)


def marker_in(command: str) -> str:
    """The marker a command ends with, '' if none."""
    at = command.rfind(COMMAND_MARK)
    return command[at:] if at >= 0 else ""


def marked_command(command: str, title: str) -> str:
    return f"{command} {command_marker(title)}"


def run_marker(run_id: str) -> str:
    """The part of every title that names the workflow run (how cancel finds its jobs)."""
    return f"[run {run_id} job "


def local_inputs(job: JobExecutorInterface) -> list[str]:
    """The job's input files that exist here (storage-backed ones are fetched in the job)."""
    return [str(f) for f in job.input if os.path.exists(f)]


def output_paths(job: JobExecutorInterface) -> tuple[list[str], list[str]]:
    """(declared outputs and benchmarks, log files) of a job or of every group member."""
    plan = plan_outputs(job)
    return [*plan.required, *plan.optional], plan.logs


def save_job_log(workdir: Path, job: JobExecutorInterface, domino_job: Job, text: str) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.=-]+", "_", f"{describe_job(job)}-{domino_job.number}")
    path = workdir / LOG_DIR / f"{name.strip('_')}.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def tail(text: str, lines: int = TAIL_LINES) -> str:
    kept = text.rstrip().splitlines()[-lines:]
    return "\n".join(f"    {line}" for line in kept) or "    (the log is empty)"
