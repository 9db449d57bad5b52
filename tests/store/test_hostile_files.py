"""Files the app writes in folders others can reach: private modes, no writing through planted links (issue 16)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from warroom.paths import AppPaths, read_input_file, write_private_atomic


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_an_export_is_private_and_complete(tmp_path: Path, open_umask: None) -> None:
    target = tmp_path / "polls.csv"
    write_private_atomic(target, "pollster,fieldwork_end\nÀcme,2024-03-02\n")
    assert target.read_text(encoding="utf-8") == "pollster,fieldwork_end\nÀcme,2024-03-02\n"
    assert _mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["polls.csv"]  # no temporary file left


def test_a_planted_part_symlink_is_not_written_through(tmp_path: Path, open_umask: None) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "polls.csv.part").symlink_to(victim)  # another user's trap at the old fixed temporary name
    write_private_atomic(shared / "polls.csv", b"data\n")
    assert victim.read_text() == "precious\n"
    assert (shared / "polls.csv").read_bytes() == b"data\n" and not (shared / "polls.csv").is_symlink()
    assert (shared / "polls.csv.part").is_symlink()  # left alone, not followed, not removed


def test_a_planted_symlink_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    target = tmp_path / "report.csv"
    target.symlink_to(victim)
    write_private_atomic(target, "new\n")
    assert victim.read_text() == "precious\n"
    assert not target.is_symlink() and target.read_text() == "new\n" and _mode(target) == 0o600


def test_an_existing_world_readable_export_becomes_private(tmp_path: Path) -> None:
    target = tmp_path / "polls.csv"
    target.write_text("old\n")
    target.chmod(0o644)
    write_private_atomic(target, "new\n")
    assert target.read_text() == "new\n" and _mode(target) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "polls.csv"
    target.write_text("old\n")

    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_private_atomic(target, "new\n" * 1000)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["polls.csv"]


def test_a_folder_at_the_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "polls.csv").mkdir()
    with pytest.raises(IsADirectoryError):
        write_private_atomic(tmp_path / "polls.csv", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["polls.csv"]


def test_app_folders_and_settings_file_are_private(tmp_path: Path, open_umask: None) -> None:
    paths = AppPaths.under(tmp_path / "root")
    paths.ensure()
    for folder in (paths.data_dir, paths.config_dir, paths.log_dir):
        assert _mode(folder) == 0o700, folder
    assert paths.settings_file.exists() and _mode(paths.settings_file) == 0o600


def test_existing_world_readable_settings_are_made_private(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    paths.config_dir.mkdir(parents=True)
    paths.config_dir.chmod(0o755)
    paths.settings_file.write_text("[General]\ncontest=Toyton\n")
    paths.settings_file.chmod(0o644)
    paths.ensure()
    assert _mode(paths.config_dir) == 0o700 and _mode(paths.settings_file) == 0o600
    assert paths.settings_file.read_text() == "[General]\ncontest=Toyton\n"


def _within(seconds: float, fn: Callable[[], object]) -> object:
    """Run fn on a daemon thread; fail (instead of hanging the suite) if it does not return in time."""
    import threading

    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the test
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "it hung"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def test_importing_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "polls.csv"
    os.mkfifo(fifo)  # nobody will ever write to it: a plain read would wait forever
    with pytest.raises(OSError) as info:
        _within(5, lambda: read_input_file(fifo))
    assert "not a regular file" in str(info.value.strerror) and info.value.filename == str(fifo)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_importing_an_endless_device_is_refused(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"{device} does not exist here")
    with pytest.raises(OSError, match="not a regular file"):
        _within(5, lambda: read_input_file(Path(device)))


def test_importing_a_folder_or_an_oversized_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="folder"):
        read_input_file(tmp_path)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 2049)
    with pytest.raises(OSError, match="larger than"):
        read_input_file(big, max_bytes=2048)
    assert read_input_file(big, max_bytes=4096) == b"x" * 2049


def test_an_ordinary_file_and_a_link_to_one_are_read(tmp_path: Path) -> None:
    real = tmp_path / "polls.csv"
    real.write_bytes(b"pollster\n")
    (tmp_path / "link.csv").symlink_to(real)  # the user's own link: reading through it is fine
    assert read_input_file(real) == b"pollster\n" == read_input_file(tmp_path / "link.csv")
    with pytest.raises(FileNotFoundError):
        read_input_file(tmp_path / "missing.csv")
