from snakemake_executor_domino.runs.journal import Journal, job_key


def test_key_depends_on_command_tier_and_input_content():
    base = job_key("cmd", "small", {"a.txt": "1"})
    assert base == job_key("cmd", "small", {"a.txt": "1"})
    assert base != job_key("cmd2", "small", {"a.txt": "1"})
    assert base != job_key("cmd", "large", {"a.txt": "1"})
    assert base != job_key("cmd", "small", {"a.txt": "2"})


def test_submitted_survives_restart_until_settled(tmp_path):
    journal = Journal(tmp_path, "p1")
    journal.submitted("k1", "job1")
    journal.submitted("k2", "job2")
    journal.settled("k1")

    reopened = Journal(tmp_path, "p1")
    assert reopened.lookup("k1") is None
    assert reopened.lookup("k2") == "job2"
    # another project's journal entries are not ours
    assert Journal(tmp_path, "p2").lookup("k2") is None


def test_torn_last_line_is_ignored(tmp_path):
    journal = Journal(tmp_path, "p1")
    journal.submitted("k1", "job1")
    with open(journal.path, "a") as f:
        f.write('{"event": "submitted", "key": "k2", "jo')
    assert Journal(tmp_path, "p1").lookup("k1") == "job1"


def test_disabled_journal_remembers_nothing(tmp_path):
    journal = Journal(tmp_path, "p1", enabled=False)
    journal.submitted("k1", "job1")
    assert Journal(tmp_path, "p1").lookup("k1") is None


def test_a_cycles_keys_settle_together_and_unknown_ones_are_skipped(tmp_path):
    journal = Journal(tmp_path, "p1")
    for n in range(3):
        journal.submitted(f"k{n}", f"job{n}")
    before = journal.path.read_text().count("\n")
    journal.settled("k0", None, "k2", "never-started")

    lines = journal.path.read_text().splitlines()[before:]
    assert [line.count('"settled"') for line in lines] == [1, 1]  # one line per key settled
    reopened = Journal(tmp_path, "p1")
    assert (reopened.lookup("k0"), reopened.lookup("k1"), reopened.lookup("k2")) == (
        None, "job1", None)
