"""What an isolated job sees (sandbox.py), its compute environment (computeenv.py), and the
isolation setting (isolation.py): the pure parts, without starting a job."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from snakemake_executor_domino.local.jobs import env_mounts as computeenv
from snakemake_executor_domino.local.jobs import isolation
from snakemake_executor_domino.local.jobs.sandbox import (
    Mount,
    bwrap_argv,
    job_mounts,
    system_mounts,
    unshare_argv,
    unshare_script,
)

WS, TOKEN = Path("/state/runs/job1"), Path("/state/tokens/job1")


def test_the_job_view_puts_its_files_at_mnt_and_hides_everything_else() -> None:
    env = [Path("/home/me/venv"), Path("/opt/py")]
    mounts = job_mounts(WS, TOKEN, env)
    assert Mount("rw", "/mnt", str(WS)) in mounts
    assert Mount("ro", "/run/domino/token", str(TOKEN)) in mounts
    for path in env:
        assert Mount("ro", str(path), str(path)) in mounts
    # the only writable binds: the job's own directory; private tmpfs for the rest
    assert [m for m in mounts if m.kind == "rw"] == [Mount("rw", "/mnt", str(WS))]
    assert {m.dest for m in mounts if m.kind == "tmpfs"} == {"/tmp", "/var/tmp", "/home"}
    assert {"proc", "dev"} <= {m.kind for m in mounts}
    # nothing of the state root but the job's directory and its token
    assert all(not m.src.startswith("/state") for m in mounts if m.src not in (str(WS), str(TOKEN)))


def test_an_environment_under_home_is_mounted_after_the_private_home() -> None:
    mounts = job_mounts(WS, TOKEN, [Path("/home/me/venv")])
    dests = [m.dest for m in mounts]
    assert dests.index("/home") < dests.index("/home/me/venv")


def test_merged_usr_links_stay_links(tmp_path: Path) -> None:
    (tmp_path / "usr/bin").mkdir(parents=True)
    (tmp_path / "etc").mkdir()
    (tmp_path / "bin").symlink_to("usr/bin")
    mounts = system_mounts(tmp_path)
    assert Mount("symlink", "/bin", "usr/bin") in mounts
    assert Mount("ro", "/usr", "/usr") in mounts and Mount("ro", "/etc", "/etc") in mounts
    assert not any(m.dest == "/lib" for m in mounts)  # absent on this fake host


def test_bwrap_command_line() -> None:
    argv = bwrap_argv(job_mounts(WS, TOKEN, []), ["bash", "-c", "echo hi"])
    assert argv[0] == "bwrap"
    assert "--unshare-pid" in argv and "--unshare-ipc" in argv
    # the network stays shared: a job calls the local Domino on 127.0.0.1
    assert not any(a.startswith("--unshare-net") or a == "--unshare-all" for a in argv)
    text = " ".join(argv)
    assert f"--bind {WS} /mnt" in text and f"--ro-bind {TOKEN} /run/domino/token" in text
    assert "--remount-ro / --chdir /mnt -- bash -c echo hi" in text


def test_unshare_command_line_and_script() -> None:
    mounts = job_mounts(Path("/state/runs/a b"), TOKEN, [Path("/opt/my env")])
    argv = unshare_argv(mounts, ["bash", "-c", "echo hi"], Path("/state/runs/.sandbox-root"))
    assert argv[:6] == ["unshare", "--mount", "--propagation", "private", "--pid", "--ipc"]
    assert "--net" not in argv
    script = argv[argv.index("-c") + 1]
    assert argv[argv.index("-c") + 2 :] == [
        "domino-job", "/state/runs/.sandbox-root", "bash", "-c", "echo hi"
    ]
    assert "rw '/state/runs/a b' /mnt" in script and "ro '/opt/my env' '/opt/my env'" in script
    assert "pivot_root" in script and "umount -l /.oldroot" in script
    # the job runs as a child of the setup shell, never exec'd as PID 1 (which would ignore
    # the server's SIGTERM)
    assert 'status=0; "$@" || status=$?' in script
    subprocess.run(["bash", "-n", "-c", unshare_script(mounts)], check=True)


# -- the compute environment -------------------------------------------------------------------


def make_repo(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg/__init__.py").write_text("")
    (root / "tool.py").write_text("")
    (root / "ext.cpython-311-x86_64-linux-gnu.so").write_text("")
    (root / "pkg-1.0.dist-info").mkdir()
    for private in ("data", "workflow", ".snakemake"):
        (root / private).mkdir()
    (root / "config.yaml").write_text("secret: 1")
    return root


def test_of_a_source_tree_only_what_python_imports_is_shown(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    assert {p.name for p in computeenv.importable_entries(repo)} == {
        "pkg", "tool.py", "ext.cpython-311-x86_64-linux-gnu.so", "pkg-1.0.dist-info"
    }


def test_source_trees_come_from_pythonpath_and_pth_files(tmp_path: Path) -> None:
    site_dir, editable, extra = tmp_path / "site", tmp_path / "editable", tmp_path / "extra"
    for d in (site_dir, editable, extra):
        d.mkdir()
    (site_dir / "_editable.pth").write_text(f"# comment\n{editable}\nimport os; os.getcwd()\n")
    environ = {"PYTHONPATH": f"{extra}:relative/dir:{tmp_path / 'missing'}"}
    assert computeenv.source_trees(environ, [str(site_dir)]) == [extra, editable]


def test_the_environment_includes_the_interpreter_and_never_the_whole_repository(
    tmp_path: Path,
) -> None:
    repo = make_repo(tmp_path / "repo")
    paths = computeenv.environment_paths({"PYTHONPATH": str(repo)})
    for prefix in computeenv.python_prefixes():
        if not str(prefix).startswith("/usr/"):  # the system directories are shown anyway
            assert any(p == prefix or p in prefix.parents for p in paths)
    assert repo / "pkg" in paths and repo not in paths and repo / "data" not in paths


def test_outermost_drops_duplicates_and_nested_paths() -> None:
    found = computeenv.outermost([Path("/a/b"), Path("/a"), Path("/a/"), Path("/c/d")])
    assert found == [Path("/a"), Path("/c/d")]


# -- the setting ----------------------------------------------------------------------------


def test_the_mode_comes_from_the_setting_then_the_environment_then_auto() -> None:
    env_var = isolation.ENV_VAR
    assert isolation.resolve_mode("None", {env_var: "bwrap"}) == "none"
    assert isolation.resolve_mode(None, {env_var: "Unshare"}) == "unshare"
    assert isolation.resolve_mode(None, {}) == "auto"
    with pytest.raises(ValueError, match=rf"\${env_var}: 'sandbox' is not .* auto, namespace"):
        isolation.resolve_mode(None, {env_var: "sandbox"})
    with pytest.raises(ValueError, match="--job-isolation: 'yes'"):
        isolation.resolve_mode("yes", {})


def test_without_tools_auto_falls_back_and_says_why_and_how(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(isolation, "TOOLS", {"bwrap": "no-such-bwrap", "unshare": "no-unshare"})
    chosen = isolation.choose("auto")
    assert not chosen.isolated
    assert "WITHOUT isolation" in chosen.summary
    assert "`no-such-bwrap` not found" in chosen.summary
    assert "apt-get install bubblewrap" in chosen.summary
    assert chosen.view(WS, TOKEN).job_dir == str(WS)
    assert chosen.view(WS, TOKEN).command(["true"]) == ["true"]
    with pytest.raises(isolation.IsolationUnavailable, match="install bubblewrap"):
        isolation.choose("namespace")


def test_mode_none_probes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(isolation, "probe", lambda *a: pytest.fail("probed"))
    chosen = isolation.choose("none")
    assert not chosen.isolated and "off" in chosen.summary


def test_a_path_reached_through_a_symlink_is_shown_under_its_real_name_too(
    tmp_path: Path,
) -> None:
    # a worktree's .venv linking to the real one: scripts' #! lines name the real path
    real = make_repo(tmp_path / "real")
    (tmp_path / "link").symlink_to(real)
    paths = computeenv.environment_paths({"PYTHONPATH": str(tmp_path / "link")})
    assert tmp_path / "link/pkg" in paths and real / "pkg" in paths
