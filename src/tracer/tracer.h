/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * tracer: the ptrace supervisor.
 *
 * Sections: syscall injection, the kernel prefilter, and the supervisor
 * (launch, event loop, task table, action application, event log).
 *
 * Everything here issues ptrace requests, so it must be called from the
 * thread that traces the tasks involved.
 */
#ifndef SANDBOXD_TRACER_H
#define SANDBOXD_TRACER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <linux/filter.h>

#include "arch/arch.h"
#include "bpf/bpf.h"

/* include/linux/errno.h: never seen by programs, only by tracers */
#define ERESTARTSYS	      512
#define ERESTARTNOINTR	      513
#define ERESTARTNOHAND	      514
#define ERESTART_RESTARTBLOCK 516

/* ==== Syscall injection ==================================================
 *
 * Borrow a thread that is stopped at a system call to run calls of our
 * choosing through the call's own ABI, then put its registers back and
 * finish the original call: skip it with a return value of our choosing,
 * or let it run.
 *
 * How (reference/ptrace-sandboxes.md section 5): the first call replaces
 * the stopped call's number and arguments in place and runs to its
 * syscall-exit stop.  Each further call moves the instruction pointer back
 * over the syscall instruction and runs it again, through the
 * syscall-entry stop (and a PTRACE_EVENT_SECCOMP stop, if a filter says
 * SECCOMP_RET_TRACE for it) to the exit stop.  Every injected call passes
 * the thread's seccomp filters, so they may refuse it or kill the thread.
 *
 * Preconditions for the whole sequence: the thread was attached with
 * PTRACE_O_TRACESYSGOOD (syscall stops are told apart from SIGTRAP), and
 * nothing else resumes it or reaps it meanwhile.  Only @tid is waited for
 * (waitpid(tid, __WALL)), and the wait blocks, so an injected call that
 * blocks holds up the caller.  Other threads of the same process keep
 * running; one of them could rewrite the syscall instruction under the
 * rewound instruction pointer.  Every stop is checked against the call we
 * expect (number, arguments, ABI, instruction pointer), so such a thread
 * gets a failed injection (-EPROTO), never a call of its own through our
 * hands; but if it makes the thread run without stopping, the wait does
 * not return.  Callers that need more hold the other threads still.
 *
 * Injected calls that change registers or the process image (execve,
 * clone, rt_sigreturn, arch_prctl) are not supported: the saved registers
 * are written back over their effects.  Nor are calls that raise a signal
 * in the thread itself: SIGPIPE (use MSG_NOSIGNAL), SIGXFSZ, or SIGSYS
 * when the thread's own filter says SECCOMP_RET_TRAP (the call then
 * "returns" the kernel's rollback value).  Such a signal is held like any
 * other if a later injected call runs into it; otherwise it stays pending
 * and reaches the thread after the end.
 */

/* How many suppressed signals one injection can report. */
#define TRACER_INJECT_MAX_SIGNALS 32

/**
 * enum tracer_resume - what to do with a thread once we are done with it.
 * @TRACER_RESUME_NONE: leave it in its ptrace stop; the caller resumes it.
 * @TRACER_RESUME_CONT: PTRACE_CONT, no signal.
 * @TRACER_RESUME_SYSCALL: PTRACE_SYSCALL, no signal.
 */
enum tracer_resume {
	TRACER_RESUME_NONE,
	TRACER_RESUME_CONT,
	TRACER_RESUME_SYSCALL,
};

/**
 * enum tracer_inject_state - where an injection stands.
 * @TRACER_INJECT_IDLE: not begun, or ended.
 * @TRACER_INJECT_AT_CALL: in the original call's stop, nothing injected.
 * @TRACER_INJECT_AT_EXIT: in the exit stop of an injected call.
 * @TRACER_INJECT_DEAD: the thread died or exec'd; see @wait_status.
 * @TRACER_INJECT_BROKEN: something unexpected happened.  The thread may hold
 *	our registers and must not run again: the caller kills it.
 */
enum tracer_inject_state {
	TRACER_INJECT_IDLE,
	TRACER_INJECT_AT_CALL,
	TRACER_INJECT_AT_EXIT,
	TRACER_INJECT_DEAD,
	TRACER_INJECT_BROKEN,
};

/**
 * struct tracer_inject - one thread lent to us for injected calls.
 * @tid: the thread.
 * @abi: the ABI of the original call, from the kernel's
 *	PTRACE_GET_SYSCALL_INFO; injected calls go through it too.
 * @saved: the thread's registers when the injection began.
 * @state: see enum tracer_inject_state.
 * @begin_op: PTRACE_SYSCALL_INFO_SECCOMP or PTRACE_SYSCALL_INFO_ENTRY: the
 *	stop the injection began in.
 * @n_calls: injected calls that reached their exit stop.
 * @n_stops: ptrace stops the injection took, all kinds (for the
 *	caller's counters); @n_syscall_stops: those that were syscall-entry,
 *	-exit and seccomp stops.
 * @signals: signals that reached a signal-delivery stop during the
 *	injection, in order.  Each was suppressed (the thread was resumed
 *	without it), so it is lost unless the caller delivers it again after
 *	the end, for example with tgkill() and PTRACE_SETSIGINFO of this
 *	siginfo at its signal-delivery stop.  A standard signal already in
 *	the list is not added again: like a pending one in the kernel
 *	(kernel/signal.c: legacy_queue()), it is still undelivered.
 *	A SIGSYS with si_code SYS_SECCOMP here came from the thread's own
 *	filter refusing an injected call.
 * @n_signals: entries used in @signals.
 * @stop_signal: the signal of a group-stop the thread took part in during
 *	the injection, or 0.  The injection resumed it; the caller puts it
 *	back into the stop (PTRACE_INTERRUPT, then PTRACE_LISTEN).
 * @interrupted: a PTRACE_INTERRUPT stop was seen (and resumed).
 * @have_status: @wait_status holds what ended the injection.
 * @wait_status: the waitpid() status that ended the injection, which the
 *	caller handles as if its own wait had returned it for @tid.  In
 *	state TRACER_INJECT_DEAD: an exit or kill, or a PTRACE_EVENT_EXIT or
 *	PTRACE_EVENT_EXEC stop in which the thread still waits to be resumed.
 *	In state TRACER_INJECT_BROKEN: the stop that did not belong.
 *
 * Owned by the caller, usually on its stack; holds no resources, so there
 * is nothing to free.  Only the functions below change it; the caller
 * reads @signals, @stop_signal, @interrupted and @wait_status.
 */
struct tracer_inject {
	pid_t tid;
	const struct arch_abi *abi;
	struct arch_regs saved;
	enum tracer_inject_state state;
	int begin_op;
	unsigned int n_calls;
	unsigned int n_stops;
	unsigned int n_syscall_stops;
	siginfo_t signals[TRACER_INJECT_MAX_SIGNALS];
	unsigned int n_signals;
	int stop_signal;
	bool interrupted;
	bool have_status;
	int wait_status;
};

/**
 * tracer_inject_begin() - lend a stopped thread to injection.
 * @tid: a traced thread in a PTRACE_EVENT_SECCOMP stop or a syscall-entry
 *	stop.
 * @ret: set up on success only.
 *
 * Reads the stop with PTRACE_GET_SYSCALL_INFO (the ABI comes from its
 * arch) and saves the registers.  Changes nothing in the thread.
 *
 * Returns 0; -EINVAL if @tid is in another kind of stop; -EOPNOTSUPP if
 * this host's register code cannot handle the call's ABI; -EPROTO if the
 * registers disagree with the kernel's account of the call; -ESRCH if the
 * thread is gone or not stopped; other -errno from ptrace(2).  On failure
 * the thread is left as it was.
 */
int tracer_inject_begin(pid_t tid, struct tracer_inject *ret);

/**
 * tracer_inject_call() - run one system call in the thread.
 * @inj: in state TRACER_INJECT_AT_CALL or TRACER_INJECT_AT_EXIT.
 * @nr: the call's number in @inj->abi (x32 bit included for x32).
 * @args: its ARCH_MAX_ARGS arguments (unused ones are ignored).
 * @ret_val: the call's return value, -errno style, as the kernel's
 *	PTRACE_GET_SYSCALL_INFO reports it (all 64 bits even for i386);
 *	written on success only.
 *
 * A call the kernel would restart after a signal (-ERESTARTSYS and its
 * kin) is run again, as restart_syscall(2) for -ERESTART_RESTARTBLOCK,
 * just as the kernel restarts a call when no handler runs, which is the
 * case since the signal is suppressed (see @signals).  A call that
 * returns -EINTR is not retried: its effects may be done.
 *
 * Returns 0 with the thread in the call's exit stop (state
 * TRACER_INJECT_AT_EXIT), or:
 * -EINVAL: wrong state; nothing happened.
 * -ESRCH: the thread died or exec'd (state TRACER_INJECT_DEAD; see
 *	@wait_status).
 * -EPROTO: a stop that does not belong to the call (state
 *	TRACER_INJECT_BROKEN).
 * -EOVERFLOW: more than TRACER_INJECT_MAX_SIGNALS signals to hold (state
 *	TRACER_INJECT_BROKEN).
 * Another -errno from ptrace(2) or waitpid(2): state TRACER_INJECT_BROKEN.
 */
int tracer_inject_call(struct tracer_inject *inj, int32_t nr,
		       const uint64_t args[ARCH_MAX_ARGS], int64_t *ret_val);

/**
 * tracer_inject_end_skip() - put the registers back and complete the
 * original call without running it: it returns @retval.
 * @inj: in state TRACER_INJECT_AT_CALL or TRACER_INJECT_AT_EXIT.
 * @retval: the return value the thread sees (-errno for an error).  Avoid
 *	-512 to -516, which the kernel may turn into a restart.
 * @resume: what to do with the thread afterwards.
 *
 * All registers get their values from tracer_inject_begin() except the
 * return register and the syscall number (-1, so a tracer sees the call as
 * skipped, and the kernel's restart logic stays away).  With nothing
 * injected this is the plain deny, number -1 and the return register in
 * one write, and with TRACER_RESUME_SYSCALL an exit stop for the skipped
 * call follows.  After injected calls the thread is already past an exit
 * stop, the last injected call's, so with TRACER_RESUME_SYSCALL its next
 * stop is the entry of its next call.
 *
 * Returns 0 (state TRACER_INJECT_IDLE); -EINVAL in another state than the
 * two above or for an unknown @resume, with nothing done; -ESRCH if the
 * thread died (state TRACER_INJECT_DEAD); another -errno with state
 * TRACER_INJECT_BROKEN.
 */
int tracer_inject_end_skip(struct tracer_inject *inj, int64_t retval,
			   enum tracer_resume resume);

/**
 * tracer_inject_end_restart() - put the registers back and let the
 * original call run.
 * @inj: in state TRACER_INJECT_AT_CALL or TRACER_INJECT_AT_EXIT.
 * @resume: what to do with the thread afterwards.
 *
 * With nothing injected, the thread just goes on from its stop and the
 * call runs (after a seccomp stop, the kernel runs the filters once more
 * on it, without stopping for SECCOMP_RET_TRACE).  After injected calls
 * the original call has been replaced, so the registers are written back
 * with the instruction pointer moved back over the syscall instruction:
 * the thread issues the call anew, and it passes the syscall-entry stop
 * and every seccomp filter again, so the caller sees another
 * PTRACE_EVENT_SECCOMP stop for it, same number, arguments and
 * instruction pointer, if a filter says SECCOMP_RET_TRACE.
 *
 * Returns as tracer_inject_end_skip().
 */
int tracer_inject_end_restart(struct tracer_inject *inj,
			      enum tracer_resume resume);

/* ==== The kernel prefilter ==============================================
 *
 * The filter the target carries in the kernel: SECCOMP_RET_ALLOW for the
 * calls the chain's action cache proves always allowed, SECCOMP_RET_TRACE
 * for all else.  Unknown arches, x32 numbers, negative numbers (-1
 * included), numbers past the cached range and the calls in
 * tracer_always_traced() always stop.
 */

/**
 * tracer_always_traced() - whether @nr is one of the calls the supervisor
 * sees whatever the policy says: seccomp, prctl, ptrace, the clone and
 * fork family, the kill and sigqueue family, pidfd_open,
 * pidfd_send_signal, pidfd_getfd and process_vm_readv/writev.
 */
bool tracer_always_traced(const struct arch_abi *abi, int32_t nr);

/**
 * tracer_restartable() - whether @nr is a wait that the kernel resumes
 * through restart_syscall(2) after a wake-up by a signal without a
 * handler (nanosleep, clock_nanosleep, poll, futex), or restart_syscall
 * itself.
 */
bool tracer_restartable(const struct arch_abi *abi, int32_t nr);

/**
 * tracer_restart_watched() - whether the prefilter for @chain stops
 * call @nr of @abi to watch it for restarts: a restartable call, when
 * @chain does not always allow restart_syscall.  Then the supervisor
 * sees every restart coming, and can tell one the kernel would make
 * from one only a tracer causes.
 */
bool tracer_restart_watched(const struct bpf_filter *chain,
			    const struct arch_abi *abi, int32_t nr);

/**
 * tracer_watched() - whether call @nr of @abi with @args stops for the
 * supervisor although the chain may allow it always: fcntl(F_SETSIG),
 * and prlimit64, setpriority, ioprio_set and sched_set{affinity,
 * scheduler,param,attr} aimed at a process other than the caller.
 * With @args NULL: whether @nr is one of those calls at all.
 */
bool tracer_watched(const struct arch_abi *abi, int32_t nr,
		    const uint64_t *args);

/**
 * tracer_prefilter() - build the prefilter for @chain (or for seccomp
 * mode 1 with @strict, where @chain is NULL).
 * @ret: receives the program; the caller frees it with free().
 *
 * Returns 0; -ENOMEM; -E2BIG if it would exceed BPF_MAXINSNS; -EINVAL
 * with neither a chain nor @strict.
 */
int tracer_prefilter(const struct bpf_filter *chain, bool strict,
		     struct sock_filter **ret, size_t *ret_len);

/**
 * tracer_vsyscall_filter() - the only kernel filter of a target without
 * the prefilter: SECCOMP_RET_TRACE for calls through the host's vsyscall
 * page, which make no ptrace syscall stops, and SECCOMP_RET_ALLOW for the
 * rest, which stop at syscall entry.
 * @ret: receives the program (free() it), or NULL with *@ret_len 0 on a
 *	host without the page.
 *
 * Returns 0 or -ENOMEM.
 */
int tracer_vsyscall_filter(struct sock_filter **ret, size_t *ret_len);

/* ==== The supervisor =====================================================
 *
 * tracer_run() launches a command under PTRACE_SEIZE and confines it and
 * every task it creates until they are gone, giving each system call what
 * kernel seccomp with the same chain would give it.  It runs in the
 * calling process, which must be single-threaded: it blocks signals, sets
 * itself non-dumpable and a child subreaper, and reaps all its children.
 */

/* Exit statuses of a command that could not be started, as timeout(1). */
#define TRACER_EXIT_CANNOT_EXEC 126
#define TRACER_EXIT_NOT_FOUND	127

/*
 * The per-filter flag (bpf_filter_new()'s @flags) of a filter whose
 * SECCOMP_RET_USER_NOTIF goes to the run's agents.  A filter without it
 * (one the target installs itself) has no listener: its USER_NOTIF fails
 * with ENOSYS, as in the kernel.
 */
#define TRACER_FILTER_LISTENER 0x1u

/* What becomes of notifications when the last agent goes away. */
enum tracer_agent_loss {
	TRACER_LOSS_ENOSYS, /* fail them with ENOSYS, as a closed listener */
	TRACER_LOSS_KILL,   /* kill every target */
	TRACER_LOSS_ERRNO,  /* fail them with tracer_config.agent_loss_errno */
	TRACER_LOSS_WAIT,   /* let them wait for the next agent */
};

/**
 * struct tracer_launch - who the command runs as, and with what, when
 * that is not simply the supervisor's own context (sandboxd(8)).  The
 * launcher applies it after the supervisor has seized it and before it
 * looks for the command, so the search, the working directory and the
 * exec are judged with the target's credentials.
 * @set_ids: switch to @uid, @gid and the supplementary groups @groups
 *	(@n_groups of them); capabilities are then those of
 *	tracer_config.keep_caps (raised as ambient ones for a uid other than
 *	0) and no others, bounding set included.
 * @cgroup_fd: a cgroup2 directory to create the launcher in
 *	(CLONE_INTO_CGROUP), or -1 for the supervisor's own.  A failure ends
 *	the launch: the command never runs elsewhere.
 * @set_rlimits: give the command @rlimits, every resource, soft and hard.
 * @stdio: fds to become the command's 0, 1 and 2; -1 keeps ours.
 * @cwd_fd: a directory to fchdir(2) to, or -1 to stay.
 * @envp: the command's environment (and the PATH its name is searched
 *	in), NULL-terminated; NULL for ours.
 * @new_session: setsid(2): the command leads a session and process
 *	group of its own, and the supervisor does not stop itself when the
 *	command stops.
 * @set_umask: give the command @umask.
 */
struct tracer_launch {
	bool set_ids;
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t n_groups;
	int cgroup_fd;
	bool set_rlimits;
	struct rlimit rlimits[RLIM_NLIMITS];
	int stdio[3];
	int cwd_fd;
	char *const *envp;
	bool new_session;
	bool set_umask;
	mode_t umask;
};

/**
 * struct tracer_config - what to run and how.
 * @argv: the command; argv[0] is searched in $PATH as execvp(3) does.
 * @chain: the newest filter of the chain to enforce, or NULL with @strict.
 * @strict: seccomp mode 1 instead of a chain.
 * @prefilter: carry a kernel prefilter (the fast path); false stops at
 *	every call.
 * @wait_all: when the command ends, wait for its remaining descendants
 *	instead of killing them.
 * @caps_given: @keep_caps says which capabilities the target keeps;
 *	otherwise it keeps all it has but CAP_SYS_PTRACE.
 * @keep_caps: bit n set keeps capability n.
 * @log_fd: where the JSON-lines event log goes, or -1 for none.
 * @name: prefix of the messages tracer_run() writes to stderr.
 * @agent_socket: where agents connect (sandbox-notify(7)), or NULL.
 * @listener_path: an OCI listenerPath to hand the agent channel to, or
 *	NULL; @listener_metadata goes with it.
 * @sandbox_id: the "id" of the OCI state sent to @listener_path.
 * @wait_killable_recv: once an agent has received a notification, only a
 *	fatal signal ends the wait (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV).
 * @agent_loss, @agent_loss_errno: see enum tracer_agent_loss.
 *
 * @agent_fds, @n_agent_fds: connected SOCK_SEQPACKET channels to agents
 *	(sandbox-notify(7)), taken over by the supervisor even on failure.
 * @launch: the command's credentials and context, or NULL for ours.
 * @on_launch: called once the command has been seized and set going
 *	(before its exec), with @data and its pid.
 * @watch_fd, @on_watch: with @on_watch set, an fd the event loop also
 *	polls; when it is readable or hung up, @on_watch(@data, main pid) runs.
 *It returns 0 to go on, 1 to stop watching, or a negative errno to end the run:
 *every target is killed and tracer_run() returns it.
 * @live_stats: if not NULL, kept equal to the run's counters as they
 *	change (shared memory that another process reads).
 *
 * With neither @agent_socket, @listener_path nor @agent_fds,
 * USER_NOTIF fails with ENOSYS, as it does in the kernel for a filter
 * without a listener.
 */
struct tracer_config {
	char *const *argv;
	const struct bpf_filter *chain;
	bool strict;
	bool prefilter;
	bool wait_all;
	bool caps_given;
	uint64_t keep_caps;
	int log_fd;
	const char *name;
	const char *agent_socket;
	const char *listener_path;
	const char *listener_metadata;
	const char *sandbox_id;
	bool wait_killable_recv;
	enum tracer_agent_loss agent_loss;
	int agent_loss_errno;
	const int *agent_fds;
	size_t n_agent_fds;
	const struct tracer_launch *launch;
	void (*on_launch)(void *data, pid_t pid);
	int watch_fd;
	int (*on_watch)(void *data, pid_t pid);
	void *data;
	struct tracer_stats *live_stats;
};

/**
 * struct tracer_stats - counters of one run.
 * @stops: ptrace stops handled, all kinds.
 * @syscall_stops: seccomp, syscall-entry and syscall-exit stops.
 * @decisions: calls the chain was run for.
 * @denied: calls that did not run as asked (every action but ALLOW and
 *	LOG, plus the supervisor's own refusals).
 * @tasks: tasks seen.
 * @notifications: notifications queued for agents.
 */
struct tracer_stats {
	uint64_t stops;
	uint64_t syscall_stops;
	uint64_t decisions;
	uint64_t denied;
	uint64_t tasks;
	uint64_t notifications;
};

/**
 * tracer_log_warning() - write a "warning" event (a policy warning, say)
 * to the event log @fd, in the log's JSON-lines schema.
 * Returns 0 or -errno.
 */
int tracer_log_warning(int fd, const char *msg);

/**
 * tracer_exit_like() - exit as a command with wait status @status did:
 * with its exit status, or by the same signal (no core dump of our own;
 * the command's is the one that counts).  A signal whose default is not
 * to end the process gives 128 + its number, as a shell reports it;
 * another kind of status gives @fail.  For the programs' main(), which
 * must be done with everything else.
 */
void tracer_exit_like(int status, int fail) __attribute__((noreturn));

/**
 * tracer_run() - run and confine a command until it (and, with
 * @cfg->wait_all, every confined descendant) is gone.
 * @ret_status: the command's wait status; TRACER_EXIT_NOT_FOUND or
 *	TRACER_EXIT_CANNOT_EXEC as an exit status if it could not be
 *	started.
 * @ret_stats: may be NULL.
 *
 * Messages about failures go to stderr, prefixed with @cfg->name.
 * Returns 0, or a negative errno when the supervisor itself failed: ptrace
 * or seccomp unavailable (-EPERM, -ENOSYS), the event log could not be
 * written (-EPIPE, -EIO, ...), or a task could not be confined.  Every
 * target has been killed then; none is ever left running unconfined.
 */
int tracer_run(const struct tracer_config *cfg, int *ret_status,
	       struct tracer_stats *ret_stats);

/* ==== The daemon =========================================================
 *
 * sandboxd(8): a manager process that launches targets for clients of its
 * control socket (src/notify/control.h), or one confined service, each in
 * a session process of its own that runs tracer_run() for it.  It runs in
 * the calling process, which must be single-threaded; it blocks SIGCHLD,
 * SIGTERM, SIGINT, SIGHUP and SIGQUIT and reads them from a signalfd.
 */

struct policy_conf_daemon;
struct policy_conf_service;

/**
 * struct tracer_daemon_who - whose event an event-log line is.
 * @id: the target's id (sandboxd --status lists it).
 * @policy: its policy's name; @service: the service's name, or NULL.
 * @uid: the target's uid; @pid: its pid, 0 before the launch.
 */
struct tracer_daemon_who {
	uint64_t id;
	const char *policy;
	const char *service;
	uid_t uid;
	pid_t pid;
};

/**
 * struct tracer_daemon_ops - what the daemon asks of its program.
 * @log: a message, with a syslog(3) priority (LOG_ERR, LOG_WARNING,
 *	LOG_INFO).
 * @event: one line of a session's event log (sandbox-run(1) EVENT LOG),
 *	without its newline; NULL when the configuration's log is "none".
 *	A negative errno means the line was lost: the target is killed, as
 *	sandbox-run ends a run whose event log fails.
 * @notify: a state change for the service manager, in sd_notify(3)'s
 *	"READY=1", "RELOADING=1", "STOPPING=1", "STATUS=..." words.
 * @reload: SIGHUP: read the configuration again into *@ret (NULL: keep
 *	the old one); returns 0 or -errno (then the old one stays).
 */
struct tracer_daemon_ops {
	void (*log)(void *data, int prio, const char *msg);
	int (*event)(void *data, const char *line,
		     const struct tracer_daemon_who *who);
	void (*notify)(void *data, const char *state);
	int (*reload)(void *data, struct policy_conf_daemon **ret);
};

/**
 * struct tracer_daemon_config - how the daemon runs.
 * @conf: sandboxd.conf's settings; the daemon frees it (and its
 *	replacements from @ops->reload) with policy_conf_daemon_free() and
 *	free() when it ends.
 * @control_fd: the listening control socket (SOCK_SEQPACKET), or -1 for
 *	the service mode.
 * @service_name, @service: the confined service (service mode), else
 *	NULL.
 * @ops, @data: see struct tracer_daemon_ops.
 */
struct tracer_daemon_config {
	struct policy_conf_daemon *conf;
	int control_fd;
	const char *service_name;
	const struct policy_conf_service *service;
	const struct tracer_daemon_ops *ops;
	void *data;
};

/**
 * tracer_daemon_run() - run the daemon until SIGTERM or SIGINT (the
 * launcher; then its targets get SIGTERM, and SIGKILL after the
 * configuration's stop-timeout) or until the service ends.
 * @ret_status: the service's wait status, or 0 for the launcher.
 * Returns 0, or -errno when the daemon could not run: the service's
 * policy could not be loaded, or its supervisor failed (-EPROTO).
 */
int tracer_daemon_run(const struct tracer_daemon_config *cfg, int *ret_status);

/**
 * tracer_daemon_check() - load and compile every policy of the policy
 * folder (and the service's), as tracer_daemon_run() would, saying
 * through @cfg->ops->log which fail.  Frees nothing of @cfg.
 * Returns 0, or -EINVAL if any failed.
 */
int tracer_daemon_check(const struct tracer_daemon_config *cfg);

#endif /* SANDBOXD_TRACER_H */
