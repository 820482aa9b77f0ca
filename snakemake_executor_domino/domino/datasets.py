"""Dataset calls of one project: list, create, snapshot, and where executions mount them.

Listing and creating use python-domino's routes (`/dataset`, its `datasets_list` and
`datasets_create`); a deployment without them (404) is asked on Domino 5.0's v4 routes
(`/v4/datasetrw/...`, swagger-5-0.json), which take the same create body. Snapshots and
mount paths exist only in the v4 description: python-domino has no call for them.
"""

from __future__ import annotations

from typing import Any

from snakemake_executor_domino.domino import routes
from snakemake_executor_domino.domino.dataset_parse import (
    Dataset,
    DatasetAnswerError,
    DatasetMount,
    DatasetSnapshot,
)
from snakemake_executor_domino.domino.dataset_parse import (
    dataset as parse_dataset,
)
from snakemake_executor_domino.domino.dataset_parse import (
    datasets as parse_datasets,
)
from snakemake_executor_domino.domino.dataset_parse import (
    mounts as parse_mounts,
)
from snakemake_executor_domino.domino.dataset_parse import (
    snapshot as parse_snapshot,
)
from snakemake_executor_domino.domino.dataset_parse import (
    snapshots as parse_snapshots,
)
from snakemake_executor_domino.domino.errors import DominoError, DominoNotFound
from snakemake_executor_domino.domino.http import Http

# 5.0's CreateSnapshotRequest requires relativeFilePaths; the description does not say how
# "every file" is written, so the dataset's root is named (see docs/local-domino.md)
ALL_FILES = (".",)


class DatasetCalls:
    http: Http
    owner: str
    project_name: str

    @property
    def project_id(self) -> str:  # DominoClient's
        raise NotImplementedError

    def list_datasets(self) -> list[Dataset]:
        """The project's own datasets."""
        what = f"list the datasets of project {self.owner}/{self.project_name}"
        params = {"projectId": self.project_id}
        try:
            body = self.http.json("GET", routes.datasets(), params=params, what=what)
        except DominoNotFound:
            body = self.http.json("GET", routes.datasetrw_datasets(), params=params, what=what)
        return _parsed(parse_datasets, body, what)

    def create_dataset(self, name: str, description: str = "") -> Dataset:
        """A new dataset of the project. Names are unique in a project: python-domino checks
        before it creates, and so does this call, naming the clash."""
        if any(d.name == name for d in self.list_datasets()):
            raise DominoError(
                f"project {self.owner}/{self.project_name} already has a dataset named "
                f"'{name}'; pick another name or use the existing one"
            )
        what = f"create dataset '{name}'"
        payload = {"datasetName": name, "description": description, "projectId": self.project_id}
        # a POST is never repeated blindly (http.py); a 404 means the route is not there
        try:
            body = self.http.json("POST", routes.datasets(), json=payload, what=what)
        except DominoNotFound:
            body = self.http.json("POST", routes.datasetrw_create(), json=payload, what=what)
        return _parsed(parse_dataset, body, what)

    def find_dataset(self, name: str) -> Dataset:
        for found in self.list_datasets():
            if found.name == name:
                return found
        raise DominoNotFound(
            f"project {self.owner}/{self.project_name} has no dataset named '{name}'; "
            "create it first (snakemake-domino local dataset create NAME on the local Domino)",
            404,
        )

    def dataset_snapshots(self, dataset_id: str) -> list[DatasetSnapshot]:
        what = f"list the snapshots of dataset {dataset_id}"
        body = self.http.json("GET", routes.datasetrw_snapshots(dataset_id), what=what)
        return _parsed(parse_snapshots, body, what)

    def create_snapshot(self, dataset_id: str) -> DatasetSnapshot:
        """A read-only snapshot of every file the dataset holds now."""
        what = f"snapshot dataset {dataset_id}"
        payload = {"datasetId": dataset_id, "relativeFilePaths": list(ALL_FILES)}
        body = self.http.json("POST", routes.datasetrw_snapshot(), json=payload, what=what)
        return _parsed(parse_snapshot, body, what)

    def dataset_mounts(self) -> list[DatasetMount]:
        """The project's datasets with every path its executions see them at; which of the
        paths are read-only (snapshots) follows Domino's documented layout."""
        what = f"list where project {self.owner}/{self.project_name} mounts its datasets"
        body = self.http.json("GET", routes.dataset_mounts(self.project_id), what=what)
        return _parsed(parse_mounts, body, what)


def _parsed(parse: Any, body: Any, what: str) -> Any:
    try:
        return parse(body)
    except DatasetAnswerError as exc:
        raise DominoError(f"{what}: Domino's answer is not in a documented shape ({exc})") from None
