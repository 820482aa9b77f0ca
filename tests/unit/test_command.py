"""The job command carries no path of the submitter's filesystem (command.py)."""

from __future__ import annotations

import base64
import shlex
from pathlib import Path

import pytest

from snakemake_executor_domino.command import CommandError, portable_command, split_at_operator
from snakemake_executor_domino.exceptions import ConfigurationError

WORKDIR = Path("/home/me/project/sub")
# as Snakemake 9.27 formats it for this executor (captured from a real run), with the
# parts that vary between tests left as {placeholders}
TEMPLATE = (
    "python -m snakemake --snakefile {snakefile} --target-jobs 'upper:sample=b' "
    "--allowed-rules upper --cores 'all' --attempt 1 --force-use-threads   --force "
    "--target-files-omit-workdir-adjustment --max-inventory-time 0 --retries 0 --nocolor "
    "--no-hooks --nolock --ignore-incomplete --rerun-triggers input params code mtime "
    "software-env{extra} --conda-frontend 'conda' --shared-fs-usage 'none' --latency-wait 5 "
    "--scheduler 'ilp' --local-storage-prefix {storage}{directory} --configfiles {configs} "
    "--default-resources base64//dG1wZGlyPXN5c3RlbV90bXBkaXI= --mode 'remote'"
)


def b64(text: str) -> str:
    return "base64//" + base64.b64encode(text.encode()).decode()


def command(
    snakefile: str = "'Snakefile'",
    extra: str = "",
    storage: str = b64(".snakemake/storage"),
    directory: str = "",
    configs: str = "'c.yaml'",
) -> str:
    return TEMPLATE.format(
        snakefile=snakefile, extra=extra, storage=storage, directory=directory, configs=configs
    )


def args(cmd: str) -> list[str]:
    return shlex.split(cmd)


def test_a_command_naming_no_local_path_is_left_exactly_as_it_is() -> None:
    cmd = command()
    assert portable_command(cmd, WORKDIR) == cmd


def test_a_relative_directory_from_snakemake_d_is_dropped() -> None:
    # `snakemake -d sub`: Snakemake repeats `--directory sub`, which inside the job (already
    # in the project root, which is sub) would name sub/sub
    result = portable_command(command(directory=" --directory sub"), WORKDIR)
    assert args(result) == args(command())


def test_absolute_paths_inside_the_working_directory_become_relative() -> None:
    cmd = command(
        snakefile=f"'{WORKDIR}/workflow/Snakefile'",
        extra=f" --shadow-prefix '{WORKDIR}/shadow' --conda-prefix '{WORKDIR}/envs' "
        f"--apptainer-prefix '{WORKDIR}'",
        storage=b64(f"{WORKDIR}/storage"),
        directory=f" --directory {WORKDIR}",
        configs=f"'{WORKDIR}/config/a.yaml' 'b.yaml'",
    )
    result = portable_command(cmd, WORKDIR)
    assert str(WORKDIR) not in result
    tokens = args(result)
    assert "--directory" not in tokens
    assert tokens[tokens.index("--snakefile") + 1] == "workflow/Snakefile"
    assert tokens[tokens.index("--shadow-prefix") + 1] == "shadow"
    assert tokens[tokens.index("--conda-prefix") + 1] == "envs"
    assert tokens[tokens.index("--apptainer-prefix") + 1] == "."
    assert tokens[tokens.index("--local-storage-prefix") + 1] == b64("storage")
    i = tokens.index("--configfiles")
    assert tokens[i + 1 : i + 3] == ["config/a.yaml", "b.yaml"]
    assert tokens[i + 3] == "--default-resources"


def test_the_arguments_are_unchanged_apart_from_the_paths() -> None:
    cmd = command(directory=f" --directory {WORKDIR}", snakefile=f"{WORKDIR}/Snakefile")
    assert args(portable_command(cmd, WORKDIR)) == args(command(snakefile="Snakefile"))


def test_a_symlinked_working_directory_is_recognised(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "config").mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(real)
    cmd = command(configs=f"'{link}/config/x.yaml'")
    tokens = args(portable_command(cmd, real))
    assert tokens[tokens.index("--configfiles") + 1] == "config/x.yaml"


def test_whatever_precedes_snakemake_is_kept_as_written() -> None:
    head = "source /opt/site/env.sh && export X=\"$HOME\" && python"
    cmd = command(directory=f" --directory {WORKDIR}").replace("python", head, 1)
    result = portable_command(cmd, WORKDIR)
    assert result.startswith(head + " -m snakemake ")
    assert "--directory" not in result


def test_a_snakefile_outside_the_working_directory_is_a_clear_error() -> None:
    with pytest.raises(CommandError) as exc:
        portable_command(command(snakefile="'../Snakefile'"), WORKDIR)
    message = str(exc.value)
    assert "Snakefile ../Snakefile" in message and str(WORKDIR) in message
    assert "Move the Snakefile into" in message
    # the executor reports ConfigurationErrors as the job's error
    assert isinstance(exc.value, ConfigurationError)


def test_a_config_file_outside_the_working_directory_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match=r"config file /etc/site/c\.yaml lies outside"):
        portable_command(command(configs="'a.yaml' '/etc/site/c.yaml'"), WORKDIR)
    with pytest.raises(CommandError, match=r"config file \.\./cfg/c\.yaml"):
        portable_command(command(configs="'../cfg/c.yaml'"), WORKDIR)


def test_a_directory_option_outside_the_working_directory_is_a_clear_error() -> None:
    with pytest.raises(CommandError) as exc:
        portable_command(command(extra=" --conda-prefix '/home/me/conda-envs'"), WORKDIR)
    message = str(exc.value)
    assert "--conda-prefix /home/me/conda-envs lies outside" in message
    assert "leave --conda-prefix unset" in message
    with pytest.raises(CommandError, match="--local-storage-prefix /scratch/me"):
        portable_command(command(storage=b64("/scratch/me")), WORKDIR)


def test_a_location_the_jobs_shell_expands_is_left_alone() -> None:
    cmd = command(storage=b64("$TMPDIR/snakemake-storage"))
    assert portable_command(cmd, WORKDIR) == cmd


def test_a_command_that_is_not_snakemake_is_left_alone() -> None:
    cmd = "bash run.sh --directory /abs"
    assert portable_command(cmd, WORKDIR) == cmd


def test_a_suffix_after_snakemake_survives_the_rewrite() -> None:
    # the executor appends `&& python -c SCRIPT ...` (outputs.recorder_command)
    suffix = "&& python -c 'import sys\nprint(sys.argv[1:], \"a && b\")' .snakemake/m.json 'x y'"
    cmd = command(directory=f" --directory {WORKDIR}") + " " + suffix
    result = portable_command(cmd, WORKDIR)
    assert "--directory" not in result
    assert result.endswith(" " + suffix)
    assert shlex.split(result)[-6:] == shlex.split(suffix)


def test_the_job_command_gets_the_rules_cores_not_the_machines():
    from snakemake_executor_domino.command import with_cores

    command = "python -m snakemake --target-jobs 'a:' --cores 'all' --attempt 1"
    assert with_cores(command, 3) == "python -m snakemake --target-jobs 'a:' --cores 3 --attempt 1"
    assert with_cores("snakemake --cores 8 x", 4) == "snakemake --cores 4 x"
    assert with_cores("snakemake x", 4) == "snakemake x"  # nothing to replace


@pytest.mark.parametrize(("text", "split"), [
    ("--a 1 && python -c 'x'", ("--a 1 ", "&& python -c 'x'")),
    ("--a 'x;y' --b \"p|q\" ; rest", ("--a 'x;y' --b \"p|q\" ", "; rest")),
    ("--a \"say \\\"&\\\"\" | tee", ("--a \"say \\\"&\\\"\" ", "| tee")),
    ("--a 'back\\' & b", ("--a 'back\\' ", "& b")),  # no escapes in single quotes
    ("--a x\\;y; z", ("--a x\\;y", "; z")),
    ("--a 'unclosed ; b", ("--a 'unclosed ; b", "")),
    ("--a trailing\\", ("--a trailing\\", "")),
    ("", ("", "")),
])
def test_split_at_operator_stops_at_the_first_unquoted_operator(text, split):
    assert split_at_operator(text) == split
