"""Dataset answers as Domino documents them, parsed by the real client over a fake
transport; and the documented mount layout (domino/dataset_paths.py)."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.domino import DominoError
from snakemake_executor_domino.domino.dataset_paths import (
    is_snapshot_path,
    mount_roots,
    snapshot_path,
)
from tests.unit.domino.conftest import PROJECT

DS_ID = "65a0c1d2e3a4b5c6d7e8f901"
RW_ID = "65a0c1d2e3a4b5c6d7e8f902"
SNAP_ID = "65a0c1d2e3a4b5c6d7e8f903"
# python-domino tests/test_datasets.py: the live tests read `description`, its mocks send
# `datasetDescription`
PD_LIVE = {"datasetId": DS_ID, "datasetName": "raw", "description": "reads",
           "projectId": PROJECT.id, "created": 1700000000000}
PD_MOCK = {"datasetId": DS_ID, "datasetName": "raw", "datasetDescription": "reads",
           "projectId": PROJECT.id}
# 5.0 OpenAPI DatasetRwDto (required fields and the optional ones)
RW_DTO = {"id": DS_ID, "name": "raw", "description": "reads", "projectId": PROJECT.id,
          "snapshotIds": [RW_ID, SNAP_ID], "readWriteSnapshotId": RW_ID, "tags": {},
          "createdTime": 1700000000000, "lifecycleStatus": "Active",
          "statusLastUpdatedBy": PROJECT.id, "statusLastUpdatedTime": 1700000000000,
          "datasetPath": "/domino/datasets/local/raw"}
# 5.0 OpenAPI DatasetRwSnapshotDto
SNAPSHOT = {"id": SNAP_ID, "resourceId": SNAP_ID, "datasetId": DS_ID, "version": 1,
            "creationTime": 1700000000001, "lifecycleStatus": "Active",
            "statusLastUpdatedBy": PROJECT.id, "statusLastUpdatedTime": 1700000000001,
            "storageSize": 2, "isPartialSize": False, "isReadWrite": False}
# 5.0 OpenAPI DatasetRwProjectMountDto
MOUNT = {"datasetId": DS_ID, "snapshotId": RW_ID, "versionNumber": 0, "name": "raw",
         "ownerProjectOwnerUsername": PROJECT.owner, "ownerProjectName": PROJECT.name,
         "isPartialSize": False, "availableVersions": 2,
         "mountPathsForProject": ["/domino/datasets/local/raw",
                                  "/domino/datasets/local/snapshots/raw/1"]}


@pytest.mark.parametrize("item", [PD_LIVE, PD_MOCK, RW_DTO])
def test_list_reads_every_documented_shape(fake, client, item):
    fake.answer("GET", "/dataset", [item])
    [found] = client.list_datasets()
    assert (found.id, found.name, found.description, found.project_id) == (
        DS_ID, "raw", "reads", PROJECT.id)
    assert fake.calls[-1][2]["params"] == {"projectId": PROJECT.id}


def test_list_falls_back_to_50s_route_where_python_dominos_is_missing(fake, client):
    fake.answer("GET", "/v4/datasetrw/datasets", [RW_DTO])
    [found] = client.list_datasets()
    assert found.read_write_snapshot_id == RW_ID and found.snapshot_ids == (RW_ID, SNAP_ID)
    assert fake.paths("GET") == ["/dataset", "/v4/datasetrw/datasets"]


def test_create_sends_python_dominos_body_and_refuses_a_taken_name(fake, client):
    fake.answer("GET", "/dataset", [])
    fake.answer("POST", "/dataset", PD_LIVE)
    assert client.create_dataset("raw", "reads").id == DS_ID
    assert fake.calls[-1][2]["json"] == {
        "datasetName": "raw", "description": "reads", "projectId": PROJECT.id}
    fake.answers[("GET", "/dataset")] = [(200, [PD_LIVE], {})]
    with pytest.raises(DominoError, match="already has a dataset named 'raw'"):
        client.create_dataset("raw")
    assert fake.paths("POST") == ["/dataset"]


def test_snapshots_and_mounts(fake, client):
    fake.answer("POST", "/v4/datasetrw/snapshot", SNAPSHOT)
    snap = client.create_snapshot(DS_ID)
    assert (snap.id, snap.version, snap.read_write) == (SNAP_ID, 1, False)
    assert fake.calls[-1][2]["json"] == {"datasetId": DS_ID, "relativeFilePaths": ["."]}
    fake.answer("GET", f"/v4/datasetrw/snapshots/{DS_ID}", [SNAPSHOT])
    assert [s.id for s in client.dataset_snapshots(DS_ID)] == [SNAP_ID]
    fake.answer("GET", f"/v4/datasetrw/mounts/{PROJECT.id}/local", [MOUNT])
    [mount] = client.dataset_mounts()
    assert mount.read_write_paths == ("/domino/datasets/local/raw",)
    assert mount.read_only_paths == ("/domino/datasets/local/snapshots/raw/1",)


def test_an_answer_in_no_documented_shape_is_an_error_naming_the_call(fake, client):
    fake.answer("GET", "/dataset", {"unexpected": True})
    with pytest.raises(DominoError, match="list the datasets of project .* documented shape"):
        client.list_datasets()


def test_documented_roots_by_project_kind():
    assert mount_roots({}) == ("/domino/datasets",)
    assert mount_roots({"DOMINO_IS_GIT_BASED": "true"}) == (
        "/mnt/data", "/mnt/local", "/mnt/imported/data")
    named = {"DOMINO_DATASETS_DIR": "/x/local/", "DOMINO_IMPORTED_DATA_DIR": "relative"}
    assert mount_roots(named) == ("/x/local", "/domino/datasets")


@pytest.mark.parametrize("path, read_only", [
    (snapshot_path("raw", 3) + "/a.csv", True),
    ("/domino/datasets/local/snapshots/raw", True),
    ("/domino/datasets/snapshots/ella/tag3/x", True),  # a shared dataset's snapshot
    ("/domino/datasets/local/raw/snapshots/x", False),  # a folder of the dataset itself
    ("/domino/datasets/ella/a", False),
    ("/mnt/data/raw/a", False),
])
def test_snapshot_paths_follow_the_documented_layout(path, read_only):
    assert is_snapshot_path(path) is read_only
