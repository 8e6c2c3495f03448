#!/bin/sh
# vm-timeout: 5
# The watchdog check's hung test: stops busybox timeout's watcher (the
# guest can no longer end this test) and sleeps, as a test stuck in the
# kernel would look to the host.
kill -STOP $(pidof timeout)
echo "watch-hang: the guest's timeout is stopped"
sleep 1000
