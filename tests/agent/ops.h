/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * What the probe (target.c) asks of the test agent (agent.c).  The
 * notified call is getppid(2), issued through syscall(2) with six
 * arguments: getppid ignores them, but the filters see them and so does
 * the agent, in seccomp_data.args.  args[0] is an enum agent_op; the
 * agent interprets the rest.  So the probe, which knows its own fd table
 * and memory, says what each notification is for, and one generic agent
 * serves every test, whether it speaks to sandbox-run's agent socket or to
 * a kernel listener fd.
 */
#ifndef SBX_TESTS_AGENT_OPS_H
#define SBX_TESTS_AGENT_OPS_H

enum agent_op {
	/* answer args[1] */
	AGENT_OP_VAL = 1,
	/* fail the call with errno args[1] */
	AGENT_OP_ERRNO,
	/* answer SECCOMP_USER_NOTIF_FLAG_CONTINUE */
	AGENT_OP_CONTINUE,
	/*
	 * ADDFD the agent's file number args[1] (its -f options, from 0),
	 * with flags args[2], newfd args[3], newfd_flags args[4], args[5]
	 * times (at least once).  Without SECCOMP_ADDFD_FLAG_SEND the answer
	 * is the last fd number, or the first failure as the call's errno.
	 */
	AGENT_OP_ADDFD,
	/*
	 * args[2] ADDFDs of file args[1], no flags; args[3] is the number the
	 * first must land on, each next one a number higher (the probe keeps
	 * that range free).  The answer is how many landed where expected;
	 * a failure ends the run and is the call's errno.  The agent pauses
	 * now and then, so that the probe's other threads run meanwhile.
	 */
	AGENT_OP_ADDFD_SEQ,
	/*
	 * After args[1] ms, answer the state letter of the calling thread,
	 * read from /proc/TID/stat while it waits.
	 */
	AGENT_OP_STATE,
	/*
	 * Read args[2] bytes at args[1] of the waiting thread with READ_MEM
	 * (a kernel listener has none: /proc/PID/mem and ID_VALID instead).
	 * The answer: the byte count << 32 | the FNV-1a hash of the bytes, or
	 * the read's error as the call's errno.
	 */
	AGENT_OP_READ_MEM,
	/* the same through /proc/PID/mem */
	AGENT_OP_PROC_MEM,
	/* READ_MEM on the id answered last: its error, or the bytes read */
	AGENT_OP_READ_MEM_STALE,
	/*
	 * The agent of generation args[1] (its -g option) exits without
	 * answering; any other answers args[2].
	 */
	AGENT_OP_DIE,
	/* answer args[1] * 3 + args[2] + 1 */
	AGENT_OP_LOAD,
};

/* The FNV-1a hash of AGENT_OP_READ_MEM, 32 bits. */
static inline unsigned int
agent_fnv1a(const void *buf, unsigned long len)
{
	const unsigned char *p = buf;
	unsigned int h = 2166136261u;

	while (len--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

#endif /* SBX_TESTS_AGENT_OPS_H */
