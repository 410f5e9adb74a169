#!/bin/sh
# run_oracle.sh DCPROJ CSVCMP COUNT SEED — the oracle comparison (see
# run_oracle.py); skipped (77) without /usr/bin/python3 (numpy is checked
# by run_oracle.py itself).
[ -x /usr/bin/python3 ] || { echo "/usr/bin/python3 missing: skipped"; exit 77; }
exec /usr/bin/python3 "$(dirname "$0")/run_oracle.py" "$@"
