"""How many Snakemake jobs a Domino job ran, read from its title or its command's marker."""

from __future__ import annotations

import pytest

from snakemake_executor_domino.job_identity import (
    command_marker,
    marked_command,
    pack_id_for,
    pack_title,
    run_marker,
    snakemake_jobs,
)

RUN = "20261205-ab12"
MARK = f"{run_marker(RUN)}{pack_id_for(RUN, 3)} try 1]"  # as packer.py marks a pack


@pytest.mark.parametrize(("title", "command", "shown"), [
    (pack_title(12, "touch", MARK), "python runner.py spec.json", "12"),
    ("snakemake fit model=forest [run 20261205-ab12 job 7 try 1]", "snakemake ...", "1"),
    ("snakemake group g1 [run 20261205-ab12 job 9 try 2]", "snakemake ...", "group"),
    ("a job someone started by hand", "python train.py", ""),
    ("snakemake rules by hand", "python train.py", ""),  # no run marker: not ours
])
def test_from_the_title(title, command, shown):
    assert snakemake_jobs(title, command) == shown


def test_without_a_title_the_marker_tells_a_pack_from_a_job():
    # Domino before 5.5 keeps no title from a start; the executor names the job after it
    pack = pack_title(12, "touch", MARK)
    assert snakemake_jobs("", marked_command("python runner.py spec.json", pack)) == "pack"
    single = "snakemake fit [run 20261205-ab12 job 7 try 1]"
    assert snakemake_jobs("", marked_command("python -m snakemake ...", single)) == "1"
    assert snakemake_jobs("", "python train.py") == ""
    assert command_marker(pack).endswith("-p3 try 1]")
