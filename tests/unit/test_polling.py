"""The poller pages by what Domino says it served, not by what it asked for."""

from __future__ import annotations

from dataclasses import replace

from snakemake_executor_domino.domino import Job, JobPage
from snakemake_executor_domino.polling import JobPoller

BASE = Job(id="", number=None, title="", command="", status="Running", is_completed=False,
           input_commit_id=None, output_commit_id=None, tier_id=None, tier_name=None,
           submitted_ms=None, started_ms=None, completed_ms=None)


def job(number: int) -> Job:
    return replace(BASE, id=f"j{number}", number=number, title=f"t{number}")


class Pages:
    """A project of 30 jobs served newest first, 10 a page whatever is asked."""

    def __init__(self, newest_first: bool = True):
        self.asked: list[int] = []
        self.newest_first = newest_first

    def jobs_page(self, *, page_size: int, page_no: int) -> JobPage:
        self.asked.append(page_no)
        numbers = range(30 - 10 * (page_no - 1), 20 - 10 * (page_no - 1), -1)
        return JobPage([job(n) for n in numbers if n > 0], total=30, page_size=10,
                       page_no=page_no, newest_first=self.newest_first)

    def get_job(self, job_id: str) -> Job:
        raise AssertionError(f"{job_id} should have been found in the list")


def test_pages_follow_the_served_page_size():
    pages = Pages()
    poller = JobPoller(pages)  # type: ignore[arg-type]
    for number in (28, 15):
        poller.track(job(number))
    found = poller.poll(["j28", "j15"])
    assert set(found) == {"j28", "j15"}
    assert pages.asked == [1, 2]  # page 2 of ten holds #15; no page 3


def test_the_last_served_page_ends_the_scan():
    pages = Pages()
    poller = JobPoller(pages)  # type: ignore[arg-type]
    poller.track(job(1))
    assert poller.poll(["j1"])["j1"].number == 1
    assert pages.asked == [1, 2, 3]
