/*
 * csvcmp.c — compare two CSV files cell by cell with a numeric tolerance
 * (a test tool, not installed).
 *
 *   csvcmp [--rtol R] [--atol A] [--delimiter C] [--decimal-comma]
 *          [--ignore-bom] [--ignore-eol] EXPECTED GOT
 *
 * Exit 0 when the tables agree, 1 when they differ (the first ten
 * differences are printed on stdout), 99 for a usage error, an unreadable
 * file or malformed CSV.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvcmp_core.h"

/* Trouble is 99, meson's and automake's "hard error": a test declared
 * should_fail then still fails when csvcmp could not compare at all. */
enum { EXIT_SAME = 0, EXIT_DIFFER = 1, EXIT_TROUBLE = 99 };

static const char usage_text[] =
    "Usage: csvcmp [options] EXPECTED GOT\n"
    "Compare two RFC 4180 CSV files: same records in the same order, text cells\n"
    "byte-equal, numeric cells within |a-b| <= rtol*max(|a|,|b|) + atol.\n\n"
    "  --rtol R          relative tolerance (default 1e-9)\n"
    "  --atol A          absolute tolerance (default 1e-12)\n"
    "  --delimiter C     field delimiter, one byte ('\\t' for tab; default ',')\n"
    "  --decimal-comma   numbers use ',' as decimal mark (delimiter ';' unless given)\n"
    "  --ignore-bom      do not compare the presence of a UTF-8 byte-order mark\n"
    "  --ignore-eol      do not compare record terminators (LF, CRLF)\n\n"
    "Exit status: 0 same, 1 different, 99 trouble (usage, unreadable, malformed).\n";

/* Read a whole file into a malloc'ed buffer; NULL (errno set) on failure. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    while (p != NULL) {
        size_t got = fread(p + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        cap *= 2;
        char *q = realloc(p, cap);
        if (q == NULL) {
            free(p);
            errno = ENOMEM;
        }
        p = q;
    }
    if (p != NULL && ferror(f)) {
        free(p);
        p = NULL;
        errno = EIO;
    }
    fclose(f);
    *len = n;
    return p;
}

/* Parse a tolerance: a finite number >= 0, the whole string. */
static int parse_tolerance(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (s[0] == '\0' || *end != '\0' || errno != 0 || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int load(const char *path, char delimiter, struct csv_table *t)
{
    size_t len = 0;
    char *data = read_file(path, &len);
    if (data == NULL) {
        fprintf(stderr, "csvcmp: %s: %s\n", path, strerror(errno));
        return -1;
    }
    char msg[256];
    int rc = csv_parse(data, len, delimiter, t, msg, sizeof msg);
    free(data);
    if (rc != 0)
        fprintf(stderr, "csvcmp: %s: malformed CSV: %s\n", path, msg);
    return rc;
}

int main(int argc, char **argv)
{
    enum { O_RTOL = 256, O_ATOL, O_DELIMITER, O_DECIMAL_COMMA, O_IGNORE_BOM, O_IGNORE_EOL };
    static const struct option longopts[] = {
        {"rtol", required_argument, NULL, O_RTOL},
        {"atol", required_argument, NULL, O_ATOL},
        {"delimiter", required_argument, NULL, O_DELIMITER},
        {"decimal-comma", no_argument, NULL, O_DECIMAL_COMMA},
        {"ignore-bom", no_argument, NULL, O_IGNORE_BOM},
        {"ignore-eol", no_argument, NULL, O_IGNORE_EOL},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct csv_options o;
    int delimiter_given = 0, c;

    csv_options_init(&o);
    while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
        switch (c) {
        case O_RTOL:
            if (parse_tolerance(optarg, &o.rtol) != 0) {
                fprintf(stderr, "csvcmp: --rtol: expected a number >= 0, got '%s'\n", optarg);
                return EXIT_TROUBLE;
            }
            break;
        case O_ATOL:
            if (parse_tolerance(optarg, &o.atol) != 0) {
                fprintf(stderr, "csvcmp: --atol: expected a number >= 0, got '%s'\n", optarg);
                return EXIT_TROUBLE;
            }
            break;
        case O_DELIMITER:
            if (strcmp(optarg, "\\t") == 0) {
                o.delimiter = '\t';
            } else if (strlen(optarg) == 1 && optarg[0] != '"' && optarg[0] != '\r' &&
                       optarg[0] != '\n') {
                o.delimiter = optarg[0];
            } else {
                fprintf(stderr, "csvcmp: --delimiter: expected one character, got '%s'\n", optarg);
                return EXIT_TROUBLE;
            }
            delimiter_given = 1;
            break;
        case O_DECIMAL_COMMA: o.decimal_comma = 1; break;
        case O_IGNORE_BOM: o.ignore_bom = 1; break;
        case O_IGNORE_EOL: o.ignore_eol = 1; break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_SAME;
        default:
            fputs(usage_text, stderr);
            return EXIT_TROUBLE;
        }
    }
    if (o.decimal_comma && !delimiter_given)
        o.delimiter = ';';
    if (o.decimal_comma && o.delimiter == ',') {
        fputs("csvcmp: --delimiter ',' cannot be used with --decimal-comma\n", stderr);
        return EXIT_TROUBLE;
    }
    if (argc - optind != 2) {
        fputs(usage_text, stderr);
        return EXIT_TROUBLE;
    }

    struct csv_table exp, got;
    if (load(argv[optind], o.delimiter, &exp) != 0)
        return EXIT_TROUBLE;
    if (load(argv[optind + 1], o.delimiter, &got) != 0) {
        csv_table_free(&exp);
        return EXIT_TROUBLE;
    }
    long n = csv_compare(&exp, &got, &o, stdout);
    if (n > o.max_report)
        printf("... %ld differences in all\n", n);
    else if (n > 0)
        printf("%ld difference%s\n", n, n == 1 ? "" : "s");
    csv_table_free(&exp);
    csv_table_free(&got);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("csvcmp: write error on stdout\n", stderr);
        return EXIT_TROUBLE;
    }
    return n == 0 ? EXIT_SAME : EXIT_DIFFER;
}
