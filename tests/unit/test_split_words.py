"""The job command's words are read exactly as shlex reads them, faster where it can."""

from __future__ import annotations

import random
import shlex

import pytest

from snakemake_executor_domino.command import split_words

SNAKEMAKE_COMMAND = (
    "/venv/bin/python -m snakemake --snakefile Snakefile --target-jobs 'fit:model=forest' "
    "--allowed-rules fit --cores 2 --resources 'mem_mb=1000' 'tier=small' --rerun-triggers "
    "code input mtime --default-resources base64//bWVtX21iPTEwMDA= --mode remote && "
    "/venv/bin/python -c 'import os;open(m,\"w\").write(\"x\")' .snakemake/m.json 'a b' \"\""
)


def outcome(fn, text):
    try:
        return fn(text)
    except ValueError:
        return ValueError


@pytest.mark.parametrize("text", [
    SNAKEMAKE_COMMAND, "", "   ", "a", "'a b'c\"d e\"", "''", "a '' b", "\"\"x", "a\tb\nc",
    "it's", "say \"hi", "x\\ y", "\"a\\\"b\"", "a#b # c", "tab\x0bsep", "é 'ü ö'",
])
def test_the_same_words_as_shlex(text):
    assert outcome(split_words, text) == outcome(shlex.split, text)


def test_the_same_words_as_shlex_for_random_text():
    rng = random.Random(20261206)
    alphabet = ["a", "b", "=", "'", '"', " ", "\t", "\\", "$", "#", ";", "\n", "\x0c"]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 14)))
        assert outcome(split_words, text) == outcome(shlex.split, text), repr(text)
