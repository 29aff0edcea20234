/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/* check_consts: the constant list as one set of headers defines it. */
#ifndef SANDBOXD_CONSTS_TEST_H
#define SANDBOXD_CONSTS_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "policy/lang.h"

struct test_const {
	const char *name;
	uint64_t value;
	enum policy_const_family family;
};

/* const-names.h against the kernel's uapi headers (consts-kernel.c). */
extern const struct test_const kernel_consts[];
extern const size_t kernel_consts_n;

#endif /* SANDBOXD_CONSTS_TEST_H */
