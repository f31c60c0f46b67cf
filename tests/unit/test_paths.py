from __future__ import annotations

from pathlib import Path

from idtrainer.core import paths


def test_explicit_data_dir_wins(tmp_path: Path):
    (tmp_path / paths.PORTABLE_MARKER).write_text("")
    assert paths.data_dir(tmp_path / "d", program=tmp_path) == (tmp_path / "d").resolve()


def test_marker_file_selects_portable_mode(tmp_path: Path):
    assert paths.data_dir(program=tmp_path) != tmp_path / paths.PORTABLE_DATA
    (tmp_path / paths.PORTABLE_MARKER).write_text("")
    assert paths.data_dir(program=tmp_path) == tmp_path / paths.PORTABLE_DATA


def test_default_is_the_per_user_data_dir(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.data_dir(program=tmp_path) == tmp_path / "xdg" / "IDTrainer"
