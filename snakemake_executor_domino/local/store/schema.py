"""The SQLite schema, as an append-only list of migrations.

`PRAGMA user_version` records how many have run, so a later feature (scheduled jobs, say)
appends one entry with its `CREATE TABLE` and existing state directories upgrade on start.
Never edit an entry that has shipped; add a new one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    """
    CREATE TABLE users (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        created_ms INTEGER NOT NULL
    );
    CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        owner_id TEXT NOT NULL REFERENCES users(id),
        owner_username TEXT NOT NULL,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        visibility TEXT NOT NULL DEFAULT 'Private',
        head_commit_id TEXT,
        next_job_number INTEGER NOT NULL DEFAULT 1,
        created_ms INTEGER NOT NULL,
        UNIQUE (owner_username, name)
    );
    CREATE TABLE commits (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id),
        parent_id TEXT,
        message TEXT NOT NULL,
        timestamp_ms INTEGER NOT NULL,
        seq INTEGER NOT NULL
    );
    CREATE INDEX commits_by_project ON commits (project_id, seq);
    CREATE TABLE commit_files (
        commit_id TEXT NOT NULL,
        path TEXT NOT NULL,
        blob_key TEXT NOT NULL,
        size INTEGER NOT NULL,
        last_modified_ms INTEGER NOT NULL,
        PRIMARY KEY (commit_id, path)
    ) WITHOUT ROWID;
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id),
        number INTEGER NOT NULL,
        title TEXT NOT NULL,
        command TEXT NOT NULL,
        status TEXT NOT NULL,
        tier_id TEXT NOT NULL,
        tier_name TEXT NOT NULL,
        environment_id TEXT NOT NULL,
        input_commit_id TEXT NOT NULL,
        output_commit_id TEXT,
        submitted_ms INTEGER NOT NULL,
        started_ms INTEGER,
        completed_ms INTEGER,
        started_by_id TEXT NOT NULL,
        started_by_username TEXT NOT NULL,
        parent_job_id TEXT,
        token_sha256 TEXT,
        is_scheduled INTEGER NOT NULL DEFAULT 0,
        pid INTEGER,
        exit_code INTEGER,
        UNIQUE (project_id, number)
    );
    CREATE INDEX jobs_by_status ON jobs (status);
    CREATE INDEX jobs_by_parent ON jobs (parent_job_id);
    CREATE INDEX jobs_by_token ON jobs (token_sha256);
    """,
    # scheduled jobs (issue 5): the schedules, and one row per fire (started, skipped or
    # missed while the server was down), which is how a schedule knows the jobs it started
    """
    CREATE TABLE scheduled_jobs (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id),
        title TEXT NOT NULL,
        command TEXT NOT NULL,
        cron_string TEXT NOT NULL,
        is_custom INTEGER NOT NULL DEFAULT 1,
        timezone_id TEXT NOT NULL,
        is_paused INTEGER NOT NULL DEFAULT 0,
        allow_concurrent INTEGER NOT NULL DEFAULT 0,
        tier_id TEXT NOT NULL,
        environment_id TEXT,
        environment_revision_spec TEXT NOT NULL,
        notify_emails TEXT NOT NULL DEFAULT '[]',
        scheduled_by_id TEXT NOT NULL,
        scheduled_by_username TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        next_fire_ms INTEGER,
        last_job_id TEXT
    );
    CREATE INDEX scheduled_jobs_by_project ON scheduled_jobs (project_id, created_ms);
    CREATE TABLE scheduled_job_fires (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        scheduled_job_id TEXT NOT NULL,
        fire_ms INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        job_id TEXT,
        manual INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX scheduled_job_fires_by_schedule ON scheduled_job_fires (scheduled_job_id, seq);
    """,
    # what a job used (issue 15): CPU seconds and peak resident memory of its process tree
    """
    ALTER TABLE jobs ADD COLUMN cpu_seconds REAL;
    ALTER TABLE jobs ADD COLUMN peak_memory_bytes INTEGER;
    """,
    # datasets (issue 20): a project's datasets and their versions; version 0 is the
    # read-write one, made with the dataset; read-only snapshots count from 1
    """
    CREATE TABLE datasets (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects(id),
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        author_id TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        UNIQUE (project_id, name)
    );
    CREATE TABLE dataset_snapshots (
        id TEXT PRIMARY KEY,
        dataset_id TEXT NOT NULL REFERENCES datasets(id),
        version INTEGER NOT NULL,
        author_id TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        UNIQUE (dataset_id, version)
    );
    """,
]
