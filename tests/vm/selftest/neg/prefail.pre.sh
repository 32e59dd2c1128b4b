#!/usr/bin/env bash
echo "the pre hook cannot prepare the scenario"
exit 1
