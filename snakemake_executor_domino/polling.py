"""One Domino list call per polling cycle for all active jobs, whatever their number."""

from __future__ import annotations

from snakemake_executor_domino.domino import DominoClient, Job
from snakemake_executor_domino.job_identity import marker_in

PAGE_SIZE = 100
MAX_PAGES = 20


class JobPoller:
    def __init__(self, client: DominoClient):
        self.client = client
        self._numbers: dict[str, int] = {}
        self._titles: dict[str, str] = {}
        self._markers: dict[str, str] = {}
        # Running jobs that carry a tracked job's title (or, where Domino keeps no title,
        # its command's marker) but are not it, seen by the last
        # poll: a start whose answer was lost landed after all, later than the client
        # looked for it, and was started again. The caller stops them.
        self.duplicates: list[Job] = []

    def track(self, job: Job) -> None:
        if job.number is not None:
            self._numbers[job.id] = job.number
        if job.title:
            self._titles[job.id] = job.title
        if marker_in(job.command):
            self._markers[job.id] = marker_in(job.command)

    def forget(self, job_id: str) -> None:
        self._numbers.pop(job_id, None)
        self._titles.pop(job_id, None)
        self._markers.pop(job_id, None)

    def poll(self, job_ids: list[str]) -> dict[str, Job]:
        """Current state of the given jobs, read from the project's job list (newest first).

        Pages are read only until the oldest wanted job has been passed, so the usual
        cycle is one request. A job the list does not show is fetched on its own.
        """
        wanted = set(job_ids)
        known = [self._numbers[j] for j in wanted if j in self._numbers]
        oldest = min(known) if known else None
        found: dict[str, Job] = {}
        titles = {self._titles[j] for j in wanted if j in self._titles}
        markers = {self._markers[j] for j in wanted if j in self._markers}
        duplicates: list[Job] = []
        page_no = 1
        for _ in range(MAX_PAGES):
            if not wanted - found.keys():
                break
            page = self.client.jobs_page(page_size=PAGE_SIZE, page_no=page_no)
            for job in page.jobs:
                if job.id in wanted:
                    found[job.id] = job
                elif not job.finished and (
                    job.title in titles or marker_in(job.command) in markers
                ):
                    duplicates.append(job)
            numbers = [job.number for job in page.jobs if job.number is not None]
            # only a newest-first list can be left once it is past the oldest wanted job
            passed = page.newest_first and oldest is not None and numbers and min(numbers) <= oldest
            if page.last or passed or oldest is None:
                break
            page_no = max(page_no, page.page_no) + 1
        for job_id in wanted - found.keys():
            found[job_id] = self.client.get_job(job_id)
        self.duplicates = duplicates
        return found
