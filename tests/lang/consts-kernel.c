/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The constant list of const-names.h, read against the kernel's uapi
 * headers (and glibc's socket header, for what uapi does not export).
 * A translation unit of its own: these headers and glibc's <fcntl.h>,
 * <sched.h> and <sys/mman.h> cannot be included together.
 */
#include <errno.h>
#include <sys/socket.h>

#include <asm/ioctls.h>
#include <linux/fcntl.h>
#include <linux/mman.h>
#include <linux/prctl.h>
#include <linux/sched.h>

#include "consts-test.h"

#define N(fam, x) { #x, (uint64_t)(x), POLICY_CONST_##fam },
const struct test_const kernel_consts[] = {
#include "const-names.h"
};
#undef N

const size_t kernel_consts_n = sizeof(kernel_consts) / sizeof(kernel_consts[0]);
