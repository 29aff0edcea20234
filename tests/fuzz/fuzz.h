/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Fuzz harnesses for src/bpf.  Each harness defines the libFuzzer entry
 * point.  scripts/fuzz.sh links a harness with libFuzzer and the
 * sanitizers; make check links it with replay.c, which feeds it the
 * checked-in corpus.  A harness reports a bug by printing it and calling
 * abort(), so both drivers stop at the first one.
 */
#ifndef SANDBOXD_FUZZ_H
#define SANDBOXD_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/bpf.h"

/**
 * LLVMFuzzerTestOneInput() - run one input.
 * @data, @size: the input; not NUL-terminated.
 *
 * Returns 0.  A bug aborts the process.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** fuzz_fail() - print what went wrong and abort(). */
void fuzz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/**
 * fuzz_check_text() - bpf_text_disasm() then bpf_text_asm() must give back
 * @prog exactly, and disassembling that again the same text.
 * @prog, @len: any program, valid or not.
 */
void fuzz_check_text(const struct sock_filter *prog, size_t len);

/**
 * fuzz_check_engine() - run @prog through the validator and, when it is
 * valid, through single filters, a stack of two copies and the chain
 * functions, on calls derived from @prog and @seed.  Each result must match
 * bpf_prog_run_naive(), and the action cache must only ever answer ALLOW
 * for calls the filters allow.
 * @prog, @len: any program, valid or not.
 * @seed, @seed_len: bytes to derive call data from; may be empty.
 */
void fuzz_check_engine(const struct sock_filter *prog, size_t len,
		       const uint8_t *seed, size_t seed_len);

#endif /* SANDBOXD_FUZZ_H */
