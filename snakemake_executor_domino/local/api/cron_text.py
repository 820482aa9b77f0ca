"""A Quartz cron expression in words, for a scheduled job's `humanReadableCronString`.

Covers the shapes schedules usually have (fixed times, steps, lists, weekdays, days of the
month); anything else is named as the expression itself rather than guessed at.
"""

from __future__ import annotations

DAYS = {"1": "Sunday", "2": "Monday", "3": "Tuesday", "4": "Wednesday", "5": "Thursday",
        "6": "Friday", "7": "Saturday", "SUN": "Sunday", "MON": "Monday", "TUE": "Tuesday",
        "WED": "Wednesday", "THU": "Thursday", "FRI": "Friday", "SAT": "Saturday"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
ANY = ("*", "?")


def describe(quartz: str) -> str:
    fields = quartz.split()
    if len(fields) not in (6, 7):
        return f"cron '{quartz}'"
    sec, minute, hour, dom, month, dow = fields[:6]
    when = _time(sec, minute, hour)
    days = _days(dom, dow)
    months = _months(month)
    if when is None or days is None or months is None:
        return f"cron '{quartz}'"
    return ", ".join(part for part in (when, days, months) if part)


def _time(sec: str, minute: str, hour: str) -> str | None:
    if all(f.isdigit() for f in (sec, minute, hour)):
        return f"At {int(hour):02d}:{int(minute):02d}:{int(sec):02d}"
    for value, unit in ((sec, "second"), (minute, "minute"), (hour, "hour")):
        if value.startswith(("*/", "0/")) and value[2:].isdigit():
            step = int(value[2:])
            return f"Every {unit}" if step == 1 else f"Every {step} {unit}s"
    if sec.isdigit() and minute.isdigit() and hour in ANY:
        return f"At {int(minute):02d}:{int(sec):02d} past every hour"
    if sec.isdigit() and minute.isdigit() and _numbers(hour):
        hours = ", ".join(f"{int(h):02d}:{int(minute):02d}" for h in hour.split(","))
        return f"At {hours}"
    return None


def _days(dom: str, dow: str) -> str | None:
    if dom in ANY and dow in ANY:
        return "every day"
    if dom in ANY:
        names = _weekdays(dow)
        return f"on {names}" if names else None
    if dow in ANY and _numbers(dom):
        return f"on day {dom.replace(',', ', ')} of the month"
    if dow in ANY and dom == "L":
        return "on the last day of the month"
    return None


def _weekdays(dow: str) -> str | None:
    if "-" in dow and "," not in dow:
        first, _, last = dow.upper().partition("-")
        if first in DAYS and last in DAYS:
            return f"{DAYS[first]} through {DAYS[last]}"
        return None
    parts = dow.upper().split(",")
    if all(p in DAYS for p in parts):
        return ", ".join(DAYS[p] for p in parts)
    return None


def _months(month: str) -> str | None:
    if month in ANY:
        return ""
    if _numbers(month) and all(1 <= int(m) <= 12 for m in month.split(",")):
        return "in " + ", ".join(MONTHS[int(m) - 1] for m in month.split(","))
    return None


def _numbers(text: str) -> bool:
    return all(part.isdigit() for part in text.split(","))
