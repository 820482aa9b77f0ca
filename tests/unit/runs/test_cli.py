"""`snakemake-domino provenance` and `snakemake-domino runs` on recorded runs."""

from __future__ import annotations

import json

from snakemake_executor_domino.cli import main
from tests.unit.runs.test_provenance import finish_fit, make_model


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_provenance_names_the_job_and_flags_an_edit(tmp_path, capsys):
    make_model(tmp_path)
    finish_fit(tmp_path, "run1", "j1")
    code, out, _ = run_cli(capsys, "provenance", "-d", str(tmp_path), "models/forest.pkl")
    assert code == 0
    assert "made by      Domino job #7 (Succeeded)" in out
    assert "page         http://domino/jobs/o/p/j1" in out
    assert "rule         fit (model=forest)" in out
    assert "unchanged since it was pulled back" in out

    (tmp_path / "models/forest.pkl").write_bytes(b"edited by hand")
    code, out, _ = run_cli(capsys, "provenance", "-d", str(tmp_path), "models/forest.pkl")
    assert code == 1 and "CHANGED since it was pulled back" in out


def test_provenance_json_and_an_unrecorded_file(tmp_path, capsys):
    make_model(tmp_path)
    finish_fit(tmp_path, "run1", "j1")
    (tmp_path / "mine.txt").write_text("x")
    code, out, _ = run_cli(capsys, "provenance", "-d", str(tmp_path), "--json",
                           "models/forest.pkl", "mine.txt")
    assert code == 1
    forest, mine = json.loads(out)
    assert forest["state"] == "unchanged" and forest["record"]["job"]["job_id"] == "j1"
    assert mine["record"] is None and mine["state"] is None


def test_runs_list_and_show_with_svg(tmp_path, capsys):
    make_model(tmp_path)
    finish_fit(tmp_path, "run1", "j1")
    code, out, _ = run_cli(capsys, "runs", "list", "-d", str(tmp_path))
    assert code == 0 and out.splitlines()[1].split()[0] == "run1"
    picture = tmp_path / "run.svg"
    code, out, _ = run_cli(capsys, "runs", "show", "last", "-d", str(tmp_path), "--svg",
                           str(picture))
    assert code == 0 and "Domino run run1: 1 job(s) (1 succeeded)" in out
    assert 'href="http://domino/jobs/o/p/j1"' in picture.read_text()
    code, out, _ = run_cli(capsys, "runs", "show", "run", "-d", str(tmp_path), "--json")
    summary = json.loads(out)
    assert summary["run_ms"] == 60_000 and summary["queued_ms"] == 2_000
    assert summary["estimated_cents"] == 3.0  # one minute on Medium at 3 cents


def test_runs_show_unknown_run_names_the_known_ones(tmp_path, capsys):
    make_model(tmp_path)
    finish_fit(tmp_path, "run1", "j1")
    code, _, err = run_cli(capsys, "runs", "show", "nope", "-d", str(tmp_path))
    assert code == 2 and "no run matches 'nope'" in err and "run1" in err
    code, _, err = run_cli(capsys, "runs", "show", "last", "-d", str(tmp_path / "missing"))
    assert code == 2 and "is not a directory" in err
