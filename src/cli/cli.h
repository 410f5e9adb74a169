/*
 * cli.h — the dcproj command-line client: shared option parsing, error
 * printing and output handling.  Each command lives in cmd_<name>.c.
 */
#ifndef DCPROJ_CLI_H
#define DCPROJ_CLI_H

#include <stddef.h>

#include "dcproj/dcproj.h"
#include "dcproj/sensitivity.h"

/* Options a command accepts, as a bit set for cli_parse(). */
enum cli_opt_bit {
    OPT_OUTPUT = 1u << 0,     /* -o FILE */
    OPT_FORMAT = 1u << 1,     /* --format, --layout, --metric, --precision,
                                 --delimiter, --decimal-comma, --bom, --crlf,
                                 --excel, --excel-eu */
    OPT_PATCH = 1u << 2,      /* --set, --patch, --frozen */
    OPT_OVERRIDE = 1u << 3,   /* --horizon, --step, --draws, --seed */
    OPT_THREADS = 1u << 4,    /* --threads */
    OPT_SOLUTION = 1u << 5,   /* --solution FILE */
    OPT_CHECK = 1u << 6,      /* --expect, --rtol, --atol, --update, --junit */
    OPT_SWEEP = 1u << 7,      /* --vary, --scope, --at, --shard, --keep-going */
    OPT_HISTORY = 1u << 9,    /* [v2] --history */
    OPT_BACKTEST = 1u << 10,  /* [v2] --as-of (repeatable), --summary */
    OPT_SENS = 1u << 13,      /* [v2] --method, --by, --range, --samples, --bootstrap, --merge,
                                 --chart, and --scope, --at, --shard */
    OPT_CHART = 1u << 8,      /* --top, --metric, --scope (repeatable), --bands, --stack */
    OPT_SITES = 1u << 15,     /* --sites (explain) */
};

#define CLI_MAX_VARY 2

struct cli_opts {
    const char *cmd;          /* "run", "validate", ... */
    const char *output;       /* -o; NULL = stdout */
    struct dcproj_format fmt;
    int metric_given;
    struct dcproj_load_options load;
    struct dcproj_patch *patches; /* owned array, command-line order */
    size_t n_patches;
    int threads;              /* 0 = all cores */
    const char *solution;     /* --solution FILE */
    int quiet;                /* -q */
    int strict;               /* --strict: warnings are data errors (65) */
    struct dcproj_warnings *shown; /* warnings printed by this command (each
                                      (path, message) once); shared by copies */
    int history;              /* --history: history rows and `observed` (SPEC §3.9) */
    /* backtest */
    int *as_of;               /* owned array, command-line order */
    size_t n_as_of;
    int summary;
    long long draws_cap;      /* > 0: project at most this many draws (validate) */
    /* check */
    const char *expect;
    double rtol, atol;
    int update;
    const char *junit;
    /* sweep */
    const char *vary[CLI_MAX_VARY];
    int n_vary;
    const char *scope;        /* default "TOTAL" */
    int at_year;              /* 0 = all periods */
    long shard_k, shard_n;    /* 0/0 = whole */
    int keep_going;           /* --keep-going: a point's data error becomes an `error` cell */
    /* sensitivity */
    struct dcproj_sens_options sens; /* method, by, range, samples, bootstrap */
    int merge;                /* --merge: the arguments after SCENARIO are shard files */
    const char *sens_chart;   /* --chart FILE.svg */
    /* explain */
    int sites;                /* --sites: list the draw sites instead */
    /* chart */
    int top;                  /* countries drawn before "other"; default 8 */
    char **scopes;            /* chart --scope codes (owned), command-line order */
    size_t n_scopes;
    enum dcproj_chart_bands bands;
    int stack;
    const struct dcproj_chart_options *chart; /* cli_project(): dcproj_chart_project() for it */
    /* the whole command line after the program name (report footer) */
    char **words;
    int n_words;
    /* positional arguments (scenario paths) */
    char **args;
    int n_args;
};

/* A command: name, one-line summary, usage text, allowed options, entry. */
struct cli_command {
    const char *name;
    const char *summary;
    const char *help;         /* full --help text */
    unsigned options;
    int min_args, max_args;   /* max_args < 0: unlimited */
    int (*run)(struct cli_opts *o);
};

/* Parse argv (after the command word) into *o.  Returns 0, or an exit code
 * (2 after printing a usage error; -1 after printing --help: exit 0). */
int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_opts *o);
void cli_opts_free(struct cli_opts *o);

/* Strict number parsing for option values: the whole string must parse and
 * lie in [min, max].  Return 0 on success, -1 otherwise. */
int cli_parse_long(const char *s, long long min, long long max, long long *out);
int cli_parse_double(const char *s, double *out);

/* Print every problem in `err` to stderr as "dcproj: ..." lines (at most
 * DCPROJ_ERROR_MAX, then a count) and return err->code. */
int cli_print_errors(const struct dcproj_error *err);

/* Print "dcproj: message" to stderr (printf format) and return `code`. */
int cli_fail(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print the library's warnings `w` (a scenario's or a result's) as
 * `dcproj: FILE: PATH: warning: MESSAGE`, each (path, message) once per
 * command, none with -q.  With --strict they are printed as errors (also
 * with -q) and the result is DCPROJ_ERR_DATA; else 0 (SPEC §9 v2). */
int cli_warnings(const struct cli_opts *o, const struct dcproj_warnings *w);

/* Load the scenario `path` with the command-line patches and overrides of
 * `o`; prints errors.  Returns 0 or an exit code. */
int cli_load(const struct cli_opts *o, const char *path, struct dcproj_scenario **out);

/* Load and project; prints errors and warnings.  Returns 0 or an exit code. */
int cli_project(const struct cli_opts *o, const char *path, struct dcproj_scenario **sc_out,
                struct dcproj_result **res_out);

/* Name `path` as the file of every I/O problem in `err` that names none
 * (the table writers do not know where their stream goes). */
void cli_name_output(struct dcproj_error *err, const char *path);

/* Write something to `path` (NULL or "-" = stdout) through `fn`, atomically
 * for regular files (SPEC §9).  `inputs` are the files read (refused as
 * outputs).  Prints errors; returns 0 or an exit code. */
typedef int (*cli_write_fn)(void *ctx, FILE *out, struct dcproj_error *err);
int cli_write(const char *path, const struct dcproj_file_id *inputs, size_t n_inputs,
              cli_write_fn fn, void *ctx);

/* Collect the device/inode of the scenario (and patch) files named in `o`
 * into a malloc'ed array for cli_write(); *n set to the count. */
struct dcproj_file_id *cli_input_ids(const struct cli_opts *o, size_t *n);
/* Append the files `sc` was read from (its `extends` parents too) to the
 * array from cli_input_ids(); NULL `sc` is a no-op (on out of memory the
 * array is left as it is). */
void cli_add_scenario_ids(struct dcproj_file_id **ids, size_t *n, const struct dcproj_scenario *sc);
/* 0 if `path` (NULL or "-" for stdout) names none of `inputs`, else a usage
 * error, reported: lets a command with several outputs refuse a bad one
 * before it writes any. */
int cli_check_output(const char *path, const struct dcproj_file_id *inputs, size_t n_inputs);

/* Read the whole file `path` ("-" = stdin) with dcproj_file_read() into a
 * malloc'ed, NUL-terminated buffer.  Prints the error and returns 66 when it
 * cannot be read, 65 when it is over DCPROJ_MAX_FILE_BYTES; 0 on success. */
int cli_read_file(const char *path, char **data, size_t *len);

/* Render the table of `res` in `fmt` into a malloc'ed buffer (for check and
 * sweep).  Returns 0 or an exit code after printing the error. */
int cli_render(const struct dcproj_result *res, const struct dcproj_format *fmt, char **text,
               size_t *len);

/* Progress bar on stderr (only when stderr is a terminal and not quiet). */
struct cli_progress;
struct cli_progress *cli_progress_new(const struct cli_opts *o, const char *what);
void cli_progress_cb(void *ctx, uint64_t done, uint64_t total);
void cli_progress_end(struct cli_progress *p);

/* The commands. */
int cmd_run(struct cli_opts *o);
int cmd_validate(struct cli_opts *o);
int cmd_explain(struct cli_opts *o);
int cmd_check(struct cli_opts *o);
int cmd_diff(struct cli_opts *o);
int cmd_backtest(struct cli_opts *o);
int cmd_sweep(struct cli_opts *o);
int cmd_chart(struct cli_opts *o);
int cmd_report(struct cli_opts *o);
int cmd_sensitivity(struct cli_opts *o);

#endif
