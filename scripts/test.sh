#!/usr/bin/env bash
# The project's test command (see README): unit, golden, conformance,
# adversarial tests and fuzz seed corpora. Tests that need ../shared skip
# with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
go test -count=1 -timeout 20m "$@" ./...
