"""Is the ``nncore`` folder ours alone? pip's ``nncore`` is an unrelated project with the same import name.

``pip install nncore`` installs another project (a machine-learning toolkit),
whose package is also called ``nncore``; this one is the distribution
``nncore-nn``. Installed into one place, both write ``nncore/__init__.py``:
the one installed last is the one imported, and uninstalling either deletes
the ``__init__.py`` the other needs. When ours is imported, the other's
subpackages in our folder tell that it is there too. The check is a few
``stat`` calls, as it runs at every import: reading the installed
distributions' metadata (``importlib.metadata``) would cost more than the
rest of ``nncore``'s own modules.
"""

from __future__ import annotations

import os
import warnings

OTHER_PROJECT_FOLDERS = ("io", "utils", "nn")
"""Subpackages that pip's ``nncore`` installs (and imports in its ``__init__``); nncore-nn has none of them."""

REMEDY = "pip uninstall nncore, then pip install --force-reinstall nncore-nn"
"""How to get back to nncore-nn alone (the uninstall deletes the ``nncore/__init__.py`` both install)."""


def other_project_folders(package_folder: str) -> list[str]:
    """The folders of pip's unrelated ``nncore`` found in ``package_folder``, our package's folder."""
    return [name for name in OTHER_PROJECT_FOLDERS if os.path.isdir(os.path.join(package_folder, name))]


def warn_if_shared(package_folder: str) -> None:
    """Warn when pip's unrelated ``nncore`` is installed in the same folder as nncore-nn."""
    found = other_project_folders(package_folder)
    if found:
        warnings.warn(
            f"the folder {package_folder} also holds {', '.join(found)} of the distribution 'nncore' "
            "(pip install nncore), an unrelated project that uses the same import name: installing or "
            "uninstalling either breaks the other. This is nncore-nn, the networks trained one sample at a "
            f"time; to keep it alone: {REMEDY}",
            UserWarning,
            stacklevel=3,
        )
