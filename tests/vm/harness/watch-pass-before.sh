#!/bin/sh
# vm-timeout: 20
# The watchdog check's first test: passes, in the first boot.
echo "PASS: before"
