"""The timeline SVG: one linked bar group per job, queued and running spans, outcome
outlines, escaped text, and a document a browser and an XML parser both accept."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from snakemake_executor_domino.report import timeline
from tests.unit.runs.test_summary import S, span

NS = {"svg": "http://www.w3.org/2000/svg"}


def parsed(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_one_link_per_job_to_its_page():
    spans = [span(1, "clean", "Small", 0, 2 * S, 5 * S), span(2, "fit", "Large", 5 * S, 5 * S,
                                                            9 * S)]
    root = parsed(timeline.render(spans, title="run r1"))
    links = root.findall("svg:a", NS)
    assert [a.get("href") for a in links] == [s.url for s in spans]
    assert [a.get("data-job-id") for a in links] == ["job1", "job2"]
    for link in links:
        assert link.find("svg:rect[@class='run']", NS) is not None


def test_queued_span_is_pale_and_running_span_solid_in_the_tier_colour():
    root = parsed(timeline.render([span(1, "clean", "Small", 0, 4 * S, 8 * S)], title="t"))
    link = root.find("svg:a", NS)
    queued = link.find("svg:rect[@class='queued']", NS)
    running = link.find("svg:rect[@class='run']", NS)
    assert queued.get("fill") == running.get("fill") == timeline.PALETTE[0]
    assert queued.get("fill-opacity") == "0.3" and running.get("fill-opacity") is None
    # queued 0-4 s and running 4-8 s share the width between them
    assert float(queued.get("x")) + float(queued.get("width")) == float(running.get("x"))
    assert float(queued.get("width")) == float(running.get("width"))


def test_tiers_get_different_colours_and_failures_an_outline():
    spans = [span(1, "a", "Small", 0, 0, S), span(2, "b", "Large", 0, 0, S, status="Failed"),
             span(3, "c", "Small", 0, 0, S, status="Stopped")]
    runs = [a.find("svg:rect[@class='run']", NS)
            for a in parsed(timeline.render(spans, title="t")).findall("svg:a", NS)]
    assert runs[0].get("fill") == runs[2].get("fill") != runs[1].get("fill")
    assert runs[0].get("stroke") is None
    assert runs[1].get("stroke") == timeline.OUTCOME_STROKE["Failed"]
    assert runs[2].get("stroke-dasharray")


def test_a_job_that_never_started_shows_only_its_wait():
    link = parsed(timeline.render([span(1, "a", "Small", 0, None, 3 * S, status="Stopped")],
                                  title="t")).find("svg:a", NS)
    assert link.find("svg:rect[@class='run']", NS) is None
    assert link.find("svg:rect[@class='queued']", NS) is not None


def test_text_is_escaped():
    evil = span(1, "<script>alert(1)</script>", "Sm&ll", 0, 0, S)
    svg = timeline.render([evil], title='run "<x>"')
    assert "<script>" not in svg
    root = parsed(svg)
    assert root.find("svg:title", NS).text == 'run "<x>"'
    assert "<script>alert(1)</script>" in root.find("svg:a/svg:text", NS).text


def test_no_jobs_still_draws_a_picture():
    assert "no jobs" in timeline.render([], title="t")


def test_tier_colours_follow_the_projects_tier_list():
    spans = [span(1, "a", "Large", 0, 0, S), span(2, "b", "Small", 0, 0, S)]
    colours = timeline.tier_colours(spans, ["Small", "Medium", "Large"])
    assert list(colours) == ["Small", "Large"]
    assert colours == {"Small": timeline.PALETTE[0], "Large": timeline.PALETTE[1]}
    assert list(timeline.tier_colours(spans)) == ["Large", "Small"]
