/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * A plain driver for a fuzz harness: feeds it every file of the given
 * directories (and any files given), in name order, so the corpus runs as
 * an ordinary test under make check.  It names each input on stderr before
 * running it, so the test log shows which one a failure came from.
 *
 * Exit status: 0, or 99 when an input cannot be read or there is none.
 * A bug found by the harness aborts.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REPLAY_MAX_SIZE (1 << 20)

static int
read_file(const char *path, uint8_t **ret, size_t *ret_size)
{
	uint8_t *buf = NULL;
	size_t n = 0;
	FILE *f;
	int r = 0;

	f = fopen(path, "rbe");
	if (!f)
		return -errno;
	buf = malloc(REPLAY_MAX_SIZE + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	n = fread(buf, 1, REPLAY_MAX_SIZE + 1, f);
	if (ferror(f)) {
		r = -EIO;
		goto out;
	}
	if (n > REPLAY_MAX_SIZE) {
		r = -EFBIG;
		goto out;
	}
	*ret = buf;
	*ret_size = n;
	buf = NULL;
out:
	free(buf);
	fclose(f);
	return r;
}

static int
run_file(const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int r;

	r = read_file(path, &data, &size);
	if (r < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(-r));
		return r;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file in @dir; adds their number to @count. */
static int
run_dir(const char *dir, unsigned long *count)
{
	struct dirent *de;
	char **names = NULL, **tmp, path[4096];
	size_t n = 0, cap = 0, i;
	struct stat st;
	DIR *d;
	int r = 0;

	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			tmp = realloc(names, cap * sizeof(*names));
			if (!tmp) {
				r = -ENOMEM;
				goto out;
			}
			names = tmp;
		}
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			r = -ENOMEM;
			goto out;
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     names[i]) >= sizeof(path)) {
			r = -ENAMETOOLONG;
			goto out;
		}
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		r = run_file(path);
		if (r < 0)
			goto out;
		(*count)++;
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return r;
}

int
main(int argc, char **argv)
{
	unsigned long count = 0, before;
	struct stat st;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 99;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			return 99;
		}
		before = count;
		if (S_ISDIR(st.st_mode)) {
			if (run_dir(argv[i], &count) < 0)
				return 99;
		} else {
			if (run_file(argv[i]) < 0)
				return 99;
			count++;
		}
		printf("%s: replayed %lu inputs from %s\n", argv[0],
		       count - before, argv[i]);
	}
	if (count == 0) {
		fprintf(stderr, "replay: no inputs: the corpus is missing\n");
		return 99;
	}
	return 0;
}
