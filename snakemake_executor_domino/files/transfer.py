"""Moving files between the local working directory and the Domino project.

Push: upload the local files the project's head lacks or holds with other content
(compared with the key Domino lists for every file; see domino/keys.py), so a rerun with
unchanged inputs uploads nothing. Pull: stream each declared output of a finished job from
its output commit to a temp file beside the target, verify size and hash, rename
atomically; then restore what Domino's listing cannot show (links, empty directories,
executable bits) from the job's manifest (outputs.py). Pulled files get the mode a file
written here would get.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from snakemake_executor_domino.domino import DominoClient, DominoNotFound, FileEntry
from snakemake_executor_domino.domino.ignore_rules import IgnoreRules, read_rules
from snakemake_executor_domino.exceptions import TransferError
from snakemake_executor_domino.files.commit_index import CommitIndex, CommitIndexes, Known
from snakemake_executor_domino.files.hashing import FileHasher
from snakemake_executor_domino.files.outputs import (
    Manifest,
    ManifestError,
    local_mode,
    outside_links_error,
    parse_manifest,
)
from snakemake_executor_domino.files.pack_bundle import write_bundled
from snakemake_executor_domino.files.shared import SharedPaths

log = logging.getLogger(__name__)


class UploadTooBig(TransferError):
    """The files a push would upload exceed its `max_total`; nothing was uploaded."""

    def __init__(self, sizes: dict[str, int], limit: int):
        self.sizes = sizes  # project path -> bytes, of every file that would be uploaded
        self.limit = limit
        super().__init__(
            f"{len(sizes)} file(s) to upload total {sum(sizes.values())} bytes, over the "
            f"limit of {limit} bytes."
        )


class OutsideLinkError(TransferError):
    """A job's output is a link to a place outside its working directory: only a changed
    rule, run again, can bring it back."""


def project_path(path: str | os.PathLike[str], workdir: Path) -> str:
    """The project-relative POSIX path of a local path, refusing anything outside workdir.

    The path is normalised as written, not resolved: a symbolic link names its own place
    in the project, not its target's.
    """
    raw = os.fspath(path)
    base = Path(os.path.abspath(workdir))
    lexical = Path(os.path.normpath(base / raw))
    relative = _relative_to(lexical, base)
    if relative is None:  # an absolute path may reach workdir through a linked directory
        relative = _relative_to(lexical.parent.resolve() / lexical.name, base.resolve())
    if relative is None:
        raise TransferError(
            f"{raw} is outside the working directory {workdir}; the Domino executor can only "
            "move files below it. Use a path inside the working directory."
        )
    posix = PurePosixPath(relative.as_posix())
    if str(posix) in ("", "."):
        raise TransferError(f"{raw} is the working directory itself, not a file in it.")
    return str(posix)


def _relative_to(path: Path, base: Path) -> Path | None:
    try:
        return path.relative_to(base)
    except ValueError:
        return None


@dataclass
class PushResult:
    commit_id: str | None
    uploaded: list[str]
    bytes_uploaded: int


class Transfer:
    def __init__(
        self,
        client: DominoClient,
        workdir: Path,
        *,
        max_file_size: int,
        hasher: FileHasher,
        shared: SharedPaths | None = None,
    ):
        self.client = client
        self.workdir = workdir
        self.max_file_size = max_file_size
        self.hasher = hasher
        # dataset mounts and shared volumes: jobs read and write them in place
        self.shared = shared or SharedPaths()
        # Uploads each make a commit; serialising them keeps "head after my uploads"
        # meaningful when jobs are submitted from several threads.
        self._push_lock = threading.Lock()
        self.indexes = CommitIndexes(client)
        self.known = Known()

    def local_files(self, paths: Iterable[str | os.PathLike[str]]) -> list[str]:
        """Project paths of the given files, directories expanded to the files below them;
        files on shared paths (jobs see them in place) are left out."""
        found: set[str] = set()
        for raw in paths:
            if self.shared.holds(raw):
                continue
            local = self.workdir / os.fspath(raw)
            if local.is_dir():
                for child in sorted(local.rglob("*")):
                    if child.is_file():
                        found.add(project_path(child, self.workdir))
            elif local.is_file():
                found.add(project_path(raw, self.workdir))
            else:
                raise TransferError(
                    f"{raw} does not exist locally, so it cannot be pushed to Domino."
                )
        return sorted(found)

    def check_path(self, path: str | os.PathLike[str]) -> None:
        """Refuse, before any job starts, a path the executor could not move."""
        if self.shared.holds(path):
            return
        if self.shared.unseen_dataset_path(path):
            raise TransferError(
                f"{path} is where Domino mounts a dataset in its executions, but no dataset "
                "is mounted here. Run the workflow inside Domino, where it is: "
                "`snakemake-domino submit -- snakemake --executor domino ...` (docs/"
                "datasets.md), or give the volume's mount here with --domino-shared-path."
            )
        project_path(path, self.workdir)
        local = self.workdir / os.fspath(path)
        if local.is_file():
            self._check_size(project_path(path, self.workdir), local.stat().st_size, "")

    def _check_size(self, path: str, size: int, where: str) -> None:
        if size > self.max_file_size:
            raise TransferError(
                f"{path} is {size} bytes{where}, over the limit of {self.max_file_size} bytes "
                "(--domino-max-file-size); raise the limit or keep the file in a Domino "
                "dataset."
            )

    def hashes(self, files: Iterable[str]) -> dict[str, str]:
        """SHA-1 of each project path's local file."""
        return {path: self.hasher.sha1(self.workdir / path) for path in files}

    def identity(self, files: Iterable[str], inputs: Iterable[str | os.PathLike[str]]
                 ) -> dict[str, str]:
        """What identifies a job's inputs (its journal key): the SHA-1 of each pushed
        project file in `files` (local_files of `inputs`), and the size and mtime of each
        input read in place, without reading gigabytes to hash them."""
        found = self.hashes(files)
        for raw in inputs:
            if self.shared.holds(raw) and os.path.isfile(raw):
                stat = os.stat(raw)
                found[os.fspath(raw)] = f"{stat.st_size}:{stat.st_mtime_ns}"
        return found

    def push(
        self, paths: Iterable[str | os.PathLike[str]], *, max_total: int | None = None
    ) -> PushResult:
        """Upload what the head lacks; return the commit that holds every given file.

        With `max_total`, UploadTooBig (and no upload at all) if what the head lacks
        totals more bytes than that."""
        files = self.local_files(paths)
        if not files:
            # nothing to compare: the job starts at the newest commit (commitId None), which
            # spares a commit listing whose size grows with the project's history
            return PushResult(commit_id=None, uploaded=[], bytes_uploaded=0)
        holding = self.known.commit_holding(files, self.workdir)
        if holding is not None:  # e.g. a job's one input, pulled back from its output commit
            return PushResult(commit_id=holding, uploaded=[], bytes_uploaded=0)
        with self._push_lock:
            head = self.client.head_commit_id()
            index = self.indexes.get(head) if head else None
            pending: dict[str, int] = {}
            for path in files:
                local = self.workdir / path
                size = local.stat().st_size
                self._check_size(path, size, "")
                remote = index.entry(path) if index else None
                if not self.client.same_content(remote, self.hasher.digests(local)):
                    pending[path] = size
            if max_total is not None and sum(pending.values()) > max_total:
                raise UploadTooBig(pending, max_total)
            for path in pending:
                self.client.upload_file(path, self.workdir / path)
            uploaded, total = list(pending), sum(pending.values())
            # an upload's answer names no commit: the head after them holds them all
            commit_id = self.client.head_after(head) if uploaded else head
            for path in files:
                self.known.note(path, self.workdir / path, commit_id)
            return PushResult(commit_id=commit_id, uploaded=uploaded, bytes_uploaded=total)

    def pull(
        self,
        commit_id: str,
        paths: Iterable[str],
        *,
        optional: Iterable[str] = (),
        manifest: Manifest | None = None,
    ) -> tuple[list[str], list[str]]:
        """Bring the given files or directories back from a commit, as the job left them.

        `optional` paths are pulled when the commit holds them and never reported missing.
        `manifest` (the job's, see outputs.py) restores links, empty directories and
        executable bits, which Domino's listing cannot show.
        Returns (pulled project paths, requested paths the commit does not hold).
        """
        found = _Found()
        missing: list[str] = []
        index = self.indexes.get(commit_id)
        manifest = manifest or Manifest()
        demanded = [(raw, True) for raw in paths] + [(raw, False) for raw in optional]
        # the job wrote these in place: seen here through the same mount, never pulled
        missing += [raw for raw, required in demanded
                    if required and self.shared.holds(raw) and not os.path.lexists(raw)]
        demanded = [(raw, required) for raw, required in demanded if not self.shared.holds(raw)]
        for raw, required in demanded:
            part = manifest.under(project_path(raw, self.workdir))
            if part.outside and required:
                found.outside.update(part.outside)
            elif part.outside:
                continue  # e.g. a service's socket linked to a device: not demanded
            elif not self._collect(index, project_path(raw, self.workdir), manifest, found,
                                   required):
                if required:
                    missing.append(raw)
        if found.outside:
            raise OutsideLinkError(outside_links_error(found.outside))
        # every file is checked before the first one is written: an oversized output
        # must not leave its siblings half pulled back
        for item in found.files.values():
            self._check_size(item.path, item.size, " on Domino")
            if (self.workdir / item.path).is_dir():
                raise TransferError(f"{item.path} is a directory locally but a file on Domino.")
        executables = set(manifest.executables)
        # what Domino keeps out of output commits: the rules pushed with the workflow
        kept = read_rules(self.workdir)
        for item in list(found.files.values()):
            try:
                recorded = (manifest.files or {}).get(item.path)
                self._pull_one(commit_id, item, found.sha1.get(item.path),
                               recorded[1] if recorded else None,
                               manifest.inline.get(item.path), kept)
            except DominoNotFound:
                if item.path not in found.sha1:
                    raise  # listed, yet not served: not a missing output
                # recorded by the job, yet not in its commit (e.g. a .dominoignore rule)
                del found.files[item.path]
                if item.path not in found.optional:
                    missing.append(item.path)
                continue
            local = self.workdir / item.path
            os.chmod(local, local_mode(item.path in executables))
            self.known.note(item.path, local, commit_id)
        for directory in found.dirs:
            (self.workdir / directory).mkdir(parents=True, exist_ok=True)
        for link, target in found.links.items():
            self._make_link(link, target)
        return [*found.files, *found.dirs, *found.links], missing

    def _collect(
        self, index: CommitIndex, path: str, manifest: Manifest, found: _Found,
        required: bool = True,
    ) -> bool:
        """Add what `path` stands for to `found`; False if the job left nothing there."""
        link = manifest.link_under(path)
        if link is not None:
            found.links[link] = manifest.links[link]
            return True
        recorded = manifest.under(path)
        if recorded.files is not None and all(
            sha1 for _, sha1 in recorded.files.values()
        ) and (self.client.reads_by_path() or manifest.inline.keys() >= recorded.files.keys()):
            # the job recorded every file here, with its SHA-1: fetched by path or carried
            # in the manifest, no listing
            if not recorded.files and path not in recorded.dirs:
                return False
            for item, (size, sha1) in recorded.files.items():
                found.files[item] = FileEntry(item, size, None, None, False)
                found.sha1[item] = sha1
                if not required:
                    found.optional.add(item)
            found.links.update(recorded.links)
            found.dirs.extend(recorded.dirs)
            return True
        entry = index.entry(path)
        if entry is not None and not entry.is_directory:
            found.files[entry.path] = entry
            return True
        # a directory: listed as one, or not at all where listings hold files only
        below = list(index.walk(path))
        if entry is None and not below:
            if path not in recorded.dirs:
                return False
            found.dirs.append(path)  # an empty directory output
            return True
        for item in below:
            # a Domino that follows links lists their content: the link is the output
            if manifest.link_under(item.path) is None:
                found.files[item.path] = item
        found.links.update(recorded.links)
        found.dirs.extend(recorded.dirs)
        return True

    def read_manifest(self, commit_id: str, path: str) -> Manifest | None:
        """The job's output manifest in its output commit, or None if it wrote none."""
        text = self.indexes.small_text(commit_id, path)
        if text is None:
            return None
        try:
            return parse_manifest(text)
        except ManifestError as exc:
            raise TransferError(str(exc)) from None

    def _make_link(self, link: str, target: str) -> None:
        local = self.workdir / link
        if local.is_dir() and not local.is_symlink():
            raise TransferError(
                f"{link} is a directory locally but a symbolic link on Domino; remove it "
                "and run again."
            )
        local.parent.mkdir(parents=True, exist_ok=True)
        temp = local.with_name(f".{local.name}.link.part")
        temp.unlink(missing_ok=True)
        os.symlink(target, temp)
        os.replace(temp, local)

    def _pull_one(self, commit_id: str, entry: FileEntry, sha1: str | None,
                  recorded: str | None = None, inline: bytes | None = None,
                  kept: IgnoreRules | None = None) -> None:
        """`sha1`: what the download is checked against (no listing gave a key);
        `recorded`: the SHA-1 the job recorded, what content it wrote into its manifest
        (`inline`) or its pack's archive must match to be taken instead of a download.

        That content was written inside the job, before Domino kept what .dominoignore
        excludes out of the commit, and the commit is what downstream jobs see: it is
        taken only for a listed file or one the rules keep; otherwise the download says
        whether the commit holds it."""
        target = self.workdir / entry.path
        check = sha1 or recorded
        held = inline if inline is not None else self.indexes.bundled(commit_id, entry.path)
        in_commit = entry.key is not None or (
            kept is not None and not kept.is_ignored(entry.path))
        written = write_bundled(held, target, entry.size, check) if check and in_commit else None
        if written is not None:  # its digests too: provenance need not read it again
            self.hasher.remember(target, written)
            return
        got = self.client.download_file(
            commit_id, entry.path, target, expected_size=entry.size, expected_key=entry.key,
            expected_sha1=sha1,
        )
        if got.digests is not None:  # the run record's provenance reads no GiB twice
            self.hasher.remember(target, got.digests)


@dataclass
class _Found:
    """What a pull brings back, by project path."""

    files: dict[str, FileEntry] = field(default_factory=dict)
    dirs: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)
    outside: dict[str, str] = field(default_factory=dict)
    sha1: dict[str, str | None] = field(default_factory=dict)  # as the job recorded it
    optional: set[str] = field(default_factory=set)  # files of optional paths
