"""What moves between the submitting directory and the Domino project: the workflow's own
sources (sources.py), a job's inputs pushed and outputs pulled (transfer.py), and what a job
must leave behind (outputs.py). Which paths never move is Domino's `.dominoignore`
(domino/ignore_rules.py)."""
