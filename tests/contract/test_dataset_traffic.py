"""The dataset calls on the wire, both ways, held to Domino's documents: the client's
requests and the local Domino's answers (python-domino's `/dataset` routes and 5.0's
`/v4/datasetrw/...`), in each API flavor."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from snakemake_executor_domino.domino import Credentials, DominoClient

from .recording import recording_domino
from .shapes import FLAVORS
from .test_contract import assert_keeps_contract

DATASET_CALLS = {
    "datasets (python-domino)", "create dataset (python-domino)", "dataset (python-domino)",
    "datasets", "create dataset", "dataset", "dataset snapshots", "create dataset snapshot",
    "project dataset mounts",
}


@pytest.mark.parametrize("flavor", FLAVORS)
def test_dataset_traffic_keeps_the_contract(tmp_path: Path, flavor: str) -> None:
    log = tmp_path / "traffic.jsonl"
    with recording_domino(tmp_path / "domino", log, flavor=flavor) as server:
        project_id = server.create_project("tester/data")
        client = DominoClient(server.url, "tester", "data", Credentials(api_key=server.api_key))
        made = client.create_dataset("raw", "inputs")
        client.create_snapshot(made.id)
        client.dataset_snapshots(made.id)
        client.dataset_mounts()
        headers, base = {"X-Domino-Api-Key": server.api_key}, server.url
        for method, path, body in [
            ("GET", f"/dataset/{made.id}", None),
            ("GET", f"/v4/datasetrw/datasets/{made.id}", None),
            ("POST", "/v4/datasetrw", {"datasetName": "v4", "projectId": project_id}),
        ]:
            r = requests.request(method, base + path, json=body, headers=headers, timeout=10)
            assert r.status_code == 200, r.text
        r = requests.get(f"{base}/v4/datasetrw/datasets", params={"projectId": project_id},
                         headers=headers, timeout=10)
        assert r.status_code == 200 and len(r.json()) == 2
    assert_keeps_contract(log, DATASET_CALLS)
