"""The executor's own records of a run while it happens: the journal of submitted Domino jobs
(journal.py, for reattaching after a crash), the run account told of every submission and
end (account.py), what Domino says of a finished job (job_facts.py) and which job made each
output (provenance.py). The record files and their rendering live in `report/`.
"""
