"""A run's records and how a run is shown: the JSON-lines run records (records.py), the
neutral job spans (spans.py), the summary (summary.py, summary_text.py), each rule's use of
its tier (efficiency.py), the per-job trace (trace.py) and the timeline picture
(timeline.py). A leaf package: it imports nothing else of the plugin but `formatting`, so
the executor, the CLI and the local Domino's pages all read runs the same way."""
