"""The example pipeline's run page in a real browser: one bar per Domino job of the run,
each a link that opens that job's page. The screenshot docs/provenance.md shows is written
to docs/images/run-timeline.png only with UPDATE_SCREENSHOT=1 (a test run must not modify
the tree); otherwise to the test's temporary directory."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_RUN, DominoServer, PipelineRun

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "run-timeline.png"


@EXAMPLE_RUN
def test_run_page_has_one_bar_per_job_each_opening_its_page(example_run: PipelineRun,
                                                            domino: DominoServer, page,
                                                            tmp_path: Path):
    run_id = re.search(r"Domino run (\w+):", example_run.result.stderr).group(1)
    project = example_run.project
    jobs, _ = domino.client(project).list_jobs(page_size=100)
    mine = {job.id: job for job in jobs if f"[run {run_id} job " in job.title}
    assert len(mine) == 9

    page.goto(f"{domino.url}/jobs/{project}")
    page.get_by_role("link", name="Runs").click()
    page.get_by_role("link", name=run_id).click()
    assert page.url == f"{domino.url}/jobs/{project}/runs/{run_id}"

    bars = page.locator("svg.timeline a.job")
    assert bars.count() == len(mine)
    linked = {}
    for i in range(bars.count()):
        bar = bars.nth(i)
        assert bar.locator("rect.run").count() == 1  # every job of this run ran
        linked[bar.get_attribute("data-job-id")] = bar.get_attribute("href")
    assert linked == {job_id: f"/jobs/{project}/{job_id}" for job_id in mine}
    assert "9 succeeded" in page.locator("section.summary").inner_text()

    target = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOT") == "1" else tmp_path / "run.png"
    page.set_viewport_size({"width": 1400, "height": 900})
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 20_000

    forest = next(j for j in mine.values() if "fit model=forest" in j.title)
    page.locator(f'svg.timeline a.job[data-job-id="{forest.id}"] rect.run').click()
    page.wait_for_url(f"{domino.url}/jobs/{project}/{forest.id}")
    assert page.locator("main .heading .status").inner_text() == "Succeeded"
    assert forest.title in page.locator("main h1").inner_text()
