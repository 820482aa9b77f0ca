"""Resolving a rule's compute environment: names, ids, revisions, and what is refused."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.domino.models import Environment, EnvironmentRevision
from snakemake_executor_domino.exceptions import ConfigurationError
from snakemake_executor_domino.placement.environment import EnvironmentResolver, split

STANDARD = Environment("a" * 24, "Standard", 2, is_default=True)
GPU = Environment("b" * 24, "GPU Tools", 3)
OLD = Environment("c" * 24, "Old", 1, archived=True)


class _Client:
    def __init__(self):
        self.listed = 0

    def environments(self):
        self.listed += 1
        return [STANDARD, GPU, OLD]

    def environment_revisions(self, environment_id):
        assert environment_id == GPU.id
        return [EnvironmentRevision("d" * 24, 3), EnvironmentRevision("e" * 24, 2)]


def test_names_ids_and_case():
    resolver = EnvironmentResolver(_Client(), None)
    assert resolver.resolve("GPU Tools").id == GPU.id
    assert resolver.resolve("gpu tools").id == GPU.id
    assert resolver.resolve(GPU.id).name == "GPU Tools"
    assert resolver.resolve(None) is None  # nothing named: the project's default


def test_environments_are_listed_only_once_and_only_when_named():
    client = _Client()
    resolver = EnvironmentResolver(client, None)
    assert client.listed == 0
    resolver.resolve("GPU Tools")
    resolver.resolve("Standard")
    assert client.listed == 1


def test_revisions():
    resolver = EnvironmentResolver(_Client(), None)
    assert resolver.resolve("GPU Tools:2").revision_spec == {"revisionId": "e" * 24}
    assert resolver.resolve("GPU Tools:latest").revision_spec == "LatestRevision"
    assert resolver.resolve("GPU Tools:active").revision_spec == "ActiveRevision"
    assert resolver.resolve(f"GPU Tools:{'f' * 24}").revision_spec == {"revisionId": "f" * 24}
    with pytest.raises(ConfigurationError, match=r"has no revision 9 \(revisions: 3, 2\)"):
        resolver.resolve("GPU Tools:9")
    assert split("a:b:3") == ("a:b", "3") and split("plain") == ("plain", None)


def test_unknown_and_archived_environments_list_the_valid_ones():
    resolver = EnvironmentResolver(_Client(), None)
    for wanted in ("Nope", "Old"):
        with pytest.raises(ConfigurationError) as info:
            resolver.resolve(wanted)
        assert str(info.value) == (
            f"compute environment {wanted!r} is not one this Domino project can use. Valid "
            f"environments: Standard (id {'a' * 24}), GPU Tools (id {'b' * 24}). Fix "
            "resources: environment=... or --domino-environment-id."
        )


def test_the_setting_is_the_default_and_is_checked_at_once():
    assert EnvironmentResolver(_Client(), "GPU Tools").resolve(None).id == GPU.id
    with pytest.raises(ConfigurationError):
        EnvironmentResolver(_Client(), "Nope")


def test_a_domino_that_lists_no_environments_still_takes_an_id():
    from snakemake_executor_domino.domino import DominoNotFound

    class Unlisted(_Client):
        def environments(self):
            raise DominoNotFound("no such route", 404)

    resolver = EnvironmentResolver(Unlisted(), "f" * 24)
    assert resolver.resolve(None).id == "f" * 24
    with pytest.raises(ConfigurationError, match="lists no compute environments"):
        resolver.resolve("GPU Tools")
