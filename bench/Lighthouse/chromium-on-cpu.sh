#!/usr/bin/env bash
# Chromium for Lighthouse on the CPUs in BROWSER_CPUS (taskset's list), given as chrome-launcher's CHROME_PATH: the browser then
# shares no core with the servers it measures, as a phone does not. exec keeps the pid that chrome-launcher kills.
exec taskset -c "${BROWSER_CPUS:?BROWSER_CPUS is not set}" /usr/bin/chromium "$@"
