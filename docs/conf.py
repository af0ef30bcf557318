"""Sphinx configuration of nncore's site.

Build it with ``sphinx-build -W --keep-going -n -b html docs docs/_build/html`` after
``pip install ".[docs]"``: the API reference is generated from the installed package's numpydoc
docstrings, the gallery runs the scripts of ``examples/``, and the Benchmarks page is written from
``bench/latest.*`` (``docs/_ext/nncore_benchmarks.py``). The build reads nothing from the network:
intersphinx's inventories are fetched only on the hosted build (READTHEDOCS is set there).
"""

import os
import sys
from pathlib import Path

from numpydoc.xref import DEFAULT_LINKS
from sphinx.errors import PycodeError
from sphinx.pycode import ModuleAnalyzer

import nncore

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))  # the site's own extensions

project = "nncore"
author = "The nncore developers"
copyright = "The nncore developers"
release = nncore.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx_gallery.gen_gallery",
    "nncore_benchmarks",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "**.ipynb_checkpoints",
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
]
templates_path = ["_templates"]

# ---------------------------------------------------------------- Markdown pages (MyST)
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3  # [text](page.md#a-heading) links resolve to headings of up to three levels

# ---------------------------------------------------------------- API reference
autosummary_generate = True
autodoc_typehints = "none"  # the numpydoc sections say the types
numpydoc_show_class_members = False  # each class page lists its own members (docs/_templates)
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"  # a word of a parameter's type links only when it is an alias below or a builtin
numpydoc_xref_aliases = {
    "Network": "nncore.Network",
    "FitResult": "nncore.FitResult",
    "FitProgress": "nncore.FitProgress",
    "Evaluation": "nncore.Evaluation",
    "Misclass": "nncore.Misclass",
}

# ---------------------------------------------------------------- other projects' pages
# The inventories are downloaded on the hosted build only; elsewhere (CI, a laptop without network)
# a reference to numpy or scikit-learn stays plain text, listed in nitpick_ignore below.
intersphinx_mapping = {}
if os.environ.get("READTHEDOCS"):
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
    }

# Names of other projects that cannot resolve without their inventories.
nitpick_ignore_regex = []
if not intersphinx_mapping:
    # numpydoc links "int", "sequence", "array-like", "ndarray" ... into those inventories: plain words here.
    numpydoc_xref_aliases.update(
        {word: word for word, link in DEFAULT_LINKS.items() if "python:" in link or "numpy" in link}
    )
    nitpick_ignore_regex = [
        (r"py:.*", r"(numpy|np|sklearn|onnx|dask|distributed|matplotlib|pandas|os|collections)\..*"),
    ]

# ---------------------------------------------------------------- executed examples (sphinx-gallery)
sphinx_gallery_conf = {
    "examples_dirs": str(DOCS.parent / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",  # scripts named plot_*.py run when the site is built
    "download_all_examples": False,
    "remove_config_comments": True,
    "reference_url": {"nncore": None},
    "matplotlib_animations": False,
    "show_memory": False,
}

# ---------------------------------------------------------------- HTML
html_theme = "pydata_sphinx_theme"
html_title = f"nncore {release}"
html_static_path = ["_static"]
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "navbar_end": ["theme-switcher"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_show_sourcelink = False


# ---------------------------------------------------------------- hooks
def skip_foreign_members(app, what, name, obj, skip, options):
    """A class page lists what nncore defines, inherited ones too (Network's methods are the compiled
    core's), but not the methods that a class inherits from scikit-learn or from Python's types."""
    owner = getattr(obj, "__objclass__", None) or getattr(obj, "fget", None)
    if owner is None and not callable(obj):
        return None  # an attribute: autodoc's own rule
    module = getattr(owner or obj, "__module__", None)
    if isinstance(module, str) and not module.startswith("nncore"):
        return True
    return None


def read_attribute_docs_where_defined(app):
    """The public classes say they are nncore's (``__module__``), so autodoc looks for their attributes'
    docstrings (``steps: int`` and the string below it) in nncore/__init__.py; they are in the
    private module that defines the class. Hand them to the analyzer of ``nncore``."""
    public = ModuleAnalyzer.for_module("nncore")
    public.analyze()
    for name in nncore.__all__:
        cls = getattr(nncore, name)
        if not isinstance(cls, type):
            continue
        for module in [module for module in sys.modules if module.startswith("nncore._")]:
            if getattr(sys.modules[module], name, None) is not cls:
                continue
            try:
                home = ModuleAnalyzer.for_module(module)
            except PycodeError:  # the compiled core
                continue
            if home.find_tags().get(cls.__qualname__, ("",))[0] == "class":  # defined here, not imported
                public.attr_docs.update({key: doc for key, doc in home.find_attr_docs().items() if key[0] == name})


def setup(app):
    app.connect("autodoc-skip-member", skip_foreign_members)
    app.connect("builder-inited", read_attribute_docs_where_defined)
