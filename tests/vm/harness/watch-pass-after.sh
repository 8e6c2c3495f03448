#!/bin/sh
# vm-timeout: 20
# The watchdog check's last test: must run, in a second boot.
echo "PASS: after"
