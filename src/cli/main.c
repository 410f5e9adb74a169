/*
 * main.c — dcproj: command dispatch.  The CLI is a thin client of libdcproj:
 * parse arguments, call the library, map its status to an exit code
 * (SPEC §9).
 */
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

#define COMMON_OUTPUT_HELP \
    "  -o, --output FILE     write to FILE (replaced atomically) instead of stdout\n" \
    "      --format F        csv (default), tsv, json or table\n" \
    "      --layout L        long (default), wide or iamc\n" \
    "      --metric NAME     column shown by the wide layout (default capacity)\n" \
    "      --precision N     print numbers as %.Nf (0-17) instead of the shortest exact form\n" \
    "      --delimiter C     field delimiter (one ASCII character; \\t for tab)\n" \
    "      --decimal-comma   write 1,5 instead of 1.5 (implies ';' as delimiter)\n" \
    "      --bom             start with a UTF-8 byte-order mark\n" \
    "      --crlf            end records with CRLF\n" \
    "      --excel           --bom --crlf\n" \
    "      --excel-eu        ';', decimal comma, BOM and CRLF (European Excel)\n"

#define COMMON_SCENARIO_HELP \
    "      --set PATH=VALUE  change one value (JSON, else a string; null deletes)\n" \
    "      --patch FILE      apply a JSON merge patch (RFC 7396)\n" \
    "      --frozen          solve the calibration first, then apply --set/--patch\n" \
    "      --horizon YEAR    project to YEAR instead of the scenario's horizon\n" \
    "      --step S          year, quarter or month\n" \
    "      --draws N         Monte Carlo draws (0 = deterministic)\n" \
    "      --seed N          Monte Carlo seed (0 to 2^53)\n" \
    "      --threads N       worker threads (0 = all cores)\n"

#define COMMON_TAIL_HELP \
    "  -q, --quiet           no warnings, no progress\n" \
    "  -h, --help            show this help\n"

static const struct cli_command commands[] = {
    {"run", "project a scenario and write the table",
     "Usage: dcproj run SCENARIO [options]\n"
     "Project SCENARIO (a JSON file, or - for stdin) and write the table.\n\n"
     "Options:\n" COMMON_OUTPUT_HELP COMMON_SCENARIO_HELP
     "      --solution FILE   write the calibration solution CSV to FILE\n"
     COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj run scenarios/microsoft-europe-2025.json\n"
     "  dcproj run s.json --step quarter --layout wide -o s.csv\n"
     "  dcproj run s.json --set countries.IE.baseline=500 --excel-eu -o s.csv\n"
     "  dcproj run s.json --draws 10000 --seed 7 --format table\n",
     OPT_OUTPUT | OPT_FORMAT | OPT_PATCH | OPT_OVERRIDE | OPT_THREADS | OPT_SOLUTION, 1, 1, cmd_run},
    {"validate", "check scenarios completely (calibration included)",
     "Usage: dcproj validate SCENARIO... [options]\n"
     "Check each SCENARIO completely, as `run` would (calibration included).\n"
     "Prints \"FILE: ok\" per valid file; errors go to stderr.\n"
     "Exit status: 0 all valid, 66 a file could not be read, else 65 a file is invalid.\n\n"
     "Options:\n" COMMON_SCENARIO_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj validate scenarios/*.json\n"
     "  dcproj validate base.json --set horizon=2030\n",
     OPT_PATCH | OPT_OVERRIDE | OPT_THREADS, 1, -1, cmd_validate},
    {"chart", "draw capacity over time per country as an SVG chart",
     "Usage: dcproj chart SCENARIO -o FILE.svg [options]\n"
     "Project SCENARIO (a JSON file, or - for stdin) and draw a standalone SVG chart:\n"
     "a line per country for the largest countries at the horizon, the rest summed\n"
     "as a dashed \"other\" line, TOTAL, the P5-P95 band of TOTAL when there are\n"
     "Monte Carlo draws, a legend and a marker per event.\n\n"
     "Options:\n"
     "  -o, --output FILE     write to FILE (replaced atomically) instead of stdout\n"
     "      --top N           countries drawn as their own line (1-1000, default 8)\n"
     COMMON_SCENARIO_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj chart scenarios/microsoft-europe-2025.json -o europe.svg\n"
     "  dcproj chart s.json --step quarter --top 5 -o s.svg\n"
     "  dcproj chart s.json --draws 10000 --seed 7 -o s-band.svg\n",
     OPT_OUTPUT | OPT_PATCH | OPT_OVERRIDE | OPT_THREADS | OPT_CHART, 1, 1, cmd_chart},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_main_help(FILE *f)
{
    fputs("Usage: dcproj COMMAND [options]\n"
          "Project datacenter capacity per country from a JSON scenario.\n\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nOptions:\n"
          "  -h, --help      show this help; 'dcproj COMMAND --help' for a command\n"
          "  -V, --version   show the version\n\n"
          "Exit status: 0 success, 1 check found a difference, 2 usage error,\n"
          "65 invalid data, 66 unreadable input, 71 out of memory,\n"
          "73 cannot create output, 74 write error.\n\n"
          "Example:\n"
          "  dcproj run scenarios/microsoft-europe-2025.json --format table\n",
          f);
}

/* Finish writing stdout and report a failure to do so (jq does the same). */
static int close_stdout(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("dcproj: <stdout>: write error\n", stderr);
        return rc != 0 ? rc : DCPROJ_ERR_IO;
    }
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    if (argc < 2) {
        print_main_help(stderr);
        return DCPROJ_ERR_USAGE;
    }
    const char *word = argv[1];
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0 || strcmp(word, "help") == 0) {
        print_main_help(stdout);
        return close_stdout(0);
    }
    if (strcmp(word, "--version") == 0 || strcmp(word, "-V") == 0) {
        printf("dcproj %s\n", dcproj_version());
        return close_stdout(0);
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(word, commands[i].name) != 0)
            continue;
        struct cli_opts o;
        int rc = cli_parse(&commands[i], argc - 1, argv + 1, &o);
        if (rc == 0)
            rc = commands[i].run(&o);
        else if (rc < 0)
            rc = 0; /* --help */
        cli_opts_free(&o);
        return close_stdout(rc);
    }
    fprintf(stderr, "dcproj: unknown command '%s'\ndcproj: try 'dcproj --help'\n", word);
    return DCPROJ_ERR_USAGE;
}
