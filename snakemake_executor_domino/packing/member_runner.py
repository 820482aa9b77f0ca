"""Runs inside a pack's Domino job: each member's own Snakemake job command, as many at
once as the tier's cores and memory hold, each with its own log, exit status and timing.

This file is pushed into the project and run as a script (`python runner.py SPEC`), so it
uses the standard library only: the job's compute environment has Snakemake, not the
plugin. SPEC is the pack's JSON (packer.py writes it): cores, mem_mb and the members, each
with name, label, command, threads and mem_mb. Beside SPEC it writes `<name>.log` per
member and `status.json` (every ended member's exit status and times, rewritten as each
ends). Once every member has ended it also writes `bundle.tar`: status.json, the member
logs, each succeeded member's output manifest and the small files that manifest records
but does not carry itself (inline), so the executor brings a pack's records and small
outputs back in one download instead of one per file (each file still checked against the
SHA-1 its member recorded). The runner exits 1 when a member failed, so Domino's job page
shows the pack failed, and 0 when all succeeded; either way the output commit holds every
member's record.

A member's command is Snakemake's own (`PYTHON -m snakemake ARGS && RECORDER`). Where
PYTHON is the runner's own interpreter, the runner imports Snakemake once and forks each
such member from itself, so a member does not pay Snakemake's start-up (most of its CPU for
a short job): the fork is still a process of its own, with its own log, exit status, time
and signals. The first member's fork reports which installed modules its run loaded, and
the runner imports those too before the next forks. Any other command runs under bash.
"""

from __future__ import annotations

import importlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import traceback
from types import ModuleType

STATUS_FILE = "status.json"
BUNDLE_FILE = "bundle.tar"
BUNDLED_FILE_MAX = 1 << 20  # an output up to this size travels in the bundle
BUNDLE_MAX = 32 << 20  # and the bundle holds at most this much of them
MODULES_FILE = ".modules"
SHELL_SPECIAL = set(";|&<>`$(){}\n")


def now_ms() -> int:
    return int(time.time() * 1000)


class Pack:
    def __init__(self, spec_path: str):
        with open(spec_path, encoding="utf-8") as f:
            spec = json.load(f)
        self.dir = os.path.dirname(spec_path)
        self.cores = max(1.0, float(spec.get("cores") or 1))
        self.mem_mb = spec.get("mem_mb")
        self.members = list(spec["members"])
        self.waiting = list(self.members)
        self.running: dict[int, tuple[dict, int]] = {}
        self.shells: dict[int, subprocess.Popen] = {}
        self.ended: dict[str, dict] = {}
        calls = [snakemake_call(m["command"]) for m in self.waiting]
        self.cli = import_snakemake() if any(calls) else None
        self.learner: int | None = None  # the fork that reports the modules a run loads

    def _use(self, member: dict) -> tuple[float, float]:
        return max(1.0, float(member.get("threads") or 1)), float(member.get("mem_mb") or 0)

    def _fits(self, member: dict) -> bool:
        if not self.running:
            return True  # a member bigger than the tier still runs, alone
        cores, mem = self._use(member)
        used = [self._use(m) for m, _ in self.running.values()]
        if sum(c for c, _ in used) + cores > self.cores:
            return False
        return not self.mem_mb or sum(m for _, m in used) + mem <= float(self.mem_mb)

    def _start(self, member: dict) -> None:
        log = os.open(os.path.join(self.dir, f"{member['name']}.log"),
                      os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        call = snakemake_call(member["command"]) if self.cli else None
        if call is None:
            proc = subprocess.Popen(
                ["bash", "-c", member["command"]], stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )  # in the runner's process group: Domino's stop and memory kill reach it
            pid = proc.pid
            # kept: a collected Popen is reaped by subprocess itself, hiding its status
            self.shells[pid] = proc
        else:
            learn = self.learner is None
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                modules = os.path.join(self.dir, MODULES_FILE) if learn else None
                run_forked(self.cli, *call, log, modules)  # never returns
            if learn:
                self.learner = pid
        os.close(log)
        self.running[pid] = (member, now_ms())
        how = " (Snakemake forked from the runner)" if call else ""
        print(f"pack: started {member['label']}{how}", flush=True)

    def _end(self, pid: int, code: int) -> None:
        if pid == self.learner:
            warm_up(os.path.join(self.dir, MODULES_FILE))
        member, started = self.running.pop(pid)
        self.shells.pop(pid, None)
        self.ended[member["name"]] = {"exit": code, "started_ms": started, "ended_ms": now_ms()}
        self._write_status()
        seconds = (now_ms() - started) / 1000
        print(f"pack: {member['label']} ended with exit status {code} after {seconds:.1f} s",
              flush=True)

    def _write_status(self) -> None:
        path = os.path.join(self.dir, STATUS_FILE)
        with open(path + ".part", "w", encoding="utf-8") as f:
            json.dump(self.ended, f)
        os.replace(path + ".part", path)

    def run(self) -> int:
        while self.waiting or self.running:
            while self.waiting and self._fits(self.waiting[0]):
                self._start(self.waiting.pop(0))
            pid, status = os.wait()
            if pid in self.running:
                self._end(pid, exit_code(status))
        self._write_bundle()
        failed = sorted(name for name, s in self.ended.items() if s["exit"] != 0)
        return 1 if failed else 0

    def _write_bundle(self) -> None:
        """bundle.tar (see the module's docstring); a file that cannot be read is left
        out, to be fetched on its own."""
        paths = [os.path.join(self.dir, STATUS_FILE)]
        paths += [os.path.join(self.dir, f"{m['name']}.log") for m in self.members]
        room = BUNDLE_MAX
        for member in self.members:
            manifest = member.get("manifest")
            if self.ended.get(member["name"], {}).get("exit") != 0 or not manifest:
                continue
            paths.append(manifest)
            for path, (size, sha1) in recorded_files(manifest).items():
                if sha1 and size <= min(BUNDLED_FILE_MAX, room) and is_inside(path):
                    paths.append(path)
                    room -= size
        target = os.path.join(self.dir, BUNDLE_FILE)
        try:
            with tarfile.open(target + ".part", "w") as bundle:
                for path in dict.fromkeys(paths):
                    if os.path.isfile(path) and not os.path.islink(path):
                        # named as the project (the working directory) holds it
                        bundle.add(path, arcname=os.path.relpath(path), recursive=False)
            os.replace(target + ".part", target)
        except (OSError, tarfile.TarError) as exc:  # the members' work stands without it
            print(f"pack: no bundle ({exc}); the executor fetches each file", flush=True)
            if os.path.isfile(target + ".part"):
                os.remove(target + ".part")

    def stop(self, signum: int, _frame: object) -> None:
        """Domino stops the job: stop every member, record them, end."""
        for pid in list(self.running):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in list(self.running):
            self._end(pid, exit_code(os.waitpid(pid, 0)[1]))
        sys.exit(128 + signum)


def recorded_files(manifest: str) -> dict[str, tuple[int, str | None]]:
    """The regular files a member's output manifest records (files/outputs.py), less
    those whose content it carries itself (`inline`): the bundle need not hold them twice."""
    try:
        with open(manifest, encoding="utf-8") as f:
            recorded = json.load(f)
        inline = recorded.get("inline") or {}
        files = recorded.get("files") or {}
        return {str(p): (int(v[0]), v[1]) for p, v in files.items() if p not in inline}
    except (OSError, ValueError, TypeError, AttributeError, IndexError):
        return {}


def is_inside(path: str) -> bool:
    """A project path (not absolute, not climbing out): what an output commit holds."""
    norm = os.path.normpath(path)
    return not os.path.isabs(norm) and norm != ".." and not norm.startswith("../")


def snakemake_call(command: str) -> tuple[list[str], str] | None:
    """(Snakemake's arguments, the shell command to run after it succeeds) when `command`
    is `PYTHON -m snakemake ARGS [&& REST]` with this runner's own PYTHON; else None."""
    head, rest = split_first_and(command)
    try:
        words = shlex.split(head) if head is not None else []
    except ValueError:
        return None
    if len(words) < 3 or words[1:3] != ["-m", "snakemake"]:
        return None
    found = shutil.which(words[0])
    if not found or os.path.abspath(found) != os.path.abspath(sys.executable):
        return None  # another interpreter: its Snakemake, not ours, must run the member
    return words[3:], rest


def split_first_and(command: str) -> tuple[str | None, str]:
    """`command` split at its first unquoted `&&`; (None, "") if any other shell syntax
    (`;`, a pipe, a redirection, an expansion) comes before it."""
    quote = ""
    i = 0
    while i < len(command):
        char = command[i]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                i += 1
        elif char in "'\"":
            quote = char
        elif command.startswith("&&", i):
            return command[:i], command[i + 2:].strip()
        elif char in SHELL_SPECIAL or char == "\\":
            return None, ""
        i += 1
    return (None, "") if quote else (command, "")


def import_snakemake() -> ModuleType | None:
    try:
        import snakemake.cli  # noqa: PLC0415 (only where a member needs it)
    except Exception:  # a broken or missing Snakemake: members run under bash and say why
        return None
    return snakemake.cli


def run_forked(cli: ModuleType, args: list[str], rest: str, log: int,
               modules: str | None) -> None:
    """In the fork: run Snakemake's command line on `args` as `python -m snakemake` would,
    output to `log`, then `rest` under bash if it succeeded; exit with the status."""
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        before = set(sys.modules)
        sys.argv = [os.path.join(os.path.dirname(cli.__file__), "__main__.py"), *args]
        code = 0
        try:
            cli.main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        if modules:
            record_modules(modules, before)
        if code == 0 and rest:
            os.execvp("bash", ["bash", "-c", rest])
        os._exit(code)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)


def record_modules(path: str, before: set[str]) -> None:
    """The installed modules this run loaded (never the workflow's own: they may do
    anything on import), for the runner to import before its next forks."""
    prefixes = tuple({os.path.join(p, "") for p in (sys.prefix, sys.base_prefix)})
    names = [name for name, module in list(sys.modules.items()) if name not in before
             and (getattr(module, "__file__", None) or "").startswith(prefixes)]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(names))


def warm_up(path: str) -> None:
    try:
        with open(path, encoding="utf-8") as f:
            names = f.read().split()
    except OSError:
        return
    for name in names:
        try:
            importlib.import_module(name)
        except BaseException:  # a module that cannot load here simply stays unloaded
            pass


def exit_code(status: int) -> int:
    """As a shell reports it: 128 + N for a member ended by signal N."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def main(argv: list[str]) -> int:
    pack = Pack(argv[1])
    signal.signal(signal.SIGTERM, pack.stop)
    return pack.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
