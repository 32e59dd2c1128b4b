#!/bin/sh
# expect: FAIL no test results reported
echo "no result lines at all"
