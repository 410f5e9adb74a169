/* test_output.c — "nothing is lost" (SPEC §9): atomic replacement through a
 * temporary, mode kept, symlinks followed, stale temporaries removed,
 * devices written directly, an input refused as output. */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dcproj/output.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/dcproj-test-output-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

/* Remove the test directory (run after each test). */
static void cleanup(void)
{
    if (dir[0] != '\0')
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* dir/name into a static buffer (two slots, alternating). */
static const char *in_dir(const char *name)
{
    static char buf[2][256];
    static int k;
    k ^= 1;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    ck_assert_int_eq(fclose(fp), 0);
}

static const char *read_file(const char *path)
{
    static char buf[256];
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp != NULL, "cannot read %s", path);
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int write_through(const char *path, const char *text, struct dcproj_error *err)
{
    struct dcproj_output *o = NULL;
    dcproj_error_init(err);
    int rc = dcproj_output_open(path, NULL, 0, &o, err);
    if (rc != 0)
        return rc;
    fputs(text, dcproj_output_stream(o));
    return dcproj_output_commit(o, err);
}

START_TEST(test_atomic_replace)
{
    make_dir();
    const char *f = in_dir("out.csv");
    const char *tmp = in_dir(".out.csv.dcproj-tmp");
    write_file(f, "old\n");
    ck_assert_int_eq(chmod(f, 0640), 0);
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_output *o = NULL;
    ck_assert_int_eq(dcproj_output_open(f, NULL, 0, &o, &err), 0);
    fputs("new\n", dcproj_output_stream(o));
    fflush(dcproj_output_stream(o));
    /* while writing, the target is untouched and the temporary exists */
    ck_assert_str_eq(read_file(f), "old\n");
    ck_assert(exists(tmp));
    dcproj_output_abort(o);
    ck_assert_str_eq(read_file(f), "old\n");
    ck_assert(!exists(tmp));

    ck_assert_int_eq(write_through(f, "new\n", &err), 0);
    ck_assert_str_eq(read_file(f), "new\n");
    ck_assert(!exists(tmp));
    struct stat st;
    ck_assert_int_eq(stat(f, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0640);
}
END_TEST

START_TEST(test_new_file_mode)
{
    make_dir();
    umask(022);
    const char *f = in_dir("new.csv");
    struct dcproj_error err;
    ck_assert_int_eq(write_through(f, "x\n", &err), 0);
    struct stat st;
    ck_assert_int_eq(stat(f, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0644); /* 0666 & ~022 */
    ck_assert_str_eq(read_file(f), "x\n");
}
END_TEST

START_TEST(test_symlinks)
{
    make_dir();
    const char *target = in_dir("target.csv");
    write_file(target, "old\n");
    ck_assert_int_eq(chmod(target, 0600), 0);
    const char *link = in_dir("link.csv");
    ck_assert_int_eq(symlink("target.csv", link), 0);
    struct dcproj_error err;
    ck_assert_int_eq(write_through(link, "new\n", &err), 0);
    struct stat st;
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode)); /* the link stays a link */
    ck_assert_str_eq(read_file(target), "new\n");
    ck_assert_int_eq(stat(target, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0600);

    /* a dangling link: its target is created */
    const char *dangling = in_dir("dangling.csv");
    ck_assert_int_eq(symlink("created.csv", dangling), 0);
    ck_assert_int_eq(write_through(dangling, "made\n", &err), 0);
    ck_assert_int_eq(lstat(dangling, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    ck_assert_str_eq(read_file(in_dir("created.csv")), "made\n");

    /* a link chain: a -> b -> target */
    ck_assert_int_eq(symlink("link.csv", in_dir("chain.csv")), 0);
    ck_assert_int_eq(write_through(in_dir("chain.csv"), "chained\n", &err), 0);
    ck_assert_str_eq(read_file(target), "chained\n");
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
}
END_TEST

START_TEST(test_stale_temporary)
{
    make_dir();
    const char *f = in_dir("out.csv");
    const char *tmp = in_dir(".out.csv.dcproj-tmp");
    write_file(f, "old\n");
    write_file(tmp, "left by a killed process\n");
    struct dcproj_error err;
    ck_assert_int_eq(write_through(f, "new\n", &err), 0);
    ck_assert_str_eq(read_file(f), "new\n");
    ck_assert(!exists(tmp));
}
END_TEST

START_TEST(test_dev_full)
{
    struct dcproj_error err;
    int rc = write_through("/dev/full", "some text\n", &err);
    ck_assert_int_eq(rc, DCPROJ_ERR_IO);
    ck_assert_int_eq(err.code, DCPROJ_ERR_IO);
    ck_assert_str_eq(err.items[0].message, "write error: No space left on device");
    ck_assert_str_eq(err.items[0].file, "/dev/full");
}
END_TEST

/* Byte k of the large outputs below: a pattern with a period (251, prime)
 * that no write size used here divides. */
static unsigned char pattern_at(size_t k)
{
    return (unsigned char)('a' + k % 251 % 26);
}

/* Write `total` bytes of the pattern through `o` in writes of 1 byte to
 * 1 MiB (sizes cycling), so that the temporary's stream crosses its
 * writeback step many times.  Returns 0 when every fwrite took it all. */
static int write_pattern(struct dcproj_output *o, size_t total)
{
    static const size_t sizes[] = {1, 4095, 1 << 20, 77, 65536, 300001};
    static unsigned char buf[1 << 20];
    size_t done = 0;
    int short_write = 0;
    for (int k = 0; done < total; k++) {
        size_t n = sizes[k % 6];
        if (n > total - done)
            n = total - done;
        for (size_t j = 0; j < n; j++)
            buf[j] = pattern_at(done + j);
        if (fwrite(buf, 1, n, dcproj_output_stream(o)) != n)
            short_write = 1;
        done += n;
    }
    return short_write;
}

/* 40 MiB (five writeback steps) arrive whole and in order; until the
 * commit the old file is untouched. */
START_TEST(test_large_output)
{
    make_dir();
    const char *f = in_dir("big.csv");
    write_file(f, "old\n");
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_output *o = NULL;
    ck_assert_int_eq(dcproj_output_open(f, NULL, 0, &o, &err), 0);
    size_t total = (size_t)40 << 20;
    ck_assert_int_eq(write_pattern(o, total), 0);
    ck_assert_str_eq(read_file(f), "old\n");
    ck_assert_int_eq(dcproj_output_commit(o, &err), 0);
    FILE *fp = fopen(f, "rb");
    ck_assert_ptr_nonnull(fp);
    static unsigned char got[1 << 16];
    size_t at = 0, n;
    while ((n = fread(got, 1, sizeof got, fp)) > 0) {
        for (size_t j = 0; j < n; j++)
            if (got[j] != pattern_at(at + j))
                ck_abort_msg("byte %zu is %d, want %d", at + j, got[j], pattern_at(at + j));
        at += n;
    }
    fclose(fp);
    ck_assert_uint_eq(at, total);
    ck_assert(!exists(in_dir(".big.csv.dcproj-tmp")));
}
END_TEST

/* A write that fails part way (the file size limit: EFBIG) is reported at
 * the commit, the old file is left as it was and the temporary removed. */
START_TEST(test_write_fails_midway)
{
    make_dir();
    const char *f = in_dir("big.csv");
    write_file(f, "old\n");
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {(rlim_t)12 << 20, (rlim_t)12 << 20};
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0); /* this test's own process (CK_FORK) */
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_output *o = NULL;
    ck_assert_int_eq(dcproj_output_open(f, NULL, 0, &o, &err), 0);
    ck_assert_int_eq(write_pattern(o, (size_t)20 << 20), 1);
    ck_assert_int_eq(dcproj_output_commit(o, &err), DCPROJ_ERR_IO);
    ck_assert_str_eq(err.items[0].message, "write error: File too large");
    ck_assert_str_eq(read_file(f), "old\n");
    ck_assert(!exists(in_dir(".big.csv.dcproj-tmp")));
}
END_TEST

START_TEST(test_devices_written_directly)
{
    struct dcproj_error err;
    ck_assert_int_eq(write_through("/dev/null", "gone\n", &err), 0);
    struct stat st;
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode)); /* not replaced by a file */
    ck_assert(!exists("/dev/.null.dcproj-tmp"));

    struct dcproj_output *o = NULL;
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_output_open("-", NULL, 0, &o, &err), 0);
    ck_assert_ptr_eq(dcproj_output_stream(o), stdout);
    ck_assert_int_eq(dcproj_output_commit(o, &err), 0);
}
END_TEST

START_TEST(test_input_as_output)
{
    make_dir();
    const char *f = in_dir("scenario.json");
    write_file(f, "{}\n");
    struct dcproj_file_id ids[2];
    ck_assert_int_eq(dcproj_file_id_of("/dev/null", &ids[0]), 0);
    ck_assert_int_eq(dcproj_file_id_of(f, &ids[1]), 0);
    ck_assert_int_eq(dcproj_file_id_of(in_dir("missing"), &ids[1]), -1);
    ck_assert_int_eq(dcproj_file_id_of(f, &ids[1]), 0);
    struct dcproj_error err;
    dcproj_error_init(&err);
    struct dcproj_output *o = NULL;
    ck_assert_int_eq(dcproj_output_open(f, ids, 2, &o, &err), DCPROJ_ERR_USAGE);
    ck_assert_ptr_null(o);
    char expect[300];
    snprintf(expect, sizeof expect, "output %s is also an input", f);
    ck_assert_str_eq(err.items[0].message, expect);
    ck_assert_str_eq(read_file(f), "{}\n");
    /* the same file through a symlink */
    ck_assert_int_eq(symlink("scenario.json", in_dir("alias.json")), 0);
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_output_open(in_dir("alias.json"), ids, 2, &o, &err),
                     DCPROJ_ERR_USAGE);
    /* another file is fine */
    dcproj_error_init(&err);
    ck_assert_int_eq(dcproj_output_open(in_dir("other.csv"), ids, 2, &o, &err), 0);
    dcproj_output_abort(o);
    ck_assert(!exists(in_dir("other.csv")));
    ck_assert(!exists(in_dir(".other.csv.dcproj-tmp")));
}
END_TEST

START_TEST(test_cannot_create)
{
    make_dir();
    struct dcproj_error err;
    int rc = write_through(in_dir("no/such/dir/out.csv"), "x", &err);
    ck_assert_int_eq(rc, DCPROJ_ERR_CANTCREAT);
    ck_assert_str_eq(err.items[0].file, in_dir("no/such/dir/out.csv"));
    ck_assert_str_eq(err.items[0].message, "cannot create output file: No such file or directory");

    /* a directory is not a file */
    rc = write_through(dir, "x", &err);
    ck_assert_int_eq(rc, DCPROJ_ERR_CANTCREAT);

    if (geteuid() != 0) { /* root ignores permissions */
        const char *ro = in_dir("ro");
        ck_assert_int_eq(mkdir(ro, 0555), 0);
        char path[300];
        snprintf(path, sizeof path, "%s/out.csv", ro);
        rc = write_through(path, "x", &err);
        ck_assert_int_eq(rc, DCPROJ_ERR_CANTCREAT);
        ck_assert_str_eq(err.items[0].message, "cannot create output file: Permission denied");

        /* a read-only file is not replaced behind its back */
        const char *f = in_dir("readonly.csv");
        write_file(f, "keep\n");
        ck_assert_int_eq(chmod(f, 0444), 0);
        ck_assert_int_eq(write_through(f, "x", &err), DCPROJ_ERR_CANTCREAT);
        ck_assert_str_eq(read_file(f), "keep\n");
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("output");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, NULL, cleanup);
    tcase_add_test(tc, test_atomic_replace);
    tcase_add_test(tc, test_new_file_mode);
    tcase_add_test(tc, test_symlinks);
    tcase_add_test(tc, test_stale_temporary);
    tcase_add_test(tc, test_dev_full);
    tcase_add_test(tc, test_devices_written_directly);
    tcase_add_test(tc, test_large_output);
    tcase_add_test(tc, test_write_fails_midway);
    tcase_add_test(tc, test_input_as_output);
    tcase_add_test(tc, test_cannot_create);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
