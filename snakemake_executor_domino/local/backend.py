"""The live parts of one local Domino, opened on a root directory and shared by the HTTP app
and the embedding API: settings, store, blobs, runner, scheduler, and the API key."""

from __future__ import annotations

from dataclasses import dataclass

from snakemake_executor_domino.local.config import ServerConfig
from snakemake_executor_domino.local.jobs.runner import Runner
from snakemake_executor_domino.local.jobs.scheduler import Scheduler
from snakemake_executor_domino.local.store.blobs import BlobStore
from snakemake_executor_domino.local.store.database import Store
from snakemake_executor_domino.local.store.schedule_queries import ScheduleStore


@dataclass
class Backend:
    config: ServerConfig
    store: Store
    blobs: BlobStore
    runner: Runner
    api_key: str
    user_id: str
    scheduler: Scheduler

    @classmethod
    def open(cls, config: ServerConfig, api_key: str) -> Backend:
        """Open the state under config.root; the caller holds the root's lock
        (local/store/rootlock.py)."""
        config.root.mkdir(parents=True, exist_ok=True)
        store = Store(config.db_path)
        blobs = BlobStore(config.blobs_dir)
        blobs.discard_partial_uploads()
        runner = Runner(config, store, blobs, api_key)
        user_id = store.ensure_user(config.username)
        scheduler = Scheduler(config, store, ScheduleStore(store), runner)
        return cls(config, store, blobs, runner, api_key, user_id, scheduler)

    def close(self) -> None:
        self.scheduler.stop()  # no fire may start a job while the runner shuts down
        self.runner.shutdown()
        self.store.close()
