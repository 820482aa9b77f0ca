"""The local Domino's state: the SQLite database (database.py with its job and schedule
queries, schema.py), the rows it hands out (rows.py), the content-addressed blobs, path
validation and the one-server-per-root lock."""
