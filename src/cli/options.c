/*
 * options.c — the option parser every command shares (getopt_long), strict
 * number parsing, and error printing.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
    O_FORMAT = 256, O_LAYOUT, O_METRIC, O_SET, O_PATCH, O_FROZEN, O_HORIZON, O_STEP,
    O_DRAWS, O_SEED, O_THREADS, O_PRECISION, O_DELIMITER, O_DECIMAL_COMMA, O_BOM, O_CRLF,
    O_EXCEL, O_EXCEL_EU, O_SOLUTION, O_EXPECT, O_RTOL, O_ATOL, O_UPDATE, O_JUNIT, O_VARY,
    O_SCOPE, O_AT, O_SHARD, O_KEEP_GOING, O_TOP, O_SITES, O_BANDS, O_STACK, O_HELP, O_HISTORY,
    O_AS_OF, O_SUMMARY, O_STRICT, O_METHOD, O_BY, O_RANGE, O_SAMPLES, O_BOOTSTRAP, O_MERGE,
    O_SENS_CHART
};

/* Which option group each long option belongs to (0 = every command). */
struct opt_def {
    struct option opt;
    unsigned group;
};

static const struct opt_def opt_defs[] = {
    {{"output", required_argument, NULL, 'o'}, OPT_OUTPUT},
    {{"format", required_argument, NULL, O_FORMAT}, OPT_FORMAT},
    {{"layout", required_argument, NULL, O_LAYOUT}, OPT_FORMAT},
    {{"metric", required_argument, NULL, O_METRIC}, OPT_FORMAT | OPT_CHART},
    {{"precision", required_argument, NULL, O_PRECISION}, OPT_FORMAT},
    {{"delimiter", required_argument, NULL, O_DELIMITER}, OPT_FORMAT},
    {{"decimal-comma", no_argument, NULL, O_DECIMAL_COMMA}, OPT_FORMAT},
    {{"bom", no_argument, NULL, O_BOM}, OPT_FORMAT},
    {{"crlf", no_argument, NULL, O_CRLF}, OPT_FORMAT},
    {{"excel", no_argument, NULL, O_EXCEL}, OPT_FORMAT},
    {{"excel-eu", no_argument, NULL, O_EXCEL_EU}, OPT_FORMAT},
    {{"set", required_argument, NULL, O_SET}, OPT_PATCH},
    {{"patch", required_argument, NULL, O_PATCH}, OPT_PATCH},
    {{"frozen", no_argument, NULL, O_FROZEN}, OPT_PATCH},
    {{"horizon", required_argument, NULL, O_HORIZON}, OPT_OVERRIDE},
    {{"step", required_argument, NULL, O_STEP}, OPT_OVERRIDE},
    {{"draws", required_argument, NULL, O_DRAWS}, OPT_OVERRIDE},
    {{"seed", required_argument, NULL, O_SEED}, OPT_OVERRIDE},
    {{"threads", required_argument, NULL, O_THREADS}, OPT_THREADS},
    {{"solution", required_argument, NULL, O_SOLUTION}, OPT_SOLUTION},
    {{"expect", required_argument, NULL, O_EXPECT}, OPT_CHECK},
    {{"rtol", required_argument, NULL, O_RTOL}, OPT_CHECK},
    {{"atol", required_argument, NULL, O_ATOL}, OPT_CHECK},
    {{"update", no_argument, NULL, O_UPDATE}, OPT_CHECK},
    {{"junit", required_argument, NULL, O_JUNIT}, OPT_CHECK},
    {{"vary", required_argument, NULL, O_VARY}, OPT_SWEEP},
    {{"scope", required_argument, NULL, O_SCOPE}, OPT_SWEEP | OPT_CHART | OPT_SENS},
    {{"at", required_argument, NULL, O_AT}, OPT_SWEEP | OPT_SENS},
    {{"shard", required_argument, NULL, O_SHARD}, OPT_SWEEP | OPT_SENS},
    {{"method", required_argument, NULL, O_METHOD}, OPT_SENS},
    {{"by", required_argument, NULL, O_BY}, OPT_SENS},
    {{"range", required_argument, NULL, O_RANGE}, OPT_SENS},
    {{"samples", required_argument, NULL, O_SAMPLES}, OPT_SENS},
    {{"bootstrap", required_argument, NULL, O_BOOTSTRAP}, OPT_SENS},
    {{"merge", no_argument, NULL, O_MERGE}, OPT_SENS},
    {{"chart", required_argument, NULL, O_SENS_CHART}, OPT_SENS},
    {{"keep-going", no_argument, NULL, O_KEEP_GOING}, OPT_SWEEP},
    {{"top", required_argument, NULL, O_TOP}, OPT_CHART},
    {{"history", no_argument, NULL, O_HISTORY}, OPT_HISTORY},
    {{"as-of", required_argument, NULL, O_AS_OF}, OPT_BACKTEST},
    {{"summary", no_argument, NULL, O_SUMMARY}, OPT_BACKTEST},
    {{"sites", no_argument, NULL, O_SITES}, OPT_SITES},
    {{"bands", required_argument, NULL, O_BANDS}, OPT_CHART},
    {{"stack", no_argument, NULL, O_STACK}, OPT_CHART},
    {{"quiet", no_argument, NULL, 'q'}, 0},
    {{"strict", no_argument, NULL, O_STRICT}, 0},
    {{"help", no_argument, NULL, O_HELP}, 0},
};
#define N_OPT_DEFS (sizeof opt_defs / sizeof opt_defs[0])

int cli_fail(int code, const char *fmt, ...)
{
    va_list ap;
    fputs("dcproj: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return code;
}

int cli_print_errors(const struct dcproj_error *err)
{
    char line[DCPROJ_ERROR_FILE_LEN + DCPROJ_ERROR_PATH_LEN + DCPROJ_ERROR_MSG_LEN + 64];
    int shown = err->count < DCPROJ_ERROR_MAX ? err->count : DCPROJ_ERROR_MAX;
    for (int i = 0; i < shown; i++) {
        dcproj_error_format(err, i, line, sizeof line);
        fprintf(stderr, "dcproj: %s\n", line);
    }
    if (err->count > shown)
        fprintf(stderr, "dcproj: ... and %d more problems\n", err->count - shown);
    return err->code != DCPROJ_OK ? err->code : DCPROJ_ERR_DATA;
}

int cli_parse_long(const char *s, long long min, long long max, long long *out)
{
    if (s == NULL || *s == '\0')
        return -1;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_double(const char *s, double *out)
{
    double v;
    if (s == NULL || dcproj_parse_number(s, 0, &v) != 0 || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* Usage error: the message, then a hint to the command's --help. */
static int usage(const struct cli_command *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static int usage(const struct cli_command *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("dcproj: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\ndcproj: try 'dcproj %s --help'\n", cmd->name);
    return DCPROJ_ERR_USAGE;
}

/* Does an output path name standard output? */
static int names_stdout(const char *path)
{
    return path == NULL || strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0
        || strcmp(path, "/dev/fd/1") == 0 || strcmp(path, "/proc/self/fd/1") == 0;
}

/* Parse a --delimiter value: one ASCII character, or "\t" for tab. */
static int parse_delimiter(const char *s, char *out)
{
    if (strcmp(s, "\\t") == 0 || strcmp(s, "tab") == 0) {
        *out = '\t';
        return 0;
    }
    if (strlen(s) != 1 || (unsigned char)s[0] >= 0x80)
        return -1;
    char c = s[0];
    if (c == '"' || c == '\r' || c == '\n' || c == '.' || c == '-' || c == '+' || c == 'e' ||
        c == 'E' || (c >= '0' && c <= '9') || c == '\0')
        return -1;
    *out = c;
    return 0;
}

static int add_patch(struct cli_opts *o, enum dcproj_patch_kind kind, const char *text)
{
    struct dcproj_patch *p = realloc(o->patches, (o->n_patches + 1) * sizeof *p);
    if (p == NULL)
        return -1;
    p[o->n_patches].kind = kind;
    p[o->n_patches].text = text;
    o->patches = p;
    o->n_patches++;
    return 0;
}

static void opts_init(struct cli_opts *o, const struct cli_command *cmd)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd->name;
    dcproj_format_init(&o->fmt);
    dcproj_load_options_init(&o->load);
    o->rtol = 1e-9;
    o->atol = 1e-9;
    o->scope = "TOTAL";
    o->top = 8;
}

void cli_opts_free(struct cli_opts *o)
{
    free(o->patches);
    o->patches = NULL;
    o->n_patches = 0;
    for (size_t i = 0; i < o->n_scopes; i++)
        free(o->scopes[i]);
    free(o->scopes);
    o->scopes = NULL;
    o->n_scopes = 0;
}

/* chart --scope: append each code of a comma list (empty items refused).
 * 0, or -1 for an empty item, 71 when out of memory. */
static int add_scopes(struct cli_opts *o, const char *arg)
{
    const char *p = arg;
    for (;;) {
        size_t n = strcspn(p, ",");
        if (n == 0)
            return -1;
        char **grown = realloc(o->scopes, (o->n_scopes + 1) * sizeof *grown);
        char *code = grown != NULL ? strndup(p, n) : NULL;
        if (grown != NULL)
            o->scopes = grown;
        if (code == NULL)
            return DCPROJ_ERR_NOMEM;
        o->scopes[o->n_scopes++] = code;
        if (p[n] == '\0')
            return 0;
        p += n + 1;
    }
    free(o->as_of);
    o->as_of = NULL;
    o->n_as_of = 0;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_opts *o)
{
    struct option longopts[N_OPT_DEFS + 1];
    size_t n = 0;
    for (size_t i = 0; i < N_OPT_DEFS; i++)
        if (opt_defs[i].group == 0 || (opt_defs[i].group & cmd->options))
            longopts[n++] = opt_defs[i].opt;
    memset(&longopts[n], 0, sizeof longopts[n]);
    const char *shortopts = (cmd->options & OPT_OUTPUT) ? ":o:qh" : ":qh";

    opts_init(o, cmd);
    int delimiter_given = 0, excel_eu = 0;
    long long ll;
    double d;
    optind = 1;
    opterr = 0;
    for (;;) {
        int longindex = -1;
        int c = getopt_long(argc, argv, shortopts, longopts, &longindex);
        if (c == -1)
            break;
        const char *arg = optarg;
        switch (c) {
        case 'h':
        case O_HELP:
            fputs(cmd->help, stdout);
            return -1;
        case 'q': o->quiet = 1; break;
        case O_STRICT: o->strict = 1; break;
        case O_HISTORY: o->history = 1; break;
        case O_SUMMARY: o->summary = 1; break;
        case O_AS_OF: {
            if (cli_parse_long(arg, 1000, 9999, &ll) != 0)
                return usage(cmd, "--as-of: expected a year from 1000 to 9999, got '%s'", arg);
            int *a = realloc(o->as_of, (o->n_as_of + 1) * sizeof *a);
            if (a == NULL)
                return cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
            o->as_of = a;
            o->as_of[o->n_as_of++] = (int)ll;
            break;
        }
        case 'o': o->output = arg; break;
        case O_FORMAT:
            if (strcmp(arg, "csv") == 0) o->fmt.format = DCPROJ_FMT_CSV;
            else if (strcmp(arg, "tsv") == 0) o->fmt.format = DCPROJ_FMT_TSV;
            else if (strcmp(arg, "json") == 0) o->fmt.format = DCPROJ_FMT_JSON;
            else if (strcmp(arg, "table") == 0) o->fmt.format = DCPROJ_FMT_TABLE;
            else return usage(cmd, "--format: expected csv, tsv, json or table, got '%s'", arg);
            break;
        case O_LAYOUT:
            if (strcmp(arg, "long") == 0) o->fmt.layout = DCPROJ_LAYOUT_LONG;
            else if (strcmp(arg, "wide") == 0) o->fmt.layout = DCPROJ_LAYOUT_WIDE;
            else if (strcmp(arg, "iamc") == 0) o->fmt.layout = DCPROJ_LAYOUT_IAMC;
            else return usage(cmd, "--layout: expected long, wide or iamc, got '%s'", arg);
            break;
        case O_METRIC:
            if (*arg == '\0')
                return usage(cmd, "--metric: expected a column name such as capacity");
            o->fmt.metric = arg;
            o->metric_given = 1;
            break;
        case O_PRECISION:
            if (cli_parse_long(arg, 0, 17, &ll) != 0)
                return usage(cmd, "--precision: expected a whole number from 0 to 17, got '%s'", arg);
            o->fmt.precision = (int)ll;
            break;
        case O_DELIMITER:
            if (parse_delimiter(arg, &o->fmt.delimiter) != 0)
                return usage(cmd, "--delimiter: expected one ASCII character other than a quote, "
                                  "CR, LF, '.', '-', '+', 'e', 'E' or a digit ('\\t' for tab), got '%s'",
                             arg);
            delimiter_given = 1;
            break;
        case O_DECIMAL_COMMA: o->fmt.decimal_comma = 1; break;
        case O_BOM: o->fmt.bom = 1; break;
        case O_CRLF: o->fmt.crlf = 1; break;
        case O_EXCEL: o->fmt.excel = 1; o->fmt.bom = 1; o->fmt.crlf = 1; break;
        case O_EXCEL_EU:
            excel_eu = 1; o->fmt.excel = 1; o->fmt.bom = 1; o->fmt.crlf = 1; o->fmt.decimal_comma = 1;
            break;
        case O_SET:
            if (strchr(arg, '=') == NULL || arg[0] == '=' || arg[0] == '.'
                || (strstr(arg, "..") != NULL && strstr(arg, "..") < strchr(arg, '='))
                || strchr(arg, '=')[-1] == '.')
                return usage(cmd, "--set: expected PATH=VALUE (e.g. countries.IE.baseline=500), got '%s'", arg);
            if (add_patch(o, DCPROJ_PATCH_SET, arg) != 0)
                return cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
            break;
        case O_PATCH:
            if (add_patch(o, DCPROJ_PATCH_FILE, arg) != 0)
                return cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
            break;
        case O_FROZEN: o->load.frozen = 1; break;
        case O_HORIZON:
            if (cli_parse_long(arg, 1000, 9999, &ll) != 0)
                return usage(cmd, "--horizon: expected a year from 1000 to 9999, got '%s'", arg);
            o->load.horizon = (int)ll;
            o->load.set |= DCPROJ_LOAD_SET_HORIZON;
            break;
        case O_STEP:
            if (strcmp(arg, "year") == 0) o->load.step = DCPROJ_STEP_YEAR;
            else if (strcmp(arg, "quarter") == 0) o->load.step = DCPROJ_STEP_QUARTER;
            else if (strcmp(arg, "month") == 0) o->load.step = DCPROJ_STEP_MONTH;
            else return usage(cmd, "--step: expected year, quarter or month, got '%s'", arg);
            o->load.set |= DCPROJ_LOAD_SET_STEP;
            break;
        case O_DRAWS:
            if (cli_parse_long(arg, 0, DCPROJ_MAX_DRAWS, &ll) != 0)
                return usage(cmd, "--draws: expected a whole number from 0 to 1000000000, got '%s'", arg);
            o->load.draws = ll;
            o->load.set |= DCPROJ_LOAD_SET_DRAWS;
            break;
        case O_SEED:
            if (cli_parse_long(arg, 0, 9007199254740992LL, &ll) != 0)
                return usage(cmd, "--seed: expected a whole number from 0 to 2^53, got '%s'", arg);
            o->load.seed = ll;
            o->load.set |= DCPROJ_LOAD_SET_SEED;
            break;
        case O_THREADS:
            if (cli_parse_long(arg, 0, 1024, &ll) != 0)
                return usage(cmd, "--threads: expected a whole number from 0 (all cores) to 1024, got '%s'", arg);
            o->threads = (int)ll;
            o->fmt.threads = o->threads; /* large tables are formatted in parallel too */
            break;
        case O_SOLUTION: o->solution = arg; break;
        case O_EXPECT: o->expect = arg; break;
        case O_RTOL:
            if (cli_parse_double(arg, &d) != 0 || d < 0)
                return usage(cmd, "--rtol: expected a number >= 0, got '%s'", arg);
            o->rtol = d;
            break;
        case O_ATOL:
            if (cli_parse_double(arg, &d) != 0 || d < 0)
                return usage(cmd, "--atol: expected a number >= 0, got '%s'", arg);
            o->atol = d;
            break;
        case O_UPDATE: o->update = 1; break;
        case O_JUNIT: o->junit = arg; break;
        case O_VARY:
            if (o->n_vary >= CLI_MAX_VARY)
                return usage(cmd, "--vary: at most two --vary options");
            if (strchr(arg, '=') == NULL || arg[0] == '=')
                return usage(cmd, "--vary: expected PATH=A:B:STEP or PATH=v1,v2,..., got '%s'", arg);
            o->vary[o->n_vary++] = arg;
            break;
        case O_SCOPE:
            if (cmd->options & OPT_CHART) {
                int st = add_scopes(o, arg);
                if (st == DCPROJ_ERR_NOMEM)
                    return cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
                if (st != 0)
                    return usage(cmd, "--scope: expected CODE or a comma list CODE,CODE,..., got '%s'",
                                 arg);
            } else {
                o->scope = arg;
            }
            break;
        case O_BANDS:
            if (strcmp(arg, "total") == 0) o->bands = DCPROJ_CHART_BANDS_TOTAL;
            else if (strcmp(arg, "all") == 0) o->bands = DCPROJ_CHART_BANDS_ALL;
            else if (strcmp(arg, "none") == 0) o->bands = DCPROJ_CHART_BANDS_NONE;
            else return usage(cmd, "--bands: expected all, total or none, got '%s'", arg);
            break;
        case O_STACK: o->stack = 1; break;
        case O_AT:
            if (cli_parse_long(arg, 1000, 9999, &ll) != 0)
                return usage(cmd, "--at: expected a year, got '%s'", arg);
            o->at_year = (int)ll;
            break;
        case O_SHARD: {
            char *slash = strchr(arg, '/');
            long long k, nn;
            char kbuf[32];
            size_t kl = slash ? (size_t)(slash - arg) : 0;
            if (slash == NULL || kl == 0 || kl >= sizeof kbuf)
                return usage(cmd, "--shard: expected K/N (1 <= K <= N), got '%s'", arg);
            memcpy(kbuf, arg, kl);
            kbuf[kl] = '\0';
            if (cli_parse_long(kbuf, 1, 1000000, &k) != 0 || cli_parse_long(slash + 1, 1, 1000000, &nn) != 0 || k > nn)
                return usage(cmd, "--shard: expected K/N (1 <= K <= N), got '%s'", arg);
            o->shard_k = (long)k;
            o->shard_n = (long)nn;
            break;
        }
        case O_KEEP_GOING: o->keep_going = 1; break;
        case O_METHOD:
            if (strcmp(arg, "oat") == 0) o->sens.method = DCPROJ_SENS_OAT;
            else if (strcmp(arg, "sobol") == 0) o->sens.method = DCPROJ_SENS_SOBOL;
            else return usage(cmd, "--method: expected oat or sobol, got '%s'", arg);
            break;
        case O_BY:
            if (strcmp(arg, "path") == 0) o->sens.by = DCPROJ_SENS_BY_PATH;
            else if (strcmp(arg, "site") == 0) o->sens.by = DCPROJ_SENS_BY_SITE;
            else if (strcmp(arg, "country") == 0) o->sens.by = DCPROJ_SENS_BY_COUNTRY;
            else return usage(cmd, "--by: expected path, site or country, got '%s'", arg);
            break;
        case O_RANGE: {
            const char *colon = strchr(arg, ':');
            char lo[64];
            double a, b;
            size_t ln = colon ? (size_t)(colon - arg) : 0;
            if (colon == NULL || ln == 0 || ln >= sizeof lo)
                return usage(cmd, "--range: expected LO:HI with 0 < LO < HI < 1, got '%s'", arg);
            memcpy(lo, arg, ln);
            lo[ln] = '\0';
            if (cli_parse_double(lo, &a) != 0 || cli_parse_double(colon + 1, &b) != 0 || !(a > 0) ||
                !(a < b) || !(b < 1))
                return usage(cmd, "--range: expected LO:HI with 0 < LO < HI < 1, got '%s'", arg);
            o->sens.range_lo = a;
            o->sens.range_hi = b;
            break;
        }
        case O_SAMPLES:
            if (cli_parse_long(arg, 2, 100000000, &ll) != 0)
                return usage(cmd, "--samples: expected a whole number from 2 to 100000000, got '%s'", arg);
            o->sens.samples = (long)ll;
            break;
        case O_BOOTSTRAP:
            if (cli_parse_long(arg, 0, 100000, &ll) != 0)
                return usage(cmd, "--bootstrap: expected a whole number from 0 (none) to 100000, got '%s'", arg);
            o->sens.bootstrap = ll == 0 ? -1 : (long)ll;
            break;
        case O_MERGE: o->merge = 1; break;
        case O_SENS_CHART: o->sens_chart = arg; break;
        case O_TOP:
            if (cli_parse_long(arg, 1, 1000, &ll) != 0)
                return usage(cmd, "--top: expected a whole number from 1 to 1000, got '%s'", arg);
            o->top = (int)ll;
            break;
        case O_SITES:
            o->sites = 1;
            break;
        case ':':
            /* a long option's optopt is its O_* value (>= 256), not a letter */
            if (optopt > 0 && optopt < 256)
                return usage(cmd, "option '-%c' needs a value", optopt);
            return usage(cmd, "option '%s' needs a value", argv[optind - 1]);
        case '?':
        default:
            if (optopt > 0 && optopt < 256)
                return usage(cmd, "unknown option '-%c'", optopt);
            return usage(cmd, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (o->fmt.decimal_comma && !delimiter_given)
        o->fmt.delimiter = ';';
    if (excel_eu && !delimiter_given)
        o->fmt.delimiter = ';';
    if (o->fmt.decimal_comma && o->fmt.delimiter == ',')
        return usage(cmd, "--delimiter ',' cannot be used with a decimal comma");
    if (o->fmt.format == DCPROJ_FMT_TSV && !delimiter_given)
        o->fmt.delimiter = '\t';
    if (o->history && o->fmt.layout != DCPROJ_LAYOUT_LONG)
        return usage(cmd, "--history works with the long layout (and JSON) only, not --layout %s",
                     o->fmt.layout == DCPROJ_LAYOUT_WIDE ? "wide" : "iamc");

    o->args = argv + optind;
    o->n_args = argc - optind;
    if (o->n_args < cmd->min_args)
        return usage(cmd, "missing SCENARIO argument");
    if (cmd->max_args >= 0 && o->n_args > cmd->max_args)
        return usage(cmd, "unexpected argument '%s'", o->args[cmd->max_args]);
    /* SPEC §9: a second output on stdout next to the table would mix two
     * CSVs on one stream */
    if (o->solution != NULL && names_stdout(o->solution) && names_stdout(o->output))
        return usage(cmd, "--solution %s: the table goes to standard output too, and two CSVs "
                     "would be mixed on one stream: write the table with -o FILE or the "
                     "solution to a file", o->solution);
    return 0;
}
