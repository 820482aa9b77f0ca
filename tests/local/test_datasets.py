"""Datasets on the local Domino: created and listed through the client (python-domino's
routes), each a directory in the server's state that every job of its project sees
read-write at Domino's documented path, and snapshots as read-only copies.

Isolated jobs see /domino/datasets/local/<name>; unisolated ones get the real folder in
DOMINO_DATASETS_DIR (docs/local-domino.md, "Datasets"). The commands below go through the
variable, so they run in both; what only isolation gives is checked where it is on.
"""

from __future__ import annotations

import os

import pytest

from snakemake_executor_domino.cli import main
from snakemake_executor_domino.domino import Credentials, DominoClient, DominoError
from snakemake_executor_domino.local.server import LocalDomino
from snakemake_executor_domino.local.store.dataset_dirs import DatasetDirs
from tests.conftest import unavailable

from .conftest import Api


def client_of(api: Api) -> DominoClient:
    return DominoClient(api.url, api.owner, api.name, Credentials(api_key=api.key))


def isolated(server: LocalDomino) -> bool:
    return server.backend.runner.isolation.isolated


def run(api: Api, command: str) -> str:
    job = api.start(command)
    done = api.wait(job["id"])
    log = api.log(job["id"])
    assert done["statuses"]["executionStatus"] == "Succeeded", log
    return log


def test_a_job_reads_and_writes_its_projects_dataset_in_place(server: LocalDomino, api: Api):
    client = client_of(api)
    created = client.create_dataset("raw", "reads")
    assert [(d.id, d.name) for d in client.list_datasets()] == [(created.id, "raw")]
    host = DatasetDirs(server.config.datasets_dir).read_write(api.project_id, "raw")
    (host / "input.txt").write_text("hello\n")
    [mount] = client.dataset_mounts()
    assert mount.read_write_paths == ("/domino/datasets/local/raw",)

    log = run(api, 'd="$DOMINO_DATASETS_DIR/raw"; echo "root=$DOMINO_DATASETS_DIR"; '
                   'cat "$d/input.txt"; { cat "$d/input.txt"; echo made; } > "$d/output.txt"')

    assert "hello" in log
    assert (host / "output.txt").read_text() == "hello\nmade\n"
    # a dataset's files are no project files: no commit carries them
    assert "output.txt" not in str(api.files(api.head()))
    if isolated(server):
        assert "root=/domino/datasets/local\n" in log
    else:
        assert f"root={host.parent}\n" in log


def test_an_isolated_job_reaches_nothing_beside_its_mounts(server: LocalDomino, api: Api):
    if not isolated(server):
        pytest.skip("jobs run unisolated here: they see this machine's files")
    client_of(api).create_dataset("shared")
    log = run(api, 'for p in /domino/datasets/local/stray /domino/stray /stray; do '
                   'if echo x > "$p" 2>/dev/null; then echo "WROTE $p"; fi; done; '
                   'echo x > /domino/datasets/local/shared/ok && echo wrote-dataset')
    assert "WROTE" not in log and "wrote-dataset" in log
    assert not (server.config.datasets_dir / api.project_id / "local" / "stray").exists()


def test_a_snapshot_is_a_read_only_copy(server: LocalDomino, api: Api):
    client = client_of(api)
    dataset = client.create_dataset("ref")
    host = DatasetDirs(server.config.datasets_dir)
    (host.read_write(api.project_id, "ref") / "a.txt").write_text("v1")

    snap = client.create_snapshot(dataset.id)
    (host.read_write(api.project_id, "ref") / "a.txt").write_text("v2")

    assert (snap.version, snap.read_write) == (1, False)
    versions = [(s.version, s.read_write) for s in client.dataset_snapshots(dataset.id)]
    assert versions == [(0, True), (1, False)]
    [mount] = client.dataset_mounts()
    assert mount.read_only_paths == ("/domino/datasets/local/snapshots/ref/1",)
    log = run(api, 'd="$DOMINO_DATASETS_DIR/snapshots/ref/1"; cat "$d/a.txt"; echo; '
                   'cat "$DOMINO_DATASETS_DIR/ref/a.txt"; echo; '
                   'for f in a.txt new.txt; do '
                   'if echo x > "$d/$f" 2>/dev/null; then echo "WROTE $f"; fi; done')
    assert "v1\nv2\n" in log
    if isolated(server) or os.geteuid() != 0:
        # unisolated, root passes file modes by: only a mount can refuse it a write
        assert "WROTE" not in log
        assert (host.snapshot(api.project_id, "ref", 1) / "a.txt").read_text() == "v1"


def test_dataset_names_are_unique_and_fit_a_folder(api: Api):
    client = client_of(api)
    client.create_dataset("one")
    with pytest.raises(DominoError, match="already has a dataset named 'one'"):
        client.create_dataset("one")
    for bad in ("../up", "snapshots", ".hidden", "a/b"):
        r = api.post("/dataset", json={"datasetName": bad, "projectId": api.project_id})
        assert r.status_code == 400 and "datasetName" in r.json()["message"], r.text
    r = api.post("/dataset", json={"datasetName": "one", "projectId": api.project_id})
    assert r.status_code == 400 and "already has" in r.json()["message"]


def test_v4_routes_answer_in_50s_shapes(api: Api):
    r = api.post("/v4/datasetrw", json={"datasetName": "v4", "projectId": api.project_id})
    assert r.status_code == 200, r.text
    view = r.json()
    assert (view["name"], view["projectName"]) == ("v4", api.name)
    [listed] = api.get("/v4/datasetrw/datasets", params={"projectId": api.project_id}).json()
    assert listed["id"] == view["id"] and listed["readWriteSnapshotId"] in listed["snapshotIds"]
    r = api.post("/v4/datasetrw/snapshot",
                 json={"datasetId": view["id"], "relativeFilePaths": ["missing.txt"]})
    assert r.status_code == 400 and "missing.txt" in r.json()["message"]
    r = api.post("/v4/datasetrw/snapshot", json={"datasetId": view["id"]})
    assert r.status_code == 400 and "relativeFilePaths" in r.json()["message"]


def test_cli_creates_lists_and_snapshots(server: LocalDomino, api: Api, capsys):
    where = ["--root", str(server.root), "--project", f"{api.owner}/{api.name}"]
    assert main(["local", "dataset", "create", "demo", *where]) == 0
    host = DatasetDirs(server.config.datasets_dir).read_write(api.project_id, "demo")
    out = capsys.readouterr().out
    assert "/domino/datasets/local/demo" in out and str(host) in out
    (host / "x.txt").write_text("x")
    assert main(["local", "dataset", "snapshot", "demo", *where]) == 0
    assert "/domino/datasets/local/snapshots/demo/1" in capsys.readouterr().out
    assert main(["local", "dataset", "list", *where]) == 0
    out = capsys.readouterr().out
    assert "read-write: /domino/datasets/local/demo" in out
    assert "read-only:  /domino/datasets/local/snapshots/demo/1" in out
    assert main(["local", "dataset", "snapshot", "nosuch", *where]) == 2
    assert "no dataset named 'nosuch'" in capsys.readouterr().err


def test_python_domino_creates_and_lists_datasets(api: Api):
    try:
        import domino
    except ImportError:
        unavailable("python-domino's dataset calls",
                    "python-domino is not installed; `make test` installs it (Makefile)")
    official = domino.Domino(f"{api.owner}/{api.name}", api_key=api.key, host=api.url)
    made = official.datasets_create("pd", "made by python-domino")
    assert (made["datasetName"], made["description"]) == ("pd", "made by python-domino")
    assert official.datasets_names(api.project_id) == ["pd"]
    details = official.datasets_details(made["datasetId"])
    assert {"projectId", "created"} <= details.keys()
    with pytest.raises(domino.exceptions.DatasetExistsException):
        official.datasets_create("pd", "again")
