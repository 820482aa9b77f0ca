"""What a job must leave behind, and what Domino's file listing cannot say about it.

Domino's output commit holds regular files only: its listing has no notion of a symbolic
link, an empty directory or an executable bit (the local Domino leaves links out of the
commit, and a real Domino may store a link's content as a plain file). So the job command
ends with a small step that records, for every declared output, the links, empty
directories and executable files it left in a manifest inside the project
(`.snakemake/domino_outputs/<name>/manifest.json`, kept in output commits by
`.dominoignore`), and
the pull side rebuilds them from it. Every job that succeeds writes its manifest, so a
manifest in an output commit always belongs to that job.

The manifest also lists the regular files the job left, with their sizes and, up to
HASHED_MAX bytes, their SHA-1: where Domino serves a file by its path (5.10+), a job's
outputs come back with no directory listing at all (one request for the manifest, one per
file), checked against what the job recorded. Bigger files are listed as before, for
Domino's own key. Small files (up to INLINE_MAX each, INLINE_TOTAL in all) also ride in the
manifest itself, so a job of small outputs costs one download, not one per file.

Which outputs are demanded follows Snakemake's own rules: a `pipe()` or `service()` output
is never a file in a commit, a `temp()` output the job deleted as unneeded
(`--unneeded-temp-files`) is gone by design; these are pulled when present, never demanded.
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field

from snakemake_interface_executor_plugins.jobs import JobExecutorInterface
from snakemake_interface_executor_plugins.utils import encode_target_jobs_cli_args

from snakemake_executor_domino.exceptions import ManifestError

MANIFEST_DIR = ".snakemake/domino_outputs"
MANIFEST_NAME = "manifest.json"
# Flags of outputs Snakemake itself does not demand after a job (its wait_for_files skips
# pipes and services; node-local files stay on the node).
OPTIONAL_FLAGS = ("pipe", "service", "nodelocal")

HASHED_MAX = 16 * 2**20  # files up to this size get their SHA-1 recorded in the job
# files up to INLINE_MAX, in walk order until INLINE_TOTAL, get their content recorded too:
# a manifest stays a small download, and typical small outputs need no download of their own
INLINE_MAX = 64 * 2**10
INLINE_TOTAL = 256 * 2**10

# Runs in the job after Snakemake succeeded, in the project's working directory:
# argv = manifest path, then every declared path. One line without single quotes, so it
# survives any shell quoted as one word and shows readably in Domino's job page.
# (st_mode&73: 73 is 0o111, any executable bit.)
_RECORDER = ";".join(
    [
        "import base64,hashlib,itertools,json,os,sys",
        "m,*o=sys.argv[1:]",
        "w=lambda p:[p]+[os.path.join(r,x) for r,d,f in os.walk(p) for x in d+f]"
        " if os.path.isdir(p) and not os.path.islink(p) else [p]",
        "a=[q for p in o for q in w(p)]",
        "L={q:os.readlink(q) for q in a if os.path.islink(q)}",
        "D=[q for q in a if q not in L and os.path.isdir(q) and not os.listdir(q)]",
        "X=[q for q in a if q not in L and os.path.isfile(q) and os.stat(q).st_mode&73]",
        "s=os.path.getsize",
        f"h=lambda q:hashlib.sha1(open(q,\"rb\").read()).hexdigest() if s(q)<={HASHED_MAX}"
        " else None",
        "F={q:[s(q),h(q)] for q in a if q not in L and os.path.isfile(q)}",
        f"c=[q for q in F if F[q][0]<={INLINE_MAX}]",
        "I={q:base64.b64encode(open(q,\"rb\").read()).decode() for q,n in"
        f" zip(c,itertools.accumulate(F[q][0] for q in c)) if n<={INLINE_TOTAL}}}",
        "z=dict(root=os.getcwd(),links=L,dirs=D,executables=X,files=F,inline=I)",
        "os.makedirs(os.path.dirname(m),exist_ok=True)",
        'open(m,"w").write(json.dumps(z))',
    ]
)


@dataclass(frozen=True)
class OutputPlan:
    """A job's declared files, by how strictly the output commit must hold them."""

    required: list[str]
    optional: list[str]
    logs: list[str]
    manifest: str

    @property
    def recorded(self) -> list[str]:
        """Every path whose links, empty directories and modes the job records."""
        return list(dict.fromkeys([*self.required, *self.optional, *self.logs]))


def members(job: JobExecutorInterface) -> list:
    """A job itself, or a group job's members in dependency order (as Snakemake runs
    them), so that files pulled in this order get the mtimes Snakemake expects."""
    return list(job) if job.is_group() else [job]


def _flagged(path: object, flags: Iterable[str]) -> bool:
    own = getattr(path, "flags", None) or {}
    return any(own.get(flag) for flag in flags)


def plan_outputs(job: JobExecutorInterface, unneeded_temp: Iterable[str] = ()) -> OutputPlan:
    """Sort a job's (or every group member's) outputs, benchmarks and logs.

    `unneeded_temp` is what the job command passes as `--unneeded-temp-files`: Snakemake
    inside the job deletes those when done with them.
    """
    unneeded = {str(p) for p in unneeded_temp}
    required: list[str] = []
    optional: list[str] = []
    logs: list[str] = []
    for member in members(job):
        for out in member.output:
            if _flagged(out, OPTIONAL_FLAGS) or str(out) in unneeded:
                optional.append(str(out))
            else:
                required.append(str(out))
        benchmark = getattr(member, "benchmark", None)
        if benchmark:
            required.append(str(benchmark))
        logs.extend(str(f) for f in member.log)
    unique = dict.fromkeys
    return OutputPlan(
        required=list(unique(required)),
        optional=[p for p in unique(optional) if p not in required],
        logs=list(unique(logs)),
        manifest=manifest_path(job),
    )


def manifest_path(job: JobExecutorInterface) -> str:
    """The same for every run of the same job, so a reattached job's manifest is found;
    alone in its directory, so where a file's key comes from its directory's listing
    (before 5.10) that listing holds one file, not every manifest the project ever kept."""
    spec = " ".join(encode_target_jobs_cli_args(job.get_target_spec()))
    name = hashlib.sha1(spec.encode()).hexdigest()[:20]
    return f"{MANIFEST_DIR}/{name}/{MANIFEST_NAME}"


def legacy_manifest_path(path: str) -> str:
    """Where a job started by an earlier version of the executor left its manifest."""
    return posixpath.dirname(path) + ".json"


def recorder_command(python: str, plan: OutputPlan, paths: Iterable[str]) -> str:
    """The command the job runs after Snakemake to record what listings cannot show."""
    words = [python, "-c", _RECORDER, plan.manifest, *paths]
    return " ".join(shlex.quote(word) for word in words)


@dataclass
class Manifest:
    """What a job left besides regular files, paths relative to the working directory."""

    links: dict[str, str] = field(default_factory=dict)  # link -> relative target
    dirs: list[str] = field(default_factory=list)  # empty directories
    executables: list[str] = field(default_factory=list)
    outside: dict[str, str] = field(default_factory=dict)  # link -> target outside
    # regular file -> (size, SHA-1 or None above HASHED_MAX); None: a manifest written
    # before files were recorded (a job an earlier version started): list instead
    files: dict[str, tuple[int, str | None]] | None = None
    # regular file -> its content, for small files (checked against `files` when used)
    inline: dict[str, bytes] = field(default_factory=dict)

    def link_under(self, path: str) -> str | None:
        """The recorded link that is `path` or one of its ancestors, if any."""
        for link in [*self.links, *self.outside]:
            if path == link or path.startswith(link + "/"):
                return link
        return None

    def under(self, directory: str) -> Manifest:
        """The part of the manifest inside `directory` (itself included)."""

        def inside(p: str) -> bool:
            return p == directory or p.startswith(directory + "/")

        return Manifest(
            links={k: v for k, v in self.links.items() if inside(k)},
            dirs=[d for d in self.dirs if inside(d)],
            executables=[x for x in self.executables if inside(x)],
            outside={k: v for k, v in self.outside.items() if inside(k)},
            files=None if self.files is None else {
                k: v for k, v in self.files.items() if inside(k)},
        )


def outside_links_error(outside: dict[str, str]) -> str:
    listed = ", ".join(f"{link} -> {target}" for link, target in outside.items())
    return (
        f"symbolic link(s) pointing outside the job's working directory: {listed}. Their "
        "targets do not exist where outputs are brought back. Make the rule copy the file "
        "instead (cp, not ln -s), or link to a file inside the working directory with a "
        "relative path (ln -sr)."
    )


def parse_manifest(text: str) -> Manifest:
    """Read a job's manifest; links become targets relative to the link's directory.

    Links pointing outside the job's working directory are set apart: their targets do
    not exist where the outputs are brought back.
    """
    try:
        data = json.loads(text)
        root = str(data["root"])
        raw_links = dict(data.get("links") or {})
        dirs = [_clean(d) for d in data.get("dirs") or []]
        executables = [_clean(x) for x in data.get("executables") or []]
        files = _files(data["files"]) if "files" in data else None
        inline = {_clean(path): base64.b64decode(text, validate=True)
                  for path, text in dict(data.get("inline") or {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(f"the job's output manifest is unreadable ({exc})") from None
    links: dict[str, str] = {}
    outside: dict[str, str] = {}
    for link, target in raw_links.items():
        path = _clean(link)
        relative = link_target(path, str(target), root)
        if relative is None:
            outside[path] = str(target)
        else:
            links[path] = relative
    return Manifest(links=links, dirs=dirs, executables=executables, outside=outside,
                    files=files, inline=inline)


def _files(raw: object) -> dict[str, tuple[int, str | None]]:
    found: dict[str, tuple[int, str | None]] = {}
    for path, (size, sha1) in dict(raw).items():  # type: ignore[call-overload]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ValueError(f"{path} has size {size!r}")
        if sha1 is not None and not (isinstance(sha1, str) and len(sha1) == 40):
            raise ValueError(f"{path} has SHA-1 {sha1!r}")
        found[_clean(path)] = (size, sha1)
    return found


def link_target(link: str, target: str, root: str) -> str | None:
    """The target of `link` (a working-directory path) relative to the link's directory,
    or None when it points outside the working directory `root` (as the job saw it)."""
    base = posixpath.dirname(link)
    if posixpath.isabs(target):
        inside = posixpath.relpath(posixpath.normpath(target), posixpath.normpath(root))
    else:
        inside = posixpath.normpath(posixpath.join(base, target))
    if inside == ".." or inside.startswith("../") or posixpath.isabs(inside):
        return None
    if not posixpath.isabs(target):
        return target  # kept as the job wrote it
    return posixpath.relpath(inside, base or ".")


def _clean(path: object) -> str:
    text = posixpath.normpath(str(path))
    if text.startswith("./"):
        text = text[2:]
    if text == ".." or text.startswith("../") or posixpath.isabs(text):
        raise ManifestError(f"the job's output manifest names {path}, outside the project")
    return text


def local_mode(executable: bool) -> int:
    """The mode a new file gets here (as if the rule had written it here)."""
    return (0o777 if executable else 0o666) & ~_umask()


def _umask() -> int:
    # os.umask can only be read by setting it, which races with other threads creating
    # files; Linux shows it in /proc.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022
