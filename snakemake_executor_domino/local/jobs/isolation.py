"""Whether jobs run isolated, and how: the setting, a start-up probe, and each job's view.

Modes: `auto` (the default) isolates jobs with bubblewrap, else with unshare, else runs them
unisolated and says so once; `namespace` insists on one of the two; `bwrap` and `unshare`
insist on that tool; `none` turns isolation off. The probe builds a real job view, so a
tool that is installed but cannot work here (no user namespaces, a restrictive container)
counts as unavailable, with its own error as the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from snakemake_executor_domino.local.jobs.env_mounts import environment_paths, is_system, outermost
from snakemake_executor_domino.local.jobs.sandbox import (
    HOME_DIR,
    JOB_DIR,
    TOKEN_FILE,
    Mount,
    bwrap_argv,
    job_mounts,
    unshare_argv,
)

ENV_VAR = "SNAKEMAKE_DOMINO_LOCAL_ISOLATION"
MODES = ("auto", "namespace", "bwrap", "unshare", "none")
# the programs run; tests point them at missing names to take the fallback path
TOOLS = {"bwrap": "bwrap", "unshare": "unshare"}
TOOL_NAMES = {"bwrap": "bubblewrap", "unshare": "unshare"}
INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install "
    "bubblewrap)"
)
# a shared empty directory beside the job directories: unshare mounts each job's root here
NEWROOT_NAME = ".sandbox-root"
PROBE_TIMEOUT_SECONDS = 20


class IsolationUnavailable(RuntimeError):
    """The mode asks for isolation that cannot be had here; the message says why and what to do."""


def resolve_mode(value: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The mode from the setting, else from the environment variable, else `auto`."""
    source = "--job-isolation"
    if value is None:
        value = (os.environ if environ is None else environ).get(ENV_VAR) or "auto"
        source = f"${ENV_VAR}"
    mode = value.strip().lower()
    if mode not in MODES:
        raise ValueError(f"{source}: {value!r} is not a job isolation mode; use one of "
                         f"{', '.join(MODES)}")
    return mode


@dataclass(frozen=True)
class JobView:
    """Where one job finds its files and token, and the command line that runs it."""

    job_dir: str
    token_file: str
    home: str | None = None  # None: not isolated, the job keeps the server's HOME
    backend: str | None = None
    mounts: tuple[Mount, ...] = ()
    newroot: Path | None = None

    @property
    def isolated(self) -> bool:
        return self.backend is not None

    def command(self, argv: Sequence[str]) -> list[str]:
        if self.backend == "bwrap":
            return bwrap_argv(self.mounts, argv, TOOLS["bwrap"])
        if self.backend == "unshare":
            assert self.newroot is not None
            return unshare_argv(self.mounts, argv, self.newroot, TOOLS["unshare"])
        return list(argv)


@dataclass(frozen=True)
class Isolation:
    backend: str | None  # "bwrap", "unshare", or None: jobs run unisolated
    mode: str
    summary: str  # one line for the log: what jobs get, or why not and how to get it
    environment: tuple[Path, ...] = ()

    @property
    def isolated(self) -> bool:
        return self.backend is not None

    def view(
        self, workspace: Path, token_file: Path, extra: Sequence[Path] = (),
        datasets: Sequence[Mount] = (),
    ) -> JobView:
        """`extra`: host paths of the job's compute environment beyond the server's own;
        `datasets`: the project's dataset mounts."""
        if self.backend is None:
            return JobView(str(workspace), str(token_file))
        newroot = workspace.parent / NEWROOT_NAME
        if self.backend == "unshare":
            newroot.mkdir(exist_ok=True)
        extra = [p for p in extra if p.exists() and not is_system(p)]
        environment = outermost([*self.environment, *extra])
        mounts = tuple(job_mounts(workspace, token_file, environment, datasets))
        return JobView(JOB_DIR, TOKEN_FILE, HOME_DIR, self.backend, mounts, newroot)


def choose(mode: str, environ: Mapping[str, str] | None = None) -> Isolation:
    """Probe the backends the mode allows; the first that works isolates the jobs."""
    if mode == "none":
        return Isolation(None, mode, "jobs run without isolation (job isolation is off)")
    environment = tuple(environment_paths(environ))
    failures = []
    for backend in ("bwrap", "unshare") if mode in ("auto", "namespace") else (mode,):
        problem = probe(backend, environment)
        if problem is None:
            return Isolation(
                backend, mode,
                f"each job runs in its own mount namespace ({TOOL_NAMES[backend]}), its "
                f"files at {JOB_DIR}, seeing only them and the compute environment",
                environment,
            )
        failures.append(f"{TOOL_NAMES[backend]}: {problem}")
    why = "; ".join(failures)
    if mode != "auto":
        raise IsolationUnavailable(
            f"job isolation '{mode}' is not available here ({why}). To get it, "
            f"{INSTALL_HINT}; or run jobs unisolated with --job-isolation none "
            f"(or {ENV_VAR}=none)."
        )
    return Isolation(
        None, mode,
        f"jobs run WITHOUT isolation: they see this machine's files, where a Domino job "
        f"sees only its project's ({why}). To isolate them, {INSTALL_HINT}; set "
        f"{ENV_VAR}=none to run unisolated without this warning.",
    )


def probe(backend: str, environment: Sequence[Path]) -> str | None:
    """None if a job view can be built with this backend, else why not."""
    tool = TOOLS[backend]
    if shutil.which(tool) is None:
        return f"`{tool}` not found on PATH"
    with tempfile.TemporaryDirectory(prefix="domino-isolation-probe-") as tmp:
        workspace, token = Path(tmp, "job"), Path(tmp, "token")
        workspace.mkdir()
        token.write_text("probe")
        view = Isolation(backend, backend, "", tuple(environment)).view(workspace, token)
        check = f"test -r {TOKEN_FILE} && test -d /proc/self && echo ok > {JOB_DIR}/probe"
        try:
            done = subprocess.run(
                view.command(["bash", "-c", check]),
                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                timeout=PROBE_TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return str(exc)
        if done.returncode == 0 and (workspace / "probe").is_file():
            return None
        lines = (done.stderr or done.stdout).strip().splitlines()
        return lines[-1] if lines else f"the test job exited with status {done.returncode}"
