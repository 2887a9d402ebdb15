#!/usr/bin/env bash
# Installs everything the application needs on a fresh Debian/Ubuntu machine:
# system packages (when we are root or have sudo), a Python >= 3.12 virtual
# environment in .venv/, and the pinned Python dependencies.  Idempotent.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Pango for WeasyPrint; libharfbuzz-subset0 so WeasyPrint subsets fonts in C
# (a 20-page Chinese PDF: ~4 s instead of ~26 s); a CJK font; poppler-utils
# for the PDF tests; chromium for the browser tests; PostgreSQL for the
# second test run; Redis for the shared-cache tests.
APT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
  fonts-noto-cjk poppler-utils chromium python3-venv postgresql redis-server)

missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = none ] || ! command -v apt-get >/dev/null; then
    echo "缺少系统软件包 / missing system packages: ${missing[*]}" >&2
    echo "请以管理员身份安装 / please install them as administrator:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo ">> apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The newest Python >= 3.12 that actually runs (pyenv shims may exist but
# refuse to run a version that is not activated, so each is tried).
find_python() {
  local c
  for c in python3.14 python3.13 python3.12 \
           /root/.pyenv/versions/3.14*/bin/python3 /root/.pyenv/versions/3.13*/bin/python3 \
           /root/.pyenv/versions/3.12*/bin/python3 /usr/bin/python3 python3; do
    if "$c" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
      echo "$c"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
  PY="$(find_python)" || {
    echo "需要 Python 3.12 或更高版本 / Python >= 3.12 is required (Django 6)." >&2
    echo "  sudo apt-get install python3.12 python3.12-venv   (or install it with pyenv)" >&2
    exit 1
  }
  echo ">> creating .venv with $("$PY" --version)"
  rm -rf .venv
  "$PY" -m venv .venv
fi

stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  echo ">> installing Python dependencies"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test]"
  rm -f .venv/.installed-*; touch "$stamp"
fi
