/*
 * nearest_int.h — "did you mean ...?": the closest known name to a misspelt
 * one (src/lib/nearest.c), for the converter's messages and the §9
 * warning of a --set/--patch that creates a key.  Internal.
 */
#ifndef DCPROJ_NEAREST_INT_H
#define DCPROJ_NEAREST_INT_H

/* The closest candidate to a misspelt word, if it is close enough to be a
 * typo: at most one edit per three characters of the longer word; a
 * candidate that differs only in letter case (`dk` for `DK`) is closest of
 * all. */
struct nearest {
    const char *word;
    const char *best;
    int dist;
};

/* Consider `cand` (NULL and `word` itself are ignored). */
void nearest_consider(struct nearest *nb, const char *cand);

#endif
