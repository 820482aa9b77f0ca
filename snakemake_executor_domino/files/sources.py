"""The workflow's own files (Snakefile, scripts, helpers, config) that every job needs.

Which files, by the rule docs/compatibility.md states ("What reaches a job"):
- in a git repository, Snakemake's own source list for remote jobs (`DAG.get_sources()`:
  the Snakefile and its includes, each script's directory, conda env files, config files,
  and every git-tracked file below the working directory), as Snakemake's cloud executors
  ship it;
- outside one, what Domino's own CLI would sync: every file below the working directory.
Either way less the `.dominoignore` patterns, Snakemake's `.snakemake/` and `.git/`, and
byte-code caches. What the project lacks of them is held to a size guard (`too_big` words
its message), since a stray data directory would otherwise be copied into the project
before the first job.
"""

from __future__ import annotations

import heapq
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from snakemake_executor_domino import formatting
from snakemake_executor_domino.domino.ignore_rules import IGNORE_FILE, IgnoreRules, read_rules
from snakemake_executor_domino.exceptions import TransferError
from snakemake_executor_domino.files.transfer import Transfer, UploadTooBig

DOMINOIGNORE = IGNORE_FILE
# Snakemake's bookkeeping inside a job (locks, incomplete markers, conda envs, scripts) must
# never land in the project's output commit. Its metadata records may: they are what lets a
# scheduled run, which starts from the project's files, notice changed params or code. So
# must the manifests of links and empty directories jobs leave (outputs.py), and the
# executor's run records (report/records.py, a file per run): a scheduled run's
# provenance and summary then stay in the project's history.
REQUIRED_IGNORES = (
    ".snakemake/*", "!.snakemake/metadata/", "!.snakemake/domino_outputs/",
    "!.snakemake/domino_runs/",
)
# What earlier versions wrote; it hides the metadata too, so it is replaced.
LEGACY_IGNORES = (".snakemake/",)
# Never pushed, whatever .dominoignore says: this machine's Snakemake state (locks, the
# embedded local Domino's state, its own metadata) and git's object store.
NEVER_PUSHED = (".snakemake", ".git")
GIT_TRACKED = "git-tracked"
DIRECTORY_SYNC = "directory sync"
BIGGEST_SHOWN = 5


@dataclass
class Sources:
    paths: list[str]  # relative to the working directory, sorted
    how: str  # GIT_TRACKED or DIRECTORY_SYNC
    total_bytes: int

    def describe(self) -> str:
        if self.how == GIT_TRACKED:
            why = "git-tracked and Snakemake's sources"
        else:
            why = "directory sync: not in a git repository"
        return f"{len(self.paths)} file(s), {formatting.size(self.total_bytes)} ({why})"


def workflow_sources(workflow, workdir: Path) -> Sources:
    """The files to push before the first job."""
    rules = read_rules(workdir)
    if in_git_repository(workdir):
        how, candidates = GIT_TRACKED, _snakemake_sources(workflow, workdir)
    else:
        how, candidates = DIRECTORY_SYNC, _directory_files(workdir, rules)
    paths = sorted(p for p in candidates if _kept(p, rules) and (workdir / p).is_file())
    if (workdir / DOMINOIGNORE).is_file() and DOMINOIGNORE not in paths:
        paths.append(DOMINOIGNORE)  # the project needs it before the first job's commit
    total = sum((workdir / path).stat().st_size for path in paths)
    return Sources(paths=sorted(paths), how=how, total_bytes=total)


def push_workflow_files(transfer: Transfer, workflow, max_total: int) -> str:
    """Upload what the project lacks of the workflow's files; the line to log about it.
    TransferError (nothing uploaded) if that is more than `max_total` bytes."""
    workdir = transfer.workdir
    sources = workflow_sources(workflow, workdir)
    try:
        result = transfer.push(sources.paths, max_total=max_total)
    except UploadTooBig as exc:
        raise TransferError(too_big(sources.how, exc.sizes, workdir, exc.limit)) from None
    if result.uploaded:
        pushed = (
            f"pushed {len(result.uploaded)} the project lacked "
            f"({formatting.size(result.bytes_uploaded)})"
        )
    else:
        pushed = "the project already holds them all"
    return f"Domino executor: workflow files: {sources.describe()}; {pushed}."


def in_git_repository(workdir: Path) -> bool:
    """True if git knows `workdir` as part of a work tree (Snakemake then lists its files)."""
    git = shutil.which("git")
    if git is None:
        return False
    result = subprocess.run(
        [git, "rev-parse", "--is-inside-work-tree"],
        cwd=workdir, capture_output=True, text=True, check=False,
    )
    return result.returncode == 0 and result.stdout.strip() == "true"


def _snakemake_sources(workflow, workdir: Path) -> set[str]:
    """Snakemake's own list plus the config files and the workflow profile."""
    found: set[str] = set()
    for path in workflow.dag.get_sources():
        found.add(os.path.normpath(path))
    for path in getattr(workflow, "configfiles", None) or []:
        candidate = Path(path)
        if candidate.is_absolute():
            try:
                candidate = candidate.relative_to(workdir)
            except ValueError:
                continue
        found.add(os.path.normpath(candidate))
    profile = workdir / "workflow" / "profiles"
    if profile.is_dir():
        for child in profile.rglob("*"):
            found.add(child.relative_to(workdir).as_posix())
    return {p for p in found if not p.startswith("..") and not os.path.isabs(p)}


def _directory_files(workdir: Path, rules: IgnoreRules) -> set[str]:
    """Every file below workdir that .dominoignore does not exclude (symlinks not followed
    into directories: a link out of the tree would drag the machine's files along)."""
    found: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(workdir):
        relative = Path(dirpath).relative_to(workdir).as_posix()
        prefix = "" if relative == "." else relative + "/"
        dirnames[:] = sorted(
            d for d in dirnames
            if not (prefix == "" and d in NEVER_PUSHED)
            and not rules.is_ignored_dir(prefix + d)
            and not os.path.islink(os.path.join(dirpath, d))
        )
        found.update(prefix + name for name in filenames)
    return found


def _kept(path: str, rules: IgnoreRules) -> bool:
    parts = Path(path).parts
    if not parts or parts[0] in NEVER_PUSHED:
        return False
    if "__pycache__" in parts or path.endswith((".pyc", ".pyo")):
        return False
    return not rules.is_ignored(Path(path).as_posix())


def too_big(how: str, sizes: dict[str, int], workdir: Path, limit: int) -> str:
    """The size guard's message: the workflow files to upload (`sizes`) exceed `limit`."""
    biggest = heapq.nlargest(BIGGEST_SHOWN, sizes.items(), key=lambda item: item[1])
    shown = ", ".join(f"{path} ({formatting.size(size)})" for path, size in biggest)
    if how == GIT_TRACKED:
        which = "a git repository: its tracked files and Snakemake's sources"
    else:
        which = "no git repository: every file not in .dominoignore"
    return (
        f"The workflow files to upload to Domino before the first job total "
        f"{formatting.size(sum(sizes.values()))}, over the limit of {formatting.size(limit)} "
        f"(--domino-max-sync-size); nothing was uploaded. They are the files below "
        f"{workdir} that the project lacks ({which}). Biggest: {shown}. Keep such files "
        f"out with lines in {DOMINOIGNORE} (e.g. `{biggest[0][0]}`), keep big data in a "
        "Domino dataset, or raise --domino-max-sync-size."
    )



def ensure_dominoignore(workdir: Path) -> bool:
    """Add Snakemake's bookkeeping to the project's .dominoignore; True if it changed."""
    path = workdir / DOMINOIGNORE
    original = path.read_text().splitlines() if path.exists() else []
    lines = [line for line in original if line not in LEGACY_IGNORES]
    missing = [entry for entry in REQUIRED_IGNORES if entry not in lines]
    if not missing and lines == original:
        return False
    header = [] if original else ["# Files Domino keeps out of job output commits."]
    path.write_text("\n".join([*lines, *header, *missing]) + "\n")
    return True
