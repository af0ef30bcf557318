"""The command line's errors: ``nncore xor``'s out-of-range values, and links, folders and ``-`` as outputs."""

import json
import os
import stat

import pytest

import nncore
from nncore import _cli, _files

needs_links = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")


def run_main(argv, capsys):
    """``_cli.main(argv)``'s exit code, stdout and stderr, whether it returns or exits."""
    try:
        code = _cli.main([str(arg) for arg in argv])
    except SystemExit as exit_info:
        code = exit_info.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    "argv", [["--seeds", "99999999999999999"], ["--seeds", "1_000"], ["--steps", "\u0661\u0660"], ["--seed", "\uff11"]]
)
def test_xor_counts_are_ascii_integers_in_range_or_one_error_line(argv, capsys):
    # A population beyond MAX_SEEDS would be built before anything is printed: refused at once.
    code, out, err = run_main(["xor", *argv], capsys)
    assert code == 2 and out == ""
    last = err.strip().splitlines()[-1]  # after argparse's usage lines
    assert last.startswith("nncore xor: error: argument") and "must be an integer" in last and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--steps", "99999999999999999999"], "steps must be at most"),
        (["--seed", str(2**64)], "seed must be at most"),
        (["--seeds", "3", "--steps", str(10**20)], "steps must be at most"),
        (["--hidden", str(10**14)], "sizes[1] must be at most"),
    ],
)
def test_xor_values_out_of_range_give_one_error_line(argv, message, capsys):
    code, _, err = run_main(["xor", *argv], capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("nncore xor: error: ") and message in err
    assert "Traceback" not in err


@pytest.fixture
def network_file(tmp_path):
    path = tmp_path / "net.json"
    nncore.Network([2, 3, 1], seed=0).save(path)
    return path


def export_js(network_file, output, capsys, name=None):
    return run_main(["export", network_file, "--to", "js", "-o", output, *(["--name", name] if name else [])], capsys)


@needs_links
def test_a_link_to_a_folder_is_refused_naming_the_link(tmp_path, network_file, capsys):
    (tmp_path / "outdir").mkdir()
    os.symlink(tmp_path / "outdir", tmp_path / "dirlink")
    code, _, err = export_js(network_file, tmp_path / "dirlink", capsys)
    assert code == 2 and err.startswith(f"nncore export: error: {tmp_path / 'dirlink'}: a directory, through")
    assert "not a file" in err and ".tmp" not in err
    assert os.path.islink(tmp_path / "dirlink") and os.listdir(tmp_path / "outdir") == []


def test_a_folder_is_refused_naming_the_folder_not_a_temporary_file(tmp_path, network_file, capsys):
    (tmp_path / "outdir").mkdir()
    code, _, err = export_js(network_file, tmp_path / "outdir", capsys)
    assert code == 2 and err == (
        f"nncore export: error: {tmp_path / 'outdir'}: a directory, not a file; give the path of a file to write\n"
    )
    assert sorted(os.listdir(tmp_path)) == ["net.json", "outdir"] and os.listdir(tmp_path / "outdir") == []


@needs_links
def test_a_link_to_a_file_is_written_through_and_keeps_the_files_mode(tmp_path, network_file, capsys):
    real = tmp_path / "real.js"
    real.write_text("old")
    os.chmod(real, 0o640)
    os.symlink("real.js", tmp_path / "link.js")
    code, _, err = export_js(network_file, tmp_path / "link.js", capsys)
    assert code == 0 and err == ""
    assert os.readlink(tmp_path / "link.js") == "real.js"
    assert real.read_text().startswith("/**") and os.stat(real).st_mode & 0o777 == 0o640
    assert sorted(os.listdir(tmp_path)) == ["link.js", "net.json", "real.js"]  # no temporary file left


@needs_links
def test_a_dangling_link_creates_the_file_it_names(tmp_path, network_file, capsys):
    os.symlink("new.js", tmp_path / "link.js")
    assert export_js(network_file, tmp_path / "link.js", capsys)[0] == 0
    assert os.path.islink(tmp_path / "link.js") and (tmp_path / "new.js").read_text().startswith("/**")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_never_replaced(tmp_path, network_file, capsys):
    # a FIFO stands for every file that is not a regular one: renaming over /dev/null would replace it
    fifo = tmp_path / "out.js"
    os.mkfifo(fifo)
    code, _, err = export_js(network_file, fifo, capsys)
    assert code == 2 and f"{fifo}: not a regular file (a FIFO)" in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@needs_links
def test_save_through_a_link_to_a_folder_is_a_value_error_naming_the_link(tmp_path):
    (tmp_path / "outdir").mkdir()
    os.symlink(tmp_path / "outdir", tmp_path / "dirlink")
    with pytest.raises(ValueError, match=r"dirlink: a directory, through the symbolic link"):
        _files.write_atomically(tmp_path / "dirlink", b"data")


def test_dash_writes_an_export_to_stdout(tmp_path, network_file, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = export_js(network_file, "-", capsys)
    assert code == 0 and out == nncore.load(network_file).to_javascript()
    assert not (tmp_path / "-").exists()


def test_dash_writes_an_imported_network_to_stdout_and_the_summary_to_stderr(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    net = nncore.Network([2, 3, 1], seed=0)
    (tmp_path / "brain.json").write_text(json.dumps(net.to_brainjs()))
    code, out, err = run_main(["import", tmp_path / "brain.json", "-o", "-"], capsys)
    assert code == 0 and "network saved to -" in err
    assert nncore.Network.from_json(out).weights[0].tolist() == net.weights[0].tolist()
    assert not (tmp_path / "-").exists()
