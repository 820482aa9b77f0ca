"""Cron expressions: Unix and Quartz in, Domino's Quartz out, the same fire times either way."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from snakemake_executor_domino.domino.cron import (
    CronError,
    from_quartz,
    from_user,
    parse_timezone,
    preview,
)

NEW_YEAR = datetime(2025, 1, 1, tzinfo=UTC)  # a Wednesday


def fires(expression: str, count: int = 3, start: datetime = NEW_YEAR) -> list[str]:
    times = from_user(expression).next_times(start, count)
    return [t.strftime("%a %Y-%m-%d %H:%M:%S") for t in times]


@pytest.mark.parametrize(
    ("unix", "quartz"),
    [
        ("0 3 * * *", "0 0 3 * * ?"),
        ("*/15 * * * *", "0 */15 * * * ?"),
        ("30 2 1 * *", "0 30 2 1 * ?"),
        ("0 9 * * 1-5", "0 0 9 ? * MON-FRI"),
        ("0 9 * * 0,6", "0 0 9 ? * SUN,SAT"),
        ("0 9 * * 7", "0 0 9 ? * SUN"),
        ("0 9 * * 5#2", "0 0 9 ? * FRI#2"),
        ("0 9 * * L5", "0 0 9 ? * FRIL"),
        ("0 0 * JAN-MAR *", "0 0 0 * JAN-MAR ?"),
        ("@daily", "0 0 0 * * ?"),
        ("@hourly", "0 0 * * * ?"),
    ],
)
def test_unix_cron_becomes_quartz_with_the_same_fire_times(unix: str, quartz: str) -> None:
    cron = from_user(unix)
    assert cron.quartz == quartz
    assert cron.next_times(NEW_YEAR, 6) == from_quartz(quartz).next_times(NEW_YEAR, 6)


def test_fire_times_read_like_cron() -> None:
    assert fires("0 3 * * *") == [
        "Wed 2025-01-01 03:00:00", "Thu 2025-01-02 03:00:00", "Fri 2025-01-03 03:00:00",
    ]
    assert fires("0 9 * * 1-5", 3, datetime(2025, 1, 3, 10, tzinfo=UTC)) == [
        "Mon 2025-01-06 09:00:00", "Tue 2025-01-07 09:00:00", "Wed 2025-01-08 09:00:00",
    ]
    # Quartz numbers days 1 (SUN) to 7 (SAT): 2-6 is Monday to Friday, 6L the last Friday
    assert fires("0 0 9 ? * 2-6", 1, datetime(2025, 1, 4, tzinfo=UTC)) == [
        "Mon 2025-01-06 09:00:00"
    ]
    assert fires("0 0 9 ? * 6L", 2) == ["Fri 2025-01-31 09:00:00", "Fri 2025-02-28 09:00:00"]
    assert fires("*/2 * * * * ?", 2) == ["Wed 2025-01-01 00:00:02", "Wed 2025-01-01 00:00:04"]


@pytest.mark.parametrize(
    ("expression", "says"),
    [
        ("", "empty"),
        ("0 3 * 1", "has 4 fields"),
        ("61 3 * * *", "'61 3 * * *' is not valid"),
        ("0 3 1 * 1", "restricts both day-of-month and day-of-week"),
        ("0 3 * * ?", "'?' belongs to 6-field Quartz cron"),
        ("0 0 3 * * *", "needs '?' in exactly one of day-of-month"),
        ("0 0 3 ? * ?", "needs '?' in exactly one of day-of-month"),
        ("0 0 3 ? * 0", "day of week '0' is not a day"),
        ("0 0 3 ? * L", "bare 'L'"),
        ("H 3 * * *", "characters cron does not allow"),
        ("0 0 0 30 2 ?", "never fires"),
        ("0 0 0 * * ? 2001", "never fires"),
        ("every day", "has 2 fields"),
    ],
)
def test_bad_expressions_are_refused_with_their_text(expression: str, says: str) -> None:
    with pytest.raises(CronError) as caught:
        from_user(expression)
    assert says in str(caught.value)
    if expression:
        assert expression in str(caught.value) or "fields" in str(caught.value)


def test_the_server_side_takes_only_quartz() -> None:
    with pytest.raises(CronError, match="is not Quartz cron"):
        from_quartz("0 3 * * *")
    assert from_quartz(" 0  0 3 * * ? ").quartz == "0 0 3 * * ?"


def test_time_zones_and_daylight_saving() -> None:
    berlin = parse_timezone("Europe/Berlin")
    noon = from_user("0 12 * * *").next_times(datetime(2025, 3, 29, 11, tzinfo=berlin), 3)
    # local noon on both sides of the switch to summer time (UTC+1 -> UTC+2)
    assert [t.isoformat() for t in noon] == [
        "2025-03-29T12:00:00+01:00", "2025-03-30T12:00:00+02:00", "2025-03-31T12:00:00+02:00",
    ]
    with pytest.raises(CronError, match="unknown time zone 'Mars/Olympus'"):
        parse_timezone("Mars/Olympus")


def test_preview_lines_name_zone_and_distance() -> None:
    lines = preview(from_user("0 3 * * *"), ZoneInfo("UTC"), 2, now=NEW_YEAR)
    assert lines == [
        "Wed 2025-01-01 03:00:00 UTC  (in 3h 0m)",
        "Thu 2025-01-02 03:00:00 UTC  (in 1d 3h)",
    ]
