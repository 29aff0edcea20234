/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Fuzz harness: the input is a raw BPF file, read in both byte orders.
 * Each program goes through the validator and, when valid, the filter,
 * stack, chain and cache functions, compared with the naive interpreter;
 * and through disassembly and assembly, which must give back its bytes.
 * Bytes past the last whole record go into the calls the filters run on.
 */
#include "fuzz.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void
one_order(const uint8_t *data, size_t size, bool swap)
{
	size_t whole = size - size % sizeof(struct sock_filter);
	struct sock_filter *prog = NULL;
	struct bpf_error err;
	size_t len = 0;
	int r;

	memset(&err, 0, sizeof(err));
	r = bpf_prog_from_bytes(data, size, swap, &prog, &len, &err);
	if (whole != size) {
		if (r != -EINVAL)
			fuzz_fail("bpf_prog_from_bytes() took %zu bytes: %d",
				  size, r);
		if (!err.msg[0])
			fuzz_fail(
			    "bpf_prog_from_bytes() failed without a reason");
		free(prog);
		prog = NULL;
		/* go on with the whole records */
		r = bpf_prog_from_bytes(data, whole, swap, &prog, &len, &err);
	}
	if (r == -ENOMEM)
		return;
	if (r != 0)
		fuzz_fail("bpf_prog_from_bytes() of %zu bytes returned %d",
			  whole, r);
	if (len != whole / sizeof(struct sock_filter))
		fuzz_fail(
		    "bpf_prog_from_bytes() gave %zu records for %zu bytes", len,
		    whole);
	if (!swap && len && memcmp(prog, data, whole) != 0)
		fuzz_fail("bpf_prog_from_bytes() changed host-order records");

	fuzz_check_text(prog, len);
	/* the tail, else the last record, seeds the call data */
	if (whole != size)
		fuzz_check_engine(prog, len, data + whole, size - whole);
	else
		fuzz_check_engine(prog, len,
				  data + (whole >= 64 ? whole - 64 : 0),
				  whole >= 64 ? 64 : whole);
	free(prog);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one_order(data, size, false);
	one_order(data, size, true);
	return 0;
}
