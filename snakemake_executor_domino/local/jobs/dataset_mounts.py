"""The datasets a job of a project gets: mounts for its sandbox and the variable naming
their root.

Every job of a project sees each of the project's datasets read-write at the path Domino
documents for a Domino File System project, /domino/datasets/local/<name>, and each
snapshot read-only at /domino/datasets/local/snapshots/<name>/<number>
(domino/dataset_paths.py has the sources). DOMINO_DATASETS_DIR names the folder holding
them. A job that is not isolated cannot be shown those paths: it gets the real folder in
the server's state instead, laid out the same way (store/dataset_dirs.py).
"""

from __future__ import annotations

from snakemake_executor_domino.domino.dataset_paths import (
    DATASETS_DIR_ENV,
    DFS_LOCAL_ROOT,
    dataset_path,
    snapshot_path,
)
from snakemake_executor_domino.local.config import ServerConfig
from snakemake_executor_domino.local.jobs.isolation import Isolation
from snakemake_executor_domino.local.jobs.sandbox import Mount
from snakemake_executor_domino.local.store.dataset_dirs import DatasetDirs
from snakemake_executor_domino.local.store.dataset_queries import DatasetQueries


def dataset_view(
    store: DatasetQueries, config: ServerConfig, project_id: str, isolation: Isolation
) -> tuple[list[Mount], dict[str, str]]:
    """The sandbox mounts (none when not isolated) and the environment variables."""
    where = DatasetDirs(config.datasets_dir)
    local = where.local_root(project_id)
    local.mkdir(parents=True, exist_ok=True)
    if not isolation.isolated:
        return [], {DATASETS_DIR_ENV: str(local)}
    # the folder exists even without datasets, as the variable names it
    mounts = [Mount("dir", DFS_LOCAL_ROOT)]
    for d in store.list_datasets(project_id):
        mounts.append(Mount("rw", dataset_path(d.name), str(where.create(project_id, d.name))))
        for v in d.snapshots:
            host = where.snapshot(project_id, d.name, v.version)
            if host.is_dir():
                mounts.append(Mount("ro", snapshot_path(d.name, v.version), str(host)))
    return mounts, {DATASETS_DIR_ENV: DFS_LOCAL_ROOT}
