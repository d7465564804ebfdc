#!/usr/bin/env bash
# One entry point for developers and CI on a Debian machine (as root, or with sudo).
#
#   ./dev.sh run     install what is missing, then open the workstation window on sample
#                    data in .demo-home/ (or, with no display, run the headless demo there);
#                    with WORKSTATION_HOME set, open that home instead
#   ./dev.sh test    install what is missing, then lint, check the layer contracts and run the tests
#   ./dev.sh setup   only install (system packages, then the virtualenv in .venv)
#   ./dev.sh bundle  install what is missing, then build the PyInstaller one-folder bundle
#                    (dist/workstation/workstation) and its Debian package
#                    (dist/workstation_<version>_<arch>.deb); see installer/README.md
#   ./dev.sh lock    re-resolve pyproject.toml into requirements/constraints.txt
#
# WORKSTATION_VENV=/path/to/venv uses a virtualenv made elsewhere as it is (with the
# workstation and its dev extra installed): it is never rebuilt or changed.
#
# Every step checks before it acts, so running it twice installs nothing twice.
set -euo pipefail
cd "$(dirname "$0")"

VENV=${WORKSTATION_VENV:-.venv}
PY=${PYTHON:-python3}

# Debian packages: external parts the workstation drives, fonts with every Vietnamese glyph,
# and the X libraries Qt's xcb platform needs under a real or virtual display.
APT_PACKAGES=(
  tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd
  sane-utils sane-airscan
  softhsm2 opensc pcscd  # pcscd: USB tokens; the .deb depends on it, and its install test too
  poppler-utils ghostscript
  fonts-noto-core fonts-liberation2 fonts-dejavu-core fontconfig
  xvfb xauth
  curl  # bench/sync.py: the reference uploader sync is measured against
  postgresql  # the reference central server's tests also run on a temporary PostgreSQL cluster
  libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0
  libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-shape0
)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_system() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  # Debian's own Python needs python3-venv to make a virtualenv (its ensurepip is
  # split out); a Python installed some other way brings its own.
  if ! command -v "$PY" >/dev/null 2>&1; then
    missing+=(python3 python3-venv)
  elif [ "$(command -v "$PY")" = /usr/bin/python3 ] || [ "$(command -v "$PY")" = /bin/python3 ]; then
    dpkg-query -W -f='${Status}' python3-venv 2>/dev/null | grep -q 'install ok installed' \
      || missing+=(python3-venv)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

ensure_venv() {
  local stamp="$VENV/.installed" want
  if [ -n "${WORKSTATION_VENV:-}" ]; then
    [ -x "$VENV/bin/python" ] || { echo "WORKSTATION_VENV=$VENV has no bin/python" >&2; exit 2; }
    return
  fi
  want=$(cat pyproject.toml requirements/constraints.txt | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/workstation" ]; then
    return
  fi
  # The lock changed (or no venv yet): start from an empty venv, so that what is
  # installed is exactly the lock, with nothing left over from an older one.
  rm -rf "$VENV"
  say "Creating the virtualenv in $VENV"
  "$PY" -m venv "$VENV"
  say "Installing the workstation and its pinned dependencies into $VENV"
  # PIP_CONSTRAINT also reaches the isolated build of the project itself, so the
  # build backend (setuptools, wheel) comes from the lock like everything else.
  export PIP_CONSTRAINT="$PWD/requirements/constraints.txt" PIP_DISABLE_PIP_VERSION_CHECK=1
  "$VENV/bin/python" -m pip install -q pip setuptools wheel
  "$VENV/bin/python" -m pip install -q -e '.[dev]'
  echo "$want" > "$stamp"
}

setup() { ensure_system; ensure_venv; }

# SANE's own test scanner, listed beside the real ones: Debian ships it commented out in
# /etc/sane.d/dll.conf. A config folder of our own lists it too; the trailing colon lets
# SANE look in /etc/sane.d for every other backend's settings.
with_sane_test_scanner() {
  [ -n "${SANE_CONFIG_DIR:-}" ] && return
  local dir="$PWD/.demo-sane"
  mkdir -p "$dir"
  { grep -v '^[[:space:]]*#\?[[:space:]]*test[[:space:]]*$' /etc/sane.d/dll.conf 2>/dev/null; echo test; } \
    > "$dir/dll.conf"
  # Its defaults scan solid black at 50 dpi, which clean-up rightly flags too dark and
  # too coarse: draw a grid at 200 dpi (the digitisation rules' minimum) instead.
  if [ -f /etc/sane.d/test.conf ]; then
    sed -e 's/^test-picture .*/test-picture "Grid"/' -e 's/^resolution .*/resolution 200.0/' \
      /etc/sane.d/test.conf > "$dir/test.conf"
  fi
  export SANE_CONFIG_DIR="$dir:"
}

# A local reference central server for the window on the embedded defaults: its data in
# $WORKSTATION_HOME/central, a demo officer with a password made for this run only, the
# workstation signed in as them (when a keyring can keep the sign-in), stopped with the window.
central_pid=""
with_local_central() {
  local data="$WORKSTATION_HOME/central" port="${WORKSTATION_DEMO_CENTRAL_PORT:-8765}" url
  url="http://127.0.0.1:$port"
  WORKSTATION_DEMO_CENTRAL_PASSWORD=$(head -c 18 /dev/urandom | base64)
  export WORKSTATION_DEMO_CENTRAL_PASSWORD
  "$VENV/bin/python" -m workstation_central create-officer --data "$data" --user canbo.demo \
    --password-env WORKSTATION_DEMO_CENTRAL_PASSWORD --role counter_officer \
    --role records_clerk --role signing_officer --role administrator >/dev/null
  "$VENV/bin/python" -m workstation_central serve --data "$data" --port "$port" 2>"$data/serve.log" &
  central_pid=$!
  trap 'kill "$central_pid" 2>/dev/null || true' EXIT
  local tries=0
  until curl -s -o /dev/null "$url/v1/catalogue"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ] || ! kill -0 "$central_pid" 2>/dev/null; then
      say "The local central server did not start (see $data/serve.log); the window opens without it"
      unset WORKSTATION_DEMO_CENTRAL_PASSWORD
      return
    fi
    sleep 0.1
  done
  export WORKSTATION_CENTRAL_URL="$url"
  say "Local central server on $url (see what arrived: $VENV/bin/python -m workstation_central inventory --data $data)"
  "$VENV/bin/workstation" login --server "$url" --user canbo.demo \
    --password-env WORKSTATION_DEMO_CENTRAL_PASSWORD >/dev/null \
    || say "No keyring can keep the sign-in here: the window shows the outbox waiting, not sent"
  unset WORKSTATION_DEMO_CENTRAL_PASSWORD
}

cmd_run() {
  setup
  local demo=""
  if [ -z "${WORKSTATION_HOME:-}" ]; then
    # The embedded defaults: a home of its own in the checkout, with sample data,
    # so that trying the workstation never touches an officer's real store.
    export WORKSTATION_HOME="$PWD/.demo-home"
    demo=yes
    mkdir -p "$WORKSTATION_HOME"
    touch "$WORKSTATION_HOME/.workstation-demo"  # the demo may clear and refill this folder
    with_sane_test_scanner
  fi
  if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    if [ -n "$demo" ] && [ ! -f "$WORKSTATION_HOME/data/store.sqlite3" ]; then
      say "Filling $WORKSTATION_HOME with sample dossiers"
      "$VENV/bin/workstation" demo --folder "$WORKSTATION_HOME" --keep >/dev/null
    fi
    if [ -n "$demo" ]; then
      with_local_central
      "$VENV/bin/workstation" "$@"  # not exec: the server stops when the window closes
      return
    fi
    exec "$VENV/bin/workstation" "$@"
  fi
  say "No display: running the headless end-to-end demo instead of the window"
  if [ -n "$demo" ]; then
    exec "$VENV/bin/workstation" demo --folder "$WORKSTATION_HOME" "$@"
  fi
  exec "$VENV/bin/workstation" demo "$@"
}

cmd_test() {
  setup
  export QT_QPA_PLATFORM=offscreen
  say "ruff"
  "$VENV/bin/ruff" check src tests bench
  "$VENV/bin/ruff" format --check src tests bench
  say "Layer contracts (the core must not import Qt)"
  "$VENV/bin/lint-imports"
  say "pytest"
  # Two workers (pytest-xdist), one per core of CI's machine; tests that must share a
  # worker carry an xdist_group (tests/conftest.py). PYTEST_WORKERS=0 runs in one process.
  "$VENV/bin/python" -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadgroup "$@"
}

cmd_bundle() {
  setup
  say "PyInstaller one-folder bundle: dist/workstation/"
  # The checkout's own code, whatever else the virtualenv can import.
  PYTHONPATH="$PWD/src" "$VENV/bin/python" -m PyInstaller --noconfirm --clean \
    --distpath dist --workpath build/pyinstaller installer/workstation.spec
  say "Debian package: dist/workstation_<version>_<arch>.deb"
  "$VENV/bin/python" installer/linux/build_deb.py --bundle dist/workstation --out dist "$@"
}

cmd_lock() {
  local tmp
  tmp=$(mktemp -d)
  "$PY" -m venv "$tmp/venv"
  "$tmp/venv/bin/python" -m pip install -q --upgrade pip setuptools wheel
  "$tmp/venv/bin/python" -m pip install -q '.[dev]'
  {
    echo "# Exact versions every install uses (README commands, CI, installers),"
    echo "# the installer and build backend included."
    echo "# Regenerate: ./dev.sh lock   (resolves pyproject.toml afresh in a scratch venv)"
    "$tmp/venv/bin/python" -m pip freeze --all --exclude-editable | grep -v '^workstation'
  } > requirements/constraints.txt
  rm -rf "$tmp"
  say "requirements/constraints.txt rewritten; review and commit it"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  setup) setup ;;
  bundle) shift; cmd_bundle "$@" ;;
  lock) cmd_lock ;;
  *) echo "usage: ./dev.sh run|test|setup|bundle|lock [args]" >&2; exit 2 ;;
esac
