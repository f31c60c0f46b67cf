#!/usr/bin/env bash
# Build dist/IDTrainer/ (one folder: the idtrainer executable, Qt, assets, catalogs).
set -euo pipefail
cd "$(dirname "$0")/.."
# The versions the test suite passed with (requirements.lock), so a release is reproducible.
python -m pip install -r requirements.lock -e . "pyinstaller>=6"
python -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller \
    packaging/idtrainer.spec
echo "Built dist/IDTrainer/ — try: dist/IDTrainer/idtrainer-cli --lang en info"
