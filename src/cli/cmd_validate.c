/*
 * cmd_validate.c — `dcproj validate SCENARIO...`: every check `run` makes,
 * calibration included, without writing a table.
 */
#include <stdio.h>

#include "cli.h"

/* Monte Carlo draws validate actually projects: enough to exercise every
 * distribution and event, without running a 10^9-draw study to say "ok". */
#define VALIDATE_DRAWS 1000

int cmd_validate(struct cli_opts *o)
{
    int unreadable = 0, other = 0;
    o->draws_cap = VALIDATE_DRAWS;
    for (int i = 0; i < o->n_args; i++) {
        struct dcproj_scenario *sc = NULL;
        struct dcproj_result *res = NULL;
        int rc = cli_project(o, o->args[i], &sc, &res);
        if (rc == 0) {
            printf("%s: ok\n", sc->file);
            dcproj_result_free(res);
            dcproj_scenario_free(sc);
        } else if (rc == DCPROJ_ERR_NOINPUT) {
            unreadable = 1;
        } else if (other == 0) {
            other = rc;
        }
    }
    /* SPEC §9: an unreadable file outranks an invalid one */
    return unreadable ? DCPROJ_ERR_NOINPUT : other;
}
