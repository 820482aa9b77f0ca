"""The checks `snakemake-domino doctor` runs against a Domino, in order, through the client.

Each check adds one finding to the report. A check that cannot go on without an earlier
one (no project without credentials) is skipped with a line saying why, so the first
failure is the one to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from snakemake_executor_domino.doctor.report import FAIL, OK, SKIP, WARN, Report
from snakemake_executor_domino.domino import (
    DominoAuthError,
    DominoClient,
    DominoError,
    DominoNotFound,
    HardwareTier,
    versions,
)
from snakemake_executor_domino.domino.apispec import check_description
from snakemake_executor_domino.domino.errors import DominoReloginRequired
from snakemake_executor_domino.formatting import tier_label


@dataclass
class Context:
    """What earlier checks learned and later ones need."""

    client: DominoClient
    environment_id: str | None = None
    reachable: bool = False
    authenticated: bool = False
    project_ok: bool = False
    default_tier: HardwareTier | None = None


def run_checks(ctx: Context, report: Report) -> None:
    check_domino(ctx, report)
    check_credentials(ctx, report)
    check_project(ctx, report)
    check_tiers(ctx, report)
    check_environment(ctx, report)
    check_api_description(ctx, report)


def check_domino(ctx: Context, report: Report) -> None:
    client = ctx.client
    try:
        version = client.version()
    except DominoAuthError:
        # some deployments guard even /version: it is Domino, the key is the problem
        ctx.reachable = True
        report.add(OK, "domino", f"{client.host} answers as Domino (version not disclosed)")
        return
    except DominoError as exc:
        report.add(
            FAIL,
            "domino",
            f"{client.host} does not answer as Domino: {exc}",
            "set --url / $SNAKEMAKE_DOMINO_URL / $DOMINO_API_HOST to your Domino's base URL, "
            "e.g. https://domino.example.com",
        )
        return
    ctx.reachable = True
    report.add(OK, "domino", f"{client.host} answers as Domino {version}")
    report.add(OK, "version", version_text(version))


def version_text(version: str) -> str:
    """What the client does on this version, from its table of what each version has."""
    if versions.parse_version(version) is None:
        return f"version '{version}' unreadable: the client assumes a current Domino"
    lacking = [f"before {'.'.join(map(str, f.since))}, {f.before}"
               for f, has in versions.table(version) if not has and f.name != "bearer_preferred"]
    if not lacking:
        return "has every route and field the client uses (docs/client.md, by version)"
    return "; ".join(lacking)


def check_credentials(ctx: Context, report: Report) -> None:
    client = ctx.client
    kind = client.credentials.describe()
    if not ctx.reachable:
        report.add(SKIP, "credentials", f"not checked ({kind}): Domino did not answer")
        return
    try:
        user = client.current_user()
    except DominoReloginRequired:
        report.add(
            FAIL, "credentials", f"Domino asks for {kind} to be renewed (409)",
            "log in to Domino again and create a fresh API key, or restart the run so "
            "Domino issues a new token",
        )
        return
    except DominoAuthError:
        report.add(
            FAIL,
            "credentials",
            f"Domino refused {kind}",
            "create a new API key in Domino (Account settings -> API key) and set "
            "$SNAKEMAKE_DOMINO_API_KEY or $DOMINO_USER_API_KEY; inside a Domino run, check "
            "$DOMINO_TOKEN_FILE / $DOMINO_API_PROXY",
        )
        return
    except DominoError as exc:
        report.add(FAIL, "credentials", f"could not ask Domino who we are: {exc}")
        return
    ctx.authenticated = True
    version = client.domino_version() if ctx.reachable else None
    if client.credentials.is_api_key and versions.has(version, "bearer_preferred") and (
        versions.parse_version(version) is not None
    ):
        report.add(
            WARN, "credentials",
            f"{kind} accepted: user {user.username} (id {user.id}); Domino {version} "
            "deprecates API keys (X-Domino-Api-Key)",
            "create a personal access token or use a service account's token and set "
            "$SNAKEMAKE_DOMINO_TOKEN (or --domino-token) instead of the API key",
        )
        return
    report.add(OK, "credentials", f"{kind} accepted: user {user.username} (id {user.id})")


def check_project(ctx: Context, report: Report) -> None:
    client = ctx.client
    spec = f"{client.owner}/{client.project_name}"
    if not ctx.authenticated:
        report.add(SKIP, "project", f"{spec} not checked: no accepted credentials")
        return
    try:
        project = client.project
    except DominoNotFound:
        report.add(
            FAIL,
            "project",
            f"{spec} does not exist at {client.host}, or this user cannot see it",
            "pass --project OWNER/NAME (or $SNAKEMAKE_DOMINO_PROJECT) naming a project you "
            "can open in Domino's UI",
        )
        return
    except DominoError as exc:
        report.add(FAIL, "project", f"{spec}: {exc}")
        return
    if project.main_repository_uri:
        report.add(
            FAIL,
            "project",
            f"{spec} (id {project.id}) is git-based (code from {project.main_repository_uri}, "
            "checked out at /mnt/code): the plugin pushes a job's inputs and sources into the "
            "project's own files and runs Snakemake in the working directory, which it "
            "supports only for Domino File System projects",
            "use a Domino File System project for the workflow (create one in Domino's UI "
            "without a git repository), or run Snakemake's local executor inside a workspace",
        )
        return
    ctx.project_ok = True
    report.add(OK, "project", f"{spec} (id {project.id}): Domino File System, files at /mnt")


def check_tiers(ctx: Context, report: Report) -> None:
    if not ctx.project_ok:
        report.add(SKIP, "tiers", "not checked: no usable project")
        return
    try:
        tiers = ctx.client.hardware_tiers()
    except DominoError as exc:
        report.add(FAIL, "tiers", f"could not list the project's hardware tiers: {exc}")
        return
    if not tiers:
        report.add(
            FAIL, "tiers", "the project offers no hardware tier",
            "ask your Domino admin to make a hardware tier available to the project",
        )
        return
    names = ", ".join(tier_label(t) for t in tiers)
    default = next((t for t in tiers if t.is_default), None)
    ctx.default_tier = default
    if default is None:
        report.add(
            WARN, "tiers", f"{len(tiers)} tier(s): {names}; none is marked default",
            "rules without resources: tier=... need --domino-default-tier",
        )
        return
    report.add(OK, "tiers", f"{len(tiers)} tier(s): {names}; default {default.name}")


def check_environment(ctx: Context, report: Report) -> None:
    if not ctx.project_ok:
        report.add(SKIP, "environment", "not checked: no usable project")
        return
    try:
        environments = [e for e in ctx.client.environments() if not e.archived]
    except DominoError as exc:
        report.add(WARN, "environment", f"could not list the project's compute environments: "
                   f"{exc}")
        return
    wanted = ctx.environment_id
    if wanted:
        env = next((e for e in environments if wanted in (e.id, e.name)), None)
        which = f"environment {wanted} (--environment-id)"
    else:
        env = next((e for e in environments if e.is_default), None)
        which = "the project's environment"
    if env is None:
        valid = ", ".join(f"{e.name} (id {e.id})" for e in environments) or "none"
        report.add(
            FAIL if wanted else WARN, "environment",
            f"{which} is not among the project's environments: {valid}",
            "pass the id or name of one of them as --domino-environment-id",
        )
        return
    if wanted:
        ctx.environment_id = env.id  # the canary job starts in it, by id
    revision = f", revision {env.revision}" if env.revision is not None else ""
    report.add(OK, "environment", f"{which}: {env.name} (id {env.id}{revision})")


def check_api_description(ctx: Context, report: Report) -> None:
    if not ctx.reachable:
        report.add(SKIP, "api", "not checked: Domino did not answer")
        return
    try:
        served = ctx.client.api_descriptions()
    except DominoError as exc:
        report.add(WARN, "api", f"could not read the deployment's API description: {exc}")
        return
    if not served:
        report.add(
            SKIP, "api", "the deployment serves no API description (/assets/swagger.json, "
            "/assets/public-api.json); the canary job below checks the answers themselves",
        )
        return
    for source, family, doc in served:
        _judge_description(report, source, family, doc)


def _judge_description(report: Report, source: str, family: str, doc: dict) -> None:
    """One line per description, each held against the routes it describes only."""
    findings = check_description(doc, family)
    described = [f for f in findings if f.described]
    missing = [f"{f.route}: {', '.join(f.missing)}" for f in described if f.missing]
    routes = "v4 routes" if family == "v4" else "public /api routes"
    if missing:
        report.add(
            FAIL, "api", f"{source} lacks fields the plugin reads: " + "; ".join(missing),
            "report this Domino version to the plugin's maintainers (run doctor --verbose "
            "for the full answers)",
        )
    elif not described:
        report.add(SKIP, "api", f"{source} describes none of the {routes} the plugin uses")
    else:
        report.add(
            OK, "api", f"{source} describes every field the plugin reads on "
            f"{len(described)} of its {len(findings)} {routes}",
        )
