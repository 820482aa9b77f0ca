"""An account of every run: which Domino job made each output (provenance), how long each
job queued and ran on which tier, what it cost and used (the run summary), and a picture
of it (the timeline).

The executor writes one JSON-lines file per Snakemake run under `.snakemake/domino_runs/`
(records.py); everything else here reads those records, or the local Domino's own, through
the neutral `JobSpan` (spans.py).
"""
