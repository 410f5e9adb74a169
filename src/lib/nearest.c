/*
 * nearest.c — the closest known name to a misspelt one (nearest_int.h).
 */
#include "nearest_int.h"

#include <limits.h>
#include <stddef.h>
#include <strings.h>
#include <string.h>

/* Optimal-string-alignment distance (edits plus adjacent transpositions);
 * a large value for words too long to be typos of a known name. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return INT_MAX / 2;
    int d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

void nearest_consider(struct nearest *nb, const char *cand)
{
    if (cand == NULL || strcmp(cand, nb->word) == 0)
        return;
    /* only the letter case differs: -1, before every real edit */
    int d = strcasecmp(nb->word, cand) == 0 ? -1 : edit_distance(nb->word, cand);
    size_t la = strlen(nb->word), lb = strlen(cand);
    size_t longer = la > lb ? la : lb;
    if (d >= 0 && (size_t)d * 3 > longer + 1)
        return;
    if (nb->best == NULL || d < nb->dist) {
        nb->best = cand;
        nb->dist = d;
    }
}
