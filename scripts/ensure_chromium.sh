#!/bin/sh
# Install Debian's Chromium for the browser tests when it is missing.
# Playwright drives this browser; the tests never download one of their own.
set -eu
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Chromium is not installed at /usr/bin/chromium and this user cannot install it;" >&2
    echo "the browser tests will be skipped. Install Debian's chromium package to run them." >&2
    exit 0
fi
echo "Installing Debian's chromium package for the browser tests..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
