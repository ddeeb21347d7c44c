#!/bin/sh
# Installs everything a fresh Debian 12 machine needs to build, run and test
# visionstack. Idempotent: packages already present are skipped by apt.
set -eu
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
PKGS="build-essential pkg-config meson ninja-build \
  libmicrohttpd-dev libsqlite3-dev sqlite3 uuid-dev libjansson-dev zlib1g-dev libpng-dev libjpeg62-turbo-dev \
  python3 python3-pytest python3-requests python3-pil python3-numpy \
  curl ca-certificates"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends $missing
fi
