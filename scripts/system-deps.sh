#!/usr/bin/env bash
# Install the Debian programs the test suite drives. Run as root; safe to
# run again (does nothing when everything is there).
set -euo pipefail

packages=()
command -v chromium >/dev/null || packages+=(chromium)
command -v chromedriver >/dev/null || packages+=(chromium-driver)
fc-list 2>/dev/null | grep -qi dejavu || packages+=(fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || packages+=(postgresql)
# IMAP server of the mail-in tests (started by them, never as a service).
[ -x /usr/sbin/dovecot ] || packages+=(dovecot-imapd)
# OCR of scans (issue 15): tesseract with Vietnamese, what OCRmyPDF runs,
# the corpus's fonts (Liberation Serif, metric-compatible with Times).
command -v tesseract >/dev/null || packages+=(tesseract-ocr)
[ -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || packages+=(tesseract-ocr-vie)
command -v gs >/dev/null || packages+=(ghostscript)
command -v qpdf >/dev/null || packages+=(qpdf)
fc-list 2>/dev/null | grep -qi "liberation serif" || packages+=(fonts-liberation2)
# docs/operations.md's blob backup.
command -v rsync >/dev/null || packages+=(rsync)
# make cluster's load balancer and the perf suite's load generator (issue 14).
[ -x /usr/sbin/haproxy ] || packages+=(haproxy)
command -v wrk >/dev/null || packages+=(wrk)
# README's mail-in example (swaks), run by the make-run drill.
command -v swaks >/dev/null || packages+=(swaks)

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Need root to install: ${packages[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}"
