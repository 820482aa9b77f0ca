"""`.dominoignore` patterns behave like `.gitignore` ones."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.domino.ignore_rules import IgnoreRules

RULES = IgnoreRules(
    """
# comment line, then blank lines are skipped

*.log
!important.log
build/
/only-at-root.txt
docs/*.tmp
**/cache/**
data/**/raw
"""
)


@pytest.mark.parametrize(
    "path, ignored",
    [
        ("run.log", True),
        ("deep/dir/run.log", True),
        ("important.log", False),
        ("sub/important.log", False),
        ("build/out.o", True),
        ("src/build/out.o", True),
        ("build", False),  # a file named build is not the directory build/
        ("only-at-root.txt", True),
        ("sub/only-at-root.txt", False),
        ("docs/a.tmp", True),
        ("docs/sub/a.tmp", False),
        ("x/cache/y.bin", True),
        ("cache/y.bin", True),
        ("data/a/b/raw", True),
        ("data/raw", True),
        ("data/raw/file.csv", True),
        ("results/model.pkl", False),
        ("# comment line", False),
    ],
)
def test_patterns(path: str, ignored: bool) -> None:
    assert RULES.is_ignored(path) is ignored


def test_empty_rules_ignore_nothing() -> None:
    assert not IgnoreRules("")
    assert not IgnoreRules("# only a comment\n").is_ignored("a.txt")


def test_file_under_ignored_directory_stays_ignored() -> None:
    rules = IgnoreRules(".snakemake/\n!.snakemake/keep.txt\n")
    assert rules.is_ignored(".snakemake/keep.txt")
    assert rules.is_ignored(".snakemake/log/x.log")
