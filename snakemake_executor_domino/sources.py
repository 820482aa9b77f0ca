"""The workflow's own files (Snakefile, scripts, config) that every job needs."""

from __future__ import annotations

from pathlib import Path

DOMINOIGNORE = ".dominoignore"
# Snakemake's bookkeeping inside a job (locks, incomplete markers, conda envs, scripts) must
# never land in the project's output commit. Its metadata records may: they are what lets a
# scheduled run, which starts from the project's files, notice changed params or code.
REQUIRED_IGNORES = (".snakemake/*", "!.snakemake/metadata/")
# What earlier versions wrote; it hides the metadata too, so it is replaced.
LEGACY_IGNORES = (".snakemake/",)


def workflow_sources(workflow, workdir: Path) -> list[str]:
    """Snakemake's own list of sources plus the config files, relative to workdir."""
    sources: set[str] = set()
    for path in workflow.dag.get_sources():
        # Snakemake lists every file beside a script, byte-code caches included.
        if not str(path).startswith("..") and not _is_cache(Path(path)):
            sources.add(str(path))
    for path in getattr(workflow, "configfiles", None) or []:
        candidate = Path(path)
        if candidate.is_absolute():
            try:
                candidate = candidate.relative_to(workdir)
            except ValueError:
                continue
        sources.add(str(candidate))
    profile = workdir / "workflow" / "profiles"
    if profile.is_dir():
        sources.add(str(profile.relative_to(workdir)))
    return sorted(s for s in sources if (workdir / s).exists())


def _is_cache(path: Path) -> bool:
    return "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo")


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
