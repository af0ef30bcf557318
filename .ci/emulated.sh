#!/usr/bin/env bash
# nncore on other architectures, under emulation: the same bits on arm64 and on s390x (big-endian).
#
#   .ci/emulated.sh HOST_PYTHON [ARCH...]     (Debian architecture names; default: arm64 s390x)
#
# HOST_PYTHON is a Python of this machine with nncore installed (with onnx and onnxruntime, the
# ONNX files are written and checked too). For each architecture, a Debian root made with
# mmdebstrap from Debian's packages runs under qemu-user (binfmt_misc); in it, nncore is built from
# this tree, the golden-digest test runs (tests/test_golden_digests.py), and .ci/cross_endian.py
# checks that the files this machine writes in every format load and run there with the same bits,
# and back; it says what it could not run there (no onnx in the roots, no Node.js).
# numpy comes from its aarch64 wheel on arm64 and from Debian's python3-numpy on s390x (no wheel).
#
# Needs root: apt-get, mmdebstrap, chroot and mounts. The roots are kept in $NNCORE_CI_CACHE
# (default /var/cache/nncore-ci), one per architecture, package list and ISO week, so that a
# run builds only nncore; a root from another week or package list is removed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
host_python="$1"
shift
[ "$#" -gt 0 ] || set -- arm64 s390x
cache="${NNCORE_CI_CACHE:-/var/cache/nncore-ci}"
suite=bookworm  # Python 3.11

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIPPED: the emulated architectures need root (mmdebstrap, chroot)" >&2
    exit 1
fi
missing=""
for tool in mmdebstrap update-binfmts qemu-s390x-static; do command -v "$tool" > /dev/null || missing=1; done
if [ -n "$missing" ]; then
    apt-get update -qq > /dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static binfmt-support mmdebstrap > /dev/null
fi
# Foreign binaries run through binfmt_misc (qemu-user-static's entries, with the F flag: usable in a chroot).
[ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
update-binfmts --enable > /dev/null 2>&1 || true
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list

in_root() {  # in_root ROOT COMMAND...: run in the root, with /proc and /dev mounted in a private namespace
    local root="$1"
    shift
    unshare --mount --propagation private sh -c \
        'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && exec chroot "$0" "$@"' \
        "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 "$@"
}

make_root() {  # make_root ARCH: sets root to the path of a root for ARCH, built unless cached
    local arch="$1" packages="python3-venv,python3-dev,gcc,libc6-dev,ca-certificates"
    local pip_packages=("Cython>=3.1,<4" "setuptools>=77" "pytest")
    case "$arch" in
        s390x) packages="$packages,python3-numpy" ;;
        *) pip_packages+=("numpy") ;;
    esac
    local key
    key="$suite-$(date -u +%G-W%V)-$(printf '%s\n' "$packages" "${pip_packages[@]}" | sha256sum | cut -c1-12)"
    root="$cache/$arch-$key"
    if [ ! -e "$root/.complete" ]; then
        mkdir -p "$cache"
        rm -rf "$cache/$arch"-*
        echo "building the $arch root: $packages; pip: ${pip_packages[*]}" >&2
        mmdebstrap --quiet --variant=apt --architectures="$arch" --include="$packages" \
            "$suite" "$root" "$sources" < /dev/null >&2
        cp /etc/resolv.conf "$root/etc/resolv.conf"
        # The root trusts the certificates this machine trusts (pip's, if set): a proxy's CA included.
        cp "${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}" "$root/etc/ssl/certs/ca-certificates.crt"
        in_root "$root" python3 -m venv --system-site-packages /opt/venv >&2
        in_root "$root" /opt/venv/bin/pip install --quiet --only-binary=:all: "${pip_packages[@]}" >&2
        touch "$root/.complete"
    fi
}

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
(cd "$out" && "$host_python" "$repo/.ci/cross_endian.py" write "$out/host")

failed=""
for arch in "$@"; do
    started=$SECONDS
    echo "== $arch, under qemu-user"
    make_root "$arch"
    echo "root ready: $root ($((SECONDS - started)) s)"
    # This tree as it stands (tracked and new files), built and tested from copies inside the root.
    rm -rf "$root/tmp/nncore" && mkdir -p "$root/tmp/nncore/src"
    git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$root/tmp/nncore/src"
    cp -r "$out/host" "$root/tmp/nncore/host"
    built=$SECONDS
    in_root "$root" /opt/venv/bin/pip install --quiet --no-build-isolation --no-deps --force-reinstall /tmp/nncore/src
    echo "nncore built in $((SECONDS - built)) s"
    mkdir "$root/tmp/nncore/run" && cp -r tests "$root/tmp/nncore/run/tests"
    in_root "$root" sh -c 'cd /tmp/nncore/run && /opt/venv/bin/python -c "import nncore, sys; nncore.show_runtime(); print(sys.byteorder)" \
        && /opt/venv/bin/python -m pytest -q -p no:cacheprovider --import-mode=importlib tests/test_golden_digests.py \
        && /opt/venv/bin/python /tmp/nncore/src/.ci/cross_endian.py write /tmp/nncore/guest \
        && /opt/venv/bin/python /tmp/nncore/src/.ci/cross_endian.py check /tmp/nncore/host' || failed="$failed $arch"
    # And back: the files written in the root, checked here.
    if [ -e "$root/tmp/nncore/guest/manifest.json" ]; then
        (cd "$out" && "$host_python" "$repo/.ci/cross_endian.py" check "$root/tmp/nncore/guest") || failed="$failed $arch(back)"
    fi
    echo "$arch took $((SECONDS - started)) s"
done
if [ -n "$failed" ]; then
    echo "FAILED under emulation:$failed" >&2
    exit 1
fi
