/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * What tests/ptrace's binaries share: a traced child that stops at a probe
 * call under a seccomp filter of its own, the waits around that stop, and
 * the check that the child got its registers back.
 *
 * The child forks from the test, stops itself, and is seized with the
 * options the supervisor uses; only then does it set no_new_privs and
 * install its filter (SECCOMP_RET_TRACE needs a tracer), so no privilege
 * is needed.  Its filter says TRACE (or TRAP) for getppid through both
 * ABIs and ERRNO(EACCES) for the x86_64 getuid.
 */
#ifndef SANDBOXD_TESTS_PTRACE_TRACEE_H
#define SANDBOXD_TESTS_PTRACE_TRACEE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "probe.h"

#define NR64_GETPPID 110
#define NR64_GETUID  102
#define NR32_GETPPID 64

/* The options the supervisor seizes with (DESIGN.md). */
#define TRACEE_OPTIONS                                                       \
	(PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACESECCOMP | \
	 PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |    \
	 PTRACE_O_TRACEEXEC)

enum tracee_mode {
	TRACEE_SYSCALL,	    /* probe_syscall(getppid) */
	TRACEE_INT80,	    /* probe_int80(getppid), the i386 ABI */
	TRACEE_THREAD,	    /* probe_syscall in a second thread */
	TRACEE_THREAD_EXIT, /* that, and the first thread calls
			     * exit_group(7) 100 ms after @go is set */
	TRACEE_TRAP,	    /* the filter says TRAP, not TRACE, for getppid */
	TRACEE_PLAIN,	    /* no filter: the test uses PTRACE_SYSCALL */
	TRACEE_EXEC_I386,   /* exec @exec_path @exec_args, the 32-bit probe */
};

/*
 * struct tracee_shared - memory the test and its child share (MAP_SHARED,
 * so the child's copy is at the same address).  The test fills @in and the
 * exec fields before starting the child; the child writes @out and the
 * handler fields; @go goes from test to child; @scratch is free for both.
 */
struct tracee_shared {
	char scratch[4096];
	struct probe_regs in, out;
	volatile int go;
	volatile int usr1_calls;
	int usr1_code, usr1_pid, usr1_value;
	volatile int sys_calls;
	char exec_path[512];
	char exec_args[2][32];
	int pipe_r, pipe_w; /* a pipe; both sides hold both ends */
};

extern struct tracee_shared *tracee_sh;
/* The running child, 0 when there is none. */
extern pid_t tracee_pid;

/* Check fixtures: shared memory and pipe; kill and reap every child. */
void tracee_setup(void);
void tracee_teardown(void);

/*
 * Probe what the tests need: ptrace, PTRACE_GET_SYSCALL_INFO, seccomp
 * filters.  Returns 0, or 1 with the reason in @why when the binary must
 * skip, or -1 when the probe itself failed.
 */
int tracee_probe(char *why, size_t size);

/* Fill tracee_sh->in for @mode: the probe's number, a pattern elsewhere. */
void tracee_fill_in(enum tracee_mode mode);

/* Start the child and seize it.  Returns its pid (also tracee_pid). */
pid_t tracee_start(enum tracee_mode mode);

/*
 * Resume every other stop (passing signals on) until a PTRACE_EVENT_SECCOMP
 * stop; returns the thread in it.
 */
pid_t tracee_wait_seccomp(void);

/*
 * With PTRACE_SYSCALL, run the child to the syscall-entry stop of @nr;
 * returns the thread in it.
 */
pid_t tracee_wait_entry(int32_t nr);

/* Wait for the next stop of @tid; returns its status. */
int tracee_wait_tid(pid_t tid);

/* Resume everything until the child exits; returns its wait status. */
int tracee_finish(void);

/*
 * Check that the probe call of @mode returned @want_rax and left every
 * other register as it was (what the kernel itself changes aside).
 */
void tracee_check_regs(enum tracee_mode mode, uint64_t want_rax);

/* Run @fn(@arg) after @ms milliseconds, in a thread of the test. */
void tracee_after_ms(unsigned int ms, void (*fn)(void *), void *arg);

#endif /* SANDBOXD_TESTS_PTRACE_TRACEE_H */
