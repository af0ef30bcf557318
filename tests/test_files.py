"""net.save / nncore.load: JSON files written atomically."""

import errno
import json
import os
import pathlib

import numpy as np
import pytest

import nncore


def trained(seed=0):
    net = nncore.Network([3, 4, 2], learning_rate=0.2, momentum=0.3, seed=seed)
    rng = np.random.default_rng(seed)
    net.fit(rng.random((6, 3)), rng.random((6, 2)), epochs=5, seed=seed)
    return net


@pytest.mark.parametrize("as_path", [str, pathlib.Path])
def test_save_and_load_round_trip_exactly(tmp_path, as_path):
    net = trained()
    path = as_path(tmp_path / "net.json")
    net.save(path)
    assert json.loads((tmp_path / "net.json").read_text()) == net.to_dict()
    for loaded in (nncore.load(path), nncore.Network.load(path)):
        assert type(loaded) is nncore.Network
        assert loaded.to_dict() == net.to_dict()
    assert os.listdir(tmp_path) == ["net.json"]


def test_saving_again_replaces_the_file(tmp_path):
    path = tmp_path / "net.json"
    trained(0).save(path)
    second = trained(1)
    second.save(path)
    assert nncore.load(path).to_dict() == second.to_dict()
    assert os.listdir(tmp_path) == ["net.json"]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_saving_keeps_the_permissions_of_the_old_file(tmp_path):
    path = tmp_path / "net.json"
    trained().save(path)
    os.chmod(path, 0o640)
    trained(1).save(path)
    assert os.stat(path).st_mode & 0o777 == 0o640


def old_file(tmp_path):
    path = tmp_path / "net.json"
    trained(0).save(path)
    return path, path.read_bytes()


def assert_old_file_intact(tmp_path, path, content):
    assert path.read_bytes() == content
    assert os.listdir(tmp_path) == ["net.json"]  # no temporary file left behind


def test_a_full_disk_mid_write_leaves_the_old_file(tmp_path, monkeypatch):
    path, content = old_file(tmp_path)
    real_write = os.write
    written = []

    def write_half_then_fail(fd, data):
        written.append(real_write(fd, bytes(data[: len(data) // 2])))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write_half_then_fail)
    with pytest.raises(OSError, match="No space left"):
        trained(1).save(path)
    monkeypatch.undo()
    assert written and written[0] > 0  # a partial file really was written
    assert_old_file_intact(tmp_path, path, content)


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failure_before_the_rename_leaves_the_old_file(tmp_path, monkeypatch, failing):
    path, content = old_file(tmp_path)

    def fail(*args):
        raise OSError(errno.EIO, f"simulated {failing} failure")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="simulated"):
        trained(1).save(path)
    monkeypatch.undo()
    assert_old_file_intact(tmp_path, path, content)


def test_an_interrupt_mid_write_leaves_the_old_file(tmp_path, monkeypatch):
    path, content = old_file(tmp_path)
    real_write = os.write

    def interrupted(fd, data):
        real_write(fd, bytes(data[:10]))
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        trained(1).save(path)
    monkeypatch.undo()
    assert_old_file_intact(tmp_path, path, content)


def test_a_failed_first_save_leaves_nothing(tmp_path, monkeypatch):
    def fail(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", fail)
    with pytest.raises(OSError):
        trained().save(tmp_path / "net.json")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_bad_paths_and_files_are_named(tmp_path):
    net = trained()
    with pytest.raises(TypeError, match="str or os.PathLike"):
        net.save(42)
    with pytest.raises(TypeError, match="str or os.PathLike"):
        nncore.load(b"net.json")
    with pytest.raises(ValueError, match="empty"):
        net.save("")
    with pytest.raises(FileNotFoundError):
        nncore.load(tmp_path / "missing.json")
    with pytest.raises(FileNotFoundError):
        net.save(tmp_path / "no-such-folder" / "net.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "nncore", "version": 1')
    with pytest.raises(ValueError, match="broken.json.*not valid JSON"):
        nncore.load(broken)
    wrong = tmp_path / "wrong.json"
    data = net.to_dict()
    data["sizes"] = [3]
    wrong.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="wrong.json.*sizes"):
        nncore.load(wrong)
