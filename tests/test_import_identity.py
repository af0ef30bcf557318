"""``import nncore`` tells a user who has pip's unrelated ``nncore`` installed in the same place, and no one else.

The other project (``pip install nncore``) installs a package of the same name, with subpackages
``io``, ``utils``, ``nn`` ...; installed into the same folder as nncore-nn, the two share
``nncore/__init__.py``. The tests copy the installed package into a temporary folder, add what the
other project would have added beside it, and import it in a fresh interpreter.
"""

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

import nncore
from nncore import _identity

PACKAGE = pathlib.Path(nncore.__file__).parent


def import_in_a_subprocess(site, cwd):
    """stderr of ``import nncore; nncore.Network`` in a new interpreter that finds nncore in ``site`` first."""
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONWARNINGS": "default"}
    completed = subprocess.run(
        [sys.executable, "-c", "import nncore; print(nncore.__file__); nncore.Network([2, 3, 1])"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == str(site / "nncore" / "__init__.py")
    return completed.stderr


@pytest.fixture
def site(tmp_path):
    """A folder holding a copy of the installed nncore, as site-packages would."""
    shutil.copytree(PACKAGE, tmp_path / "site" / "nncore", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "elsewhere").mkdir()
    return tmp_path / "site"


def add_the_other_project(site):
    """What ``pip install nncore`` (0.4.7) leaves beside nncore-nn: its subpackages and its metadata."""
    for name in ("io", "utils", "nn", "engine"):
        (site / "nncore" / name).mkdir()
        (site / "nncore" / name / "__init__.py").write_text("# Copyright (c) Ye Liu.\n")
    metadata = site / "nncore-0.4.7.dist-info"
    metadata.mkdir()
    (metadata / "METADATA").write_text("Metadata-Version: 2.4\nName: nncore\nVersion: 0.4.7\n")


def test_import_warns_when_the_other_nncore_shares_the_folder(site):
    add_the_other_project(site)
    stderr = import_in_a_subprocess(site, site.parent / "elsewhere")
    assert "UserWarning" in stderr
    assert f"the folder {site / 'nncore'} also holds io, utils, nn of the distribution 'nncore'" in stderr
    assert "pip uninstall nncore, then pip install --force-reinstall nncore-nn" in stderr


def test_import_is_silent_for_nncore_nn_alone(site):
    assert import_in_a_subprocess(site, site.parent / "elsewhere") == ""


def test_the_installed_package_imports_without_a_warning(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", "import nncore"],
        cwd=tmp_path,  # not a clone's top folder, whose nncore/ is the unbuilt sources
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (completed.returncode, completed.stderr) == (0, "")


def test_the_warning_names_the_folder_and_the_remedy(tmp_path):
    (tmp_path / "io").mkdir()
    with pytest.warns(UserWarning, match="pip install nncore") as caught:
        _identity.warn_if_shared(str(tmp_path))
    (warning,) = caught
    assert f"the folder {tmp_path} also holds io of the distribution 'nncore'" in str(warning.message)
    assert str(warning.message).endswith("pip uninstall nncore, then pip install --force-reinstall nncore-nn")


def test_only_the_other_projects_folders_count(tmp_path):
    assert _identity.other_project_folders(str(PACKAGE)) == []
    (tmp_path / "utils").mkdir()
    (tmp_path / "nn").write_text("a file, not a package")
    (tmp_path / "_utils").mkdir()
    assert _identity.other_project_folders(str(tmp_path)) == ["utils"]
