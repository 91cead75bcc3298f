#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests, then prints `CHROMIUM=<path>`.
# Browsers come from Debian's packages, never from a test tool's own download.
set -euo pipefail

find_chromium() { command -v chromium || command -v chromium-browser || true; }
bin="${CHROMIUM_PATH:-$(find_chromium)}"
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "switchboard: installing Chromium (Debian package) for the browser tests…" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [ "$(id -u)" != 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  $sudo_cmd apt-get install -y -qq --no-install-recommends chromium fonts-liberation >&2
  bin="$(find_chromium)"
fi
echo "CHROMIUM=$bin"
