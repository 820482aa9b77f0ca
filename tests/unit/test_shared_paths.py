"""Which paths jobs see in place (dataset mounts, shared volumes): pure path logic, and
the Transfer's refusal to push or demand them."""

import pytest

from snakemake_executor_domino.exceptions import ConfigurationError, TransferError
from snakemake_executor_domino.files.shared import SharedPaths
from snakemake_executor_domino.files.transfer import FileHasher, Transfer


def discover(extra=(), environ=None, present=("/domino/datasets",)):
    return SharedPaths.discover(extra, environ or {}, is_dir=lambda p: p in present)


def test_dataset_roots_count_only_where_the_submitter_sees_them():
    shared = discover(present=())
    assert not shared.holds("/domino/datasets/local/reads/a.fq")
    shared = discover()
    assert shared.holds("/domino/datasets/local/reads/a.fq")
    assert not shared.holds("/mnt/data/reads/a.fq")  # no such mount here
    assert not shared.holds("data/raw.csv")  # relative: the project's own files


def test_roots_named_by_dominos_variables():
    shared = discover(environ={"DOMINO_DATASETS_DIR": "/srv/ds"}, present=("/srv/ds",))
    assert shared.holds("/srv/ds/local/x/y")
    assert shared.dataset_of("/srv/ds/local/x/y") == "x"


@pytest.mark.parametrize(
    "path, dataset, snapshot",
    [
        ("/domino/datasets/local/reads/a.fq", "reads", False),
        ("/domino/datasets/local/snapshots/reads/3/a.fq", "reads", True),
        ("/domino/datasets/local/snapshots/reads/tag1/a.fq", "reads", True),
        ("/domino/datasets/shared1/b.csv", "shared1", False),
        ("/domino/datasets/snapshots/shared1/2/b.csv", "shared1", True),
        ("/mnt/data/reads/a.fq", "reads", False),
        ("/mnt/data/snapshots/reads/1/a.fq", "reads", True),
        ("/mnt/imported/data/other/c.txt", "other", False),
        ("/domino/datasets", None, False),
    ],
)
def test_dataset_and_snapshot_of_a_path(path, dataset, snapshot):
    shared = discover(present=("/domino/datasets", "/mnt/data", "/mnt/imported/data"))
    assert shared.dataset_of(path) == dataset
    assert shared.in_snapshot(path) is snapshot


def test_a_users_shared_volume_names_no_dataset_and_has_no_snapshots():
    shared = discover(["/mnt/shared/"], present=())
    assert shared.holds("/mnt/shared/snapshots/x")
    assert not shared.holds("/mnt/sharedother/x")  # a prefix of the name is not the volume
    assert shared.dataset_of("/mnt/shared/x") is None
    assert not shared.in_snapshot("/mnt/shared/snapshots/x")


@pytest.mark.parametrize(
    "bad, why", [("relative/dir", "not an absolute path"), ("/", "every file")]
)
def test_bad_shared_path_is_refused_with_the_fix(bad, why):
    with pytest.raises(ConfigurationError, match=why):
        discover([bad])


def test_transfer_neither_pushes_nor_demands_shared_files(tmp_path):
    volume = tmp_path / "volume"
    volume.mkdir()
    (volume / "big.bin").write_bytes(b"x" * 100)
    work = tmp_path / "work"
    work.mkdir()
    (work / "small.txt").write_text("y")
    transfer = Transfer(
        None, work, max_file_size=10, hasher=FileHasher(),  # type: ignore[arg-type]
        shared=discover([str(volume)], present=()),
    )
    # over --domino-max-file-size and outside the working directory, yet no problem
    transfer.check_path(volume / "big.bin")
    assert transfer.local_files(["small.txt", str(volume / "big.bin")]) == ["small.txt"]


def test_a_shared_input_identifies_a_job_by_size_and_mtime(tmp_path):
    """A job's key (reattach after a crash) changes when an input read in place changes."""
    volume = tmp_path / "volume"
    volume.mkdir()
    data = volume / "reads.fq"
    data.write_text("ACGT")
    transfer = Transfer(
        None, tmp_path, max_file_size=10, hasher=FileHasher(),  # type: ignore[arg-type]
        shared=discover([str(volume)], present=()),
    )
    before = transfer.identity([], [str(data), "local.txt"])
    assert list(before) == [str(data)]
    data.write_text("ACGTACGT")
    assert transfer.identity([], [str(data)]) != before


def test_a_dataset_the_project_does_not_mount_and_a_snapshot_are_problems(tmp_path):
    root = tmp_path / "datasets"
    (root / "local" / "reads").mkdir(parents=True)
    (root / "local" / "snapshots" / "reads" / "2").mkdir(parents=True)
    shared = SharedPaths.discover((), {"DOMINO_DATASETS_DIR": str(root)})
    assert shared.mount_of(root / "local" / "reads" / "x" / "a.fq") == str(root / "local/reads")
    assert shared.mount_of(root / "local" / "snapshots" / "reads" / "2" / "a") == str(
        root / "local/snapshots/reads")
    assert shared.problems([str(root / "local/reads/a.fq")], [str(root / "local/reads/b")]) == []
    problems = shared.problems(
        [str(root / "local/other/a.fq")], [str(root / "local/snapshots/reads/2/out")]
    )
    assert len(problems) == 2
    assert "is in dataset other, which this project does not mount" in problems[0]
    assert "lies in a dataset snapshot" in problems[1]


def test_a_dataset_path_outside_domino_says_where_it_can_run(tmp_path):
    transfer = Transfer(
        None, tmp_path, max_file_size=10, hasher=FileHasher(),  # type: ignore[arg-type]
        shared=discover(present=()),
    )
    with pytest.raises(TransferError, match="snakemake-domino submit"):
        transfer.check_path("/domino/datasets/local/reads/a.fq")
    with pytest.raises(TransferError, match="outside the working directory"):
        transfer.check_path("/elsewhere/a.fq")
