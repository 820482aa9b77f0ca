"""Cron expressions of Domino scheduled jobs: validate, convert, preview.

Domino stores a scheduled job's `schedule.cronString` as a Quartz cron expression: six or
seven fields, seconds first (`sec min hour day-of-month month day-of-week [year]`), with `?`
in exactly one of the two day fields and days of the week numbered 1 (SUN) to 7 (SAT).
People know five-field Unix cron (`0 3 * * *`), so `from_user` accepts either form (and the
`@daily` style aliases) and gives back the Quartz string Domino wants; the local Domino uses
`from_quartz`, which accepts only what Domino accepts. Evaluation is croniter's (a
well-kept library, not a hand parser); this module only translates between the dialects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import (  # type: ignore[import-untyped]
    CroniterBadDateError,
    CroniterError,
    croniter,
)

from snakemake_executor_domino.exceptions import CronError

DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# what either dialect may contain; croniter's own extensions (H for hashed) are not Quartz
_ALLOWED = re.compile(r"^[0-9A-Za-z*?,/#\-]+$")
_QUARTZ_FORMAT = (
    "Quartz cron has 6 or 7 fields: seconds minutes hours day-of-month month day-of-week "
    "[year], with '?' in day-of-month or day-of-week, e.g. '0 0 3 * * ?' (03:00 daily)"
)


@dataclass(frozen=True)
class Cron:
    """A validated schedule: `quartz` is what Domino stores as schedule.cronString."""

    quartz: str
    _evaluated: str  # the same schedule as croniter reads it (seconds first)

    def next_times(self, after: datetime, count: int) -> list[datetime]:
        """The next `count` fire times strictly after `after` (an aware datetime)."""
        it = croniter(self._evaluated, after, second_at_beginning=True)
        return [it.get_next(datetime) for _ in range(count)]

    def next_time(self, after: datetime) -> datetime:
        return self.next_times(after, 1)[0]


def from_user(expression: str) -> Cron:
    """Unix cron (5 fields), an alias such as @daily, or Quartz (6-7 fields)."""
    text = " ".join(expression.split())
    if not text:
        raise CronError("the cron expression is empty; e.g. '0 3 * * *' for 03:00 daily")
    text = ALIASES.get(text.lower(), text)
    fields = text.split(" ")
    if len(fields) == 5:
        return _from_unix(text, fields)
    if len(fields) in (6, 7):
        return from_quartz(text)
    raise CronError(
        f"cron expression '{expression}' has {len(fields)} fields; give 5 (Unix cron: "
        "minute hour day-of-month month day-of-week, e.g. '0 3 * * *') or 6-7 (Domino's "
        "Quartz cron, seconds first, e.g. '0 0 3 * * ?')"
    )


def from_quartz(expression: str) -> Cron:
    """Domino's own format only, as its scheduled-job API takes it."""
    text = " ".join(str(expression).split())
    fields = text.split(" ") if text else []
    if len(fields) not in (6, 7):
        raise CronError(f"cron expression '{expression}' is not Quartz cron: {_QUARTZ_FORMAT}")
    _check_characters(expression, fields)
    dom, dow = fields[3], fields[5]
    if (dom == "?") == (dow == "?"):
        raise CronError(
            f"cron expression '{expression}': Quartz cron needs '?' in exactly one of "
            "day-of-month (4th field) and day-of-week (6th field), e.g. '0 0 3 * * ?' or "
            "'0 0 3 ? * MON'"
        )
    evaluated = [*fields]
    evaluated[3] = "*" if dom == "?" else dom
    evaluated[5] = "*" if dow == "?" else _quartz_weekdays(expression, dow)
    return _checked(expression, text, " ".join(evaluated))


def parse_timezone(name: str) -> ZoneInfo:
    """An IANA time zone such as 'UTC' or 'Europe/Berlin'."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CronError(
            f"unknown time zone '{name}'; use an IANA name such as 'UTC', "
            "'Europe/Berlin' or 'America/New_York'"
        ) from None


def preview(cron: Cron, zone: ZoneInfo, count: int, now: datetime | None = None) -> list[str]:
    """The next fire times as lines a person reads: zone-local time and how far away."""
    start = (now or datetime.now(UTC)).astimezone(zone)
    lines = []
    for when in cron.next_times(start, count):
        lines.append(f"{when.strftime('%a %Y-%m-%d %H:%M:%S %Z')}  ({_until(when - start)})")
    return lines


def _from_unix(original: str, fields: list[str]) -> Cron:
    _check_characters(original, fields)
    if "?" in original:
        raise CronError(
            f"cron expression '{original}': '?' belongs to 6-field Quartz cron; in 5-field "
            "Unix cron use '*'"
        )
    try:
        croniter(original)  # Unix semantics first, so errors speak of the user's fields
    except CroniterError as exc:
        raise CronError(f"cron expression '{original}' is not valid: {exc}") from None
    minute, hour, dom, month, dow = fields
    if dom != "*" and dow != "*":
        # Unix fires when EITHER day field matches; Quartz cannot say that
        raise CronError(
            f"cron expression '{original}' restricts both day-of-month and day-of-week, which "
            "Domino's (Quartz) cron cannot express; set one of them to '*'"
        )
    q_dom, q_dow = (dom, "?") if dow == "*" else ("?", _unix_weekdays(original, dow))
    quartz = " ".join(["0", minute, hour, q_dom, month, q_dow])
    return from_quartz(quartz)


def _check_characters(original: str, fields: list[str]) -> None:
    for field in fields:
        # croniter's hashed 'H' is no cron Domino knows
        hashed = any(t.upper() == "H" for t in re.split(r"[,/]", field))
        if not _ALLOWED.match(field) or hashed:
            raise CronError(
                f"cron expression '{original}': field '{field}' has characters cron does not "
                "allow (use digits, names such as MON or JAN, and * ? , - / # L W)"
            )


def _unix_weekdays(original: str, dow: str) -> str:
    """Unix days of week (0-7, 0 and 7 = Sunday) as Quartz names, which both dialects read
    the same way (Quartz numbers them 1-7 from Sunday)."""
    if "#" in dow or "L" in dow.upper():
        return _convert_days(original, dow, unix=True)
    try:
        expanded, _ = croniter.expand(f"0 0 * * {dow}")
    except CroniterError as exc:
        raise CronError(f"cron expression '{original}' is not valid: {exc}") from None
    days = sorted({int(d) % 7 for d in expanded[4] if d != "*"})
    if not days or len(days) == 7:
        return "*"
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    # MON-FRI rather than MON,TUE,WED,THU,FRI: the Quartz string is shown to people
    return ",".join(
        f"{DAY_NAMES[r[0]]}-{DAY_NAMES[r[-1]]}" if len(r) > 2 else ",".join(DAY_NAMES[d] for d in r)
        for r in runs
    )


def _quartz_weekdays(original: str, dow: str) -> str:
    return _convert_days(original, dow, unix=False)


def _convert_days(original: str, dow: str, *, unix: bool) -> str:
    """Day numbers to names, token by token; the last-weekday form is Unix/croniter `L5`
    and Quartz `6L` or `FRIL`. Reading Unix gives Quartz; reading Quartz gives croniter."""
    out = []
    for token in dow.split(","):
        body, _, step = token.partition("/")
        upper = body.upper()
        last = len(body) > 1 and (upper.startswith("L") if unix else upper.endswith("L"))
        if upper == "L":
            raise CronError(
                f"cron expression '{original}': a bare 'L' in day-of-week is not supported; "
                "name the day, e.g. '6L' or 'FRIL' for the last Friday of the month"
            )
        if last:
            day = _day_index(original, body[1:] if unix else body[:-1], unix=unix)
            # croniter reads only the numeric `L5`; Quartz reads `FRIL`
            out.append(f"{DAY_NAMES[day]}L" if unix else f"L{day}")
            continue
        nth = ""
        if "#" in body:
            body, nth = body.split("#", 1)
            nth = f"#{nth}"
        names = "-".join(
            part if part == "*" else DAY_NAMES[_day_index(original, part, unix=unix)]
            for part in body.split("-")
        )
        out.append(names + nth + (f"/{step}" if step else ""))
    return ",".join(out)


def _day_index(original: str, part: str, *, unix: bool) -> int:
    """Sunday = 0 for a day number (Unix 0-7, Quartz 1-7) or name."""
    if part.upper() in DAY_NAMES:
        return DAY_NAMES.index(part.upper())
    low, high = (0, 7) if unix else (1, 7)
    if not part.isdigit() or not low <= int(part) <= high:
        dialect = "0-7 or SUN-SAT in Unix cron" if unix else "1-7 (1 = SUN) or SUN-SAT in Quartz"
        raise CronError(
            f"cron expression '{original}': day of week '{part}' is not a day ({dialect})"
        )
    return int(part) % 7 if unix else int(part) - 1


def _checked(original: str, quartz: str, evaluated: str) -> Cron:
    cron = Cron(quartz, evaluated)
    try:
        croniter(evaluated, second_at_beginning=True)
        cron.next_time(datetime.now(UTC))
    except CroniterBadDateError:
        raise CronError(
            f"cron expression '{original}' never fires (no date matches it, or none is left "
            "in the future)"
        ) from None
    except CroniterError as exc:
        raise CronError(f"cron expression '{original}' is not valid: {exc}") from None
    return cron


def _until(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"in {days}d {hours}h"
    if hours:
        return f"in {hours}h {minutes}m"
    if minutes:
        return f"in {minutes}m {seconds}s"
    return f"in {seconds}s"
