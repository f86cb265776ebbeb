#!/usr/bin/env bash
# `make bundle`: one archive that installs the cockpit where no package registry can be
# reached (a government intranet). It holds a wheel of every runtime dependency for
# CPython 3.11 on linux x86_64 and of the cockpit itself (its vendored assets inside),
# the settings, layers, reference codes and docs, and install.sh. Built here, with the
# registries; the browser-test and development packages stay out.
#
#   packaging/bundle.sh PYTHON OUTDIR   ->  OUTDIR/cockpit-offline-<version>-linux-x86_64.tar.gz
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:?usage: packaging/bundle.sh PYTHON OUTDIR}
outdir=${2:?usage: packaging/bundle.sh PYTHON OUTDIR}

"$python" - <<'PY'
import platform, sys
if sys.version_info[:2] != (3, 11) or platform.machine() != "x86_64" or sys.platform != "linux":
    sys.exit(f"bundle: wheels are built for the Python that runs this: needs CPython 3.11 on "
             f"linux x86_64, not {platform.python_version()} on {sys.platform} {platform.machine()}")
PY
version=$("$python" -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])")
name="cockpit-offline-${version}-linux-x86_64"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/$name"
mkdir -p "$root/wheels" "$root/site/data" "$outdir"

started=$(date +%s)
# The cockpit and everything it needs at run time, as wheels for this interpreter.
"$python" -m pip wheel --quiet --disable-pip-version-check --wheel-dir "$root/wheels" .
cp cockpit.toml README.md "$root/site/"
cp -r layers docs "$root/site/"
cp -r data/reference "$root/site/data/"
cp packaging/install.sh "$root/install.sh"
chmod +x "$root/install.sh"
(cd "$root" && find wheels site install.sh -type f -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)

archive="$outdir/$name.tar.gz"
tar -C "$work" -czf "$archive.partial" "$name"
mv "$archive.partial" "$archive"
size=$(du -m "$archive" | cut -f1)
echo "wrote $archive: ${size} MB, $(ls "$root/wheels" | wc -l) wheels, in $(( $(date +%s) - started )) s"
