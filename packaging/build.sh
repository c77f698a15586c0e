#!/usr/bin/env bash
# Build the one-folder bundle build/dist/nianbao/ (executables nianbao and nianbao-cli) with PyInstaller.
# Linux/macOS only: the Windows bundle and installer are made by packaging/build.ps1 on Windows.
#   packaging/build.sh            install the `build` extra if PyInstaller is missing, then build
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python -c "import PyInstaller" >/dev/null 2>&1; then
  pip install -e ".[build]"
fi

start=$(date +%s)
pyinstaller --noconfirm --clean --log-level WARN \
  --distpath build/dist --workpath build/pyinstaller packaging/nianbao.spec
echo "build took $(( $(date +%s) - start )) s; bundle: build/dist/nianbao ($(du -sh build/dist/nianbao | cut -f1) on disk)"
