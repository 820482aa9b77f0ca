"""The run summary as the short text table the executor logs and `runs show` prints."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from snakemake_executor_domino.formatting import count, duration, hardware, size
from snakemake_executor_domino.report.efficiency import DEFAULT_THRESHOLD, RuleEfficiency, advice
from snakemake_executor_domino.report.summary import RuleUsage, Summary

COST_NOTE = (
    "cost is an estimate: each tier's centsPerMinute (as Domino reports it) times its "
    "running minutes; Domino's own accounting may differ."
)




def money(cents: float | None) -> str:
    return "-" if cents is None else f"${cents / 100:,.2f}"


def table(rows: Sequence[Sequence[str]], right: set[int], indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append(indent + "  ".join(cells).rstrip())
    return lines


def format_summary(summary: Summary, efficiency: Sequence[RuleEfficiency] = (),
                   threshold: float = DEFAULT_THRESHOLD) -> str:
    """The summary's text; with `efficiency` (efficiency.assess of the same summary), the
    rule table shows each rule's use as % of its tier, and oversized rules get a line."""
    statuses = ", ".join(f"{n} {status.lower()}" for status, n in summary.statuses.items())
    packs, packed = summary.packs
    in_packs = (
        f" for {summary.jobs - packs + packed} Snakemake jobs, {packed} of them in {packs} "
        "pack(s)," if packs else ""
    )
    lines = [
        f"Domino run {summary.run_id}: {summary.jobs} job(s) ({statuses}),{in_packs} "
        f"{duration(summary.wall_ms)} from the first submission to the last end."
    ]
    rows = [("TIER", "JOBS", "QUEUED", "RUNNING", "TIER-MIN", "EST. COST")]
    for t in summary.tiers:
        rows.append((t.tier, str(t.jobs), duration(t.queued_ms), duration(t.run_ms),
                     f"{t.tier_minutes:.2f}", money(t.cents)))
    rows.append(("all", str(summary.jobs), duration(summary.queued_ms),
                 duration(summary.run_ms), f"{summary.tier_minutes:.2f}", money(summary.cents)))
    lines += table(rows, right={1, 2, 3, 4, 5})
    slowest = [
        f"{s.label} #{s.number} {duration(s.run_ms)} on {s.tier or 'the default tier'}"
        for s in summary.slowest
    ]
    if slowest:
        lines.append("  slowest: " + "; ".join(slowest))
    lines += _rule_table(summary.rules, efficiency)
    hints = [line for line in (advice(e, threshold) for e in efficiency) if line]
    for hint in hints:
        lines += textwrap.wrap(hint, width=96, initial_indent="  oversized: ",
                               subsequent_indent="    ")
    note = COST_NOTE
    if summary.unpriced:
        note += f" No price reported for: {', '.join(summary.unpriced)}."
    lines += textwrap.wrap(note, width=96, initial_indent="  ", subsequent_indent="  ")
    return "\n".join(lines)


def _rule_table(rules: Sequence[RuleUsage],
                efficiency: Sequence[RuleEfficiency] = ()) -> list[str]:
    peaks = any(r.cpu_peak_percent is not None for r in rules)  # Domino's public units
    shares = {(e.rule, e.tier): e for e in efficiency}
    rows = [("RULE", "JOBS", "TIER", "ASKED", "TIER HAS", "PEAK MEMORY", "MEAN CORES",
             *(("PEAK CPU",) if peaks else ()), *(("MEM %", "CORES %") if shares else ()))]
    for r in rules:
        share = shares.get((r.rule, r.tier))
        rows.append((
            r.rule, str(r.jobs), r.tier, _asked(r), _has(r),
            size(r.peak_memory_bytes),
            "-" if r.mean_cores is None else f"{r.mean_cores:.2f}",
            *((_pct(r.cpu_peak_percent),) if peaks else ()),
            *((_pct(share and share.memory_pct), _pct(share and share.cores_pct))
              if shares else ()),
        ))
    return table(rows, right=set(range(5, 10)) | {1})


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def _asked(rule: RuleUsage) -> str:
    parts = []
    if rule.threads is not None:
        parts.append(count(rule.threads, "thread"))
    if rule.mem_mb is not None:
        parts.append(f"{rule.mem_mb:g} MB")
    return ", ".join(parts) or "-"


def _has(rule: RuleUsage) -> str:
    return hardware(rule.tier_cores, rule.tier_memory_gib) or "-"
