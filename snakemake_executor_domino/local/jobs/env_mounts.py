"""The host paths that make up an isolated job's compute environment.

A Domino job sees its compute environment's software and nothing of the machine that
submitted it. Here the compute environment is the Python the server runs in: its prefix and
base prefix (a venv's interpreter lives in the base), plus the source trees that Python
imports from outside them: PYTHONPATH entries and directories named by `.pth` files (an
editable install). A source tree is often a whole repository, perhaps the very directory a
workflow is submitted from, so of a source tree only what Python can import is shown:
packages, modules, extension modules and distribution metadata, not data or workflows.
The system directories (/usr, /etc, ...) are the sandbox's business, not listed here.
"""

from __future__ import annotations

import os
import site
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

# already visible in every sandbox, so nothing under them needs a mount of its own
SYSTEM_PREFIXES = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
METADATA_SUFFIXES = (".dist-info", ".egg-info")


def python_prefixes() -> list[Path]:
    names = (sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix)
    return [Path(p) for p in dict.fromkeys(names) if p]


def source_trees(environ: Mapping[str, str], site_dirs: Iterable[str] | None = None) -> list[Path]:
    """Directories Python imports from besides the prefixes: PYTHONPATH, then `.pth` lines."""
    trees = [Path(p) for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    for site_dir in site.getsitepackages() if site_dirs is None else site_dirs:
        trees.extend(_pth_directories(Path(site_dir)))
    return [t for t in dict.fromkeys(trees) if t.is_absolute() and t.is_dir()]


def importable_entries(tree: Path) -> list[Path]:
    """What `import` can find in a source tree, without the tree's other files."""
    found = []
    try:
        children = sorted(tree.iterdir())
    except OSError:
        return []
    for child in children:
        if child.is_dir():
            if (child / "__init__.py").is_file() or child.name.endswith(METADATA_SUFFIXES):
                found.append(child)
        elif child.suffix == ".py" or child.name.endswith(".so"):
            found.append(child)
    return found


def environment_paths(environ: Mapping[str, str] | None = None) -> list[Path]:
    """Every host path an isolated job gets read-only, outermost first, none nested.

    A path reached through a symlink is shown under its real name too: a venv's scripts
    name its interpreter by the path the venv was created at (their `#!` line)."""
    environ = os.environ if environ is None else environ
    paths = [p for p in python_prefixes() if p.exists()]
    for tree in source_trees(environ):
        paths.extend(importable_entries(tree))
    paths += [Path(os.path.realpath(p)) for p in paths]
    return outermost(p for p in paths if not _is_system(p))


def outermost(paths: Iterable[Path]) -> list[Path]:
    """The paths without duplicates and without those inside another one of them."""
    unique = sorted(
        {Path(os.path.normpath(p)) for p in paths}, key=lambda p: (len(p.parts), str(p))
    )
    kept: list[Path] = []
    for path in unique:
        if not any(path == k or k in path.parents for k in kept):
            kept.append(path)
    return kept


def is_system(path: Path) -> bool:
    """Under a system directory every sandbox shows anyway."""
    return _is_system(path)


def _is_system(path: Path) -> bool:
    text = str(path)
    return any(text == s or text.startswith(s + "/") for s in SYSTEM_PREFIXES)


def _pth_directories(site_dir: Path) -> list[Path]:
    found = []
    try:
        pth_files = sorted(site_dir.glob("*.pth"))
    except OSError:
        return []
    for pth in pth_files:
        try:
            lines = pth.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for line in lines:
            line = line.strip()
            # as site.py reads them: comments and executable lines name no directory
            if not line or line.startswith(("#", "import ", "import\t")):
                continue
            found.append(site_dir / line)
    return found
