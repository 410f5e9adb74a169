/*
 * cmd_report.c — `dcproj report SCENARIO -o FILE.html`: project, project
 * again with P5/P95 for the charts when there are draws, and write the
 * self-contained HTML report (SPEC §7).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct report_ctx {
    const struct dcproj_result *res;
    const struct dcproj_html_options *opt;
};

static int write_report(void *ctx, FILE *out, struct dcproj_error *err)
{
    struct report_ctx *c = ctx;
    return dcproj_html_write(c->res, c->opt, out, err);
}

/* The command line as typed, for the footer: arguments joined by spaces,
 * each one that holds a space, quote or shell metacharacter single-quoted,
 * after "dcproj" (not the path the program was run by). */
static char *join_command_line(int argc, char **argv)
{
    size_t n = sizeof "dcproj";
    for (int i = 0; i < argc; i++)
        n += 4 * strlen(argv[i]) + 3;
    char *s = malloc(n), *p = s;
    if (s == NULL)
        return NULL;
    p += sprintf(p, "dcproj");
    for (int i = 0; i < argc; i++) {
        *p++ = ' ';
        const char *a = argv[i];
        int quote = a[0] == '\0' || strpbrk(a, " \t\n'\"\\$`;&|<>()*?[]{}~#!") != NULL;
        if (quote)
            *p++ = '\'';
        for (; *a; a++) {
            if (*a == '\'' && quote) {
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *a;
            }
        }
        if (quote)
            *p++ = '\'';
    }
    *p = '\0';
    return s;
}

int cmd_report(struct cli_opts *o)
{
    struct dcproj_scenario *sc = NULL;
    struct dcproj_result *res = NULL, *bands = NULL;
    int rc = cli_project(o, o->args[0], &sc, &res);
    if (rc != 0)
        return rc;
    if (res->draws > 0) {
        /* the charts draw P5-P95 whatever the scenario's quantiles are */
        struct dcproj_run_options ro;
        dcproj_run_options_init(&ro);
        ro.threads = o->threads;
        struct dcproj_error err;
        dcproj_error_init(&err);
        if (dcproj_chart_project(sc, &ro, NULL, &bands, &err) != DCPROJ_OK) {
            rc = cli_print_errors(&err);
            goto done;
        }
    }
    char *cmdline = join_command_line(o->n_words, o->words);
    struct dcproj_html_options hopt = {cmdline, bands};
    size_t n_ids = 0;
    struct dcproj_file_id *ids = cli_input_ids(o, &n_ids);
    cli_add_scenario_ids(&ids, &n_ids, sc);
    struct report_ctx ctx = {res, &hopt};
    rc = cli_write(o->output, ids, n_ids, write_report, &ctx);
    free(ids);
    free(cmdline);
done:
    dcproj_result_free(bands);
    dcproj_result_free(res);
    dcproj_scenario_free(sc);
    return rc;
}
