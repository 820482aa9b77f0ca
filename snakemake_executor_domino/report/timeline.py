"""A run's timeline as an SVG Gantt chart: one row per Domino job, its queued span pale and
its running span solid in its tier's colour, outlined by outcome, each row a link to the
job's page. Plain SVG with presentation attributes only (no script, no style element), so
the local Domino's pages can inline it under their strict Content-Security-Policy and
`runs show --svg` can write the same picture to a file."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from snakemake_executor_domino.formatting import duration
from snakemake_executor_domino.report.spans import JobSpan

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f",
           "#ff9da7")
OUTCOME_STROKE = {"Succeeded": None, "Failed": "#c62828", "Error": "#c62828",
                  "Stopped": "#555555"}
ACTIVE_STROKE = "#1565c0"
WIDTH = 960
LABEL_WIDTH = 280
RIGHT = 24
ROW = 24
BAR = 14
TOP = 64
LABEL_CHARS = 40
STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800)


def tier_colours(spans: Sequence[JobSpan], tiers: Sequence[str] = ()) -> dict[str, str]:
    """A colour per tier the jobs ran on; in the order of `tiers` (the project's list, so
    a tier keeps its colour from run to run), then in order of appearance."""
    used = {s.tier or "default" for s in spans}
    names = [t for t in tiers if t in used]
    names += [t for t in dict.fromkeys(s.tier or "default" for s in spans) if t not in names]
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def render(spans: Sequence[JobSpan], *, title: str, now_ms: int | None = None,
           tiers: Sequence[str] = ()) -> str:
    """The SVG document (also valid inline in HTML); `tiers` orders the tier colours."""
    spans = sorted(spans, key=lambda s: (s.submitted_ms or 0, s.number or 0))
    colours = tier_colours(spans, tiers)
    start = min((s.submitted_ms for s in spans if s.submitted_ms is not None), default=0)
    end = max([start + 1000] + [_end(s, now_ms) or start for s in spans])
    scale = (WIDTH - LABEL_WIDTH - RIGHT) / max(end - start, 1)
    height = TOP + ROW * max(len(spans), 1) + 16
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label={quoteattr(title)} font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    out += _legend(colours)
    out += _axis(start, end, scale, height)
    for row, span in enumerate(spans):
        out += _row(span, row, start, scale, colours, now_ms)
    if not spans:
        out.append(f'<text x="{LABEL_WIDTH}" y="{TOP + 16}" fill="#555">no jobs</text>')
    out.append("</svg>")
    return "\n".join(out)


def _end(span: JobSpan, now_ms: int | None) -> int | None:
    return span.finished_ms if span.finished_ms is not None else now_ms


def _legend(colours: dict[str, str]) -> list[str]:
    out, x = [], 8
    for name, colour in colours.items():
        out.append(f'<rect x="{x}" y="8" width="14" height="10" fill="{colour}"/>')
        out.append(f'<text x="{x + 18}" y="17">{escape(name)}</text>')
        x += 26 + 7 * len(name)
    x += 12
    out.append(f'<rect x="{x}" y="8" width="14" height="10" fill="#999" fill-opacity="0.3"/>')
    out.append(f'<text x="{x + 18}" y="17">queued</text>')
    x += 76
    stroke = OUTCOME_STROKE["Failed"]
    out.append(f'<rect x="{x}" y="8" width="14" height="10" fill="#999" stroke="{stroke}" '
               'stroke-width="2"/>')
    out.append(f'<text x="{x + 18}" y="17">failed</text>')
    x += 66
    out.append(f'<rect x="{x}" y="8" width="14" height="10" fill="#999" stroke="#555555" '
               'stroke-width="2" stroke-dasharray="3 2"/>')
    out.append(f'<text x="{x + 18}" y="17">stopped</text>')
    return out


def _axis(start: int, end: int, scale: float, height: int) -> list[str]:
    span_s = (end - start) / 1000
    step = next((s for s in STEPS_S if span_s / s <= 10), STEPS_S[-1])
    out = []
    tick = 0
    while tick * 1000 <= end - start:
        x = LABEL_WIDTH + tick * 1000 * scale
        out.append(f'<line x1="{x:.1f}" y1="{TOP - 10}" x2="{x:.1f}" y2="{height - 12}" '
                   'stroke="#e0e0e0"/>')
        out.append(f'<text x="{x:.1f}" y="{TOP - 14}" text-anchor="middle" fill="#555">'
                   f"{escape(_tick(tick))}</text>")
        tick += step
    return out


def _tick(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} m" + (f" {seconds % 60} s" if seconds % 60 else "")
    return f"{seconds // 3600} h" + (f" {seconds % 3600 // 60} m" if seconds % 3600 else "")


def _row(span: JobSpan, row: int, start: int, scale: float, colours: dict[str, str],
         now_ms: int | None) -> list[str]:
    y = TOP + row * ROW
    colour = colours[span.tier or "default"]
    label = f"#{span.number} {span.label}" if span.number is not None else span.label
    if len(label) > LABEL_CHARS:
        label = label[: LABEL_CHARS - 1] + "…"
    tip = (f"#{span.number} {span.label}: {span.status} on {span.tier or 'the default tier'}; "
           f"queued {duration(span.queued_ms)}, ran {duration(span.run_ms)}")
    href, job_id = quoteattr(span.url or "#"), quoteattr(span.job_id)
    out = [f'<a class="job" href={href} data-job-id={job_id}>',
           f"<title>{escape(tip)}</title>",
           f'<text x="8" y="{y + BAR - 2}">{escape(label)}</text>']
    submitted = span.submitted_ms if span.submitted_ms is not None else start
    started = span.started_ms
    ended = _end(span, now_ms)
    queue_end = started if started is not None else ended
    if queue_end is not None and queue_end > submitted:
        out.append(_rect("queued", submitted, queue_end, start, scale, y, colour,
                         'fill-opacity="0.3"'))
    if started is not None:
        outline = _outline(span.status)
        out.append(_rect("run", started, max(ended or started, started), start, scale, y,
                         colour, outline))
    out.append("</a>")
    return out


def _outline(status: str) -> str:
    if status in OUTCOME_STROKE:
        stroke = OUTCOME_STROKE[status]
        if stroke is None:
            return ""
        dash = ' stroke-dasharray="3 2"' if status == "Stopped" else ""
        return f'stroke="{stroke}" stroke-width="2"{dash}'
    return f'stroke="{ACTIVE_STROKE}" stroke-width="1"'  # still on its way


def _rect(kind: str, begin: int, finish: int, start: int, scale: float, y: int, colour: str,
          extra: str) -> str:
    x = LABEL_WIDTH + (begin - start) * scale
    width = max((finish - begin) * scale, 2.0)  # a sub-pixel job stays visible
    return (f'<rect class="{kind}" x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" '
            f'fill="{colour}" {extra}/>').replace(" />", "/>")
