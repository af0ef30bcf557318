"""Check the built site in a real browser: headless Chromium, served from 127.0.0.1.

Takes screenshots of the start page, one page of the gallery and the API page of ``nncore.Network``,
saves them in ARTIFACTS and checks that each shows something (its pixels vary); then renders the
search page for ``fit_many`` (the theme's JavaScript runs the search) and checks that it finds the
function's API page, and that the Benchmarks page shows the run of bench/latest.json with its picture.

Usage: python .ci/check_site.py SITE ARTIFACTS   (SITE: sphinx-build's html output)
"""

import functools
import http.server
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
from PIL import Image

# The browser reaches nothing but the site: no updates, no sync, no first-run pages, no QUIC.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
# The window of each screenshot: a gallery page is tall enough to show the script's picture.
WINDOWS = {"start": "1280,900", "gallery": "1280,2400", "api-network": "1280,900"}
BENCH = Path(__file__).resolve().parents[1] / "bench"
# A screenshot whose grey levels vary less than this is blank (a white page has 0; text on white, about 30).
MIN_STANDARD_DEVIATION = 5.0


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("no Chromium on PATH: apt-get install chromium (.ci/run's first step does)")


def serve(site: Path) -> http.server.ThreadingHTTPServer:
    """Serve SITE on 127.0.0.1, on a free port, from a thread."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def browse(url: str, *arguments: str) -> str:
    """Run headless Chromium on URL with a fresh profile; what it printed."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments, url],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"chromium failed on {url} ({done.returncode}):\n{done.stderr}")
    return done.stdout


def variation(png: Path) -> float:
    """The standard deviation of a picture's grey levels (0 to 255)."""
    with Image.open(png) as picture:
        return float(np.asarray(picture.convert("L"), dtype=float).std())


def gallery_page(site: Path) -> Path:
    """A page of the gallery: the first example's that shows a picture, else the gallery's index."""
    examples = sorted((site / "auto_examples").glob("*.html"))
    with_pictures = [page for page in examples if "sphx-glr-single-img" in page.read_text(encoding="utf-8")]
    return (with_pictures or [site / "auto_examples" / "index.html"])[0]


def main(site: Path, artifacts: Path) -> int:
    artifacts.mkdir(parents=True, exist_ok=True)
    pages = {
        "start": site / "index.html",
        "gallery": gallery_page(site),
        "api-network": site / "generated" / "nncore.Network.html",
    }
    server = serve(site)
    root = f"http://127.0.0.1:{server.server_address[1]}"
    failures = []
    try:
        for name, page in pages.items():
            url = f"{root}/{page.relative_to(site).as_posix()}"
            shot = artifacts / f"{name}.png"
            shot.unlink(missing_ok=True)
            browse(url, f"--screenshot={shot}", f"--window-size={WINDOWS[name]}", "--virtual-time-budget=5000")
            deviation = variation(shot) if shot.is_file() else 0.0
            ok = deviation >= MIN_STANDARD_DEVIATION
            print(f"{'ok' if ok else 'FAILED'}: {url} -> {shot} (grey levels' standard deviation {deviation:.1f})")
            if not ok:
                failures.append(f"the screenshot of {url} is blank")

        url = f"{root}/search.html?q=fit_many"
        dom = browse(url, "--dump-dom", "--virtual-time-budget=15000")
        (artifacts / "search-fit_many.html").write_text(dom, encoding="utf-8")
        found = "generated/nncore.fit_many.html" in dom
        print(f"{'ok' if found else 'FAILED'}: {url} lists nncore.fit_many's page")
        if not found:
            failures.append(f"the search page {url} does not find fit_many")

        # The Benchmarks page is written from bench/latest.* at build time (docs/_ext/nncore_benchmarks.py).
        url = f"{root}/benchmarks.html"
        dom = browse(url, "--dump-dom")
        date = json.loads((BENCH / "latest.json").read_text(encoding="utf-8"))["machine"]["date"]
        picture = (site / "_images" / "latest.png").is_file() and 'src="_images/latest.png"' in dom
        shown = date in dom and picture
        print(f"{'ok' if shown else 'FAILED'}: {url} shows the run of {date} and bench/latest.png")
        if not shown:
            failures.append(f"the Benchmarks page {url} does not show bench/latest.json's run ({date}) and its picture")
    finally:
        server.shutdown()
    print(f"site in the browser: {5 - len(failures)} passed, {len(failures)} failed; screenshots in {artifacts}")
    for failure in failures:
        print(f"  {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
