#!/bin/sh
# expect: FAIL no test results reported
# results: 1
# host-only
echo "no result lines at all"
