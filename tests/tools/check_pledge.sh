#!/bin/sh
# check_pledge.sh DCPROJ SCENARIO: the Microsoft scenario's TOTAL meets the
# April 2025 pledge: 2027/2023 = 2.0 ("more than double") and 2027/2025 = 1.4
# ("+40% over the next two years"), to 1e-12, and it covers 16 countries.
set -u
"$1" run "$2" -q | awk -F, '
    $1 == "country" { seen[$2] = 1 }
    $1 == "total" { v[$4] = $5 }
    END {
        n = 0; for (c in seen) n++
        r1 = v["2027"] / v["2023"]; r2 = v["2027"] / v["2025"]
        printf "countries %d, 2027/2023 = %.15g, 2027/2025 = %.15g\n", n, r1, r2
        bad = (n < 16) || (r1 - 2.0 > 1e-12 || 2.0 - r1 > 1e-12) || (r2 - 1.4 > 1e-12 || 1.4 - r2 > 1e-12)
        exit bad
    }'
