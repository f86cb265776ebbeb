#!/bin/sh
# Install the cockpit from this archive, with no network: ./install.sh DEST
#
# Makes a Python environment at DEST from the wheels beside this script (CPython 3.11
# required: PYTHON=/path/to/python3.11 to choose one), and puts the settings, layers,
# reference codes and docs at DEST, where DEST/bin/cockpit finds them. An existing
# DEST/cockpit.toml, layers or data are kept: an upgrade never overwrites them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:?usage: ./install.sh DEST}
python=${PYTHON:-python3.11}

if ! command -v "$python" >/dev/null 2>&1; then
    echo "install.sh: $python not found: the cockpit needs CPython 3.11 (set PYTHON=...)" >&2
    exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "install.sh: $python is not Python 3.11: the wheels are built for 3.11" >&2
    exit 1
fi
if ! (cd "$here" && sha256sum --check --quiet SHA256SUMS); then
    echo "install.sh: the archive's files do not match SHA256SUMS: unpack it again" >&2
    exit 1
fi

started=$(date +%s)
"$python" -m venv "$dest"
"$dest/bin/python" -m pip install --quiet --disable-pip-version-check --no-index \
    --find-links "$here/wheels" cockpit
for item in cockpit.toml README.md layers docs data; do
    if [ -e "$here/site/$item" ] && [ ! -e "$dest/$item" ]; then
        cp -r "$here/site/$item" "$dest/$item"
    fi
done
echo "installed the cockpit in $dest in $(( $(date +%s) - started )) s"
echo "  $dest/bin/cockpit demo && $dest/bin/cockpit refresh && $dest/bin/cockpit serve"
echo "  settings: $dest/cockpit.toml (docs/operators.md)"
