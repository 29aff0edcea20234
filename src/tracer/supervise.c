/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The supervisor: launch, event loop, task table and action application.
 *
 * One thread owns every ptrace request.  Each call that reaches a stop
 * (a PTRACE_EVENT_SECCOMP stop from the prefilter's SECCOMP_RET_TRACE, or
 * a syscall-entry stop without the prefilter) is run through the task's
 * chain, and the winning action is applied the way the kernel applies it
 * (kernel/seccomp.c: __seccomp_filter()); see each act_*() function.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/ptrace.h>
#include <linux/seccomp.h>

#include <json-c/json.h>

#include "tracer/tracer.h"

#ifndef CLONE_UNTRACED
#define CLONE_UNTRACED 0x00800000
#endif
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

extern char **environ;

/* Calls the supervisor looks at itself, resolved per ABI at start. */
enum special {
	SP_SECCOMP,
	SP_PRCTL,
	SP_PTRACE,
	SP_CLONE,
	SP_CLONE3,
	SP_KILL,
	SP_TKILL,
	SP_TGKILL,
	SP_RT_SIGQUEUEINFO,
	SP_RT_TGSIGQUEUEINFO,
	SP_PIDFD_OPEN,
	SP_PIDFD_SEND_SIGNAL,
	SP_PIDFD_GETFD,
	SP_PROCESS_VM_READV,
	SP_PROCESS_VM_WRITEV,
	SP_EXECVE,
	SP_EXECVEAT,
	SP_FCNTL,
	SP_FCNTL64,
	SP_PRLIMIT64,
	SP_SETPRIORITY,
	SP_IOPRIO_SET,
	SP_SCHED_SETAFFINITY,
	SP_SCHED_SETSCHEDULER,
	SP_SCHED_SETPARAM,
	SP_SCHED_SETATTR,
	SP_COUNT,
};

static const char *const special_names[SP_COUNT] = {
	"seccomp",
	"prctl",
	"ptrace",
	"clone",
	"clone3",
	"kill",
	"tkill",
	"tgkill",
	"rt_sigqueueinfo",
	"rt_tgsigqueueinfo",
	"pidfd_open",
	"pidfd_send_signal",
	"pidfd_getfd",
	"process_vm_readv",
	"process_vm_writev",
	"execve",
	"execveat",
	"fcntl",
	"fcntl64",
	"prlimit64",
	"setpriority",
	"ioprio_set",
	"sched_setaffinity",
	"sched_setscheduler",
	"sched_setparam",
	"sched_setattr",
};

struct abi_info {
	const struct arch_abi *abi;
	int32_t nr[SP_COUNT];
	int32_t harmless;
};

/* What a task's next syscall-exit stop must do. */
enum pending {
	PEND_NONE,
	PEND_RETURN, /* set the return register to pend_ret */
	PEND_TRAP,   /* ... then raise the SIGSYS in trap_si */
	PEND_FILTER, /* on success, stack new_prog on the task's chain */
};

struct task {
	struct task *next;
	pid_t tid;
	pid_t tgid;
	struct bpf_filter *chain; /* NULL while parked */
	bool parked;		  /* seen before its parent's clone event */
	int parked_status;
	bool pre_exec;	  /* the launcher's own code, before its execve */
	bool want_exit;	  /* resume with PTRACE_SYSCALL */
	bool pass_entry;  /* let the next syscall-entry stop through */
	bool trap_armed;  /* our SIGSYS is on its way */
	bool vkill;	  /* KILL_THREAD due at its interrupt stop */
	bool restart_due; /* see on_discarded() */
	int32_t restart_nr;
	uint64_t restart_ip;
	const struct arch_abi *restart_abi;
	bool job_stopped; /* in a group-stop since its last call stop */
	enum pending pend;
	int64_t pend_ret;
	siginfo_t trap_si;
	struct sock_filter *new_prog;
	size_t new_len;
	bool new_tsync;
};

#define TASK_BUCKETS 1024

struct sup {
	const struct tracer_config *cfg;
	struct task *tab[TASK_BUCKETS];
	size_t n_tasks;
	pid_t self;
	pid_t pgrp;
	pid_t main_pid;
	bool prefilter; /* the config's, unless the kernel cannot */
	bool kfilter;	/* a filter of ours is in the kernel (see launch) */
	bool main_done;
	bool exec_done;
	bool stop_inside; /* the command's last stop signal came from within */
	int main_status;
	bool killed_rest;
	int exec_pipe;
	int exec_err;
	int exec_stage;
	int err;
	struct abi_info abis[BPF_CACHE_MAX_ABIS];
	size_t n_abis;
	struct tracer_stats st;
};

#define PTRACE_OPTIONS                                                      \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | \
	 PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP | \
	 PTRACE_O_EXITKILL)

static void warnx_(const struct sup *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
warnx_(const struct sup *s, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", s->cfg->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- task table ---- */

static struct task **
task_slot(struct sup *s, pid_t tid)
{
	struct task **p = &s->tab[(unsigned)tid % TASK_BUCKETS];

	while (*p && (*p)->tid != tid)
		p = &(*p)->next;
	return p;
}

static struct task *
task_find(struct sup *s, pid_t tid)
{
	return *task_slot(s, tid);
}

static void
task_insert(struct sup *s, struct task *t)
{
	t->next = s->tab[(unsigned)t->tid % TASK_BUCKETS];
	s->tab[(unsigned)t->tid % TASK_BUCKETS] = t;
	s->n_tasks++;
}

static struct task *
task_add(struct sup *s, pid_t tid, pid_t tgid)
{
	struct task *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->tid = tid;
	t->tgid = tgid;
	task_insert(s, t);
	s->st.tasks++;
	return t;
}

static void
task_unlink(struct sup *s, struct task *t)
{
	struct task **p = task_slot(s, t->tid);

	if (*p == t) {
		*p = t->next;
		s->n_tasks--;
	}
	t->next = NULL;
}

static void
task_free(struct task *t)
{
	bpf_filter_unref(t->chain);
	free(t->new_prog);
	free(t);
}

static unsigned int
threads_of(struct sup *s, pid_t tgid)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < TASK_BUCKETS; i++)
		for (struct task *t = s->tab[i]; t; t = t->next)
			n += t->tgid == tgid;
	return n;
}

static pid_t
tgid_of(pid_t tid)
{
	char path[64], line[128];
	pid_t tgid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}

/* Kill every task: the run is over or has failed. */
static void
kill_all(struct sup *s)
{
	size_t i;

	for (i = 0; i < TASK_BUCKETS; i++)
		for (struct task *t = s->tab[i]; t; t = t->next)
			kill(t->tgid, SIGKILL);
	s->killed_rest = true;
}

static void
fail(struct sup *s, int err)
{
	if (s->err == 0)
		s->err = err;
	kill_all(s);
}

/* ---- memory ---- */

static int
read_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	size_t done;

	if (process_vm_readv(tid, &local, 1, &remote, 1, 0) == (ssize_t)len)
		return 0;
	/* PEEKDATA works where process_vm_readv is refused (non-dumpable) */
	for (done = 0; done < len;) {
		long word;
		size_t n =
		    len - done < sizeof(word) ? len - done : sizeof(word);

		errno = 0;
		word = ptrace(PTRACE_PEEKDATA, tid, addr + done, 0);
		if (errno)
			return -errno;
		memcpy((char *)buf + done, &word, n);
		done += n;
	}
	return 0;
}

static int
write_mem(pid_t tid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec local = { (void *)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	size_t done;

	if (process_vm_writev(tid, &local, 1, &remote, 1, 0) == (ssize_t)len)
		return 0;
	for (done = 0; done < len; done += sizeof(long)) {
		long word = 0;
		size_t n =
		    len - done < sizeof(word) ? len - done : sizeof(word);

		if (n < sizeof(word)) {
			errno = 0;
			word = ptrace(PTRACE_PEEKDATA, tid, addr + done, 0);
			if (errno)
				return -errno;
		}
		memcpy(&word, (const char *)buf + done, n);
		if (ptrace(PTRACE_POKEDATA, tid, addr + done, word) < 0)
			return -errno;
	}
	return 0;
}

/* ---- event log ---- */

static const char *
verdict_name(uint32_t ret)
{
	return bpf_action_name(bpf_ret_action(ret));
}

/* the log spells actions in lower case, as JSON keys usually are */
static json_object *
action_json(uint32_t ret)
{
	char buf[32];
	size_t i;

	snprintf(buf, sizeof(buf), "%s", verdict_name(ret));
	for (i = 0; buf[i]; i++)
		if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
	return json_object_new_string(buf);
}

/* Write @o as one line to @fd, all of it or an error.  Returns 0 or -errno. */
static int
log_put(int fd, json_object *o)
{
	const char *text = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	char *line = NULL;
	size_t len, done = 0;
	int n, r = 0;

	n = asprintf(&line, "%s\n", text);
	if (n < 0)
		return -ENOMEM;
	len = (size_t)n;
	/* a slow reader makes the targets wait; nothing is dropped */
	while (done < len) {
		ssize_t w = write(fd, line + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			r = w < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)w;
	}
	free(line);
	return r;
}

static void
log_write(struct sup *s, json_object *o)
{
	int r = log_put(s->cfg->log_fd, o);

	if (r == -ENOMEM) {
		fail(s, r);
	} else if (r < 0) {
		warnx_(s, "event log: %s; stopping the run", strerror(-r));
		fail(s, r);
	}
}

static json_object *
log_start(const char *event)
{
	struct timespec ts;
	struct tm tm;
	char buf[64];
	json_object *o = json_object_new_object();

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000);
	json_object_object_add(o, "ts", json_object_new_string(buf));
	json_object_object_add(o, "event", json_object_new_string(event));
	return o;
}

int
tracer_log_warning(int fd, const char *msg)
{
	json_object *o = log_start("warning");
	int r;

	json_object_object_add(o, "message", json_object_new_string(msg));
	r = log_put(fd, o);
	json_object_put(o);
	return r;
}

static void
log_call(struct sup *s, const struct task *t, const struct arch_abi *abi,
	 const struct seccomp_data *sd, uint32_t ret,
	 const struct bpf_filter *match, const char *why)
{
	char buf[64], comm[32] = "";
	json_object *o, *args;
	char *name;
	FILE *f;
	int i;

	if (s->cfg->log_fd < 0 || s->err)
		return;
	snprintf(buf, sizeof(buf), "/proc/%d/comm", t->tid);
	f = fopen(buf, "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	o = log_start("syscall");
	json_object_object_add(o, "pid", json_object_new_int(t->tgid));
	json_object_object_add(o, "tid", json_object_new_int(t->tid));
	json_object_object_add(o, "comm", json_object_new_string(comm));
	json_object_object_add(o, "abi",
			       json_object_new_string(abi ? abi->name : "?"));
	json_object_object_add(o, "nr", json_object_new_int(sd->nr));
	name = abi ? arch_syscall_name(abi, sd->nr) : NULL;
	json_object_object_add(o, "syscall",
			       name ? json_object_new_string(name) : NULL);
	free(name);
	args = json_object_new_array();
	for (i = 0; i < 6; i++) {
		snprintf(buf, sizeof(buf), "0x%llx",
			 (unsigned long long)sd->args[i]);
		json_object_array_add(args, json_object_new_string(buf));
	}
	json_object_object_add(o, "args", args);
	snprintf(buf, sizeof(buf), "0x%llx",
		 (unsigned long long)sd->instruction_pointer);
	json_object_object_add(o, "ip", json_object_new_string(buf));
	json_object_object_add(o, "action",
			       why ? json_object_new_string("errno")
				   : action_json(ret));
	snprintf(buf, sizeof(buf), "0x%08x", ret);
	json_object_object_add(o, "ret", json_object_new_string(buf));
	json_object_object_add(o, "data",
			       json_object_new_int((int)(ret & 0xffff)));
	if (match)
		json_object_object_add(
		    o, "filter",
		    json_object_new_int((int)bpf_filter_depth(match)));
	if (why)
		json_object_object_add(o, "reason",
				       json_object_new_string(why));
	log_write(s, o);
	json_object_put(o);
}

/* ---- resuming ---- */

static void
resume(struct sup *s, struct task *t, int sig)
{
	int req =
	    (!s->prefilter || t->want_exit) ? PTRACE_SYSCALL : PTRACE_CONT;

	if (ptrace(req, t->tid, 0, sig) < 0 && errno != ESRCH) {
		warnx_(s, "cannot resume task %d: %s", t->tid, strerror(errno));
		fail(s, -errno);
	}
}

/* ---- the call at hand ---- */

struct call {
	struct ptrace_syscall_info info;
	struct seccomp_data sd;
	const struct arch_abi *abi;
	const struct abi_info *ai;
	int op; /* PTRACE_SYSCALL_INFO_SECCOMP or _ENTRY */
};

static const struct abi_info *
abi_info(const struct sup *s, const struct arch_abi *abi)
{
	size_t i;

	for (i = 0; i < s->n_abis; i++)
		if (s->abis[i].abi == abi)
			return &s->abis[i];
	return NULL;
}

static bool
is_call(const struct call *c, enum special sp)
{
	return c->ai && c->ai->nr[sp] >= 0 && c->sd.nr == c->ai->nr[sp];
}

/*
 * Make the call return @val without running.  At a seccomp stop the
 * number becomes -1 and the return register @val in one register write:
 * the kernel skips a call a tracer set to -1 without running any filter
 * again.  At a syscall-entry stop the filters still run after us, and
 * another kernel filter (an inherited one, or the target's own) would act
 * on -1, so the call becomes a harmless getpid whose result the exit stop
 * overwrites.
 */
static int
skip_call(struct sup *s, struct task *t, const struct call *c, int64_t val,
	  enum pending pend)
{
	struct arch_regs regs;
	int r;

	if (!c->abi)
		return -EOPNOTSUPP;
	r = arch_regs_fetch(t->tid, &regs);
	if (r < 0)
		return r; /* -ESRCH: it died meanwhile, its report follows */
	if (!arch_regs_abi_ok(&regs, c->abi))
		return -EOPNOTSUPP;
	if (c->op == PTRACE_SYSCALL_INFO_SECCOMP && pend == PEND_RETURN) {
		arch_set_nr(&regs, c->abi, -1);
		arch_set_return(&regs, c->abi, val);
	} else if (c->op == PTRACE_SYSCALL_INFO_SECCOMP) {
		/* TRAP: the kernel's rollback, then the signal */
		arch_rollback(&regs, c->abi);
	} else {
		if (!c->ai || c->ai->harmless < 0)
			return -EOPNOTSUPP;
		arch_set_nr(&regs, c->abi, c->ai->harmless);
		t->pend = pend;
		t->pend_ret = val;
	}
	r = arch_regs_store(t->tid, &regs);
	if (r < 0)
		return r;
	return 0;
}

/* The SigIgn and SigCgt masks of /proc/TID/status. */
static int
sig_masks(pid_t tid, unsigned long long *ign, unsigned long long *cgt)
{
	char path[64], line[128];
	int found = 0;
	FILE *f;

	*ign = *cgt = 0;
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (found < 2 && fgets(line, sizeof(line), f))
		if (sscanf(line, "SigIgn: %llx", ign) == 1 ||
		    sscanf(line, "SigCgt: %llx", cgt) == 1)
			found++;
	fclose(f);
	return found == 2 ? 0 : -EIO;
}

static int
sigsys_forced(pid_t tid)
{
	unsigned long long ign, cgt, blocked = 0;
	int r;

	if (ptrace(PTRACE_GETSIGMASK, tid, sizeof(blocked), &blocked) < 0)
		return -errno;
	r = sig_masks(tid, &ign, &cgt);
	if (r < 0)
		return r;
	return ((ign | blocked) >> (SIGSYS - 1)) & 1;
}

static void
arm_trap(struct sup *s, struct task *t)
{
	t->trap_armed = true;
	if (syscall(SYS_tgkill, t->tgid, t->tid, SIGSYS) < 0 && errno != ESRCH)
		fail(s, -errno);
}

static void
fill_trap_si(struct task *t, const struct call *c, uint32_t ret)
{
	memset(&t->trap_si, 0, sizeof(t->trap_si));
	t->trap_si.si_signo = SIGSYS;
	t->trap_si.si_code = SYS_SECCOMP;
	t->trap_si.si_errno = (int)(ret & SECCOMP_RET_DATA);
	t->trap_si.si_call_addr = (void *)(uintptr_t)c->sd.instruction_pointer;
	t->trap_si.si_syscall = c->sd.nr;
	t->trap_si.si_arch = c->sd.arch;
}

/*
 * KILL_THREAD and KILL_PROCESS: let the kernel do the kill, so the wait
 * status, the core dump and which threads die are its own.  The thread
 * gets a one-instruction filter returning @ret (no TSYNC: only this
 * thread), then issues the call again, which that filter refuses.
 */
static int
kill_by_kernel(struct sup *s, struct task *t, const struct call *c,
	       uint32_t ret)
{
	struct tracer_inject inj;
	struct sock_filter insn = BPF_STMT(BPF_RET | BPF_K, ret);
	uint64_t sp, at, args[ARCH_MAX_ARGS] = { 0 };
	unsigned char fprog[16] = { 0 };
	const struct abi_info *via = c->ai;
	uint16_t one = 1;
	int64_t rv;
	int r;

	/*
	 * x32 calls come through the 64-bit syscall instruction, which also
	 * takes native calls; a kernel without x32 runs only those.
	 */
	if (via && via->abi->nr_flag)
		via = abi_info(s, arch_abi_by_audit(via->abi->audit_arch, 0));
	if (!via)
		return -EOPNOTSUPP;
	r = tracer_inject_begin(t->tid, &inj);
	if (r < 0)
		return r;
	/*
	 * The program goes below the red zone of the thread's stack, which
	 * nothing live uses; the thread does not come back from this call.
	 */
	sp = arch_get_sp(&inj.saved);
	at = (sp - 128 - 64) & ~(uint64_t)15;
	memcpy(fprog, &one, sizeof(one));
	if (via->abi->bits == 32) {
		uint32_t p = (uint32_t)(at + 16);

		memcpy(fprog + 4, &p, sizeof(p));
	} else {
		uint64_t p = at + 16;

		memcpy(fprog + 8, &p, sizeof(p));
	}
	r = write_mem(t->tid, at, fprog, sizeof(fprog));
	if (r == 0)
		r = write_mem(t->tid, at + 16, &insn, sizeof(insn));
	if (r == 0) {
		args[0] = PR_SET_NO_NEW_PRIVS;
		args[1] = 1;
		r = tracer_inject_call(&inj, via->nr[SP_PRCTL], args, &rv);
	}
	if (r == 0) {
		args[0] = SECCOMP_SET_MODE_FILTER;
		args[1] = 0;
		args[2] = at;
		r = tracer_inject_call(&inj, via->nr[SP_SECCOMP], args, &rv);
		if (r == 0 && rv != 0)
			r = rv < 0 ? (int)rv : -EPROTO;
	}
	if (r == 0) {
		t->pass_entry = !s->prefilter;
		r = tracer_inject_end_restart(
		    &inj,
		    s->prefilter ? TRACER_RESUME_CONT : TRACER_RESUME_SYSCALL);
	}
	if (r < 0 && inj.state == TRACER_INJECT_DEAD)
		return 0; /* its death report comes through waitpid */
	return r;
}

static int get_call(struct task *t, struct call *c, const struct sup *s);
static void on_status(struct sup *s, pid_t tid, int status);

/*
 * Calls through the legacy vsyscall page are emulated in the kernel's page
 * fault handler: they pass seccomp, with the page's address as the
 * instruction pointer, but make no ptrace syscall stops, and no call can
 * be injected into them.
 */
static bool
in_vsyscall(const struct call *c)
{
	uint64_t page = arch_vsyscall_page();

	return page && c->op == PTRACE_SYSCALL_INFO_SECCOMP &&
	       c->abi == arch_abi_host() &&
	       (c->sd.instruction_pointer & ~(uint64_t)0xfff) == page;
}

/*
 * A kill on a vsyscall call.  The fault handler itself ends the process
 * with a forced SIGSYS when a tracer moves the instruction pointer in the
 * seccomp stop, which is KILL_PROCESS to the letter.  For KILL_THREAD the
 * call is skipped and the thread caught by PTRACE_INTERRUPT before its
 * next instruction; vsyscall_kill_thread() then lets the kernel decide,
 * as it would have here, whether the thread is the last.
 */
static int
vsyscall_kill(struct sup *s, struct task *t, const struct call *c, uint32_t ret)
{
	struct arch_regs regs;
	int r;

	if (ret == SECCOMP_RET_KILL_PROCESS) {
		r = arch_regs_fetch(t->tid, &regs);
		if (r < 0)
			return r;
		arch_set_ip(&regs, arch_get_ip(&regs) + 1);
		r = arch_regs_store(t->tid, &regs);
	} else {
		r = skip_call(s, t, c, -ENOSYS, PEND_RETURN);
		if (r == 0 && ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) < 0)
			r = -errno;
		if (r == 0)
			t->vkill = true;
	}
	if (r == 0)
		resume(s, t, 0);
	return r;
}

/* The address of a syscall instruction in @tid's vDSO, or 0. */
static uint64_t
vdso_syscall_insn(pid_t tid)
{
	unsigned long long lo = 0, hi = 0;
	unsigned char *buf = NULL;
	const unsigned char *insn;
	char path[64], line[512];
	uint64_t at = 0;
	size_t n, i;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]") &&
		    sscanf(line, "%llx-%llx", &lo, &hi) == 2)
			break;
	fclose(f);
	insn = arch_syscall_insn(&n);
	if (hi <= lo || hi - lo > (1U << 20))
		return 0;
	buf = malloc(hi - lo);
	if (!buf || read_mem(tid, lo, buf, hi - lo) < 0)
		goto out;
	for (i = 0; i + n <= hi - lo; i++)
		if (memcmp(buf + i, insn, n) == 0) {
			at = lo + i;
			break;
		}
out:
	free(buf);
	return at;
}

/*
 * The KILL_THREAD of a vsyscall call, at the interrupt stop before the
 * thread's next instruction: it is sent to a syscall instruction of its
 * vDSO with a harmless call, whose syscall-entry stop kill_by_kernel()
 * works from.  The thread never runs an instruction of its own again.
 */
static void
vsyscall_kill_thread(struct sup *s, struct task *t)
{
	const struct arch_abi *abi = arch_abi_host();
	struct arch_regs regs;
	uint64_t at = vdso_syscall_insn(t->tid);
	struct call c;
	int r, status;

	t->vkill = false;
	r = arch_regs_fetch(t->tid, &regs);
	if (r == 0 && !at)
		r = -ENOEXEC;
	if (r == 0) {
		arch_set_ip(&regs, at);
		arch_set_nr(&regs, abi, arch_harmless_nr(abi));
		r = arch_regs_store(t->tid, &regs);
	}
	if (r == 0 && ptrace(PTRACE_SYSCALL, t->tid, 0, 0) < 0)
		r = -errno;
	while (r == 0 && waitpid(t->tid, &status, __WALL) < 0)
		if (errno != EINTR)
			r = -errno;
	if (r == 0 && !WIFSTOPPED(status)) {
		on_status(s, t->tid, status);
		return;
	}
	if (r == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80))
		r = -EPROTO; /* a signal came first; it cannot be put back */
	if (r == 0)
		r = get_call(t, &c, s);
	if (r == 0 && c.op != PTRACE_SYSCALL_INFO_ENTRY)
		r = -EPROTO;
	if (r == 0)
		r = kill_by_kernel(s, t, &c, SECCOMP_RET_KILL_THREAD);
	if (r < 0 && r != -ESRCH) {
		warnx_(s, "cannot kill task %d (%s); killing its process",
		       t->tid, strerror(-r));
		kill(t->tgid, SIGKILL);
	}
}

/* Change argument @i of the call @t is stopped in. */
static int
set_arg(struct task *t, const struct call *c, unsigned int i, uint64_t val)
{
	struct arch_regs regs;
	int r = arch_regs_fetch(t->tid, &regs);

	if (r < 0)
		return r;
	if (!arch_regs_abi_ok(&regs, c->abi))
		return -EOPNOTSUPP;
	arch_set_arg(&regs, c->abi, i, val);
	return arch_regs_store(t->tid, &regs);
}

/*
 * kill(2): the supervisor absorbs any signal but SIGKILL and SIGSTOP that
 * reaches it through a group or a broadcast, so only those are refused.
 * kill(0, ...) means the caller's group when it runs, which another
 * process can change meanwhile (setpgid), so it is pinned to the group
 * seen here.
 */
static int64_t
guard_kill(struct sup *s, struct task *t, const struct call *c)
{
	pid_t pid = (pid_t)c->sd.args[0], pgrp;
	int sig = (int)c->sd.args[1];

	if (pid == s->self)
		return -EPERM;
	if (sig != SIGKILL && sig != SIGSTOP)
		return 0;
	if (pid == -1)
		return -EPERM;
	if (pid < -1)
		return -pid == s->pgrp ? -EPERM : 0;
	if (pid != 0)
		return 0;
	pgrp = getpgid(t->tid);
	if (pgrp < 0 || pgrp == s->pgrp)
		return -EPERM;
	return set_arg(t, c, 0, (uint64_t)(int64_t)-pgrp) < 0 ? -EPERM : 0;
}

/*
 * What a pidfd (or /proc/PID directory fd) @fd of process @tgid refers to.
 * The supervisor takes its own copy of the file (pidfd_getfd), which the
 * target cannot change, and asks the copy: a path could be a bind mount,
 * and /proc/TID/fd of a non-dumpable target cannot be read.  Returns 1 for
 * the supervisor itself, 0 for another process (its pid in *@ret_pid, or
 * -1 for a /proc directory), -EBADF when @fd is not open, or another
 * -errno when it cannot tell.
 */
static int
pidfd_is_self(struct sup *s, pid_t tgid, int fd, pid_t *ret_pid)
{
	struct stat st, self_st;
	char path[64], line[128];
	int pfd, copy, r = 0;
	pid_t pid = -1;
	FILE *f;

	pfd = (int)syscall(SYS_pidfd_open, tgid, 0);
	if (pfd < 0)
		return -errno;
	copy = (int)syscall(SYS_pidfd_getfd, pfd, fd, 0);
	r = copy < 0 ? -errno : 0;
	close(pfd);
	if (r < 0)
		return r;
	if (fstat(copy, &st) < 0) {
		r = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		if (stat("/proc/self", &self_st) < 0) {
			r = -errno;
			goto out;
		}
		r = st.st_dev == self_st.st_dev && st.st_ino == self_st.st_ino;
		goto out;
	}
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", copy);
	f = fopen(path, "re");
	if (!f) {
		r = -errno;
		goto out;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid: %d", &pid) == 1)
			break;
	fclose(f);
	r = pid == s->self;
out:
	*ret_pid = pid;
	close(copy);
	return r;
}

#ifndef PIDFD_SIGNAL_PROCESS_GROUP
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2)
#endif

/*
 * Does another task share @t's file table?  Then it can swap the fd a
 * pidfd call of @t names between our check and the call.  Only @t could
 * make a new sharer, and it is stopped.
 */
static bool
files_shared(struct sup *s, const struct task *t)
{
	size_t i;

	for (i = 0; i < TASK_BUCKETS; i++)
		for (struct task *o = s->tab[i]; o; o = o->next)
			if (o != t && syscall(SYS_kcmp, t->tid, o->tid,
					      2 /* KCMP_FILES */, 0, 0) == 0)
				return true;
	return false;
}

static int64_t
guard_pidfd(struct sup *s, struct task *t, const struct call *c)
{
	int sig = (int)c->sd.args[1];
	pid_t pid = -1;
	int r;

	/*
	 * The signals the supervisor cannot absorb are refused where the
	 * check could be raced; any other that slipped through would be.
	 */
	if (is_call(c, SP_PIDFD_SEND_SIGNAL) &&
	    (sig == SIGKILL || sig == SIGSTOP) && files_shared(s, t))
		return -EPERM;
	r = pidfd_is_self(s, t->tgid, (int)c->sd.args[0], &pid);

	if (r == -EBADF)
		return 0; /* not open: the kernel says so */
	if (r != 0)
		return -EPERM; /* the supervisor, or cannot tell: fail closed */
	if (is_call(c, SP_PIDFD_SEND_SIGNAL) &&
	    ((unsigned int)c->sd.args[3] & PIDFD_SIGNAL_PROCESS_GROUP) &&
	    ((int)c->sd.args[1] == SIGKILL || (int)c->sd.args[1] == SIGSTOP) &&
	    (pid < 0 || getpgid(pid) == s->pgrp))
		return -EPERM;
	return 0;
}

/* Calls that change another process's limits or scheduling. */
static int64_t
guard_limits(struct sup *s, const struct call *c)
{
	const __u64 *a = c->sd.args;

	if (is_call(c, SP_PRLIMIT64) || is_call(c, SP_SCHED_SETAFFINITY) ||
	    is_call(c, SP_SCHED_SETSCHEDULER) ||
	    is_call(c, SP_SCHED_SETPARAM) || is_call(c, SP_SCHED_SETATTR))
		return (pid_t)a[0] == s->self ? -EPERM : 0;
	if (is_call(c, SP_SETPRIORITY))
		return ((int)a[0] == PRIO_PROCESS && (pid_t)a[1] == s->self) ||
			       ((int)a[0] == PRIO_PGRP &&
				(pid_t)a[1] == s->pgrp)
			   ? -EPERM
			   : 0;
	if (is_call(c, SP_IOPRIO_SET))
		return ((int)a[0] == 1 /* IOPRIO_WHO_PROCESS */ &&
			(pid_t)a[1] == s->self) ||
			       ((int)a[0] == 2 /* IOPRIO_WHO_PGRP */ &&
				(pid_t)a[1] == s->pgrp)
			   ? -EPERM
			   : 0;
	/* a signal for I/O events that the supervisor could not absorb */
	if (is_call(c, SP_FCNTL) || is_call(c, SP_FCNTL64))
		return (int)a[1] == F_SETSIG &&
			       ((int)a[2] == SIGKILL || (int)a[2] == SIGSTOP)
			   ? -EPERM
			   : 0;
	return 0;
}

/*
 * The supervisor's own rules for calls the chain lets through.  Returns 0
 * to let the call run, or the -errno it fails with instead.
 */
static int64_t
guard(struct sup *s, struct task *t, const struct call *c)
{
	const __u64 *a = c->sd.args;
	pid_t self = s->self;

	if (is_call(c, SP_CLONE3))
		return -ENOSYS; /* its flags live in memory we cannot pin */
	if (is_call(c, SP_KILL))
		return guard_kill(s, t, c);
	if (is_call(c, SP_TKILL) || is_call(c, SP_RT_SIGQUEUEINFO) ||
	    is_call(c, SP_PIDFD_OPEN) || is_call(c, SP_PROCESS_VM_READV) ||
	    is_call(c, SP_PROCESS_VM_WRITEV))
		return (pid_t)a[0] == self ? -EPERM : 0;
	if (is_call(c, SP_TGKILL) || is_call(c, SP_RT_TGSIGQUEUEINFO))
		return ((pid_t)a[0] == self || (pid_t)a[1] == self) ? -EPERM
								    : 0;
	if (is_call(c, SP_PTRACE))
		return (pid_t)a[1] == self && a[0] != PTRACE_TRACEME ? -EPERM
								     : 0;
	if (is_call(c, SP_PIDFD_SEND_SIGNAL) || is_call(c, SP_PIDFD_GETFD))
		return guard_pidfd(s, t, c);
	return guard_limits(s, c);
}

/* Read the sock_fprog of a seccomp(2) or prctl(2) call of @t. */
static int
read_fprog(struct task *t, const struct call *c, uint64_t uaddr)
{
	unsigned char hdr[16];
	uint16_t len;
	uint64_t ptr;
	struct sock_filter *prog;
	int r;

	r = read_mem(t->tid, uaddr, hdr, c->abi->bits == 32 ? 8 : 16);
	if (r < 0)
		return r;
	memcpy(&len, hdr, sizeof(len));
	if (c->abi->bits == 32) {
		uint32_t p;

		memcpy(&p, hdr + 4, sizeof(p));
		ptr = p;
	} else {
		memcpy(&ptr, hdr + 8, sizeof(ptr));
	}
	if (len == 0 || len > BPF_MAXINSNS)
		return -EINVAL;
	prog = calloc(len, sizeof(*prog));
	if (!prog)
		return -ENOMEM;
	r = read_mem(t->tid, ptr, prog, len * sizeof(*prog));
	if (r < 0) {
		free(prog);
		return r;
	}
	free(t->new_prog);
	t->new_prog = prog;
	t->new_len = len;
	return 0;
}

/*
 * seccomp(2) and prctl(PR_SET_SECCOMP) from the target.  A filter it
 * installs goes into the kernel, where it is stacked on the prefilter, and
 * a copy of it onto the task's chain here once the kernel has accepted it,
 * so decisions at our stops see it as the kernel would.  Returns 0 to let
 * the call run (with an exit stop), or the -errno to fail it with.
 */
static int64_t
guard_seccomp(struct sup *s, struct task *t, const struct call *c)
{
	const __u64 *a = c->sd.args;
	uint64_t mode, flags = 0, uaddr;
	int r;

	if (is_call(c, SP_SECCOMP)) {
		mode = a[0] == SECCOMP_SET_MODE_FILTER	 ? SECCOMP_MODE_FILTER
		       : a[0] == SECCOMP_SET_MODE_STRICT ? SECCOMP_MODE_STRICT
							 : 0;
		flags = a[1];
		uaddr = a[2];
	} else {
		if ((int)a[0] != PR_SET_SECCOMP)
			return 0;
		mode = a[1];
		uaddr = a[2];
	}
	if (mode == SECCOMP_MODE_STRICT && !s->kfilter)
		return -EINVAL; /* the kernel refuses it in filter mode */
	if (mode != SECCOMP_MODE_FILTER)
		return 0;
	/* its listener would outrank our stops */
	if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER)
		return -EPERM;
	r = read_fprog(t, c, uaddr);
	if (r == -EINVAL || r == -EFAULT)
		return 0; /* the kernel refuses it the same way */
	if (r < 0)
		return -EPERM; /* cannot see what it installs: refuse */
	t->new_tsync = flags & SECCOMP_FILTER_FLAG_TSYNC;
	t->pend = PEND_FILTER;
	t->want_exit = true;
	return 0;
}

static void
stack_filter(struct sup *s, struct task *t)
{
	struct bpf_filter *f;
	int r;

	r = bpf_filter_new(t->chain, t->new_prog, t->new_len,
			   arch_cache_layout_host(), 0, &f, NULL);
	if (r < 0) {
		/* the kernel took a filter we cannot follow: end it */
		warnx_(s,
		       "task %d installed a filter the supervisor cannot "
		       "follow (%s); killing it",
		       t->tid, strerror(-r));
		kill(t->tgid, SIGKILL);
		return;
	}
	if (t->new_tsync) {
		size_t i;

		for (i = 0; i < TASK_BUCKETS; i++)
			for (struct task *o = s->tab[i]; o; o = o->next)
				if (o != t && o->tgid == t->tgid) {
					bpf_filter_unref(o->chain);
					o->chain = bpf_filter_ref(f);
				}
	}
	bpf_filter_unref(t->chain);
	t->chain = f;
}

static void
strict_kill(struct sup *s, struct task *t, const struct call *c)
{
	struct arch_regs regs;
	int32_t nr_exit = c->abi ? arch_syscall_nr(c->abi, "exit") : -1;

	/*
	 * Mode 1 ends the thread with do_exit(SIGKILL).  The last thread
	 * takes the process, which then reads as killed by SIGKILL; any other
	 * thread just ends, which an exit(2) in its place does.
	 */
	if (threads_of(s, t->tgid) > 1 && nr_exit >= 0 &&
	    arch_regs_fetch(t->tid, &regs) == 0 &&
	    arch_regs_abi_ok(&regs, c->abi)) {
		arch_set_nr(&regs, c->abi, nr_exit);
		arch_set_arg(&regs, c->abi, 0, 0);
		if (arch_regs_store(t->tid, &regs) == 0) {
			t->pass_entry = false;
			resume(s, t, 0);
			return;
		}
	}
	kill(t->tgid, SIGKILL);
}

static void
decide(struct sup *s, struct task *t, struct call *c)
{
	const struct bpf_filter *match = NULL;
	uint32_t ret;
	int64_t refuse = 0;
	int r = 0;

	s->st.decisions++;
	if (s->cfg->strict) {
		/* mode 1 begins at the command, after the launcher's execve */
		bool launch =
		    t->tid == s->main_pid && !s->exec_done &&
		    (is_call(c, SP_EXECVE) || is_call(c, SP_EXECVEAT));

		if (launch ||
		    (c->abi && arch_strict_allows(c->abi, c->sd.nr))) {
			resume(s, t, 0);
			return;
		}
		s->st.denied++;
		log_call(s, t, c->abi, &c->sd, SECCOMP_RET_KILL_THREAD, NULL,
			 NULL);
		strict_kill(s, t, c);
		return;
	}
	ret = bpf_chain_eval(t->chain, &c->sd, &match);
	switch (bpf_ret_action(ret)) {
	case BPF_ACT_LOG:
		log_call(s, t, c->abi, &c->sd, ret, match, NULL);
		/* fall through */
	case BPF_ACT_ALLOW:
		if (is_call(c, SP_SECCOMP) || is_call(c, SP_PRCTL))
			refuse = guard_seccomp(s, t, c);
		else
			refuse = guard(s, t, c);
		if (refuse) {
			s->st.denied++;
			log_call(s, t, c->abi, &c->sd, ret, match,
				 "supervisor");
			r = skip_call(s, t, c, refuse, PEND_RETURN);
			break;
		}
		/* the prefilter stops these to see restarts coming */
		if (s->prefilter && c->abi &&
		    c->op != PTRACE_SYSCALL_INFO_ENTRY &&
		    tracer_restartable(c->abi, c->sd.nr))
			t->want_exit = true;
		if (is_call(c, SP_CLONE) && (c->sd.args[0] & CLONE_UNTRACED)) {
			struct arch_regs regs;

			/* a child nobody traces would run unconfined */
			r = arch_regs_fetch(t->tid, &regs);
			if (r == 0 && arch_regs_abi_ok(&regs, c->abi)) {
				arch_set_arg(&regs, c->abi, 0,
					     c->sd.args[0] &
						 ~(uint64_t)CLONE_UNTRACED);
				r = arch_regs_store(t->tid, &regs);
			} else if (r == 0) {
				r = -EOPNOTSUPP;
			}
		}
		break;
	case BPF_ACT_ERRNO:
		s->st.denied++;
		log_call(s, t, c->abi, &c->sd, ret, match, NULL);
		r = skip_call(s, t, c, -(int64_t)bpf_ret_errno(ret),
			      PEND_RETURN);
		break;
	case BPF_ACT_TRACE:
	case BPF_ACT_USER_NOTIF:
		/* no tracer above us, and no listener */
		s->st.denied++;
		log_call(s, t, c->abi, &c->sd, ret, match, NULL);
		r = skip_call(s, t, c, -ENOSYS, PEND_RETURN);
		break;
	case BPF_ACT_TRAP:
		s->st.denied++;
		log_call(s, t, c->abi, &c->sd, ret, match, NULL);
		r = sigsys_forced(t->tid);
		if (r == 1) {
			/*
			 * Blocked or ignored, the kernel resets SIGSYS to
			 * its default and the process dies of it with a core
			 * dump, as it does for KILL_PROCESS.
			 */
			r = in_vsyscall(c)
				? vsyscall_kill(s, t, c,
						SECCOMP_RET_KILL_PROCESS)
				: kill_by_kernel(s, t, c,
						 SECCOMP_RET_KILL_PROCESS);
			if (r == 0)
				return;
			break;
		}
		if (r < 0)
			break;
		fill_trap_si(t, c, ret);
		if (c->op == PTRACE_SYSCALL_INFO_SECCOMP) {
			r = skip_call(s, t, c, 0, PEND_TRAP);
			if (r == 0)
				arm_trap(s, t);
		} else {
			struct arch_regs regs;

			r = arch_regs_fetch(t->tid, &regs);
			if (r == 0 && arch_regs_abi_ok(&regs, c->abi))
				r = skip_call(
				    s, t, c, arch_rollback_value(&regs, c->abi),
				    PEND_TRAP);
			else if (r == 0)
				r = -EOPNOTSUPP;
		}
		break;
	case BPF_ACT_KILL_THREAD:
	case BPF_ACT_KILL_PROCESS:
	default:
		s->st.denied++;
		log_call(s, t, c->abi, &c->sd, ret, match, NULL);
		ret = bpf_ret_action(ret) == BPF_ACT_KILL_THREAD
			  ? SECCOMP_RET_KILL_THREAD
			  : SECCOMP_RET_KILL_PROCESS;
		r = in_vsyscall(c) ? vsyscall_kill(s, t, c, ret)
				   : kill_by_kernel(s, t, c, ret);
		if (r == 0)
			return;
		break;
	}
	if (r < 0) {
		if (r == -ESRCH)
			return; /* died meanwhile; its report follows */
		/* never let the call through: end the process */
		warnx_(s, "cannot apply %s to task %d (%s); killing it",
		       verdict_name(ret), t->tid, strerror(-r));
		kill(t->tgid, SIGKILL);
		return;
	}
	resume(s, t, 0);
}

static int
get_call(struct task *t, struct call *c, const struct sup *s)
{
	long n =
	    ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(c->info), &c->info);
	int i;

	if (n < 0)
		return -errno;
	memset(&c->sd, 0, sizeof(c->sd));
	c->op = c->info.op;
	c->sd.arch = c->info.arch;
	c->sd.instruction_pointer = c->info.instruction_pointer;
	if (c->op == PTRACE_SYSCALL_INFO_SECCOMP) {
		c->sd.nr = (int)c->info.seccomp.nr;
		for (i = 0; i < 6; i++)
			c->sd.args[i] = c->info.seccomp.args[i];
	} else if (c->op == PTRACE_SYSCALL_INFO_ENTRY) {
		c->sd.nr = (int)c->info.entry.nr;
		for (i = 0; i < 6; i++)
			c->sd.args[i] = c->info.entry.args[i];
	}
	c->abi = arch_abi_by_audit(c->sd.arch, c->sd.nr);
	c->ai = c->abi ? abi_info(s, c->abi) : NULL;
	return 0;
}

/* ---- signals the kernel would have discarded ---- */

/*
 * Whether the kernel throws @sig away when it is sent to @tid, as
 * sig_ignored() does: ignored by its handler, or by default (SIGCHLD,
 * SIGWINCH, SIGURG, SIGCONT).  For a traced thread it does not, so that
 * the tracer hears of it, and the signal wakes the thread.
 */
static bool
sig_discarded(pid_t tid, int sig)
{
	unsigned long long ign, cgt, bit = 1ULL << (sig - 1);

	if (sig < 1 || sig > 64 || sig_masks(tid, &ign, &cgt) < 0)
		return false;
	if (ign & bit)
		return true;
	if (cgt & bit)
		return false;
	return sig == SIGCHLD || sig == SIGWINCH || sig == SIGURG ||
	       sig == SIGCONT;
}

/* Waits that fail with EINTR when woken, where others restart. */
static bool
fails_when_woken(const struct arch_abi *abi, int32_t nr)
{
	static const char *const names[] = {
		"epoll_wait",
		"epoll_pwait",
		"epoll_pwait2",
		"rt_sigtimedwait",
		"rt_sigtimedwait_time64",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (arch_syscall_nr(abi, names[i]) == nr)
			return true;
	return false;
}

/*
 * @t stopped for signal @sig.  If the kernel would have discarded @sig
 * when it was sent, and it woke @t from a wait, the call restarts when @t
 * resumes, as after any signal without a handler, and without us the
 * kernel would have let it sleep on: so the restart, which reaches our
 * stops as the call again or as restart_syscall(2), is let through
 * unjudged.  A wait that would fail with EINTR instead is made to
 * restart too; its timeout starts anew.  Returns whether @sig is to be
 * suppressed: only then was it discarded.  The registers come first, so
 * that /proc is read only for a thread woken in a call.
 */
static bool
on_discarded(struct sup *s, struct task *t, int sig)
{
	struct ptrace_syscall_info info;
	const struct arch_abi *abi;
	struct arch_regs regs;
	int64_t rv;
	int32_t nr;

	(void)s;
	t->restart_due = false;
	if (t->job_stopped)
		return false; /* the kernel too woke it, to stop it */
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(info), &info) < 0 ||
	    arch_regs_fetch(t->tid, &regs) < 0)
		return false;
	abi = arch_abi_by_audit(info.arch, 0);
	if (!abi || !arch_regs_abi_ok(&regs, abi))
		return false;
	nr = arch_get_nr(&regs, abi);
	if (nr < 0)
		return false; /* not in a call */
	abi = arch_abi_by_audit(info.arch, nr);
	if (!abi || !arch_regs_abi_ok(&regs, abi))
		return false;
	rv = arch_get_return(&regs, abi);
	if (rv != -EINTR && rv != -ERESTARTSYS && rv != -ERESTARTNOINTR &&
	    rv != -ERESTARTNOHAND && rv != -ERESTART_RESTARTBLOCK)
		return false;
	if (rv == -EINTR && !fails_when_woken(abi, nr))
		return false;
	if (!sig_discarded(t->tid, sig))
		return false;
	if (rv == -EINTR) {
		arch_set_return(&regs, abi, -ERESTARTNOHAND);
		if (arch_regs_store(t->tid, &regs) < 0)
			return true;
		rv = -ERESTARTNOHAND;
	}
	t->restart_nr =
	    rv == -ERESTART_RESTARTBLOCK ? arch_restart_syscall_nr(abi) : nr;
	t->restart_ip = info.instruction_pointer;
	t->restart_abi = abi;
	t->restart_due = true;
	return true;
}

/*
 * A call that ends at its exit stop with one of the kernel's restart
 * codes restarts when the thread resumes, unless a signal handler runs
 * first (which the signal's stop tells us).  The restart was judged as
 * the call itself: it is let through.  Only a stop for job control means
 * the kernel would have woken the thread too, and judges the restart.
 */
static void
note_restart(struct task *t, const struct call *c)
{
	int64_t rv = c->info.exit.rval;
	const struct arch_abi *abi;
	struct arch_regs regs;
	int32_t nr;

	t->restart_due = false;
	if (!c->info.exit.is_error ||
	    (rv != -ERESTART_RESTARTBLOCK && rv != -ERESTARTSYS &&
	     rv != -ERESTARTNOINTR && rv != -ERESTARTNOHAND))
		return;
	abi = arch_abi_by_audit(c->info.arch, 0);
	if (!abi || arch_regs_fetch(t->tid, &regs) < 0 ||
	    !arch_regs_abi_ok(&regs, abi))
		return;
	nr = arch_get_nr(&regs, abi);
	abi = arch_abi_by_audit(c->info.arch, nr);
	if (nr < 0 || !abi)
		return;
	t->restart_nr =
	    rv == -ERESTART_RESTARTBLOCK ? arch_restart_syscall_nr(abi) : nr;
	t->restart_ip = c->info.instruction_pointer;
	t->restart_abi = abi;
	t->restart_due = true;
}

/* Whether @c is the restart on_discarded() made way for. */
static bool
is_restart(struct task *t, const struct call *c)
{
	bool yes = t->restart_due && c->abi == t->restart_abi &&
		   c->sd.nr == t->restart_nr &&
		   c->sd.instruction_pointer == t->restart_ip;

	t->restart_due = false;
	return yes;
}

static void
on_exit_stop(struct sup *s, struct task *t, struct call *c)
{
	struct arch_regs regs;
	enum pending pend = t->pend;

	t->pend = PEND_NONE;
	t->want_exit = false;
	note_restart(t, c);
	if (pend == PEND_FILTER) {
		if (c->info.exit.rval == 0 && !c->info.exit.is_error)
			stack_filter(s, t);
		free(t->new_prog);
		t->new_prog = NULL;
	} else if (pend == PEND_RETURN || pend == PEND_TRAP) {
		const struct arch_abi *abi = arch_abi_by_audit(c->info.arch, 0);
		int r = arch_regs_fetch(t->tid, &regs);

		if (r == 0 && abi && arch_regs_abi_ok(&regs, abi)) {
			arch_set_return(&regs, abi, t->pend_ret);
			r = arch_regs_store(t->tid, &regs);
		} else if (r == 0) {
			r = -EOPNOTSUPP;
		}
		if (r < 0) {
			if (r != -ESRCH) {
				warnx_(s,
				       "cannot set the result of task %d "
				       "(%s); killing it",
				       t->tid, strerror(-r));
				kill(t->tgid, SIGKILL);
			}
			return;
		}
		if (pend == PEND_TRAP)
			arm_trap(s, t);
	}
	resume(s, t, 0);
}

static void
on_syscall_stop(struct sup *s, struct task *t)
{
	struct call c;
	int r;

	s->st.syscall_stops++;
	r = get_call(t, &c, s);
	if (r < 0) {
		if (r != -ESRCH) {
			warnx_(s, "PTRACE_GET_SYSCALL_INFO: %s", strerror(-r));
			fail(s, r);
		}
		return;
	}
	switch (c.op) {
	case PTRACE_SYSCALL_INFO_EXIT:
		on_exit_stop(s, t, &c);
		return;
	case PTRACE_SYSCALL_INFO_ENTRY:
		if (t->pass_entry) {
			/* the re-issued call after an injection */
			t->pass_entry = false;
			resume(s, t, 0);
			return;
		}
		break;
	case PTRACE_SYSCALL_INFO_SECCOMP:
		if (!s->prefilter && !in_vsyscall(&c)) {
			/*
			 * Without the prefilter only a filter of the
			 * target's own stops here (we decided at entry):
			 * its TRACE, with no tracer above us, is ENOSYS.
			 * Our harmless stand-in call just runs.
			 */
			if (t->pend == PEND_RETURN || t->pend == PEND_TRAP) {
				resume(s, t, 0);
				return;
			}
			r = skip_call(s, t, &c, -ENOSYS, PEND_RETURN);
			if (r < 0 && r != -ESRCH)
				kill(t->tgid, SIGKILL);
			else
				resume(s, t, 0);
			return;
		}
		break;
	default:
		resume(s, t, 0);
		return;
	}
	if (t->restart_due && is_restart(t, &c)) {
		resume(s, t, 0);
		return;
	}
	t->job_stopped = false;
	if (t->pre_exec) {
		/* the launcher's own calls before it execs the command */
		if (!is_call(&c, SP_EXECVE) && !is_call(&c, SP_EXECVEAT)) {
			resume(s, t, 0);
			return;
		}
		t->pre_exec = false;
	}
	decide(s, t, &c);
}

/* ---- stops ---- */

static void
on_new_task(struct sup *s, struct task *parent, int event)
{
	unsigned long msg = 0;
	struct task *child;
	pid_t tid;

	if (ptrace(PTRACE_GETEVENTMSG, parent->tid, 0, &msg) < 0)
		return;
	tid = (pid_t)msg;
	child = task_find(s, tid);
	if (!child) {
		/* a fork or vfork child leads a process of its own */
		child = task_add(
		    s, tid, event == PTRACE_EVENT_CLONE ? tgid_of(tid) : tid);
		if (!child) {
			kill(tid, SIGKILL);
			fail(s, -ENOMEM);
			return;
		}
		child->parked = false;
		child->chain =
		    bpf_filter_ref((struct bpf_filter *)parent->chain);
		if (child->tgid < 0)
			child->tgid = tid;
		if (s->main_done && !s->cfg->wait_all)
			kill(tid, SIGKILL);
		return;
	}
	if (child->parked) {
		child->parked = false;
		child->chain =
		    bpf_filter_ref((struct bpf_filter *)parent->chain);
		on_status(s, tid, child->parked_status);
	}
}

static void
on_exec(struct sup *s, struct task *t)
{
	unsigned long msg = 0;
	struct task *old;
	pid_t leader;

	if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) < 0 ||
	    (pid_t)msg == t->tid)
		return;
	/*
	 * A thread other than the leader exec'd and now has the leader's
	 * tid: its record (and chain) moves there, the leader's goes.
	 */
	old = task_find(s, (pid_t)msg);
	if (!old)
		return;
	leader = t->tid;
	task_unlink(s, t);
	task_unlink(s, old);
	task_free(t);
	old->tid = leader;
	task_insert(s, old);
}

/*
 * Stop as the command stopped, with its signal, so the shell reports the
 * job as it would have.  Our disposition of the terminal stops is
 * "ignore", so the default goes back in just for this.
 */
static void
stop_self(struct sup *s, int sig)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	sigset_t set, saved;

	if (sig == SIGSTOP) {
		kill(s->self, SIGSTOP);
		return;
	}
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, &saved);
	sigaction(sig, &dfl, &old);
	raise(sig);
	sigaction(sig, &old, NULL);
	sigprocmask(SIG_SETMASK, &saved, NULL);
}

static void
on_stop(struct sup *s, struct task *t, int status)
{
	int sig = WSTOPSIG(status), event = status >> 16;

	s->st.stops++;
	if (sig == (SIGTRAP | 0x80)) {
		on_syscall_stop(s, t);
		return;
	}
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		on_syscall_stop(s, t);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_task(s, t, event);
		resume(s, t, 0);
		return;
	case PTRACE_EVENT_EXEC:
		t->pre_exec = false;
		t->restart_due = false;
		if (t->tgid == s->main_pid)
			s->exec_done = true;
		resume(s, t, 0);
		return;
	case PTRACE_EVENT_STOP:
		if (t->vkill) {
			vsyscall_kill_thread(s, t);
			return;
		}
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
		    sig == SIGTTOU) {
			/* a group-stop: stay stopped, but see SIGCONT */
			t->job_stopped = true;
			t->restart_due = false;
			if (ptrace(PTRACE_LISTEN, t->tid, 0, 0) < 0 &&
			    errno != ESRCH)
				fail(s, -errno);
			/*
			 * The command stopped: so do we, and the shell sees
			 * the job stopped.  Not for the launcher's own stop
			 * before its exec.
			 */
			if (t->tid == s->main_pid && !s->main_done &&
			    s->exec_done && !s->stop_inside)
				stop_self(s, sig);
			return;
		}
		resume(s, t, 0);
		return;
	case 0:
		break;
	default:
		resume(s, t, 0);
		return;
	}
	/* a signal-delivery stop */
	if (sig == SIGSYS && t->trap_armed) {
		siginfo_t si;

		if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) == 0 &&
		    si.si_code == SI_TKILL && si.si_pid == s->self) {
			t->trap_armed = false;
			if (ptrace(PTRACE_SETSIGINFO, t->tid, 0, &t->trap_si) <
				0 &&
			    errno != ESRCH) {
				kill(t->tgid, SIGKILL);
				return;
			}
			resume(s, t, sig);
			return;
		}
	}
	if (t->tgid == s->main_pid && (sig == SIGSTOP || sig == SIGTSTP ||
				       sig == SIGTTIN || sig == SIGTTOU)) {
		siginfo_t si;

		/*
		 * A process of the sandbox stopping the command expects to
		 * continue it too, which it cannot while we are stopped.
		 */
		s->stop_inside =
		    ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) == 0 &&
		    si.si_code <= 0 && si.si_pid > 0 && task_find(s, si.si_pid);
	}
	/*
	 * A signal the kernel would have discarded goes on as if it had
	 * been; any other's handler runs first, or it ends the process, and
	 * no restart follows unjudged.
	 */
	resume(s, t, on_discarded(s, t, sig) ? 0 : sig);
}

static void
on_status(struct sup *s, pid_t tid, int status)
{
	struct task *t = task_find(s, tid);

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (tid == s->main_pid && !s->main_done) {
			s->main_done = true;
			s->main_status = status;
		}
		if (t) {
			task_unlink(s, t);
			task_free(t);
		}
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	if (WSTOPSIG(status) == SIGTRAP && status >> 16 == PTRACE_EVENT_EXEC &&
	    t) {
		on_exec(s, t);
		t = task_find(s, tid);
	}
	if (!t) {
		/* a new task before its parent's clone event: hold it */
		t = task_add(s, tid, tgid_of(tid));
		if (!t) {
			kill(tid, SIGKILL);
			fail(s, -ENOMEM);
			return;
		}
		if (t->tgid < 0)
			t->tgid = tid;
		t->parked = true;
		t->parked_status = status;
		if (s->main_done && !s->cfg->wait_all)
			kill(tid, SIGKILL);
		return;
	}
	if (t->parked) {
		t->parked_status = status;
		return;
	}
	on_stop(s, t, status);
}

/* ---- signals to the supervisor ---- */

/*
 * The event loop blocks in waitpid(), one call per stop, so signals sent
 * to the supervisor are handled in a handler, which forwards them itself:
 * nothing can be lost between a check and the wait.  The handler sees
 * only these, which are set before the first target runs.
 */
static volatile sig_atomic_t fwd_pid;
static pid_t fwd_self;

/* The signals the supervisor lets the target decide about, as system(). */
static const int ignored_signals[] = { SIGINT,	SIGQUIT, SIGTSTP,
				       SIGTTIN, SIGTTOU, SIGPIPE };

/* Is @pid traced by us?  Async-signal-safe: open, read and close. */
static bool
traced_by_us(pid_t pid)
{
	char path[40], buf[1024], *p, *end;
	long tracer = 0;
	ssize_t n;
	int fd, i = 0;
	unsigned long v = (unsigned long)pid;
	char digits[24];

	if (pid <= 0)
		return false;
	memcpy(path, "/proc/", 6);
	do
		digits[i++] = (char)('0' + v % 10);
	while ((v /= 10) && i < (int)sizeof(digits));
	for (n = 0; i > 0; n++)
		path[6 + n] = digits[--i];
	memcpy(path + 6 + n, "/status", 8);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strstr(buf, "TracerPid:");
	if (!p)
		return false;
	for (p += 10; *p == '\t' || *p == ' '; p++)
		;
	for (end = p; *end >= '0' && *end <= '9'; end++)
		tracer = tracer * 10 + (*end - '0');
	return tracer == fwd_self;
}

static void
on_signal(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;

	(void)uc;
	/*
	 * Forward what was sent to us alone.  What a target sent to its
	 * group or to everyone has reached the targets already, and what the
	 * kernel sent (a hangup) went to the foreground group.
	 */
	if (si->si_code > 0 || traced_by_us(si->si_pid)) {
		errno = saved;
		return;
	}
	if (fwd_pid > 0) {
		kill(fwd_pid, sig);
	} else if (fwd_pid < 0) {
		/*
		 * The command is gone and we wait for what it left: the
		 * signal ends us, and the kernel ends them (EXITKILL).
		 */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	errno = saved;
}

/*
 * The faults: one the kernel raised is real, and ends us as it would have
 * (with the default action, from the faulting instruction); one that
 * someone sent is absorbed, or forwarded like the others.
 */
static void
on_fault(int sig, siginfo_t *si, void *uc)
{
	if (si->si_code > 0 || si->si_pid == fwd_self) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	on_signal(sig, si, uc);
}

/* The first real-time signal, which glibc hides from SIGRTMIN. */
#define SIGRTMIN_GLIBC 32

static void
raw_disposition(int sig, void (*handler)(int))
{
	/* the kernel's struct sigaction: handler, flags, restorer, mask */
	struct {
		void (*handler)(int);
		unsigned long flags;
		void (*restorer)(void);
		uint64_t mask;
	} act = { handler, 0, NULL, 0 };

	syscall(SYS_rt_sigaction, sig, &act, NULL, sizeof(act.mask));
}

/*
 * Set the supervisor's dispositions; @ret_old receives the old ones, for
 * the launcher to put back before exec (an ignored signal stays ignored
 * across execve).
 */
static void
signals_setup(struct sigaction ret_old[NSIG])
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	struct sigaction fwd = { .sa_sigaction = on_signal,
				 .sa_flags = SA_SIGINFO };
	struct sigaction fault = { .sa_sigaction = on_fault,
				   .sa_flags = SA_SIGINFO };
	size_t i;
	int sig;

	sigfillset(&fwd.sa_mask);
	sigfillset(&fault.sa_mask);
	/*
	 * glibc keeps two real-time signals for itself and refuses to change
	 * them, but their default action ends a process, and a target may
	 * send them to our group: ignore them through the kernel directly.
	 */
	raw_disposition(SIGRTMIN_GLIBC, SIG_IGN);
	raw_disposition(SIGRTMIN_GLIBC + 1, SIG_IGN);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, NULL, &ret_old[sig]);
	for (i = 0; i < sizeof(ignored_signals) / sizeof(ignored_signals[0]);
	     i++)
		sigaction(ignored_signals[i], &ign, NULL);
	for (sig = 1; sig < NSIG; sig++) {
		switch (sig) {
		case SIGKILL:
		case SIGSTOP:
		case SIGCHLD:
		case SIGCONT:
		case SIGWINCH:
		case SIGURG:
		case SIGSEGV:
		case SIGBUS:
		case SIGILL:
		case SIGFPE:
		case SIGTRAP:
		case SIGABRT:
		case SIGSYS:
			sigaction(sig, &fault, NULL);
			continue;
		default:
			break;
		}
		/* leave alone what the caller ignores, and our own ignores */
		if (ret_old[sig].sa_handler == SIG_IGN)
			continue;
		for (i = 0;
		     i < sizeof(ignored_signals) / sizeof(ignored_signals[0]);
		     i++)
			if (sig == ignored_signals[i])
				break;
		if (i < sizeof(ignored_signals) / sizeof(ignored_signals[0]))
			continue;
		/* glibc refuses its own two real-time signals: fine */
		sigaction(sig, &fwd, NULL);
	}
}

static void
signals_restore(const struct sigaction old[NSIG])
{
	int sig;

	raw_disposition(SIGRTMIN_GLIBC, SIG_DFL);
	raw_disposition(SIGRTMIN_GLIBC + 1, SIG_DFL);
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &old[sig], NULL);
}

/* ---- launch ---- */

enum {
	STAGE_NOT_FOUND = 1,
	STAGE_EXEC,
	STAGE_CAPS,
	STAGE_NNP,
	STAGE_FILTER
};

struct launch_err {
	int stage;
	int err;
};

static void __attribute__((noreturn))
child_fail(int fd, int stage, int err, int code)
{
	struct launch_err le = { stage, err };
	ssize_t n __attribute__((unused));

	n = write(fd, &le, sizeof(le));
	_exit(code);
}

static int
drop_caps(const struct tracer_config *cfg)
{
	cap_value_t c, last = (cap_value_t)cap_max_bits() - 1;
	cap_t caps;
	int r = 0;

	caps = cap_get_proc();
	if (!caps)
		return -errno;
	for (c = 0; c <= last; c++) {
		bool keep = cfg->caps_given ? (cfg->keep_caps >> c) & 1
					    : c != CAP_SYS_PTRACE;

		if (keep)
			continue;
		if (cap_get_bound(c) == 1 && cap_drop_bound(c) < 0 &&
		    (errno != EPERM || geteuid() == 0)) {
			r = -errno;
			break;
		}
		cap_set_flag(caps, CAP_EFFECTIVE, 1, &c, CAP_CLEAR);
		cap_set_flag(caps, CAP_PERMITTED, 1, &c, CAP_CLEAR);
		cap_set_flag(caps, CAP_INHERITABLE, 1, &c, CAP_CLEAR);
		if (CAP_AMBIENT_SUPPORTED())
			cap_set_ambient(c, CAP_CLEAR);
	}
	if (r == 0 && cap_set_proc(caps) < 0)
		r = -errno;
	cap_free(caps);
	return r;
}

/* execvp(3)'s search, done before the filter goes in */
static int
find_command(const char *name, char **ret)
{
	const char *path = getenv("PATH"), *p, *end;
	bool denied = false;
	struct stat st;

	if (strchr(name, '/')) {
		*ret = strdup(name);
		return *ret ? 0 : -ENOMEM;
	}
	if (!path)
		path = "/bin:/usr/bin";
	for (p = path;; p = end + 1) {
		char *cand;

		end = strchrnul(p, ':');
		if (asprintf(&cand, "%.*s%s%s", (int)(end - p), p,
			     end == p ? "" : "/", name) < 0)
			return -ENOMEM;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(cand, X_OK) == 0) {
				*ret = cand;
				return 0;
			}
			denied = true;
		}
		free(cand);
		if (!*end)
			break;
	}
	return denied ? -EACCES : -ENOENT;
}

static void __attribute__((noreturn))
child_main(const struct tracer_config *cfg, int fd, int go,
	   const struct sigaction *old_act, const struct sock_fprog *pf,
	   pid_t parent)
{
	char *path = NULL, c;
	ssize_t n;
	int r;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	signals_restore(old_act);
	/*
	 * Wait here until the supervisor has seized us.  Not in a stop: a
	 * SIGCONT from anyone would end that early, untraced.
	 */
	while ((n = read(go, &c, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		_exit(125);
	close(go);
	r = find_command(cfg->argv[0], &path);
	if (r < 0)
		child_fail(fd, STAGE_NOT_FOUND, -r,
			   r == -ENOENT ? TRACER_EXIT_NOT_FOUND
					: TRACER_EXIT_CANNOT_EXEC);
	r = drop_caps(cfg);
	if (r < 0)
		child_fail(fd, STAGE_CAPS, -r, 125);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(fd, STAGE_NNP, errno, 125);
	if (pf && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, pf) < 0)
		child_fail(fd, STAGE_FILTER, errno, 125);
	execve(path, cfg->argv, environ);
	child_fail(fd, STAGE_EXEC, errno,
		   errno == ENOENT ? TRACER_EXIT_NOT_FOUND
				   : TRACER_EXIT_CANNOT_EXEC);
}

static pid_t
tracer_of(pid_t pid)
{
	char path[64], line[128];
	pid_t tracer = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %d", &tracer) == 1)
			break;
	fclose(f);
	return tracer;
}

static int
launch(struct sup *s, const struct sigaction *old_act)
{
	const struct tracer_config *cfg = s->cfg;
	struct sock_filter *pf = NULL;
	struct sock_fprog fprog;
	size_t pf_len = 0;
	int fds[2], go[2] = { -1, -1 }, status, r;
	pid_t pid;
	struct task *t;

	if (s->prefilter)
		r = tracer_prefilter(cfg->chain, cfg->strict, &pf, &pf_len);
	else if (s->kfilter)
		r = tracer_vsyscall_filter(&pf, &pf_len);
	else
		r = 0;
	if (r < 0) {
		warnx_(s, "cannot build the kernel prefilter: %s",
		       strerror(-r));
		return r;
	}
	fprog.len = (unsigned short)pf_len;
	fprog.filter = pf;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		r = -errno;
		free(pf);
		return r;
	}
	if (pipe2(go, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		r = -errno;
		warnx_(s, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(fds[0]);
		close(go[1]);
		child_main(cfg, fds[1], go[0], old_act, pf ? &fprog : NULL,
			   s->self);
	}
	close(fds[1]);
	fds[1] = -1;
	close(go[0]);
	go[0] = -1;
	s->exec_pipe = fds[0];
	fds[0] = -1;
	s->main_pid = pid;
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_OPTIONS) < 0) {
		r = -errno;
		pid_t other = tracer_of(pid);

		if (errno == EPERM && other > 0 && other != s->self)
			warnx_(s,
			       "cannot trace the command: it is already "
			       "traced by process %d (a debugger, or strace "
			       "-f, above sandbox-run?)",
			       other);
		else
			warnx_(s, "cannot trace the command: ptrace: %s%s",
			       strerror(-r),
			       -r == EPERM
				   ? " (ptrace is not permitted here: a "
				     "container without CAP_SYS_PTRACE, a "
				     "seccomp profile that denies ptrace, or a "
				     "Yama ptrace_scope of 3)"
				   : "");
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		goto out;
	}
	t = task_add(s, pid, pid);
	if (!t) {
		r = -ENOMEM;
		kill(pid, SIGKILL);
		goto out;
	}
	t->chain =
	    cfg->chain ? bpf_filter_ref((struct bpf_filter *)cfg->chain) : NULL;
	/* only without the prefilter do the launcher's own calls stop */
	t->pre_exec = !s->prefilter;
	/*
	 * A stop to resume it from, with PTRACE_SYSCALL or PTRACE_CONT; any
	 * signal it gets meanwhile is its own.
	 */
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) {
		r = -errno;
		goto out;
	}
	for (;;) {
		if (waitpid(pid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			goto out;
		}
		if (!WIFSTOPPED(status)) {
			warnx_(s,
			       "the launcher ended before it started "
			       "(status 0x%x)",
			       status);
			r = -ECHILD;
			goto out;
		}
		if (status >> 16 == PTRACE_EVENT_STOP)
			break;
		if (ptrace(PTRACE_CONT, pid, 0, WSTOPSIG(status)) < 0) {
			r = -errno;
			goto out;
		}
	}
	if (write(go[1], "", 1) != 1) {
		r = -errno;
		goto out;
	}
	resume(s, t, 0);
	r = 0;
out:
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	free(pf);
	return r;
}

static void
read_exec_error(struct sup *s)
{
	struct launch_err le;
	ssize_t n;

	if (s->exec_pipe < 0)
		return;
	n = read(s->exec_pipe, &le, sizeof(le));
	if (n == (ssize_t)sizeof(le)) {
		s->exec_stage = le.stage;
		s->exec_err = le.err;
	}
	close(s->exec_pipe);
	s->exec_pipe = -1;
}

static int
setup_abis(struct sup *s)
{
	const struct bpf_cache_layout *lay = arch_cache_layout_host();
	const struct arch_abi *x32 = arch_abi_by_name("x32");
	size_t i, j;

	for (i = 0; i < lay->n_abis && s->n_abis < BPF_CACHE_MAX_ABIS; i++) {
		const struct arch_abi *abi =
		    arch_abi_by_audit(lay->abi[i].audit_arch, 0);
		struct abi_info *ai = &s->abis[s->n_abis++];

		ai->abi = abi;
		for (j = 0; j < SP_COUNT; j++)
			ai->nr[j] = arch_syscall_nr(abi, special_names[j]);
		ai->harmless = arch_harmless_nr(abi);
		/* x32 calls come through the same arch value */
		if (x32 && x32->audit_arch == abi->audit_arch &&
		    s->n_abis < BPF_CACHE_MAX_ABIS) {
			ai = &s->abis[s->n_abis++];
			ai->abi = x32;
			for (j = 0; j < SP_COUNT; j++)
				ai->nr[j] =
				    arch_syscall_nr(x32, special_names[j]);
			ai->harmless = arch_harmless_nr(x32);
		}
	}
	return 0;
}

/*
 * Can this kernel stop us with SECCOMP_RET_TRACE?  Without seccomp
 * filters, every call stops instead (DESIGN.md).
 */
static bool
seccomp_traces(void)
{
	uint32_t act = SECCOMP_RET_TRACE;

	return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &act) == 0;
}

static void
log_exit(struct sup *s)
{
	json_object *o;

	if (s->cfg->log_fd < 0 || s->err)
		return;
	o = log_start("exit");
	if (WIFEXITED(s->main_status))
		json_object_object_add(
		    o, "exit_status",
		    json_object_new_int(WEXITSTATUS(s->main_status)));
	else if (WIFSIGNALED(s->main_status))
		json_object_object_add(
		    o, "signal", json_object_new_int(WTERMSIG(s->main_status)));
	json_object_object_add(o, "stops",
			       json_object_new_int64((int64_t)s->st.stops));
	json_object_object_add(
	    o, "syscall_stops",
	    json_object_new_int64((int64_t)s->st.syscall_stops));
	json_object_object_add(o, "decisions",
			       json_object_new_int64((int64_t)s->st.decisions));
	json_object_object_add(o, "denied",
			       json_object_new_int64((int64_t)s->st.denied));
	json_object_object_add(o, "tasks",
			       json_object_new_int64((int64_t)s->st.tasks));
	log_write(s, o);
	json_object_put(o);
}

int
tracer_run(const struct tracer_config *cfg, int *ret_status,
	   struct tracer_stats *ret_stats)
{
	struct sigaction *old_act = NULL;
	struct sup *s;
	int r, status;
	size_t i;

	if (!cfg->argv || !cfg->argv[0] || (!cfg->chain && !cfg->strict))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	old_act = calloc(NSIG, sizeof(*old_act));
	if (!s || !old_act) {
		free(s);
		free(old_act);
		return -ENOMEM;
	}
	s->cfg = cfg;
	s->self = getpid();
	s->pgrp = getpgrp();
	s->exec_pipe = -1;
	s->prefilter = cfg->prefilter && seccomp_traces();
	/* without the prefilter, the vsyscall page still needs a filter */
	s->kfilter = s->prefilter || (arch_vsyscall_page() && seccomp_traces());
	setup_abis(s);

	/* orphans of the tree come to us, and stay in reach */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	fwd_self = s->self;
	fwd_pid = 0;
	signals_setup(old_act);
	r = launch(s, old_act);
	if (r < 0)
		goto out;
	fwd_pid = s->main_pid;
	/* after the fork, so the launcher could still be seized */
	prctl(PR_SET_DUMPABLE, 0);

	for (;;) {
		pid_t tid;

		if (s->main_done) {
			fwd_pid = -1;
			if (!s->cfg->wait_all && !s->killed_rest)
				kill_all(s);
		}
		tid = waitpid(-1, &status, __WALL);
		if (tid > 0)
			on_status(s, tid, status);
		else if (errno != EINTR)
			break; /* ECHILD: nothing left */
	}
	fwd_pid = 0;
	read_exec_error(s);
	if (s->exec_stage) {
		const char *what = "cannot run";

		switch (s->exec_stage) {
		case STAGE_CAPS:
			what = "cannot drop capabilities for";
			break;
		case STAGE_NNP:
			what = "cannot set no_new_privs for";
			break;
		case STAGE_FILTER:
			what = "cannot install the kernel prefilter for";
			break;
		default:
			break;
		}
		warnx_(s, "%s '%s': %s", what, cfg->argv[0],
		       strerror(s->exec_err));
		if (s->exec_stage >= STAGE_CAPS && s->err == 0)
			s->err = -s->exec_err;
	}
	log_exit(s);
	r = s->err;
	*ret_status = s->main_status;
	if (ret_stats)
		*ret_stats = s->st;
out:
	if (s->exec_pipe >= 0)
		close(s->exec_pipe);
	for (i = 0; i < TASK_BUCKETS; i++)
		while (s->tab[i]) {
			struct task *t = s->tab[i];

			s->tab[i] = t->next;
			task_free(t);
		}
	signals_restore(old_act);
	free(old_act);
	free(s);
	return r;
}
