#!/usr/bin/env bash
# nncore on other architectures, under emulation: the same bits on arm64, s390x (big-endian) and ppc64el.
#
#   .ci/emulated.sh HOST_PYTHON [ARCH...]     (Debian architecture names: arm64 s390x ppc64el; default: arm64 s390x)
#
# HOST_PYTHON is a Python of this machine with nncore installed (with onnx and onnxruntime, the
# ONNX files are written and checked too). For each architecture, a Debian root made with
# mmdebstrap from Debian's packages runs under qemu-user (binfmt_misc). nncore's wheel for that
# architecture is built HERE, by setup.py (its sources, its flags, its choice of modules) with
# Debian's cross compiler for the architecture, against the root's Python headers and sysconfig
# (_PYTHON_SYSCONFIGDATA_NAME: the root's compiler flags and module suffix, as a build inside the
# root would use them; _PYTHON_HOST_PLATFORM: the platform setup.py chooses the SIMD levels by).
# Only the installation of that wheel and the tests run emulated: the golden-digest test
# (tests/test_golden_digests.py, at every SIMD level the wheel has there) and .ci/cross_endian.py,
# which checks that the files this machine writes in every format load and run there with the
# same bits, and back; it says what it could not run there (onnx only on s390x, no onnxruntime, no Node.js).
# (GCC itself under emulation took 25-40 minutes per architecture to build nncore.)
# numpy comes from its aarch64 wheel on arm64 and from Debian's python3-numpy (1.24) elsewhere.
# The architectures run side by side; each line of output starts with its architecture.
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
python_version=3.11

triplet_of() {  # the GNU triplet of a Debian architecture: its cross compiler's prefix, its multiarch name
    case "$1" in
        arm64) echo aarch64-linux-gnu ;;
        s390x) echo s390x-linux-gnu ;;
        ppc64el) echo powerpc64le-linux-gnu ;;
        *) echo "unknown architecture: $1 (known: arm64 s390x ppc64el)" >&2; return 1 ;;
    esac
}
machine_of() {  # what uname -m says there, as sysconfig.get_platform() gives it: linux-MACHINE
    case "$1" in
        arm64) echo aarch64 ;;
        ppc64el) echo ppc64le ;;
        *) echo "$1" ;;
    esac
}

if [ "$(id -u)" -ne 0 ]; then
    echo "SKIPPED: the emulated architectures need root (mmdebstrap, chroot)" >&2
    exit 1
fi
tools_started=$SECONDS
needed="qemu-user-static binfmt-support mmdebstrap"
for arch in "$@"; do needed="$needed gcc-$(triplet_of "$arch")"; done
missing=""
for package in $needed; do dpkg -s "$package" > /dev/null 2>&1 || missing="$missing $package"; done
if [ -n "$missing" ]; then
    apt-get update -qq > /dev/null
    # shellcheck disable=SC2086  # a list of packages
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing > /dev/null
fi
# Foreign binaries run through binfmt_misc (qemu-user-static's entries, with the F flag: usable in a chroot).
[ -e /proc/sys/fs/binfmt_misc/status ] || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
update-binfmts --enable > /dev/null 2>&1 || true
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
echo "tools ready${missing:+ (installed:$missing)}: $((SECONDS - tools_started)) s"

in_root() {  # in_root ROOT COMMAND...: run in the root, with /proc and /dev mounted in a private namespace
    local root="$1"
    shift
    unshare --mount --propagation private sh -c \
        'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" && exec chroot "$0" "$@"' \
        "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 "$@"
}

make_root() {  # make_root ARCH: sets root to the path of a root for ARCH, built unless cached
    # python3-dev: the headers and sysconfig the wheel is built against; gcc: the C exports compiled
    # there. Cython and setuptools: nncore can be built there too (`pip install --no-build-isolation`),
    # to compare that build with this machine's.
    local arch="$1" packages="python3-venv,python3-dev,gcc,libc6-dev,ca-certificates"
    local pip_packages=("Cython>=3.1,<4" "setuptools>=77" "pytest")
    case "$arch" in
        arm64) pip_packages+=("numpy") ;;
        *) packages="$packages,python3-numpy" ;;  # numpy has no wheel for s390x or ppc64le
    esac
    local key
    key="$suite-$(date -u +%G-W%V)-$(printf '%s\n' "$packages" "${pip_packages[@]}" | sha256sum | cut -c1-12)"
    root="$cache/$arch-$key"
    if [ ! -e "$root/.complete" ]; then
        mkdir -p "$cache"
        rm -rf "$cache/$arch"-*
        echo "building the $arch root: $packages; pip: ${pip_packages[*]}"
        mmdebstrap --quiet --variant=apt --architectures="$arch" --include="$packages" \
            "$suite" "$root" "$sources" < /dev/null
        cp /etc/resolv.conf "$root/etc/resolv.conf"
        # The root trusts the certificates this machine trusts (pip's, if set): a proxy's CA included.
        cp "${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}" "$root/etc/ssl/certs/ca-certificates.crt"
        in_root "$root" python3 -m venv --system-site-packages /opt/venv
        in_root "$root" /opt/venv/bin/pip install --quiet --only-binary=:all: "${pip_packages[@]}"
        touch "$root/.complete"
    fi
}

cross_build() {  # cross_build ARCH ROOT: nncore's wheel for ARCH, built here by setup.py into $out/ARCH/dist
    local arch="$1" root="$2" triplet
    triplet="$(triplet_of "$arch")"
    local sysconfig_name="_sysconfigdata__linux_$triplet"
    # CC: the root's compiler (setuptools puts it at the head of the root's LDSHARED too), cross.
    local compiler="$triplet-gcc --sysroot=$root"
    mkdir -p "$out/$arch/sysconfig"
    cp "$root/usr/lib/python$python_version/$sysconfig_name.py" "$out/$arch/sysconfig/"
    cp -a "$out/source" "$out/$arch/source"  # cythonized already: the C files are newer than their sources
    echo "built here by setup.py bdist_wheel with $($triplet-gcc --version | head -n 1), against the root's" \
        "Python headers and $sysconfig_name (its flags, its module suffix), for platform linux-$(machine_of "$arch")"
    (cd "$out/$arch/source" \
        && PYTHONPATH="$out/$arch/sysconfig" _PYTHON_SYSCONFIGDATA_NAME="$sysconfig_name" \
           _PYTHON_HOST_PLATFORM="linux-$(machine_of "$arch")" CC="$compiler" \
           "$build_python" setup.py build_ext --parallel 2 --include-dirs "$root/usr/include/python$python_version" \
           bdist_wheel --dist-dir "$out/$arch/dist") > "$out/$arch/build.log" 2>&1 \
        || { cat "$out/$arch/build.log"; return 1; }
    # What setup.py compiled, and how (the compiler's command lines, shortened to the file and the flags).
    sed -n "s|^$triplet-gcc --sysroot=[^ ]* \(.* -c \(src/[^ ]*\) .*\)$|  \2: \1|p" "$out/$arch/build.log" \
        | sed 's| -I[^ ]*||g; s| -o [^ ]*||; s| -c [^ ]*||'
    grep "^nncore: " "$out/$arch/build.log" || true  # the levels setup.py left out, and why
    echo "wheel: $(basename "$out/$arch"/dist/*.whl)"
}

run_arch() {  # run_arch ARCH: everything for one architecture; the time of each part
    local arch="$1" started=$SECONDS part
    make_root "$arch"
    if [ "$arch" = s390x ]; then
        # A big-endian host writes ONNX files too (onnx stores tensors little-endian: checked back here);
        # Debian's python3-onnx, added to the cached root on its first use (no wheel of onnx for s390x).
        in_root "$root" sh -c 'python3 -c "import onnx" 2> /dev/null || { apt-get update -qq > /dev/null \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-onnx > /dev/null; }'
    fi
    echo "root: $root ($((SECONDS - started)) s)"
    part=$SECONDS
    cross_build "$arch" "$root"
    echo "wheel built in $((SECONDS - part)) s"
    part=$SECONDS
    # A folder of this run's own in the root (runs may share a root): the wheel installed into it
    # with pip (--target, the root's venv is left as it is), the tests, the files of this machine.
    local guest
    guest="$(mktemp -d "$root/tmp/nncore.XXXXXX")"
    echo "$guest" >> "$out/guests"
    local inside="/tmp/${guest##*/}"
    cp "$out/$arch"/dist/*.whl "$guest/"
    cp -r "$out/host" "$guest/host"
    mkdir "$guest/.ci" && cp .ci/cross_endian.py "$guest/.ci/" && cp -r tests "$guest/tests"
    in_root "$root" sh -c "/opt/venv/bin/pip install --quiet --no-index --no-deps --target $inside/site $inside/*.whl"
    echo "wheel installed there (pip, emulated) in $((SECONDS - part)) s"
    part=$SECONDS
    local python="cd $inside && PYTHONPATH=$inside/site /opt/venv/bin/python"
    in_root "$root" sh -c "$python -c 'import nncore, sys; nncore.show_runtime(); print(sys.byteorder + \"-endian\", nncore.__file__)' \
        && $python -m pytest -q -p no:cacheprovider --import-mode=importlib tests/test_golden_digests.py" \
        || failed="$failed $arch(digests)"
    echo "golden digests there in $((SECONDS - part)) s"
    part=$SECONDS
    in_root "$root" sh -c "$python .ci/cross_endian.py write guest && $python .ci/cross_endian.py check host" \
        || failed="$failed $arch(files)"
    # And back: the files written in the root, checked here.
    if [ -e "$guest/guest/manifest.json" ]; then
        (cd "$out" && "$host_python" "$repo/.ci/cross_endian.py" check "$guest/guest") || failed="$failed $arch(files back)"
    else
        failed="$failed $arch(no files written there)"
    fi
    rm -rf "$guest"
    echo "cross-endian files, both ways, in $((SECONDS - part)) s"
    echo "$arch took $((SECONDS - started)) s"
    [ -z "$failed" ] || { echo "FAILED:$failed"; return 1; }
}

for arch in "$@"; do triplet_of "$arch" > /dev/null; done
out="$(mktemp -d)"
trap 'xargs -r rm -rf < "$out/guests"; rm -rf "$out"' EXIT
touch "$out/guests"

part=$SECONDS
(cd "$out" && "$host_python" "$repo/.ci/cross_endian.py" write "$out/host")
echo "files of this machine written in $((SECONDS - part)) s"

# The build's Python: the roots' version (the wheel's tag is the building interpreter's), with
# the build requirements of pyproject.toml. The tree as it stands (tracked and new files) is
# cythonized once (setup.py renders the templates and cythonizes when it is loaded); each
# architecture compiles a copy of it.
part=$SECONDS
"python$python_version" -m venv "$out/build-venv"
build_python="$out/build-venv/bin/python"
mapfile -t requires < <("$build_python" -c \
    'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")')
"$build_python" -m pip install --quiet --disable-pip-version-check "${requires[@]}"
mkdir "$out/source"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$out/source"
(cd "$out/source" && "$build_python" setup.py --version > /dev/null 2> "$out/cythonize.log") \
    || { cat "$out/cythonize.log"; exit 1; }
echo "build environment ready and the sources cythonized in $((SECONDS - part)) s"

for arch in "$@"; do
    # Side by side: the roots are made and the tests run under emulation, one process each; the
    # output of each as it comes, each line prefixed with its architecture.
    (
        set +e
        (set -e && failed="" && run_arch "$arch") 2>&1 | sed -u "s/^/$arch: /"
        echo "${PIPESTATUS[0]}" > "$out/$arch.status"
    ) &
done
wait
failed=""
for arch in "$@"; do [ "$(cat "$out/$arch.status")" = 0 ] || failed="$failed $arch"; done
if [ -n "$failed" ]; then
    echo "FAILED under emulation:$failed" >&2
    exit 1
fi
echo "every architecture gave the golden digests and the same files:$(printf ' %s' "$@")"
