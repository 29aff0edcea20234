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
#include <limits.h>
#include <stdarg.h>
#include <sched.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/ptrace.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/ptrace.h>
#include <linux/seccomp.h>

#include <json-c/json.h>

#include "notify/hub.h"
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
	SP_PPOLL,
	SP_SOCKET,
	SP_RECVMSG,
	SP_DUP3,
	SP_CLOSE,
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
	"ppoll",
	"socket",
	"recvmsg",
	"dup3",
	"close",
};

struct abi_info {
	const struct arch_abi *abi;
	int32_t nr[SP_COUNT];
	int32_t harmless;
};

/* The call at hand. */
struct call {
	struct ptrace_syscall_info info;
	struct seccomp_data sd;
	const struct arch_abi *abi;
	const struct abi_info *ai;
	int op; /* PTRACE_SYSCALL_INFO_SECCOMP or _ENTRY */
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
	bool restart_due; /* see on_woken() */
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
	/* a call that waits for an agent (see "user notifications") */
	struct notify_item *notif;
	struct arch_regs notif_regs; /* at the call's stop */
	struct call notif_call;
	bool notif_parked; /* in our ppoll; else held in that stop */
	bool intr_pending; /* our PTRACE_INTERRUPT, its stop not yet seen */
	bool cont_due;	   /* the answer was CONTINUE: the call comes again */
	struct seccomp_data cont_sd; /* that call, to the letter */
	const struct arch_abi *cont_abi;
	bool held; /* held still for an fd injection; see held_status */
	int held_status;
	/* signals to deliver again, with their siginfo, oldest first */
	siginfo_t resig[8];
	unsigned int n_resig;
	bool resig_armed; /* resig[0] is on its way (tgkill) */
	bool notif_done;  /* ADDFD with SEND finished the call */
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
	struct notify_hub *hub; /* agents, if any may come */
	int sigfd;		/* SIGCHLD, for the event loop that polls */
	bool polling;		/* agents or a watched fd: poll, not block */
	bool watching;		/* the config's watch_fd is still polled */
	bool agents_gone;	/* the last agent left: answer at once */
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

	if (t->notif) {
		/* it died waiting */
		notify_hub_withdraw(s->hub, t->notif, SBX_CANCEL_EXIT);
		t->notif = NULL;
	}
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

/*
 * Let call @c run (@ret and @match say why, for the log): the
 * supervisor's own guards still apply.  Returns 0 with the call set up to
 * run, or -errno when it could not be applied.
 */
static int
allow_call(struct sup *s, struct task *t, const struct call *c, uint32_t ret,
	   const struct bpf_filter *match)
{
	int64_t refuse;
	int r = 0;

	if (is_call(c, SP_SECCOMP) || is_call(c, SP_PRCTL))
		refuse = guard_seccomp(s, t, c);
	else
		refuse = guard(s, t, c);
	if (refuse) {
		s->st.denied++;
		log_call(s, t, c->abi, &c->sd, ret, match, "supervisor");
		return skip_call(s, t, c, refuse, PEND_RETURN);
	}
	/* the prefilter stops these to see restarts coming */
	if (s->prefilter && c->abi && c->op != PTRACE_SYSCALL_INFO_ENTRY &&
	    tracer_restartable(c->abi, c->sd.nr))
		t->want_exit = true;
	if (is_call(c, SP_CLONE) && (c->sd.args[0] & CLONE_UNTRACED)) {
		struct arch_regs regs;

		/* a child nobody traces would run unconfined */
		r = arch_regs_fetch(t->tid, &regs);
		if (r == 0 && arch_regs_abi_ok(&regs, c->abi)) {
			arch_set_arg(&regs, c->abi, 0,
				     c->sd.args[0] & ~(uint64_t)CLONE_UNTRACED);
			r = arch_regs_store(t->tid, &regs);
		} else if (r == 0) {
			r = -EOPNOTSUPP;
		}
	}
	return r;
}

/* ---- user notifications ---- */

/*
 * A call a filter sends to SECCOMP_RET_USER_NOTIF waits for an agent
 * (src/notify/hub.h has the protocol side).  The kernel's waiter sleeps
 * interruptibly, so a signal ends the wait: the notification goes, and
 * the call returns -ERESTARTSYS into the signal code, which turns it into
 * EINTR or a restart that is judged again (kernel/seccomp.c:
 * seccomp_do_user_notification()).  A thread held in a ptrace stop sees no
 * signals, so the waiting thread is parked in a real interruptible wait
 * instead, an injected ppoll(NULL, 0, NULL, NULL), which a signal or our
 * PTRACE_INTERRUPT ends.  Its registers at the call's stop are kept, to
 * finish the call with the answer, or to hand the signal the call itself.
 */

static bool sig_discarded(pid_t tid, int sig);
static bool on_woken(struct sup *s, struct task *t, int sig);

/* The result of a notification once the last agent has gone. */
static int64_t
notif_lost_ret(const struct sup *s)
{
	if (s->cfg->agent_loss == TRACER_LOSS_ERRNO)
		return -(int64_t)s->cfg->agent_loss_errno;
	return -ENOSYS;
}

/*
 * Can @t wait in ppoll?  The kernel runs the filters on it: ours let it
 * through (the prefilter's SECCOMP_RET_TRACE counts as allow when a
 * tracer changed the call), but one of the target's own might not.
 */
static bool
notif_can_park(const struct sup *s, const struct task *t, const struct call *c)
{
	struct seccomp_data sd = c->sd;
	uint32_t act;

	if (!c->ai || c->ai->nr[SP_PPOLL] < 0)
		return false;
	if (t->chain == s->cfg->chain)
		return true;
	sd.nr = c->ai->nr[SP_PPOLL];
	memset(sd.args, 0, sizeof(sd.args));
	act = bpf_ret_action(bpf_chain_eval(t->chain, &sd, NULL));
	return act == BPF_ACT_ALLOW || act == BPF_ACT_LOG;
}

/* Is @c our ppoll for @t's notification, run again? */
static bool
notif_is_park(const struct task *t, const struct call *c)
{
	const struct call *nc = &t->notif_call;

	return t->notif_parked && c->abi == nc->abi && nc->ai &&
	       c->sd.nr == nc->ai->nr[SP_PPOLL] &&
	       c->sd.instruction_pointer == nc->sd.instruction_pointer;
}

/* Put @t's call into ppoll, in place: @regs are the call's. */
static int
notif_park_regs(struct task *t, struct arch_regs *regs, bool rewind)
{
	const struct call *nc = &t->notif_call;
	unsigned int i;

	if (rewind)
		arch_rewind_syscall(regs, nc->abi, nc->ai->nr[SP_PPOLL]);
	else
		arch_set_nr(regs, nc->abi, nc->ai->nr[SP_PPOLL]);
	for (i = 0; i < ARCH_MAX_ARGS; i++)
		arch_set_arg(regs, nc->abi, i, 0);
	return arch_regs_store(t->tid, regs);
}

static int
notif_begin(struct sup *s, struct task *t, const struct call *c)
{
	struct arch_regs regs;
	int r;

	if (!c->abi)
		return -EOPNOTSUPP;
	r = arch_regs_fetch(t->tid, &regs);
	if (r < 0)
		return r;
	if (!arch_regs_abi_ok(&regs, c->abi))
		return -EOPNOTSUPP;
	r = notify_hub_queue(s->hub, t->tid, &c->sd, t, &t->notif);
	if (r < 0)
		return r;
	s->st.notifications++;
	t->notif_regs = regs;
	t->notif_call = *c;
	t->notif_parked = false;
	if (notif_can_park(s, t, c)) {
		r = notif_park_regs(t, &regs, false);
		if (r < 0) {
			notify_hub_withdraw(s->hub, t->notif, SBX_CANCEL_EXIT);
			t->notif = NULL;
			return r;
		}
		t->notif_parked = true;
		resume(s, t, 0);
	}
	/* else it waits in its stop, where signals cannot reach it */
	return 0;
}

/* Deliver the next held signal, if any (see on_stop()). */
static void
notif_resignal(struct sup *s, struct task *t)
{
	if (t->n_resig == 0 || t->resig_armed)
		return;
	if (syscall(SYS_tgkill, t->tgid, t->tid, t->resig[0].si_signo) < 0) {
		t->n_resig = 0;
		return;
	}
	t->resig_armed = true;
}

static void
notif_hold_signal(struct task *t, const siginfo_t *si)
{
	unsigned int i;

	/* a standard signal already held stays one, as a pending one */
	if (si->si_signo < SIGRTMIN)
		for (i = 0; i < t->n_resig; i++)
			if (t->resig[i].si_signo == si->si_signo)
				return;
	if (t->n_resig < sizeof(t->resig) / sizeof(t->resig[0]))
		t->resig[t->n_resig++] = *si;
}

/*
 * The answer is in: write the registers that finish @t's call with it.
 * @rewind: @t is past the call's stop (an interrupt or signal stop, or an
 * injected call's exit), so CONTINUE issues the call again; else it is
 * still in the call's own stop.
 */
static int
notif_answer_regs(struct sup *s, struct task *t, bool rewind)
{
	struct notify_item *n = t->notif;
	const struct call *nc = &t->notif_call;
	struct arch_regs regs = t->notif_regs;
	int r = 0;

	if (n->flags & SECCOMP_USER_NOTIF_FLAG_CONTINUE) {
		if (rewind) {
			arch_rewind_syscall(&regs, nc->abi, nc->sd.nr);
			t->cont_due = true;
			t->cont_sd = nc->sd;
			t->cont_abi = nc->abi;
			r = arch_regs_store(t->tid, &regs);
		} else {
			r = allow_call(s, t, nc, SECCOMP_RET_ALLOW, NULL);
		}
	} else if (!rewind && nc->op == PTRACE_SYSCALL_INFO_ENTRY) {
		r = skip_call(s, t, nc, n->error ? n->error : n->val,
			      PEND_RETURN);
	} else {
		/* -1: no restart, even for an answer of -ERESTARTSYS */
		arch_set_nr(&regs, nc->abi, -1);
		arch_set_return(&regs, nc->abi, n->error ? n->error : n->val);
		r = arch_regs_store(t->tid, &regs);
	}
	notify_hub_finish(s->hub, n);
	t->notif = NULL;
	t->notif_parked = false;
	return r;
}

/*
 * A signal ended @t's wait (it is in that signal's stop, or a group-stop):
 * the notification goes, and the call returns -ERESTARTSYS for the signal
 * code to act on.
 */
static int
notif_interrupted(struct sup *s, struct task *t, uint32_t why)
{
	struct arch_regs regs = t->notif_regs;
	const struct call *nc = &t->notif_call;

	notify_hub_withdraw(s->hub, t->notif, why);
	t->notif = NULL;
	t->notif_parked = false;
	arch_set_return(&regs, nc->abi, -ERESTARTSYS);
	return arch_regs_store(t->tid, &regs);
}

static void
notif_fail(struct sup *s, struct task *t, int r)
{
	if (r == -ESRCH)
		return;
	warnx_(s, "cannot finish the notified call of task %d (%s); killing it",
	       t->tid, strerror(-r));
	kill(t->tgid, SIGKILL);
}

/*
 * A default action that ends the process: such a signal still ends a
 * killable wait.
 */
static bool
sig_fatal(pid_t tid, int sig)
{
	unsigned long long ign = 0, cgt = 0, bit = 1ULL << (sig - 1);

	if (sig < 1 || sig > 64 || sig_masks(tid, &ign, &cgt) < 0)
		return true;
	if ((ign | cgt) & bit)
		return false;
	switch (sig) {
	case SIGCHLD:
	case SIGCONT:
	case SIGURG:
	case SIGWINCH:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return false;
	default:
		return true;
	}
}

/*
 * @t, answered, stopped for our wake-up (its interrupt stop, or with
 * PTRACE_SYSCALL the park's exit stop): finish the call and let it go.
 */
static void
notif_finish_woken(struct sup *s, struct task *t)
{
	int r;

	t->intr_pending = false;
	r = notif_answer_regs(s, t, true);
	if (r < 0) {
		notif_fail(s, t, r);
		return;
	}
	/* held signals first: their handlers run as the call returns */
	notif_resignal(s, t);
	resume(s, t, 0);
}

/*
 * A stop of @t, whose call waits for an agent.  Returns true if it was
 * handled here; false to go on with the ordinary handling (the wait has
 * ended by then, or it is not ours to handle).
 */
static bool
notif_on_stop(struct sup *s, struct task *t, int status)
{
	int sig = WSTOPSIG(status), event = status >> 16, r;
	struct notify_item *n = t->notif;
	struct call c;

	if (!t->notif_parked)
		return false;
	if (sig == (SIGTRAP | 0x80) || event == PTRACE_EVENT_SECCOMP) {
		s->st.syscall_stops++;
		r = get_call(t, &c, s);
		if (r < 0) {
			notif_fail(s, t, r);
			return true;
		}
		/*
		 * Resumed with PTRACE_SYSCALL, the thread reports our
		 * interrupt as the park's exit stop: ptrace_stop() clears a
		 * pending interrupt trap.
		 */
		if (c.op == PTRACE_SYSCALL_INFO_EXIT && t->intr_pending &&
		    n->state == NOTIFY_REPLIED) {
			notif_finish_woken(s, t);
			return true;
		}
		/* the park's exit stop, or the park again after a restart */
		if (c.op == PTRACE_SYSCALL_INFO_EXIT || notif_is_park(t, &c)) {
			resume(s, t, 0);
			return true;
		}
		notif_fail(s, t, -EPROTO);
		return true;
	}
	if (event == PTRACE_EVENT_STOP && sig == SIGTRAP) {
		if (n->state != NOTIFY_REPLIED) {
			t->intr_pending = false;
			resume(s, t, 0); /* ppoll restarts */
			return true;
		}
		notif_finish_woken(s, t);
		return true;
	}
	if (event == PTRACE_EVENT_STOP) {
		/* a group-stop ends the wait as a signal does */
		r = n->state == NOTIFY_REPLIED
			? notif_answer_regs(s, t, true)
			: notif_interrupted(s, t, SBX_CANCEL_SIGNAL);
		if (r < 0)
			notif_fail(s, t, r);
		return r < 0;
	}
	if (event != 0) {
		resume(s, t, 0);
		return true;
	}
	/* a signal-delivery stop */
	if (n->state == NOTIFY_REPLIED) {
		/* the answer came first: the call ends with it */
		r = notif_answer_regs(s, t, true);
		if (r < 0)
			notif_fail(s, t, r);
		return r < 0;
	}
	if (sig_discarded(t->tid, sig)) {
		resume(s, t, 0); /* the kernel would not have queued it */
		return true;
	}
	if (s->cfg->wait_killable_recv && n->state == NOTIFY_SENT &&
	    !sig_fatal(t->tid, sig)) {
		siginfo_t si;

		/* received: only a fatal signal ends the wait now */
		if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) == 0) {
			notif_hold_signal(t, &si);
			resume(s, t, 0);
			return true;
		}
	}
	r = notif_interrupted(s, t, SBX_CANCEL_SIGNAL);
	if (r < 0)
		notif_fail(s, t, r);
	return r < 0;
}

/*
 * Bring @tid, parked for @n, to an interrupt stop and keep it there.
 * Returns 0, or -ESRCH when the wait ended meanwhile (a signal, its
 * death): the task may be gone then, so callers look it up again.
 */
static int
notif_hold(struct sup *s, pid_t tid, const struct notify_item *n)
{
	struct task *t = task_find(s, tid);
	int status;

	if (!t || t->notif != n)
		return -ESRCH;
	if (!t->notif_parked)
		return 0;
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0)
		return -errno;
	t->intr_pending = true;
	for (;;) {
		if (waitpid(tid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (WIFSTOPPED(status) && status >> 16 == PTRACE_EVENT_STOP &&
		    WSTOPSIG(status) == SIGTRAP) {
			s->st.stops++;
			t->intr_pending = false;
			return 0;
		}
		if (WIFSTOPPED(status) &&
		    WSTOPSIG(status) == (SIGTRAP | 0x80) && !s->prefilter) {
			struct ptrace_syscall_info info;

			/* see notif_on_stop(): the interrupt, as an exit stop
			 */
			if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(info),
				   &info) > 0 &&
			    info.op == PTRACE_SYSCALL_INFO_EXIT) {
				s->st.stops++;
				s->st.syscall_stops++;
				t->intr_pending = false;
				return 0;
			}
		}
		on_status(s, tid, status);
		t = task_find(s, tid);
		if (!t || t->notif != n)
			return -ESRCH;
	}
}

/*
 * Hold still every other task that shares @t's file table, so that none
 * can close or dup2 over the fds an injection works with.  Each gets a
 * PTRACE_INTERRUPT and its next stop is kept (held_status) for
 * notif_release().  One that does not stop at once sleeps in the kernel
 * uninterruptibly (a vfork parent, say); the pending interrupt stops it
 * before it runs an instruction of its own.
 */
static size_t
notif_hold_sharers(struct sup *s, struct task *t, pid_t **ret)
{
	pid_t *held = NULL;
	size_t n = 0, cap = 0, i;

	for (i = 0; i < TASK_BUCKETS; i++)
		for (struct task *o = s->tab[i]; o; o = o->next) {
			int status, tries;
			pid_t got = 0;

			if (o == t || o->parked || o->held ||
			    syscall(SYS_kcmp, t->tid, o->tid,
				    2 /* KCMP_FILES */, 0, 0) != 0)
				continue;
			if (ptrace(PTRACE_INTERRUPT, o->tid, 0, 0) < 0)
				continue;
			o->intr_pending = true;
			for (tries = 0; tries < 200 && got == 0; tries++) {
				got =
				    waitpid(o->tid, &status, __WALL | WNOHANG);
				if (got == 0) {
					struct timespec ms = { 0, 500000 };

					nanosleep(&ms, NULL);
				}
			}
			if (got != o->tid)
				continue;
			if (n == cap) {
				pid_t *p = reallocarray(held, cap ? cap * 2 : 8,
							sizeof(*p));

				if (!p) {
					/* the stop is lost otherwise */
					on_status(s, o->tid, status);
					continue;
				}
				held = p;
				cap = cap ? cap * 2 : 8;
			}
			o->held = true;
			o->held_status = status;
			held[n++] = o->tid;
		}
	*ret = held;
	return n;
}

static void
notif_release(struct sup *s, pid_t *held, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct task *o = task_find(s, held[i]);
		int status;

		if (!o || !o->held)
			continue;
		o->held = false;
		status = o->held_status;
		if (WIFSTOPPED(status) && status >> 16 == PTRACE_EVENT_STOP &&
		    WSTOPSIG(status) == SIGTRAP && !o->notif && !o->vkill) {
			/* our interrupt alone: on as if nothing happened */
			s->st.stops++;
			o->intr_pending = false;
			on_woken(s, o, 0);
			resume(s, o, 0);
			continue;
		}
		on_status(s, held[i], status);
	}
	free(held);
}

/* Scratch memory in the target, below the red zone of its stack. */
#define NOTIF_SCRATCH 256

/* The recvmsg(2) arguments, in the ABI's layout, at @at. */
static size_t
notif_msghdr(const struct arch_abi *abi, uint64_t at, unsigned char *buf)
{
	uint64_t iov = at + 64, data = at + 96, ctl = at + 128;

	memset(buf, 0, NOTIF_SCRATCH);
	if (abi->bits == 32) {
		uint32_t v[7] = {
			0, 0, (uint32_t)iov, 1, (uint32_t)ctl, 16, 0
		};
		uint32_t io[2] = { (uint32_t)data, 16 };

		memcpy(buf, v, sizeof(v));
		memcpy(buf + 64, io, sizeof(io));
	} else {
		uint64_t v[7] = { 0, 0, iov, 1, ctl, 24, 0 };
		uint64_t io[2] = { data, 16 };

		memcpy(buf, v, sizeof(v));
		memcpy(buf + 64, io, sizeof(io));
	}
	return NOTIF_SCRATCH;
}

/*
 * The fd the target's recvmsg received, from the scratch memory @buf read
 * back: -EMFILE when the kernel could not install it (MSG_CTRUNC), or
 * -EPROTO for anything but our message.
 */
static int
notif_received(const struct arch_abi *abi, const unsigned char *buf,
	       const unsigned char cookie[16])
{
	uint32_t flags, level, type;
	uint64_t len;
	int32_t fd;

	if (abi->bits == 32) {
		uint32_t l;

		memcpy(&flags, buf + 24, 4);
		memcpy(&l, buf + 128, 4);
		len = l;
		memcpy(&level, buf + 132, 4);
		memcpy(&type, buf + 136, 4);
		memcpy(&fd, buf + 140, 4);
	} else {
		memcpy(&flags, buf + 48, 4);
		memcpy(&len, buf + 128, 8);
		memcpy(&level, buf + 136, 4);
		memcpy(&type, buf + 140, 4);
		memcpy(&fd, buf + 144, 4);
	}
	if (memcmp(buf + 96, cookie, 16) != 0)
		return -EPROTO;
	if (flags & MSG_CTRUNC)
		return -EMFILE;
	if (level != SOL_SOCKET || type != SCM_RIGHTS ||
	    len != (abi->bits == 32 ? 16u : 20u) || fd < 0)
		return -EPROTO;
	return fd;
}

/*
 * Send @fd with @cookie through @mine, a copy of the target's unbound
 * datagram socket: bound to an unnamed abstract address and connected to
 * itself, it takes datagrams from itself alone, so nothing else can slip
 * an fd in.
 */
static int
notif_send_fd(int mine, int fd, const unsigned char cookie[16], bool setup)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	socklen_t alen = sizeof(addr);
	struct iovec iov = { (void *)cookie, 16 };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cm;

	if (setup) {
		if (bind(mine, (struct sockaddr *)&addr, sizeof(sa_family_t)) <
			0 ||
		    getsockname(mine, (struct sockaddr *)&addr, &alen) < 0 ||
		    connect(mine, (struct sockaddr *)&addr, alen) < 0)
			return -errno;
	}
	memset(&ctl, 0, sizeof(ctl));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(mine, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) != 16)
		return -errno;
	return 0;
}

/* One injected call; -errno from the call itself comes back as *@rv. */
static int
notif_call(struct tracer_inject *inj, int32_t nr, uint64_t a0, uint64_t a1,
	   uint64_t a2, int64_t *rv)
{
	uint64_t args[ARCH_MAX_ARGS] = { a0, a1, a2 };

	if (nr < 0)
		return -EOPNOTSUPP;
	return tracer_inject_call(inj, nr, args, rv);
}

/*
 * Raise the target's RLIMIT_NOFILE for an injection at the edge of its
 * table, where the kernel's own ADDFD still has room: the soft limit to
 * the hard one, or with CAP_SYS_RESOURCE both to fs.nr_open.  Open fds
 * may lie above the soft limit, so a step of one or two is not enough.
 * Returns 0 if it could, -EMFILE if not.
 */
static int
notif_raise_nofile(pid_t tgid, const struct rlimit *orig)
{
	struct rlimit rl = *orig;
	unsigned long nr_open = 1024 * 1024;
	FILE *f;

	f = fopen("/proc/sys/fs/nr_open", "re");
	if (f) {
		if (fscanf(f, "%lu", &nr_open) != 1)
			nr_open = 1024 * 1024;
		fclose(f);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= nr_open)
		return -EMFILE;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > nr_open
			  ? nr_open
			  : rl.rlim_max;
	if (rl.rlim_cur > orig->rlim_cur &&
	    prlimit(tgid, RLIMIT_NOFILE, &rl, NULL) == 0)
		return 0;
	rl.rlim_cur = rl.rlim_max = nr_open;
	if (prlimit(tgid, RLIMIT_NOFILE, &rl, NULL) == 0)
		return 0;
	return -EMFILE;
}

/*
 * Lend @t, held (notif_hold()), to tracer_inject: from the interrupt stop
 * it goes back to its syscall instruction with a harmless call, whose
 * syscall-entry stop the injection starts from.  Returns 0, or -ESRCH when
 * that cannot be (a signal came first and ended the wait, or it died),
 * with everything handled.
 */
static int
notif_inject_start(struct sup *s, struct task *t, struct tracer_inject *inj)
{
	const struct call *nc = &t->notif_call;
	struct arch_regs regs = t->notif_regs;
	pid_t tid = t->tid;
	int r, status;

	/* from the interrupt stop to a syscall-entry stop to inject from */
	arch_rewind_syscall(&regs, nc->abi, nc->ai->harmless);
	r = arch_regs_store(tid, &regs);
	if (r == 0 && ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
		r = -errno;
	while (r == 0) {
		if (waitpid(tid, &status, __WALL) < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		s->st.stops++;
		if (WIFSTOPPED(status) &&
		    WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			s->st.syscall_stops++;
			break;
		}
		if (!WIFSTOPPED(status)) {
			on_status(s, tid, status);
			return -ESRCH;
		}
		if (status >> 16 == PTRACE_EVENT_STOP &&
		    WSTOPSIG(status) == SIGTRAP) {
			/* an interrupt trap still pending */
			if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
				r = -errno;
			continue;
		}
		if (status >> 16 == 0 && sig_discarded(tid, WSTOPSIG(status))) {
			if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
				r = -errno;
			continue;
		}
		if (status >> 16 == 0 && s->cfg->wait_killable_recv &&
		    !sig_fatal(tid, WSTOPSIG(status))) {
			siginfo_t si;

			if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) == 0) {
				notif_hold_signal(t, &si);
				if (ptrace(PTRACE_SYSCALL, tid, 0, 0) < 0)
					r = -errno;
				continue;
			}
		}
		/* a signal, before the injection began: it ends the wait */
		r = notif_interrupted(s, t, SBX_CANCEL_SIGNAL);
		if (r < 0) {
			notif_fail(s, t, r);
			return -ESRCH;
		}
		s->st.stops--;
		on_status(s, tid, status);
		return -ESRCH;
	}
	if (r < 0) {
		notif_fail(s, t, r);
		return -ESRCH;
	}
	r = tracer_inject_begin(tid, inj);
	if (r < 0) {
		notif_fail(s, t, r);
		return -ESRCH;
	}
	return 0;
}

/*
 * End an injection into @t: finish its call with @result (ADDFD's SEND),
 * or park it again; hand back the signals that came meanwhile.  Returns
 * 0, or -ESRCH/-EIO when the thread died or had to be killed.
 */
static int
notif_inject_end(struct sup *s, struct task *t, struct tracer_inject *inj,
		 bool finish, int64_t result)
{
	struct arch_regs regs;
	unsigned int i;
	int r;

	s->st.stops += inj->n_stops;
	s->st.syscall_stops += inj->n_syscall_stops;
	if (inj->state == TRACER_INJECT_DEAD) {
		if (inj->have_status)
			on_status(s, inj->tid, inj->wait_status);
		return -ESRCH;
	}
	if (inj->state != TRACER_INJECT_AT_EXIT &&
	    inj->state != TRACER_INJECT_AT_CALL) {
		notif_fail(s, t, -EPROTO);
		return -EIO;
	}
	/* what came meanwhile is sent again, to arrive before it runs on */
	for (i = 0; i < inj->n_signals; i++)
		notif_hold_signal(t, &inj->signals[i]);
	if (inj->stop_signal) {
		siginfo_t si = { .si_signo = inj->stop_signal };

		notif_hold_signal(t, &si);
	}
	notif_resignal(s, t);
	if (finish) {
		/* the call ends with the fd; the hub calls replied() next */
		r = tracer_inject_end_skip(
		    inj, result,
		    s->prefilter ? TRACER_RESUME_CONT : TRACER_RESUME_SYSCALL);
		t->notif_parked = false;
	} else {
		regs = inj->saved;
		r = notif_park_regs(t, &regs,
				    inj->state == TRACER_INJECT_AT_EXIT);
		if (r == 0)
			resume(s, t, 0);
	}
	if (r < 0) {
		notif_fail(s, t, r);
		return -ESRCH;
	}
	return 0;
}

/*
 * A non-dumpable process's memory and fds are closed to a supervisor
 * without CAP_SYS_PTRACE, even its tracer's PEEKDATA and pidfd_getfd: it
 * is made dumpable (an injected prctl) for the moment we need, and put
 * back.  Returns whether it was changed; *@old is what to put back.
 */
static bool
notif_dumpable(struct tracer_inject *inj, const struct abi_info *ai,
	       int64_t *old)
{
	int64_t rv;

	if (notif_call(inj, ai->nr[SP_PRCTL], PR_GET_DUMPABLE, 0, 0, old) < 0 ||
	    *old < 0 || *old == 1)
		return false;
	if (notif_call(inj, ai->nr[SP_PRCTL], PR_SET_DUMPABLE, 1, 0, &rv) < 0 ||
	    rv != 0)
		return false;
	if (*old != 0)
		*old = 0; /* 2 (root-owned dumps) cannot be set back by prctl */
	return true;
}

/* READ_MEM where process_vm_readv is refused: see notif_dumpable(). */
static ssize_t
notif_read_undumpable(struct sup *s, struct task *t, uint64_t addr, void *buf,
		      size_t len)
{
	const struct abi_info *ai = t->notif_call.ai;
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	struct tracer_inject inj;
	ssize_t got = -EPERM;
	int64_t old, rv;
	int r;

	if (!ai || ai->nr[SP_PRCTL] < 0 ||
	    arch_syscall_insn_len(t->notif_call.abi) == 0)
		return -EPERM;
	r = notif_inject_start(s, t, &inj);
	if (r < 0)
		return r;
	if (notif_dumpable(&inj, ai, &old)) {
		got = process_vm_readv(t->tid, &local, 1, &remote, 1, 0);
		if (got < 0)
			got = -errno;
		notif_call(&inj, ai->nr[SP_PRCTL], PR_SET_DUMPABLE,
			   (uint64_t)old, 0, &rv);
	}
	r = notif_inject_end(s, t, &inj, false, 0);
	return r < 0 ? r : got;
}

/*
 * Put @fd into @t's process as the kernel's ADDFD would (@t is at our
 * interrupt stop; see notif_hold()).  The target makes an unbound
 * datagram socket; we take a copy of it with pidfd_getfd (the target
 * never takes anything of ours), send @fd through it, and the target
 * receives it, moves it to the number the kernel would have chosen with
 * dup3 (over the socket itself, the lowest free number before we began,
 * or over newfd), and closes what is left.  Injected calls: socket,
 * recvmsg, dup3, close, and close again for SETFD.
 *
 * Returns the fd number, or -errno with the target as it was.  Leaves @t
 * parked again, or with SEND finished with the fd, and deals with any
 * signal that arrived meanwhile.
 */
static int
notif_inject_fd(struct sup *s, struct task *t,
		const struct seccomp_notif_addfd *req, int fd,
		const struct rlimit *rl)
{
	const struct call *nc = &t->notif_call;
	const struct abi_info *ai = nc->ai;
	const struct arch_abi *abi = nc->abi;
	bool cloexec = req->newfd_flags & O_CLOEXEC, raised = false;
	bool restore_dumpable = false;
	int64_t dumpable = 0;
	unsigned char buf[NOTIF_SCRATCH], cookie[16];
	int64_t sock = -1, got = -1, rv;
	struct tracer_inject inj;
	uint64_t at;
	int r, ret, pidfd = -1, mine = -1;
	int32_t dest = -1;
	unsigned int i;
	pid_t tid = t->tid;

	if (getrandom(cookie, sizeof(cookie), 0) != sizeof(cookie))
		return -EIO;
	r = notif_inject_start(s, t, &inj);
	if (r < 0)
		return r;
	at =
	    (arch_get_sp(&t->notif_regs) - 128 - NOTIF_SCRATCH) & ~(uint64_t)15;

	ret = notif_call(&inj, ai->nr[SP_SOCKET], AF_UNIX,
			 SOCK_DGRAM | SOCK_CLOEXEC, 0, &sock);
	/*
	 * A full table: the kernel's ADDFD still has the slot it needs (none
	 * for SETFD), we need two more, for the socket and the fd received.
	 */
	if (ret == 0 && sock == -EMFILE &&
	    notif_raise_nofile(t->tgid, rl) == 0) {
		raised = true;
		ret = notif_call(&inj, ai->nr[SP_SOCKET], AF_UNIX,
				 SOCK_DGRAM | SOCK_CLOEXEC, 0, &sock);
		/* only a number below the real limit is what ADDFD gives */
		if (ret == 0 && sock >= 0 &&
		    !(req->flags & SECCOMP_ADDFD_FLAG_SETFD) &&
		    (rlim_t)sock >= rl->rlim_cur) {
			int64_t ignore;

			notif_call(&inj, ai->nr[SP_CLOSE], (uint64_t)sock, 0, 0,
				   &ignore);
			sock = -EMFILE;
		}
	}
	if (ret == 0 && sock < 0)
		ret = (int)sock;
	if (ret == 0) {
		pidfd = (int)syscall(SYS_pidfd_open, t->tgid, 0);
		mine = pidfd < 0
			   ? -1
			   : (int)syscall(SYS_pidfd_getfd, pidfd, (int)sock, 0);
		if (mine < 0 && errno == EPERM &&
		    notif_dumpable(&inj, ai, &dumpable)) {
			restore_dumpable = true;
			mine =
			    (int)syscall(SYS_pidfd_getfd, pidfd, (int)sock, 0);
		}
		if (mine < 0)
			ret = -errno;
	}
	if (ret == 0)
		ret = notif_send_fd(mine, fd, cookie, true);
	for (i = 0; ret == 0 && i < 2; i++) {
		notif_msghdr(abi, at, buf);
		ret = write_mem(tid, at, buf, NOTIF_SCRATCH);
		if (ret == 0)
			ret = notif_call(&inj, ai->nr[SP_RECVMSG],
					 (uint64_t)sock, at,
					 MSG_CMSG_CLOEXEC | MSG_DONTWAIT, &rv);
		if (ret == 0 && rv < 0)
			ret = (int)rv;
		if (ret == 0)
			ret = read_mem(tid, at, buf, NOTIF_SCRATCH);
		if (ret == 0)
			ret = notif_received(abi, buf, cookie);
		if (ret >= 0) {
			got = ret;
			ret = 0;
			break;
		}
		/* at the edge of the table: room for one more, and again */
		if (ret != -EMFILE || i > 0 || raised ||
		    notif_raise_nofile(t->tgid, rl) < 0)
			break;
		raised = true;
		ret = notif_send_fd(mine, fd, cookie, false);
	}
	if (ret == 0) {
		dest = (req->flags & SECCOMP_ADDFD_FLAG_SETFD)
			   ? (int32_t)req->newfd
			   : (int32_t)sock;
		if (dest == got) {
			if (!cloexec)
				ret = notif_call(
				    &inj,
				    ai->nr[SP_FCNTL] >= 0 ? ai->nr[SP_FCNTL]
							  : ai->nr[SP_FCNTL64],
				    (uint64_t)got, F_SETFD, 0, &rv);
		} else {
			ret = notif_call(&inj, ai->nr[SP_DUP3], (uint64_t)got,
					 (uint64_t)dest,
					 cloexec ? O_CLOEXEC : 0, &rv);
			if (ret == 0 && rv != dest)
				ret = rv < 0 ? (int)rv : -EPROTO;
		}
	}
	/* what the kernel's ADDFD would not have left behind */
	if (got >= 0 && got != dest && inj.state == TRACER_INJECT_AT_EXIT)
		notif_call(&inj, ai->nr[SP_CLOSE], (uint64_t)got, 0, 0, &rv);
	if (sock >= 0 && sock != dest && inj.state == TRACER_INJECT_AT_EXIT)
		notif_call(&inj, ai->nr[SP_CLOSE], (uint64_t)sock, 0, 0, &rv);
	if (raised)
		prlimit(t->tgid, RLIMIT_NOFILE, rl, NULL);
	if (mine >= 0)
		close(mine);
	if (pidfd >= 0)
		close(pidfd);
	if (restore_dumpable)
		notif_call(&inj, ai->nr[SP_PRCTL], PR_SET_DUMPABLE,
			   (uint64_t)dumpable, 0, &rv);
	r = notif_inject_end(s, t, &inj,
			     ret == 0 && (req->flags & SECCOMP_ADDFD_FLAG_SEND),
			     dest);
	if (r < 0)
		return r;
	return ret < 0 ? ret : dest;
}

/* ---- the hub's requests ---- */

static void
hub_replied(void *ctx, struct notify_item *n)
{
	struct sup *s = ctx;
	struct task *t = n->owner;
	int r;

	if (t->notif != n)
		return;
	if (t->notif_done) {
		/* ADDFD with SEND has finished the call already */
		t->notif_done = false;
		notify_hub_finish(s->hub, n);
		t->notif = NULL;
		return;
	}
	if (t->notif_parked) {
		if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) < 0) {
			if (errno != ESRCH)
				notif_fail(s, t, -errno);
			return;
		}
		t->intr_pending = true;
		return;
	}
	/* held in the call's own stop */
	r = notif_answer_regs(s, t, false);
	if (r < 0) {
		notif_fail(s, t, r);
		return;
	}
	resume(s, t, 0);
}

static int
hub_addfd(void *ctx, struct notify_item *n,
	  const struct seccomp_notif_addfd *req, int fd)
{
	struct sup *s = ctx;
	struct task *t = n->owner;
	struct rlimit rl;
	pid_t tid = t->tid, *held;
	size_t n_held;
	int r;

	if (!t->notif_call.ai || t->notif_call.ai->nr[SP_SOCKET] < 0 ||
	    arch_syscall_insn_len(t->notif_call.abi) == 0)
		return -EOPNOTSUPP;
	if (prlimit(t->tgid, RLIMIT_NOFILE, NULL, &rl) < 0)
		return -errno;
	/* the kernel's replace_fd() and get_unused_fd_flags() limits */
	if ((req->flags & SECCOMP_ADDFD_FLAG_SETFD) &&
	    (rlim_t)req->newfd >= rl.rlim_cur)
		return -EBADF;
	if (!t->notif_parked)
		return -EOPNOTSUPP; /* held in its stop: cannot inject */
	r = notif_hold(s, tid, n);
	if (r < 0)
		return r;
	t = task_find(s, tid);
	n_held = notif_hold_sharers(s, t, &held);
	r = notif_inject_fd(s, t, req, fd, &rl);
	notif_release(s, held, n_held);
	if (r >= 0 && (req->flags & SECCOMP_ADDFD_FLAG_SEND)) {
		t = task_find(s, tid);
		if (t && t->notif == n)
			t->notif_done = true;
	}
	return r;
}

static ssize_t
hub_read_mem(void *ctx, struct notify_item *n, uint64_t addr, void *buf,
	     size_t len)
{
	struct sup *s = ctx;
	struct task *t = n->owner;
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	pid_t tid = t->tid;
	ssize_t got;
	int r;

	got = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (got >= 0)
		return got;
	if (errno != EPERM && errno != EACCES)
		return -errno;
	/* refused: a non-dumpable target */
	if (!t->notif_parked)
		return -EPERM;
	r = notif_hold(s, tid, n);
	if (r < 0)
		return r;
	return notif_read_undumpable(s, task_find(s, tid), addr, buf, len);
}

static void
hub_lost(void *ctx)
{
	struct sup *s = ctx;
	struct notify_item *n;
	pid_t *tids = NULL;
	size_t cnt = 0, cap = 0, i;

	switch (s->cfg->agent_loss) {
	case TRACER_LOSS_WAIT:
		return;
	case TRACER_LOSS_KILL:
		warnx_(s, "the last agent went away; ending the sandbox "
			  "(on-agent-loss kill)");
		fail(s, -ENOTCONN);
		return;
	default:
		break;
	}
	s->agents_gone = true;
	for (n = notify_hub_first(s->hub); n; n = notify_hub_next(s->hub, n)) {
		if (n->state == NOTIFY_REPLIED)
			continue;
		if (cnt == cap) {
			pid_t *p =
			    reallocarray(tids, cap ? cap * 2 : 16, sizeof(*p));

			if (!p) {
				free(tids);
				fail(s, -ENOMEM);
				return;
			}
			tids = p;
			cap = cap ? cap * 2 : 16;
		}
		tids[cnt++] = n->tid;
		notify_hub_reply(s->hub, n, 0, (int32_t)notif_lost_ret(s));
	}
	for (i = 0; i < cnt; i++) {
		struct task *t = task_find(s, tids[i]);

		if (t && t->notif)
			hub_replied(s, t->notif);
	}
	free(tids);
}

static const struct notify_hub_ops hub_ops = {
	.replied = hub_replied,
	.addfd = hub_addfd,
	.read_mem = hub_read_mem,
	.lost = hub_lost,
};

static void
decide(struct sup *s, struct task *t, struct call *c)
{
	const struct bpf_filter *match = NULL;
	uint32_t ret;
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
		r = allow_call(s, t, c, ret, match);
		break;
	case BPF_ACT_ERRNO:
		s->st.denied++;
		log_call(s, t, c->abi, &c->sd, ret, match, NULL);
		r = skip_call(s, t, c, -(int64_t)bpf_ret_errno(ret),
			      PEND_RETURN);
		break;
	case BPF_ACT_USER_NOTIF:
		if (s->hub && match &&
		    (bpf_filter_flags(match) & TRACER_FILTER_LISTENER)) {
			log_call(s, t, c->abi, &c->sd, ret, match, NULL);
			if (s->agents_gone) {
				/* as the kernel's closed listener */
				s->st.denied++;
				r = skip_call(s, t, c, notif_lost_ret(s),
					      PEND_RETURN);
				break;
			}
			r = notif_begin(s, t, c);
			if (r == 0)
				return;
			if (r != -ESRCH)
				warnx_(s,
				       "cannot hand call %d of task %d to an "
				       "agent (%s); it fails with ENOSYS",
				       c->sd.nr, t->tid, strerror(-r));
			s->st.denied++;
			r = skip_call(s, t, c, -ENOSYS, PEND_RETURN);
			break;
		}
		/* fall through */
	case BPF_ACT_TRACE:
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
 * @t stopped for signal @sig (0: for our own PTRACE_INTERRUPT, which the
 * kernel would not have made either).  If the kernel would have discarded
 * @sig when it was sent, and it woke @t from a wait, the call restarts when @t
 * resumes, as after any signal without a handler, and without us the
 * kernel would have let it sleep on: so the restart, which reaches our
 * stops as the call again or as restart_syscall(2), is let through
 * unjudged.  A wait that would fail with EINTR instead is made to
 * restart too; its timeout starts anew.  Returns whether @sig is to be
 * suppressed: only then was it discarded.  The registers come first, so
 * that /proc is read only for a thread woken in a call.
 */
static bool
on_woken(struct sup *s, struct task *t, int sig)
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
	if (sig && !sig_discarded(t->tid, sig))
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

/* Whether @c is the restart on_woken() made way for. */
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
	if (t->cont_due) {
		t->cont_due = false;
		/*
		 * The same call, arguments and all: a signal handler that ran
		 * before it, through the same libc wrapper, is judged.
		 */
		if (c.abi == t->cont_abi &&
		    memcmp(&c.sd, &t->cont_sd, sizeof(c.sd)) == 0) {
			/* an agent's CONTINUE: it runs, past our guards */
			r = allow_call(s, t, &c, SECCOMP_RET_ALLOW, NULL);
			if (r < 0)
				notif_fail(s, t, r);
			else
				resume(s, t, 0);
			return;
		}
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
	if (event == 0 && t->resig_armed && sig == t->resig[0].si_signo) {
		siginfo_t si;

		/* a signal we hold back comes again, as it was */
		if (ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) == 0 &&
		    si.si_code == SI_TKILL && si.si_pid == s->self) {
			t->resig_armed = false;
			if (ptrace(PTRACE_SETSIGINFO, t->tid, 0, &t->resig[0]) <
				0 &&
			    errno != ESRCH) {
				kill(t->tgid, SIGKILL);
				return;
			}
			memmove(&t->resig[0], &t->resig[1],
				--t->n_resig * sizeof(t->resig[0]));
			notif_resignal(s, t);
		}
	}
	if (t->notif && notif_on_stop(s, t, status))
		return;
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
		if (sig == SIGTRAP && t->intr_pending) {
			/* our interrupt, after what it was for had ended */
			t->intr_pending = false;
			on_woken(s, t, 0);
			resume(s, t, 0);
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
			    s->exec_done && !s->stop_inside &&
			    !(s->cfg->launch && s->cfg->launch->new_session))
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
	resume(s, t, on_woken(s, t, sig) ? 0 : sig);
}

static void
on_status(struct sup *s, pid_t tid, int status)
{
	struct task *t = task_find(s, tid);

	if (t && t->held) {
		/* held still for an injection: this waits its turn */
		t->held_status = status;
		return;
	}
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
	STAGE_FILTER,
	STAGE_SESSION,
	STAGE_STDIO,
	STAGE_RLIMITS,
	STAGE_IDS,
	STAGE_CWD,
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

/*
 * The launch context's capabilities for a uid other than 0: the kept ones
 * survive the exec only as ambient capabilities, which must be
 * inheritable first.
 */
static int
raise_ambient(const struct tracer_config *cfg)
{
	cap_value_t c, last = (cap_value_t)cap_max_bits() - 1;
	cap_t caps;
	int r = 0;

	if (!cfg->keep_caps)
		return 0;
	caps = cap_get_proc();
	if (!caps)
		return -errno;
	for (c = 0; c <= last; c++)
		if ((cfg->keep_caps >> c) & 1)
			cap_set_flag(caps, CAP_INHERITABLE, 1, &c, CAP_SET);
	if (cap_set_proc(caps) < 0)
		r = -errno;
	cap_free(caps);
	for (c = 0; r == 0 && c <= last; c++)
		if (((cfg->keep_caps >> c) & 1) &&
		    cap_set_ambient(c, CAP_SET) < 0)
			r = -errno;
	return r;
}

/* After a uid change with PR_SET_KEEPCAPS: effective again, as permitted. */
static int
caps_effective(void)
{
	cap_t caps = cap_get_proc();
	cap_value_t c, last = (cap_value_t)cap_max_bits() - 1;
	cap_flag_value_t v;
	int r = 0;

	if (!caps)
		return -errno;
	for (c = 0; c <= last; c++)
		if (cap_get_flag(caps, c, CAP_PERMITTED, &v) == 0 &&
		    v == CAP_SET)
			cap_set_flag(caps, CAP_EFFECTIVE, 1, &c, CAP_SET);
	if (cap_set_proc(caps) < 0)
		r = -errno;
	cap_free(caps);
	return r;
}

/*
 * Put the launcher into its launch context (struct tracer_launch), in an
 * order that needs each privilege before it goes: session, stdio and
 * limits as the supervisor, then the ids, then the directory as the
 * target.  Returns 0, or a STAGE_ with *@ret_err set.
 */
static int
apply_launch(const struct tracer_config *cfg, const struct tracer_launch *l,
	     pid_t parent, int *ret_err)
{
	int hi[3], i, res;

	if (l->new_session && setsid() < 0)
		goto fail_session;
	/* nothing of the supervisor's goes across the exec but 0, 1 and 2 */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		goto fail_stdio;
	for (i = 0; i < 3; i++) {
		hi[i] = -1;
		if (l->stdio[i] >= 0) {
			hi[i] = fcntl(l->stdio[i], F_DUPFD_CLOEXEC, 10);
			if (hi[i] < 0)
				goto fail_stdio;
		}
	}
	for (i = 0; i < 3; i++)
		if (hi[i] >= 0 && dup2(hi[i], i) < 0)
			goto fail_stdio;
	if (l->set_rlimits)
		for (res = 0; res < RLIM_NLIMITS; res++)
			if (setrlimit((__rlimit_resource_t)res,
				      &l->rlimits[res]) < 0)
				goto fail_rlimits;
	if (l->set_ids) {
		cap_value_t c, last = (cap_value_t)cap_max_bits() - 1;

		/* while CAP_SETPCAP is still ours: the uid change takes it */
		for (c = 0; c <= last; c++)
			if (!((cfg->keep_caps >> c) & 1) &&
			    cap_get_bound(c) == 1 && cap_drop_bound(c) < 0)
				goto fail_ids;
		if (cfg->keep_caps && l->uid != 0 &&
		    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			goto fail_ids;
		if (setgroups(l->n_groups, l->groups) < 0 ||
		    setresgid(l->gid, l->gid, l->gid) < 0 ||
		    setresuid(l->uid, l->uid, l->uid) < 0)
			goto fail_ids;
		/* a change of credentials clears the death signal */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(125);
		if (cfg->keep_caps && l->uid != 0) {
			*ret_err = -caps_effective();
			if (*ret_err)
				return STAGE_IDS;
		}
	}
	if (l->cwd_fd >= 0 && fchdir(l->cwd_fd) < 0)
		goto fail_cwd;
	if (l->set_umask)
		umask(l->umask);
	return 0;
fail_session:
	*ret_err = errno;
	return STAGE_SESSION;
fail_stdio:
	*ret_err = errno;
	return STAGE_STDIO;
fail_rlimits:
	*ret_err = errno;
	return STAGE_RLIMITS;
fail_ids:
	*ret_err = errno;
	return STAGE_IDS;
fail_cwd:
	*ret_err = errno;
	return STAGE_CWD;
}

/* The environment's PATH, as execvp(3) would see it. */
static const char *
env_path(char *const *envp)
{
	size_t i;

	if (!envp)
		return getenv("PATH");
	for (i = 0; envp[i]; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			return envp[i] + 5;
	return NULL;
}

/* execvp(3)'s search, done before the filter goes in */
static int
find_command(const char *name, const char *path, char **ret)
{
	const char *p, *end;
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
	if (cfg->launch) {
		int stage = apply_launch(cfg, cfg->launch, parent, &r);

		if (stage)
			child_fail(fd, stage, r, 125);
	}
	r = find_command(cfg->argv[0],
			 env_path(cfg->launch ? cfg->launch->envp : NULL),
			 &path);
	if (r < 0)
		child_fail(fd, STAGE_NOT_FOUND, -r,
			   r == -ENOENT ? TRACER_EXIT_NOT_FOUND
					: TRACER_EXIT_CANNOT_EXEC);
	r = drop_caps(cfg);
	if (r == 0 && cfg->launch && cfg->launch->set_ids &&
	    cfg->launch->uid != 0)
		r = raise_ambient(cfg);
	if (r < 0)
		child_fail(fd, STAGE_CAPS, -r, 125);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(fd, STAGE_NNP, errno, 125);
	if (pf && syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, pf) < 0)
		child_fail(fd, STAGE_FILTER, errno, 125);
	execve(path, cfg->argv,
	       cfg->launch && cfg->launch->envp ? cfg->launch->envp : environ);
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
	if (cfg->launch && cfg->launch->cgroup_fd >= 0) {
		struct clone_args ca = {
			.flags = CLONE_INTO_CGROUP,
			.exit_signal = SIGCHLD,
			.cgroup = (uint64_t)cfg->launch->cgroup_fd,
		};

		/* the launcher is born in the cgroup, never outside it */
		pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid < 0) {
			r = -errno;
			warnx_(s,
			       "cannot start the command in its cgroup: "
			       "clone3: %s",
			       strerror(errno));
			goto out;
		}
	} else {
		pid = fork();
		if (pid < 0) {
			r = -errno;
			warnx_(s, "fork: %s", strerror(errno));
			goto out;
		}
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

/* ---- agents ---- */

static int
hub_open(struct sup *s)
{
	struct notify_hub_config hc = {
		.socket_path = s->cfg->agent_socket,
		.listener_path = s->cfg->listener_path,
		.listener_metadata = s->cfg->listener_metadata,
	};
	const char *msg = NULL;
	int r;

	r = notify_hub_new(&hc, &hub_ops, s, &s->hub, &msg);
	if (r < 0)
		warnx_(s, "--agent-socket %s: %s (%s)",
		       s->cfg->agent_socket ? s->cfg->agent_socket : "",
		       msg ? msg : "cannot set up the agent socket",
		       strerror(-r));
	return r;
}

/*
 * With agents, the event loop waits in poll(): for their sockets, and for
 * SIGCHLD (blocked, read from a signalfd), which every ptrace stop and
 * exit of a traced task sends to us.  The OCI listener, if any, hears of
 * the command once it has been launched.
 */
static int
poll_start(struct sup *s)
{
	char cwd[PATH_MAX], id[64];
	sigset_t chld;
	int pidfd, r = 0;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0)
		return -errno;
	s->sigfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0)
		return -errno;
	s->watching = s->cfg->on_watch != NULL;
	if (!s->hub || !s->cfg->listener_path)
		return 0;
	pidfd = (int)syscall(SYS_pidfd_open, s->main_pid, 0);
	if (pidfd < 0)
		return -errno;
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	snprintf(id, sizeof(id), "sandbox-run-%d", (int)s->self);
	r = notify_hub_bootstrap(s->hub, s->main_pid, pidfd,
				 s->cfg->sandbox_id ? s->cfg->sandbox_id : id,
				 cwd);
	close(pidfd);
	if (r < 0)
		warnx_(s, "cannot reach the agent listener %s: %s",
		       s->cfg->listener_path, strerror(-r));
	return r;
}

static void
poll_wait(struct sup *s)
{
	struct pollfd fds[80];
	struct signalfd_siginfo si[16];
	size_t n = 0, w;
	int r;

	fds[0].fd = s->sigfd;
	fds[0].events = POLLIN;
	fds[0].revents = 0;
	w = s->watching ? 1 : 0;
	if (w) {
		fds[1].fd = s->cfg->watch_fd;
		fds[1].events = POLLIN;
		fds[1].revents = 0;
	}
	if (s->hub)
		n = notify_hub_pollfds(s->hub, fds + 1 + w,
				       sizeof(fds) / sizeof(fds[0]) - 1 - w);
	/*
	 * A task that leads its own process and was cloned without an exit
	 * signal sends none when it ends: look again now and then.
	 */
	r = poll(fds, n + 1 + w, 1000);
	if (r <= 0)
		return; /* EINTR: a signal to forward came first */
	/* one read: SIGCHLD is a standard signal, pending at most once */
	if (fds[0].revents && read(s->sigfd, si, sizeof(si)) < 0 &&
	    errno != EAGAIN)
		warnx_(s, "signalfd: %s", strerror(errno));
	if (w && fds[1].revents) {
		r = s->cfg->on_watch(s->cfg->data, s->main_pid);
		if (r < 0) {
			fail(s, r);
			if (!s->err)
				s->err = r;
		} else if (r > 0) {
			s->watching = false;
		}
	}
	if (n > 0) {
		r = notify_hub_dispatch(s->hub, fds + 1 + w, n);
		if (r < 0) {
			warnx_(s, "agents: %s", strerror(-r));
			fail(s, r);
		}
	}
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
	s->sigfd = -1;
	setup_abis(s);
	if (cfg->agent_socket || cfg->listener_path || cfg->n_agent_fds) {
		r = hub_open(s);
		if (r < 0) {
			for (i = 0; i < cfg->n_agent_fds; i++)
				close(cfg->agent_fds[i]);
			goto out;
		}
	}
	for (i = 0; i < cfg->n_agent_fds; i++) {
		r = notify_hub_adopt(s->hub, cfg->agent_fds[i]);
		if (r < 0) {
			warnx_(s, "cannot take an agent channel: %s",
			       strerror(-r));
			while (++i < cfg->n_agent_fds)
				close(cfg->agent_fds[i]);
			goto out;
		}
	}
	s->polling = s->hub || cfg->on_watch;

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

	if (s->polling) {
		r = poll_start(s);
		if (r < 0) {
			fail(s, r);
			s->err = r;
		}
	}
	if (cfg->on_launch)
		cfg->on_launch(cfg->data, s->main_pid);
	for (;;) {
		pid_t tid;

		if (s->main_done) {
			fwd_pid = -1;
			if (!s->cfg->wait_all && !s->killed_rest)
				kill_all(s);
		}
		tid = waitpid(-1, &status, __WALL | (s->polling ? WNOHANG : 0));
		if (cfg->live_stats)
			*cfg->live_stats = s->st;
		if (tid > 0)
			on_status(s, tid, status);
		else if (tid == 0)
			poll_wait(s);
		else if (errno != EINTR)
			break; /* ECHILD: nothing left */
	}
	fwd_pid = 0;
	if (cfg->live_stats)
		*cfg->live_stats = s->st;
	if (s->hub)
		notify_hub_set_done(s->hub);
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
		case STAGE_SESSION:
			what = "cannot start a session for";
			break;
		case STAGE_STDIO:
			what = "cannot set up stdin, stdout and stderr for";
			break;
		case STAGE_RLIMITS:
			what = "cannot set the resource limits of";
			break;
		case STAGE_IDS:
			what = "cannot switch to the user and groups of";
			break;
		case STAGE_CWD:
			what = "cannot enter the working directory of";
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
	if (s->sigfd >= 0)
		close(s->sigfd);
	for (i = 0; i < TASK_BUCKETS; i++)
		while (s->tab[i]) {
			struct task *t = s->tab[i];

			s->tab[i] = t->next;
			task_free(t);
		}
	notify_hub_free(s->hub);
	if (s->polling) {
		sigset_t chld;

		sigemptyset(&chld);
		sigaddset(&chld, SIGCHLD);
		sigprocmask(SIG_UNBLOCK, &chld, NULL);
	}
	signals_restore(old_act);
	free(old_act);
	free(s);
	return r;
}

void
tracer_exit_like(int status, int fail)
{
	struct rlimit no_core = { 0, 0 };
	sigset_t set;
	int sig;

	if (WIFEXITED(status))
		exit(WEXITSTATUS(status));
	if (!WIFSIGNALED(status))
		exit(fail);
	sig = WTERMSIG(status);
	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	exit(128 + sig);
}
