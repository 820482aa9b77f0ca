"""A pack's archive (files/pack_bundle.py): read by name only, written only when exact."""

from __future__ import annotations

import hashlib
import io
import tarfile

from snakemake_executor_domino.files.pack_bundle import unpacked, write_bundled


def archive(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def test_files_by_normalised_name_and_nothing_else():
    data = archive({"out/./a.txt": b"a\n", "../../etc/evil": b"x", "logs/m1.log": b""})
    files = unpacked(data)
    assert files == {"out/a.txt": b"a\n", "../../etc/evil": b"x", "logs/m1.log": b""}
    assert unpacked(b"not an archive") == {}
    assert unpacked(data[:100]) == {}  # cut short


def test_written_only_when_it_is_what_the_job_recorded(tmp_path):
    data = b"hello\n"
    sha1 = hashlib.sha1(data).hexdigest()
    target = tmp_path / "out" / "a.txt"
    assert not write_bundled(data, target, len(data), "0" * 40)
    assert not write_bundled(data, target, len(data) + 1, sha1)
    assert not write_bundled(None, target, len(data), sha1)
    assert not target.exists()
    assert write_bundled(data, target, len(data), sha1.upper())
    assert target.read_bytes() == data
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]  # no temp file left
