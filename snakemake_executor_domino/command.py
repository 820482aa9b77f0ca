"""The job command, with nothing in it of the submitter's filesystem.

Snakemake's job command (`format_job_exec`) names some paths as the submitting machine sees
them: `--directory /abs/workdir` (after `snakemake -d DIR`, or a workdir given through the
API), an absolute `--conda-prefix`, `--shadow-prefix`, ... A Domino job runs on another
machine, in the project's root, whose files are those of the working directory. So:
`--directory` goes (the job already runs where it points), and every other path becomes
relative to the working directory. One that lies outside it names nothing the job can see:
that is an error naming the path and what to do, before the job starts.

Only Snakemake's own arguments, from `-m snakemake` to the first shell operator, are
rewritten; whatever precedes them (a `--precommand`, the Python executable) or follows them
(the executor's `&& python -c ...` suffix) is kept as written.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import shlex
from pathlib import Path

from snakemake_executor_domino.exceptions import ConfigurationError

SNAKEMAKE_MODULE = re.compile(r"(?:^|\s)-m snakemake(?=\s|$)")
BASE64_PREFIX = "base64//"
DROPPED = "--directory"
# flag -> what its value is, for messages; files the job reads from the project
PROJECT_FILES = {"--snakefile": "Snakefile", "--configfiles": "config file"}
# directories the job uses for its own purposes; a relative one lives in its working dir
PLACES = ("--conda-prefix", "--apptainer-prefix", "--shadow-prefix", "--local-storage-prefix")
MULTI_VALUE = {"--configfiles"}


# a POSIX shell word of unquoted runs, '...' and "..." parts; only without any backslash
# is each part read literally, as shlex reads it
_BLANK = " \t\r\n"  # shlex's whitespace
_WORD = re.compile(rf"""(?:[^{_BLANK}'"\\]+|'[^']*'|"[^"]*")+""")
_PART = re.compile(r"""'([^']*)'|"([^"]*)"|([^'"]+)""")


def split_words(text: str) -> list[str]:
    """`shlex.split(text)`, without its character-by-character reading where the text has
    no backslash (every job command Snakemake writes): two of these per job."""
    if "\\" in text:
        return shlex.split(text)
    words: list[str] = []
    pos = 0
    for match in _WORD.finditer(text):
        if text[pos : match.start()].strip(_BLANK):
            return shlex.split(text)  # e.g. an unclosed quote: shlex says what is wrong
        word = match.group()
        if "'" in word or '"' in word:
            word = "".join("".join(filter(None, p.groups())) for p in _PART.finditer(word))
        words.append(word)
        pos = match.end()
    if text[pos:].strip(_BLANK):
        return shlex.split(text)
    return words


class CommandError(ConfigurationError):
    """The job command names a path a Domino job cannot see; the message says what to do."""


def portable_command(command: str, workdir: Path) -> str:
    """`command` with Snakemake's path arguments relative to `workdir` (the project root)."""
    match = SNAKEMAKE_MODULE.search(command)
    if match is None:
        return command  # not a Snakemake job command: nothing here to interpret
    head = command[: match.end()]
    arguments, rest = split_at_operator(command[match.end() :])
    try:
        tokens = split_words(arguments)
    except ValueError as exc:
        raise CommandError(f"cannot read Snakemake's job command ({exc}): {arguments}") from None
    rewritten = _rewrite(tokens, workdir)
    if rewritten == tokens:
        return command
    return " ".join([head, *map(shlex.quote, rewritten), rest]).rstrip()


CORES = re.compile(r"--cores\s+('[^']*'|\"[^\"]*\"|\S+)")


def with_cores(command: str, cores: int) -> str:
    """The job command with `--cores N`: Snakemake's own `--cores all` would give a rule as
    many threads as the machine the job lands on has, not what the rule and tier say."""
    return CORES.sub(f"--cores {cores}", command, count=1)


# what a shell reads before its first operator: plain runs, '...' (literal), "..." (with
# backslash escapes) and escaped characters; the match stops at an operator, or at a quote
# or backslash that is never closed
_BEFORE_OPERATOR = re.compile(r"""(?:[^'"\\;&|]+|'[^']*'|"(?:[^"\\]|\\.)*"|\\.)*""", re.S)


def split_at_operator(text: str) -> tuple[str, str]:
    """`text` up to its first unquoted shell operator (; & |), and the rest."""
    match = _BEFORE_OPERATOR.match(text)  # always matches, if only ""
    end = match.end() if match else 0
    if end < len(text) and text[end] in ";&|":
        return text[:end], text[end:]
    return text, ""  # no operator, or an unclosed quote: all of it is arguments


def _rewrite(tokens: list[str], workdir: Path) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        flag = tokens[i]
        values = _values(tokens, i)
        i += 1 + len(values)
        if flag == DROPPED and values:
            continue
        if flag in PROJECT_FILES or flag in PLACES:
            values = [_portable_value(flag, v, workdir) for v in values]
        out += [flag, *values]
    return out


def _values(tokens: list[str], i: int) -> list[str]:
    """The values following tokens[i] if it is a flag whose values are paths."""
    flag = tokens[i]
    if flag not in PROJECT_FILES and flag not in PLACES and flag != DROPPED:
        return []
    end = i + 1
    while end < len(tokens) and _is_value(tokens[end]):
        end += 1
        if flag not in MULTI_VALUE:
            break
    return tokens[i + 1 : end]


def _is_value(token: str) -> bool:
    return not token.startswith("-")


def _portable_value(flag: str, value: str, workdir: Path) -> str:
    encoded = value.startswith(BASE64_PREFIX)
    path = _decode(value) if encoded else value
    if flag in PLACES and (not path or path.startswith(("$", "~"))):
        return value  # unset, or a location on the job's machine the job's shell expands
    relative = relative_to(path, workdir)
    if relative is None:
        raise CommandError(_outside_message(flag, path, workdir))
    if relative == path:
        return value
    return BASE64_PREFIX + base64.b64encode(relative.encode()).decode() if encoded else relative


def relative_to(path: str, workdir: Path) -> str | None:
    """`path` relative to `workdir`, or None if it lies outside (or climbs out of) it."""
    if not os.path.isabs(path):
        normal = os.path.normpath(path)
        return None if normal == ".." or normal.startswith("../") else path
    for base, target in ((str(workdir), path), (os.path.realpath(workdir), os.path.realpath(path))):
        base, target = os.path.normpath(base), os.path.normpath(target)
        if target == base or target.startswith(base.rstrip("/") + "/"):
            return os.path.relpath(target, base)
    return None


def _decode(value: str) -> str:
    try:
        return base64.b64decode(value[len(BASE64_PREFIX) :], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return value  # not ours to judge: Snakemake decodes it


def _outside_message(flag: str, path: str, workdir: Path) -> str:
    why = (
        f"lies outside the working directory {workdir}. A Domino job sees only the "
        "project's files, and the project's root is the working directory."
    )
    if flag in PROJECT_FILES:
        what = PROJECT_FILES[flag]
        return (
            f"The {what} {path} {why} Move the {what} into {workdir} (it is pushed to the "
            "project with the workflow), or run Snakemake from a directory that holds it "
            "(-d/--directory sets the working directory)."
        )
    return (
        f"{flag} {path} {why} Give a directory inside the working directory (relative to "
        f"it), or leave {flag} unset."
    )
