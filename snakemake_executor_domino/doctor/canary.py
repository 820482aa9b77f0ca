"""The canary job: one tiny Domino job, end to end, the way the executor runs every job.

Upload a file, start a job at the commit holding it on the default tier, wait for it, list
its output commit, download what it wrote. On the way it learns what Domino's file `key` is
a hash of, and whether the compute environment runs Snakemake at our version (every job the
executor starts runs `python -m snakemake`). Everything it writes lives under one directory
of the project, named in its lines.
"""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path

from snakemake_executor_domino.doctor.checks import Context
from snakemake_executor_domino.doctor.report import FAIL, OK, SKIP, WARN, Report
from snakemake_executor_domino.domino import DominoError, Job
from snakemake_executor_domino.domino.keys import Digester, matching_scheme

CANARY_DIR = ".snakemake-domino/doctor"
POLL_SECONDS = 2.0


def run_canary(ctx: Context, report: Report, timeout: float, local_version: str) -> None:
    if not ctx.project_ok:
        report.add(SKIP, "canary", "no canary job: no usable project")
        return
    client = ctx.client
    token = secrets.token_hex(6)
    sent = f"snakemake-domino doctor canary {token}\n".encode()
    base = f"{CANARY_DIR}/{token}"
    try:
        commit = _upload(ctx, base, sent)
    except DominoError as exc:
        report.add(FAIL, "canary", f"upload of {base}.in failed: {exc}",
                   "check that your user may write to the project (Contributor or Owner)")
        return
    # shell built-ins and python only: what every compute environment has
    command = (
        f"cp {base}.in {base}.out && "
        f"(python -m snakemake --version > {base}.version 2>&1 || echo missing > {base}.version)"
    )
    try:
        job = client.start_job(command, title=f"snakemake-domino doctor {token}",
                               commit_id=commit, environment_id=ctx.environment_id)
    except DominoError as exc:
        report.add(FAIL, "canary", f"could not start the canary job: {exc}")
        return
    tier = ctx.default_tier.name if ctx.default_tier else "the project's default tier"
    report.add(OK, "canary", f"job #{job.number} started at commit {commit[:12]} on {tier}: "
               f"{client.job_url(job.id)}")
    job = _wait(ctx, report, job, timeout)
    if job is None:
        return
    if not job.succeeded:
        tail = _log_tail(ctx, job)
        report.add(FAIL, "canary", f"job #{job.number} ended {job.status}{tail}",
                   f"open {client.job_url(job.id)} for its full log")
        return
    report.add(OK, "canary", f"job #{job.number} Succeeded, output commit "
               f"{(job.output_commit_id or '?')[:12]}")
    _check_output(ctx, report, job, base, sent, local_version)


def _upload(ctx: Context, base: str, data: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "canary.in"
        path.write_bytes(data)
        ctx.client.upload_file(f"{base}.in", path)
    commit = ctx.client.head_commit_id()
    if commit is None:
        raise DominoError("the project has no commit after the upload")
    return commit


def _wait(ctx: Context, report: Report, job: Job, timeout: float) -> Job | None:
    deadline = time.monotonic() + timeout
    while not job.finished:
        if time.monotonic() > deadline:
            try:
                ctx.client.stop_job(job.id)
                stopped = "stopped it"
            except DominoError as exc:
                stopped = f"could not stop it ({exc})"
            report.add(FAIL, "canary", f"job #{job.number} still {job.status} after "
                       f"{timeout:g} s; {stopped}",
                       "a job that waits in Queued means no node of the tier is free: try "
                       "again later, or raise --canary-timeout")
            return None
        time.sleep(POLL_SECONDS)
        try:
            job = ctx.client.get_job(job.id)
        except DominoError as exc:
            report.add(FAIL, "canary", f"could not read job #{job.number}'s status: {exc}")
            return None
    return job


def _check_output(
    ctx: Context, report: Report, job: Job, base: str, sent: bytes, local_version: str
) -> None:
    client = ctx.client
    commit = job.output_commit_id
    if not commit:
        report.add(FAIL, "canary", f"job #{job.number} has no output commit")
        return
    directory = base.rsplit("/", 1)[0]
    try:
        entries = {e.path: e for e in client.list_files(commit, directory)}
    except DominoError as exc:
        report.add(FAIL, "canary", f"could not list the output commit: {exc}")
        return
    out = entries.get(f"{base}.out")
    if out is None:
        report.add(FAIL, "canary", f"the output commit holds no {base}.out")
        return
    with tempfile.TemporaryDirectory() as tmp:
        got_path = Path(tmp) / "canary.out"
        version_path = Path(tmp) / "canary.version"
        try:
            client.download_file(commit, out.path, got_path, expected_size=out.size)
            version_entry = entries.get(f"{base}.version")
            if version_entry is not None:
                client.download_file(commit, version_entry.path, version_path,
                                     expected_size=version_entry.size)
        except DominoError as exc:
            report.add(FAIL, "canary", f"download from the output commit failed: {exc}")
            return
        got = got_path.read_bytes()
        remote_version = version_path.read_text().strip() if version_path.exists() else ""
    if got != sent:
        report.add(FAIL, "canary", f"{base}.out came back with other bytes than were sent")
        return
    report.add(OK, "canary", f"{base}.out downloaded, {len(got)} bytes, identical")
    _report_hash_scheme(report, out.key, got)
    _report_snakemake(report, remote_version, local_version)


SCHEME_TEXT = {"sha1": "the SHA-1 of its content", "git-blob": "git's blob id of its content"}


def _report_hash_scheme(report: Report, key: str | None, content: bytes) -> None:
    digester = Digester(len(content))
    digester.update(content)
    scheme = matching_scheme(key, digester.hexdigests())
    if not key:
        report.add(WARN, "hash", "Domino lists no key for files: downloads are checked by "
                   "size only")
    elif scheme is not None:
        report.add(OK, "hash", f"a file's key is {SCHEME_TEXT[scheme]}: every download "
                   "is checked against it")
    else:
        report.add(WARN, "hash", f"a file's key ({key[:12]}...) is no hash of its content "
                   "the client knows: downloads are checked by size only, and inputs are "
                   "uploaded whenever the project's copy cannot be compared")


def _report_snakemake(report: Report, remote: str, local: str) -> None:
    if not remote or remote == "missing" or not remote[:1].isdigit():
        report.add(
            FAIL, "snakemake", "the compute environment has no Snakemake (python -m "
            "snakemake failed in the canary job)",
            f"add 'snakemake=={local}' and 'snakemake-executor-plugin-domino' to the "
            "project's requirements.txt (Domino installs it at job start), or use a compute "
            "environment whose image has them (--domino-environment-id)",
        )
    elif remote.split()[0] != local:
        report.add(
            FAIL, "snakemake", f"the compute environment runs Snakemake {remote.split()[0]}, "
            f"this machine {local}",
            f"pin 'snakemake=={local}' in the project's requirements.txt, or build a compute "
            "environment with it",
        )
    else:
        report.add(OK, "snakemake", f"the compute environment runs Snakemake {local}, as here")


def _log_tail(ctx: Context, job: Job) -> str:
    try:
        lines = ctx.client.job_log(job.id).strip().splitlines()[-5:]
    except DominoError:
        return ""
    return (": " + " | ".join(lines)) if lines else ""
