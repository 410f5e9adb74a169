/*
 * main.c — dcproj: command dispatch.  The CLI is a thin client of libdcproj:
 * parse arguments, call the library, map its status to an exit code
 * (SPEC §9).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

#define OUTPUT_FILE_HELP \
    "  -o, --output FILE     write to FILE (replaced atomically) instead of stdout\n"

#define LAYOUT_HELP \
    "      --layout L        long (default), wide or iamc\n" \
    "      --metric NAME     column shown by the wide layout (default capacity)\n"

#define CSV_FORMAT_HELP \
    "      --precision N     print numbers as %.Nf (0-17) instead of the shortest exact form\n" \
    "      --delimiter C     field delimiter (one ASCII character; \\t for tab)\n" \
    "      --decimal-comma   write 1,5 instead of 1.5 (implies ';' as delimiter)\n" \
    "      --bom             start with a UTF-8 byte-order mark\n" \
    "      --crlf            end records with CRLF\n" \
    "      --excel           --bom --crlf, at most 15 significant digits (Excel's)\n" \
    "      --excel-eu        ';', decimal comma, BOM, CRLF, 15 digits (European Excel)\n"

#define COMMON_OUTPUT_HELP \
    OUTPUT_FILE_HELP \
    "      --format F        csv (default), tsv, json or table\n" \
    LAYOUT_HELP CSV_FORMAT_HELP

/* check compares tables, so CSV or TSV only; the golden is its output. */
#define CHECK_OUTPUT_HELP \
    "      --format F        csv (default) or tsv\n" \
    LAYOUT_HELP CSV_FORMAT_HELP

/* diff and sweep write one table layout of their own. */
#define TABLE_OUTPUT_HELP \
    OUTPUT_FILE_HELP \
    "      --format F        csv (default) or tsv\n" \
    "      --metric NAME     column compared or shown (default capacity)\n" \
    CSV_FORMAT_HELP

#define COMMON_SCENARIO_HELP \
    "      --set PATH=VALUE  change one value (JSON, else a string; null deletes);\n" \
    "                        PATH may index arrays: targets[0].ratio=2.2\n" \
    "      --patch FILE      apply a JSON merge patch (RFC 7396)\n" \
    "      --frozen          solve the calibration first, then apply --set/--patch\n" \
    "      --horizon YEAR    project to YEAR instead of the scenario's horizon\n" \
    "      --step S          year, quarter or month\n" \
    "      --draws N         Monte Carlo draws (0 = deterministic)\n" \
    "      --seed N          Monte Carlo seed (0 to 2^53)\n" \
    "      --threads N       worker threads (0 = all cores)\n"

#define HISTORY_HELP \
    "      --history         add rows for the history years before the baseline and an\n" \
    "                        `observed` column (long layout and JSON only)\n"

#define COMMON_TAIL_HELP \
    "  -q, --quiet           no warnings, no progress\n" \
    "      --strict          every warning is an error (exit 65)\n" \
    "  -h, --help            show this help\n"

static const struct cli_command commands[] = {
    {"run", "project a scenario and write the table",
     "Usage: dcproj run SCENARIO [options]\n"
     "Project SCENARIO (a JSON file, or - for stdin) and write the table.\n\n"
     "Options:\n" COMMON_OUTPUT_HELP COMMON_SCENARIO_HELP
     "      --solution FILE   write the calibration and fit solution CSV to FILE (- for\n"
     "                        stdout, then the table needs -o FILE)\n"
     HISTORY_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj run scenarios/microsoft-europe-2025.json\n"
     "  dcproj run s.json --step quarter --layout wide -o s.csv\n"
     "  dcproj run s.json --set countries.IE.baseline=500 --excel-eu -o s.csv\n"
     "  dcproj run s.json --draws 10000 --seed 7 --format table\n",
     OPT_OUTPUT | OPT_FORMAT | OPT_PATCH | OPT_OVERRIDE | OPT_THREADS | OPT_SOLUTION | OPT_HISTORY,
     1, 1, cmd_run},
    {"validate", "check scenarios completely (calibration included)",
     "Usage: dcproj validate SCENARIO... [options]\n"
     "Check each SCENARIO completely, as `run` would (calibration included;\n"
     "Monte Carlo runs at most 1000 of the draws).\n"
     "Prints \"FILE: ok\" per valid file; errors go to stderr.\n"
     "Exit status: 0 all valid, 66 a file could not be read, else 65 a file is invalid.\n\n"
     "Options:\n" COMMON_SCENARIO_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj validate scenarios/*.json\n"
     "  dcproj validate base.json --set horizon=2030\n",
     OPT_PATCH | OPT_OVERRIDE | OPT_THREADS, 1, -1, cmd_validate},
    {"explain", "summarise a projection: totals, growth, shares, calibration",
     "Usage: dcproj explain SCENARIO [options]\n"
     "Summarise SCENARIO (a JSON file, or - for stdin) in plain text: capacity at\n"
     "the baseline and the horizon, growth factor and compound annual growth per\n"
     "country, group and TOTAL, shares of TOTAL, the solved variables and every\n"
     "target's value or ratio, residual and implied annual growth.\n"
     "The summary is deterministic: no Monte Carlo draws are run.\n"
     "With --sites, write instead the Monte Carlo draw sites as CSV\n"
     "site,path,country,dist: one row per independent draw, in the order they\n"
     "are drawn (site counts from 0; path as written, the name\n"
     "uncertainty.correlation uses; country empty for a shared variable).\n\n"
     "Options:\n"
     "  -o, --output FILE     write to FILE (replaced atomically) instead of stdout\n"
     "      --sites           list the draw sites (CSV) instead of the summary\n"
     "      --history         add each code's observed history and the model's curve\n"
     COMMON_SCENARIO_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj explain scenarios/microsoft-europe-2025.json\n"
     "  dcproj explain s.json --horizon 2035\n"
     "  dcproj explain whatif.json -o whatif.txt\n"
     "  dcproj explain s.json --frozen --set countries.IE.baseline=500\n"
     "  dcproj explain s.json --sites\n",
     OPT_OUTPUT | OPT_PATCH | OPT_OVERRIDE | OPT_THREADS | OPT_SITES | OPT_HISTORY, 1, 1,
     cmd_explain},
    {"check", "regression-test a projection against a golden CSV",
     "Usage: dcproj check SCENARIO --expect GOLDEN.csv [options]\n"
     "Project SCENARIO with the given output options and compare it cell by cell\n"
     "with GOLDEN.csv: rows matched on (kind, code, period), columns by name; a\n"
     "number passes if |got - expected| <= atol + rtol * |expected|, text must match.\n"
     "Exit status: 0 agrees, 1 differs (a table of the first differences on stdout),\n"
     "65 the golden is malformed (its line is named), 66 it cannot be read.\n\n"
     "Options:\n"
     "      --expect FILE     the golden CSV (required)\n"
     "      --rtol R          relative tolerance (default 1e-9)\n"
     "      --atol A          absolute tolerance (default 1e-9)\n"
     "      --update          rewrite FILE with the current output (atomically) instead\n"
     "      --junit FILE      also write a JUnit XML report to FILE\n"
     CHECK_OUTPUT_HELP HISTORY_HELP COMMON_SCENARIO_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj check scenarios/microsoft-europe-2025.json \\\n"
     "      --expect scenarios/expected/microsoft-europe-2025.csv\n"
     "  dcproj check s.json --expect s.csv --rtol 1e-6 --junit report.xml\n"
     "  dcproj check s.json --expect s.csv --update     # accept a deliberate change\n",
     OPT_FORMAT | OPT_PATCH | OPT_OVERRIDE | OPT_THREADS | OPT_CHECK | OPT_HISTORY, 1, 1, cmd_check},
    {"diff", "compare two projections cell by cell",
     "Usage: dcproj diff SCENARIO_A SCENARIO_B [options]\n"
     "Write kind,code,name,period,a,b,delta,delta_pct for --metric (default capacity):\n"
     "delta = b - a, delta_pct = 100 (b - a) / a (empty when a = 0).  Rows are A's,\n"
     "then B's extras, with empty cells for a missing side.\n"
     "--set, --patch and --frozen apply to B only; every other option to both.\n\n"
     "Options:\n" TABLE_OUTPUT_HELP HISTORY_HELP COMMON_SCENARIO_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj diff base.json what-if/ai-surge.json\n"
     "  dcproj diff base.json base.json --set countries.IE.growth.rate=0.1\n"
     "  dcproj diff a.json b.json --metric energy_twh --format tsv\n",
     OPT_OUTPUT | OPT_FORMAT | OPT_PATCH | OPT_OVERRIDE | OPT_THREADS | OPT_HISTORY, 2, 2, cmd_diff},
    {"backtest", "refit fits on history up to a year and score what followed",
     "Usage: dcproj backtest SCENARIO --as-of YEAR [--as-of YEAR...] [options]\n"
     "For each --as-of year Y, refit every country whose growth is a \"fit\" on its\n"
     "history through Y (Y becomes its baseline; events and targets are ignored) and\n"
     "project it to each of its history years after Y. Writes\n"
     "as_of,code,year,horizon,observed,projected,error,pct_error (error = projected -\n"
     "observed, pct_error = 100 error / observed, empty when observed = 0), plus\n"
     "p_lo,p_hi,inside when a fit is \"uncertain\" and there are draws and at least\n"
     "two quantiles (the band of the outer pair; inside = 1 when observed is in it).\n"
     "Rows: --as-of years in the order given, countries in file order, years.\n\n"
     "Options:\n"
     "      --as-of YEAR      refit on the history through YEAR (repeatable)\n"
     "      --summary         write code,horizon,n,mae,mape,bias,coverage instead: one\n"
     "                        row per country and horizon (every --as-of pooled), then\n"
     "                        an ALL row per horizon pooling every country\n"
     OUTPUT_FILE_HELP
     "      --format F        csv (default) or tsv\n"
     CSV_FORMAT_HELP COMMON_SCENARIO_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj backtest scenarios/ireland-datacentres.json --as-of 2019 --as-of 2020\n"
     "  dcproj backtest s.json --as-of 2019 --as-of 2020 --as-of 2021 --summary\n"
     "  dcproj backtest s.json --as-of 2020 --draws 10000 --seed 7 -o bt.csv\n",
     OPT_OUTPUT | OPT_FORMAT | OPT_PATCH | OPT_OVERRIDE | OPT_THREADS | OPT_BACKTEST, 1, 1,
     cmd_backtest},
    {"sweep", "what-if grid over one or two varied values",
     "Usage: dcproj sweep SCENARIO --vary PATH=A:B:STEP [--vary PATH=v1,v2,...] [options]\n"
     "Project SCENARIO once per grid point, each with --set PATH=value applied after\n"
     "the command line's own --set/--patch, and write one column per varied path,\n"
     "period, and --metric (default capacity) of --scope (default TOTAL).\n"
     "A:B:STEP gives A + i STEP through B as exact decimals (0.1:0.3:0.05 gives\n"
     "0.1, 0.15, ...); v1,v2,... are values parsed like --set.  PATH may index an\n"
     "array: targets[0].ratio=1.8:2.4:0.1.\n"
     "The first --vary varies slowest; at most 1000000 points.\n\n"
     "Options:\n"
     "      --vary SPEC       a varied path (one or two)\n"
     "      --scope CODE      TOTAL (default), a group or a country code\n"
     "      --at YEAR         keep only the year-end period of YEAR (energy_twh: the\n"
     "                        energy of calendar year YEAR, the sum of its periods)\n"
     "      --shard K/N       compute only the K-th of N contiguous blocks of points;\n"
     "                        every shard writes the header, so\n"
     "                        { cat s1.csv; tail -q -n +2 s2.csv ...; } is the whole\n"
     "      --keep-going      a point's data error does not stop the sweep: its rows get\n"
     "                        an empty metric and the message in a last column error\n"
     TABLE_OUTPUT_HELP COMMON_SCENARIO_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj sweep s.json --vary power.utilization=0.4:0.8:0.1 --metric energy_twh --at 2027\n"
     "  dcproj sweep s.json --vary countries.IE.baseline=200,260,320 \\\n"
     "      --vary countries.DE.baseline=100:160:30 --scope EU\n"
     "  parallel dcproj sweep s.json --vary horizon=2030:2040:1 --shard {}/4 -o part{}.csv ::: 1 2 3 4\n",
     OPT_OUTPUT | OPT_FORMAT | OPT_PATCH | OPT_OVERRIDE | OPT_THREADS | OPT_SWEEP, 1, 1, cmd_sweep},
    {"report", "write a self-contained HTML report: numbers, charts, sources",
     "Usage: dcproj report SCENARIO -o FILE.html [options]\n"
     "Project SCENARIO (a JSON file, or - for stdin) and write one self-contained\n"
     "HTML5 page (inline CSS and SVG, no script, nothing fetched; prints well):\n"
     "the headline (TOTAL at the baseline and the horizon, CAGR), the targets with\n"
     "their residuals and the solved variables (with warnings), the table per country\n"
     "at the horizon, the capacity and energy charts (P5-P95 bands with draws), with\n"
     "draws the one-at-a-time tornado (P10/P90) of TOTAL at the horizon, every\n"
     "input with its sources and their kind (fact, estimate, assumption), the inputs\n"
     "without a source, every note, and a footer to reproduce it: dcproj version,\n"
     "the SHA-256 of the resolved scenario, seed, draws and the command line.\n\n"
     "Options:\n"
     "  -o, --output FILE     write to FILE (replaced atomically) instead of stdout\n"
     "      --history         chart the history years before the baseline too (the\n"
     "                        fitted or points curve) and add the `observed` column\n"
     COMMON_SCENARIO_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj report scenarios/microsoft-europe-2025.json -o europe.html\n"
     "  dcproj report scenarios/ireland-datacentres.json --history -o ireland.html\n"
     "  dcproj report scenarios/what-if/uncertain.json --draws 2000 -o uncertain.html\n"
     "  dcproj report s.json --set power.utilization=0.5 -o s-util50.html\n",
     OPT_OUTPUT | OPT_PATCH | OPT_OVERRIDE | OPT_THREADS | OPT_HISTORY, 1, 1, cmd_report},
    {"sensitivity", "which uncertain input moves the output most (OAT or Sobol)",
     "Usage: dcproj sensitivity SCENARIO [--method oat|sobol] [options]\n"
     "       dcproj sensitivity SCENARIO [same options] --merge SHARD.csv...\n"
     "The output is one number: --metric (default capacity) of --scope (default\n"
     "TOTAL) at the year-end of --at (default the horizon).  The factors are the draw\n"
     "sites (dcproj explain --sites) and the events with probability below 1,\n"
     "grouped by --by.  Unknown variables are solved once and held.\n"
     "oat (default): the base is the deterministic run; each factor's sites go to\n"
     "their LO, then HI quantile (an occurrence: absent, then present). Writes\n"
     "factor,low,high,output_low,output_base,output_high,swing by |swing|, then ALL\n"
     "(every factor at LO together, then at HI: an envelope, not a probability).\n"
     "sobol: first-order (Saltelli) and total (Jansen) indices from N (k + 2) runs,\n"
     "with bootstrap intervals. Writes factor,S1,S1_lo,S1_hi,ST,ST_lo,ST_hi by ST.\n"
     "Refused (65) for a scenario with correlation: use oat.\n\n"
     "Options:\n"
     "      --method M        oat (default) or sobol\n"
     "      --by B            path (default: the sites written at one path are one\n"
     "                        factor), site (each path and country apart) or country\n"
     "      --range LO:HI     OAT quantiles, 0 < LO < HI < 1 (default 0.1:0.9)\n"
     "      --samples N       Sobol base samples (default 4096)\n"
     "      --bootstrap R     Sobol bootstrap replicates (default 200; 0 = none)\n"
     "      --scope CODE      TOTAL (default), a group or a country code\n"
     "      --at YEAR         the year-end analysed (default the horizon)\n"
     "      --metric NAME     capacity (default), it_load_mw, facility_mw or energy_twh\n"
     "                        (the energy of calendar year --at)\n"
     "      --shard K/N       compute only the K-th of N contiguous blocks of the runs\n"
     "                        and write them as a shard CSV (always '.' and ',')\n"
     "      --merge           the arguments after SCENARIO are the shard files: check\n"
     "                        they are the complete set for these options and write\n"
     "                        what the unsharded run writes, byte for byte\n"
     "      --chart FILE.svg  also draw the tornado (oat) or the S1/ST bars (sobol)\n"
     OUTPUT_FILE_HELP
     "      --format F        csv (default) or tsv\n"
     CSV_FORMAT_HELP COMMON_SCENARIO_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj sensitivity scenarios/what-if/uncertain.json --chart tornado.svg\n"
     "  dcproj sensitivity s.json --method sobol --samples 4096 --seed 7 -o sobol.csv\n"
     "  parallel dcproj sensitivity s.json --method sobol --shard {}/4 -o part{}.csv ::: 1 2 3 4\n"
     "  dcproj sensitivity s.json --method sobol --merge part1.csv part2.csv part3.csv part4.csv\n",
     OPT_OUTPUT | OPT_FORMAT | OPT_PATCH | OPT_OVERRIDE | OPT_THREADS | OPT_SENS, 1, -1,
     cmd_sensitivity},
    {"chart", "draw a metric over time per country as an SVG chart",
     "Usage: dcproj chart SCENARIO -o FILE.svg [options]\n"
     "Project SCENARIO (a JSON file, or - for stdin) and draw a standalone SVG chart:\n"
     "a line per country for the largest countries at the horizon, the rest summed\n"
     "as a dashed \"other\" line, TOTAL, P5-P95 bands when there are Monte Carlo\n"
     "draws (computed for the chart, whatever the scenario's quantiles), a legend and\n"
     "a marker per event at its effective start (date + delay), one shape per event.\n"
     "The time axis ticks are year boundaries; capacity values are year-end values;\n"
     "energy_twh (energy used during each period) is drawn as a step per period.\n\n"
     "Options:\n"
     "  -o, --output FILE     write to FILE (replaced atomically) instead of stdout\n"
     "      --metric NAME     column drawn: capacity (default), it_load_mw, facility_mw,\n"
     "                        energy_twh, or any other numeric column\n"
     "      --scope CODES     draw these countries, groups or TOTAL (repeatable, or a\n"
     "                        comma list); overrides --top\n"
     "      --top N           countries drawn as their own line (1-1000, default 8)\n"
     "      --bands B         P5-P95 bands: total (default), all (every line drawn) or none\n"
     "      --stack           stacked areas of the countries under TOTAL (TOTAL's band only)\n"
     COMMON_SCENARIO_HELP COMMON_TAIL_HELP
     "\nExamples:\n"
     "  dcproj chart scenarios/microsoft-europe-2025.json -o europe.svg\n"
     "  dcproj chart s.json --step quarter --top 5 -o s.svg\n"
     "  dcproj chart s.json --draws 10000 --seed 7 --bands all --scope IE,NL -o s-band.svg\n"
     "  dcproj chart s.json --metric energy_twh --stack -o s-energy.svg\n",
     OPT_OUTPUT | OPT_PATCH | OPT_OVERRIDE | OPT_THREADS | OPT_CHART, 1, 1, cmd_chart},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_main_help(FILE *f)
{
    fputs("Usage: dcproj COMMAND [options]\n"
          "Project datacenter capacity per country from a JSON scenario.\n\n"
          "Commands:\n",
          f);
    int width = 0; /* the longest name: every summary starts in one column */
    for (size_t i = 0; i < N_COMMANDS; i++)
        if ((int)strlen(commands[i].name) > width)
            width = (int)strlen(commands[i].name);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-*s  %s\n", width, commands[i].name, commands[i].summary);
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
        if (rc == DCPROJ_ERR_IO) /* the command has reported it already */
            return rc;
        fputs("dcproj: <stdout>: write error\n", stderr);
        return rc != 0 ? rc : DCPROJ_ERR_IO;
    }
    return rc;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    /* A closed output pipe ends the program quietly (SPEC §9): killed by
     * SIGPIPE like any filter, even when the parent left SIGPIPE ignored
     * (which would turn it into an EPIPE write error and a message). */
    signal(SIGPIPE, SIG_DFL);
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
        /* the command line after the program name, as typed (getopt_long
         * permutes argv) */
        char **words = malloc((size_t)argc * sizeof *words);
        if (words == NULL)
            return cli_fail(DCPROJ_ERR_NOMEM, "out of memory");
        memcpy(words, argv + 1, (size_t)(argc - 1) * sizeof *words);
        struct dcproj_warnings shown = {0, NULL};
        int rc = cli_parse(&commands[i], argc - 1, argv + 1, &o);
        o.shown = &shown;
        o.words = words;
        o.n_words = argc - 1;
        if (rc == 0)
            rc = commands[i].run(&o);
        else if (rc < 0)
            rc = 0; /* --help */
        cli_opts_free(&o);
        free(words);
        dcproj_warnings_clear(&shown);
        return close_stdout(rc);
    }
    fprintf(stderr, "dcproj: unknown command '%s'\ndcproj: try 'dcproj --help'\n", word);
    return DCPROJ_ERR_USAGE;
}
