"""Where a job runs, read top to bottom: what it asks for (resources.py) -> the tier that
holds it (tiers.py, sizing.py) and its compute environment (environment.py) -> the decision
and its reason (planner.py) -> the checks before any job starts (preflight.py) -> what a
failure says about memory (oom.py, failures.py) -> the retry on a bigger tier (escalation.py).
"""
