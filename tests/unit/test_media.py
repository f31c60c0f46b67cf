from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from idtrainer.core import pictures
from idtrainer.core.media import MediaError, inspect_image
from idtrainer.core.store import Store


def test_png_is_described(tmp_path: Path):
    path = tmp_path / "a.png"
    Image.new("RGB", (32, 20), "red").save(path)
    info = inspect_image(path)
    assert (info.mime, info.width, info.height) == ("image/png", 32, 20)
    assert len(info.sha256) == 64


def test_file_too_large_is_refused(tmp_path: Path, monkeypatch):
    path = tmp_path / "big.png"
    Image.new("RGB", (64, 64)).save(path)
    monkeypatch.setattr(pictures, "MAX_BYTES", 10)
    with pytest.raises(MediaError, match=r"big\.png.*limit"):
        inspect_image(path)


def test_too_many_pixels_is_refused(tmp_path: Path, monkeypatch):
    path = tmp_path / "wide.png"
    Image.new("1", (5000, 100)).save(path)
    monkeypatch.setattr(pictures, "MAX_PIXELS", 100_000)
    with pytest.raises(MediaError, match=r"wide\.png.*megapixels"):
        inspect_image(path)


def test_decompression_bomb_guard_stays_on(tmp_path: Path, monkeypatch):
    path = tmp_path / "bomb.png"
    Image.new("1", (3000, 3000)).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000_000)
    with pytest.raises(MediaError, match=r"bomb\.png"):
        inspect_image(path)


def test_truncated_and_fake_images_are_refused(tmp_path: Path):
    good = tmp_path / "good.png"
    Image.new("RGB", (100, 100), "blue").save(good)
    cut = tmp_path / "cut.png"
    cut.write_bytes(good.read_bytes()[:60])
    fake = tmp_path / "fake.jpg"
    fake.write_text("not an image")
    for path in (cut, fake):
        with pytest.raises(MediaError, match=path.name):
            inspect_image(path)


def test_svg_with_entities_is_refused(tmp_path: Path):
    path = tmp_path / "lol.svg"
    path.write_text('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
                    '<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>')
    with pytest.raises(MediaError, match="DOCTYPE"):
        inspect_image(path)


def test_svg_size_from_viewbox(tmp_path: Path):
    path = tmp_path / "v.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 480"></svg>')
    info = inspect_image(path)
    assert (info.mime, info.width, info.height) == ("image/svg+xml", 640, 480)


def test_import_is_content_addressed(store: Store, tmp_path: Path):
    path = tmp_path / "a.png"
    Image.new("RGB", (8, 8), "green").save(path)
    info = store.media.import_file(path)
    stored = store.media.path_for(info.sha256)
    assert stored.read_bytes() == path.read_bytes()
    assert store.media.import_file(path).sha256 == info.sha256
    assert [p.name for p in stored.parent.iterdir()] == [info.sha256]


def test_import_bytes_keeps_only_pictures_that_pass_the_gate(store: Store):
    from hostile_pictures import HOSTILE_NAMES, good_png, hostile

    for name in HOSTILE_NAMES:
        with pytest.raises(MediaError) as caught:
            store.media.import_bytes(hostile(name).data, name)
        assert str(caught.value) == f"{name}: {hostile(name).reason}"
    assert not store.media.root.exists() or not any(store.media.root.rglob("*"))
    info = store.media.import_bytes(good_png(), "pasted.png")
    assert store.media.path_for(info.sha256).read_bytes() == good_png()


def test_import_file_stores_the_bytes_it_checked(store: Store, tmp_path: Path, monkeypatch):
    from idtrainer.core import pictures as gate

    path = tmp_path / "a.png"
    Image.new("RGB", (8, 8), "green").save(path)
    checked = path.read_bytes()
    real_check = gate.check_picture

    def check_then_swap(data: bytes, name, **kwargs):
        info = real_check(data, name, **kwargs)
        path.write_bytes(b"swapped after the check")  # the file changes on disk
        return info

    monkeypatch.setattr("idtrainer.core.pictures.check_picture", check_then_swap)
    info = store.media.import_file(path)
    assert store.media.path_for(info.sha256).read_bytes() == checked
