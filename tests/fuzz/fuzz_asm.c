/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Fuzz harness: the input is BPF text.  What assembles must come back
 * unchanged through disassembly and assembly, and then goes through the
 * engine checks like a raw file does.  What does not assemble must say
 * where (line and column, from 1) and why.
 */
#include "fuzz.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sock_filter *prog = NULL;
	struct bpf_text_error err;
	size_t len = 0;
	int r;

	memset(&err, 0, sizeof(err));
	r = bpf_text_asm((const char *)data, size, &prog, &len, &err);
	if (r == -ENOMEM)
		return 0;
	if (r == -EINVAL) {
		if (err.line < 1 || err.col < 1 || !err.msg[0] ||
		    !memchr(err.msg, 0, sizeof(err.msg)))
			fuzz_fail(
			    "bpf_text_asm() error without a place or reason: %u:%u: \"%.*s\"",
			    err.line, err.col, (int)sizeof(err.msg), err.msg);
		free(prog);
		return 0;
	}
	if (r != 0)
		fuzz_fail("bpf_text_asm() returned %d", r);

	fuzz_check_text(prog, len);
	fuzz_check_engine(prog, len, data, size);
	free(prog);
	return 0;
}
