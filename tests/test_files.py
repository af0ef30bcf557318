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
    with pytest.raises(OSError, match="No space left on device"):
        trained().save(tmp_path / "net.json")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_bad_paths_and_files_are_named(tmp_path):
    net = trained()
    with pytest.raises(TypeError, match=r"str or os.PathLike"):
        net.save(42)
    with pytest.raises(TypeError, match=r"str or os.PathLike"):
        nncore.load(b"net.json")
    with pytest.raises(ValueError, match="empty"):
        net.save("")
    with pytest.raises(FileNotFoundError):
        nncore.load(tmp_path / "missing.json")
    with pytest.raises(FileNotFoundError):
        net.save(tmp_path / "no-such-folder" / "net.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "nncore", "version": 1')
    with pytest.raises(ValueError, match=r"broken.json.*not valid JSON"):
        nncore.load(broken)
    wrong = tmp_path / "wrong.json"
    data = net.to_dict()
    data["sizes"] = [3]
    wrong.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=r"wrong.json.*sizes"):
        nncore.load(wrong)


# ---------------------------------------------------------------- names, links and what is read


def test_a_name_of_255_bytes_can_be_saved(tmp_path):
    net = trained()
    name = "n" * 250 + ".json"
    assert len(name.encode()) == 255
    net.save(tmp_path / name)
    assert nncore.load(tmp_path / name).to_dict() == net.to_dict()
    assert os.listdir(tmp_path) == [name]


def test_the_temporary_name_does_not_grow_with_the_target(tmp_path, monkeypatch):
    made = []
    real_open = os.open

    def recording_open(path, flags, *args):
        if flags & os.O_CREAT:
            made.append(os.path.basename(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", recording_open)
    trained().save(tmp_path / ("x" * 200 + ".json"))
    assert len(made) == 1 and made[0].startswith(".nncore-") and len(made[0]) == len(".nncore-") + 12 + len(".tmp")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_link_in_the_path_is_resolved_once(tmp_path, monkeypatch):
    real = tmp_path / "elsewhere" / "real"
    real.mkdir(parents=True)
    (tmp_path / "here").mkdir()
    os.symlink(real, tmp_path / "here" / "link")
    path = str(tmp_path / "here" / "link" / ".." / "net.json")  # the OS reads this as elsewhere/net.json
    replaced, synced = [], []
    real_replace, real_fsync, real_open = os.replace, os.fsync, os.open
    opened = {}

    def recording_replace(source, target):
        replaced.append((source, target))
        return real_replace(source, target)

    def recording_open(name, flags, *args):
        fd = real_open(name, flags, *args)
        opened[fd] = name
        return fd

    def recording_fsync(fd):
        synced.append(opened.get(fd))
        return real_fsync(fd)

    monkeypatch.setattr(os, "replace", recording_replace)
    monkeypatch.setattr(os, "open", recording_open)
    monkeypatch.setattr(os, "fsync", recording_fsync)
    net = trained()
    net.save(path)
    monkeypatch.undo()
    expected_dir = os.path.realpath(tmp_path / "elsewhere")
    assert sorted(os.listdir(expected_dir)) == ["net.json", "real"]
    assert os.listdir(tmp_path / "here") == ["link"]
    ((source, target),) = replaced
    assert os.path.dirname(source) == expected_dir == os.path.dirname(target)
    assert synced[-1] == expected_dir  # the directory holding the new entry is the one flushed
    assert nncore.load(path).to_dict() == net.to_dict()


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_not_read():
    with pytest.raises(ValueError, match=r"/dev/zero: not a regular file.*character device"):
        nncore.load("/dev/zero")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_not_read(tmp_path):
    fifo = tmp_path / "net.json"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=r"net.json: not a regular file.*FIFO"):
        nncore.load(fifo)


@pytest.mark.skipif(os.name != "posix", reason="POSIX opens directories for reading")
def test_a_directory_is_not_read(tmp_path):
    with pytest.raises(ValueError, match=r"a directory, not a file; give the path of a file to read"):
        nncore.load(tmp_path)


def test_a_file_larger_than_the_cap_is_refused(tmp_path, monkeypatch):
    from nncore import _files

    path = tmp_path / "net.json"
    trained().save(path)
    size = path.stat().st_size
    monkeypatch.setattr(_files, "MAX_FILE_SIZE", size)
    assert nncore.load(path).sizes == (3, 4, 2)  # exactly the cap is fine
    monkeypatch.setattr(_files, "MAX_FILE_SIZE", size - 1)
    with pytest.raises(ValueError, match=f"net.json: the file holds {size} bytes, more than the {size - 1}"):
        nncore.load(path)


def test_a_file_that_grows_past_the_cap_while_read_is_refused(tmp_path, monkeypatch):
    from nncore import _files

    path = tmp_path / "net.json"
    trained().save(path)
    size = path.stat().st_size
    real_fstat = os.fstat

    def stale_fstat(fd):  # the size seen before the file grew
        status = list(real_fstat(fd))
        status[6] = 10
        return os.stat_result(status)

    monkeypatch.setattr(_files, "MAX_FILE_SIZE", 100)
    monkeypatch.setattr(os, "fstat", stale_fstat)
    with pytest.raises(ValueError, match=r"net.json: the file holds 101 bytes, more than the 100"):
        nncore.load(path)
    monkeypatch.setattr(_files, "MAX_FILE_SIZE", size)
    assert nncore.load(path).sizes == (3, 4, 2)  # a stale size below the real one still reads it all


def test_write_atomically_and_read_file_work_on_bytes(tmp_path):
    from nncore import _files

    path = tmp_path / "data.bin"
    _files.write_atomically(path, b"\x00\x01 bytes")
    assert _files.read_file(path) == b"\x00\x01 bytes"
    with pytest.raises(TypeError, match="bytes"):
        _files.write_atomically(path, "text")
    with pytest.raises(ValueError, match="a directory, not a file"):
        _files.write_atomically(str(tmp_path) + os.sep, b"")
    with pytest.raises(ValueError, match="must name a file"):
        _files.write_atomically(str(tmp_path / "missing") + os.sep, b"")


def test_load_of_json_that_is_not_a_network_names_the_file(tmp_path):
    path = tmp_path / "list.json"
    path.write_text("[]")
    with pytest.raises(ValueError, match=r"list.json: expected a network.*got an array"):
        nncore.load(path)
