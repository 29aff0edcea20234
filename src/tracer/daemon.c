/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The daemon (sandboxd(8)): a manager that takes launch requests on the
 * control socket, or runs one confined service, and a session process per
 * target that supervises it with tracer_run().
 *
 * The manager never traces anything itself.  It authenticates a client
 * when it connects, gathers the client's context (credentials, cgroup,
 * resource limits) from the kernel rather than from the client, checks
 * the request and forks a session.  The session puts the target into that
 * context (struct tracer_launch) and reports to the client directly on the
 * same connection: STARTED, then EXIT.  Counters go through a shared
 * page, event-log lines through a pipe to the manager.  A session dies
 * with the manager (PR_SET_PDEATHSIG), and its targets with the session
 * (PTRACE_O_EXITKILL): nothing runs unsupervised.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "arch/arch.h"
#include "bpf/bpf.h"
#include "notify/control.h"
#include "policy/compile.h"
#include "policy/conf.h"
#include "policy/lang.h"
#include "policy/policy.h"
#include "tracer/tracer.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* Policy files this large are not what anybody wrote. */
#define DAEMON_POLICY_MAX (16U << 20)
/* A client that has not finished its request by then is dropped. */
#define DAEMON_REQUEST_TIMEOUT_SEC 30
/* Connections that have not launched yet, at most. */
#define DAEMON_MAX_PENDING 256
/* ...and of one uid, so that one user cannot keep the others out */
#define DAEMON_MAX_PENDING_UID 32
#define DAEMON_MAX_SUBSCRIBERS 64

/* A compiled policy of the policy folder. */
struct dpolicy {
	struct dpolicy *next;
	char *name;
	char *path;
	struct bpf_filter *chain;
	char *listener_path;
	char *listener_metadata;
	bool wait_killable_recv;
	enum tracer_agent_loss loss;
	int loss_errno;
};

/* What a session shares with the manager, in a shared mapping. */
struct slot {
	volatile pid_t target;
	volatile int done;
	volatile int status;
	struct tracer_stats st;
};

struct client {
	struct client *next;
	int fd;
	struct ucred cred;
	gid_t *groups;
	size_t n_groups;
	int pidfd;
	time_t since;
	struct notify_ctl_request req;
	bool subscriber;
	char *sub_policy;
	uid_t sub_uid;
};

struct session {
	struct session *next;
	uint64_t id;
	pid_t pid; /* the session process */
	size_t slot;
	char *policy;
	char *command;
	uid_t uid;
	time_t started;
	int log_fd;
	char log_buf[65536];
	size_t log_len;
	bool termed;
	bool killed;
};

/* The session forked ahead of time (see "the spare session" below). */
struct spare {
	pid_t pid;
	int sock;
	struct handoff *h;
};

struct daemon {
	const struct tracer_daemon_config *cfg;
	struct policy_conf_daemon *conf;
	struct dpolicy *policies;
	struct client *clients;
	size_t n_pending;
	size_t n_subscribers;
	struct session *sessions;
	size_t n_sessions;
	struct slot *slots;
	unsigned char *slot_used;
	size_t n_slots;
	int sigfd;
	pid_t self;
	uint64_t next_id;
	bool stopping;
	time_t stop_deadline;
	bool killed;
	char cgroup_root[PATH_MAX]; /* the cgroup2 mount, or "" */
	struct stat ns[4];
	struct spare *spare;
	struct handoff *handed;	  /* the last one's mapping, to unmap */
	struct timespec spare_at; /* when to fork the next one */
	int service_ready_fd;
	bool service_done;
	int service_status;
	bool service_failed;
};

static void spare_drop(struct daemon *d, bool kill_it);

static const char *const ns_names[4] = { "user", "mnt", "pid", "net" };
static const char *const ns_words[4] = { "user", "mount", "pid", "network" };

static void dlog(struct daemon *d, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
dlog(struct daemon *d, int prio, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->cfg->ops && d->cfg->ops->log)
		d->cfg->ops->log(d->cfg->data, prio, msg);
	else
		fprintf(stderr, "sandboxd: %s\n", msg);
}

static void
dnotify(struct daemon *d, const char *state)
{
	if (d->cfg->ops && d->cfg->ops->notify)
		d->cfg->ops->notify(d->cfg->data, state);
}

/* ---- policies ---- */

static void
dpolicy_free(struct dpolicy *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->path);
	bpf_filter_unref(p->chain);
	free(p->listener_path);
	free(p->listener_metadata);
	free(p);
}

static void
policies_free(struct dpolicy *p)
{
	while (p) {
		struct dpolicy *next = p->next;

		dpolicy_free(p);
		p = next;
	}
}

/*
 * Load and compile one policy file.  Targets keep no capabilities, so an
 * OCI profile's includes and excludes are judged on none.  Includes of a
 * .policy must stay inside @root (NULL: anywhere, for a service's own
 * path).
 */
static int
dpolicy_load(const char *name, const char *path, const char *root,
	     struct dpolicy **ret, char *msg, size_t msgsz)
{
	static const enum tracer_agent_loss loss[] = {
		[POLICY_LOSS_ENOSYS] = TRACER_LOSS_ENOSYS,
		[POLICY_LOSS_KILL] = TRACER_LOSS_KILL,
		[POLICY_LOSS_ERRNO] = TRACER_LOSS_ERRNO,
		[POLICY_LOSS_WAIT] = TRACER_LOSS_WAIT,
	};
	struct policy_lang_opts lo = { .include_dir = root };
	struct policy_oci_opts oo = { .caps = 0 };
	struct policy_diag diag = { "" };
	struct sock_filter *prog = NULL;
	struct dpolicy *p = NULL;
	struct bpf_error err;
	struct policy pol;
	char *text = NULL;
	size_t size = 0, len = 0, n = strlen(path);
	int r;

	policy_init(&pol);
	if (n > 5 && strcmp(path + n - 5, ".json") == 0) {
		r = policy_read_file(path, DAEMON_POLICY_MAX, &text, &size);
		if (r < 0) {
			snprintf(diag.msg, sizeof(diag.msg), "%s: %s", path,
				 strerror(-r));
			goto out;
		}
		r = policy_load_oci(&pol, path, text, size, &oo, NULL, NULL,
				    &diag);
	} else {
		r = policy_lang_load(&pol, path, NULL, 0, &lo, NULL, NULL,
				     &diag);
	}
	if (r == 0)
		r = policy_compile_warn(&pol, NULL, NULL, NULL, &prog, &len,
					&diag);
	if (r < 0)
		goto out;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->name = strdup(name)) || !(p->path = strdup(path))) {
		r = -ENOMEM;
		goto out;
	}
	r = bpf_filter_new(NULL, prog, len, arch_cache_layout_host(),
			   TRACER_FILTER_LISTENER, &p->chain, &err);
	if (r < 0) {
		snprintf(diag.msg, sizeof(diag.msg), "%s: %s", path,
			 err.msg[0] ? err.msg : strerror(-r));
		goto out;
	}
	p->listener_path = pol.listener_path;
	p->listener_metadata = pol.listener_metadata;
	pol.listener_path = NULL;
	pol.listener_metadata = NULL;
	p->wait_killable_recv = pol.wait_killable_recv;
	p->loss = loss[pol.agent_loss];
	p->loss_errno = pol.agent_loss_errno;
	*ret = p;
	p = NULL;
out:
	if (r < 0)
		snprintf(msg, msgsz, "%s",
			 diag.msg[0] ? diag.msg : strerror(-r));
	dpolicy_free(p);
	policy_free(&pol);
	free(prog);
	free(text);
	return r;
}

/*
 * Every NAME.policy and NAME.json of the folder whose NAME is a valid
 * name; NAME.policy wins over NAME.json.  A file that does not compile is
 * left out, and said so: the others still serve.
 */
static struct dpolicy *
policies_load(struct daemon *d, const char *dir, size_t *ret_bad)
{
	struct dpolicy *list = NULL, *p;
	struct dirent **ents = NULL;
	char path[PATH_MAX], msg[600], name[SBX_CTL_MAX_NAME + 1];
	int n, i, pass;
	size_t bad = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		dlog(d, LOG_WARNING, "policy folder %s: %s", dir,
		     strerror(errno));
		*ret_bad = 1;
		return NULL;
	}
	for (pass = 0; pass < 2; pass++) {
		const char *ext = pass == 0 ? ".policy" : ".json";

		for (i = 0; i < n; i++) {
			const char *f = ents[i]->d_name;
			size_t fl = strlen(f), el = strlen(ext);
			struct dpolicy *q;

			if (fl <= el || strcmp(f + fl - el, ext) != 0 ||
			    fl - el > SBX_CTL_MAX_NAME)
				continue;
			memcpy(name, f, fl - el);
			name[fl - el] = '\0';
			if (!policy_conf_name_ok(name))
				continue;
			for (q = list; q; q = q->next)
				if (strcmp(q->name, name) == 0)
					break;
			if (q)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, f);
			if (dpolicy_load(name, path, dir, &p, msg,
					 sizeof(msg)) < 0) {
				dlog(d, LOG_ERR, "policy %s left out: %s", name,
				     msg);
				bad++;
				continue;
			}
			p->next = list;
			list = p;
		}
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	*ret_bad = bad;
	return list;
}

static struct dpolicy *
policy_find(struct daemon *d, const char *name)
{
	struct dpolicy *p;

	for (p = d->policies; p; p = p->next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static size_t
policies_count(const struct dpolicy *p)
{
	size_t n = 0;

	for (; p; p = p->next)
		n++;
	return n;
}

/* ---- the client's context, from the kernel ---- */

static void
ns_self(struct daemon *d)
{
	char path[64];
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns_names[i]);
		if (stat(path, &d->ns[i]) < 0)
			memset(&d->ns[i], 0, sizeof(d->ns[i]));
	}
}

/* The cgroup2 mount point, from mountinfo; "" if there is none. */
static void
cgroup_root_find(struct daemon *d)
{
	char line[4096], mnt[PATH_MAX], *sep;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	d->cgroup_root[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS... - FSTYPE ... */
		sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) != 0)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1) {
			strlcpy(d->cgroup_root, mnt, sizeof(d->cgroup_root));
			break;
		}
	}
	fclose(f);
}

/* Whether the client (its pidfd) still is the process we looked at. */
static bool
client_alive(const struct client *c)
{
	return syscall(SYS_pidfd_send_signal, c->pidfd, 0, NULL, 0) == 0;
}

/*
 * Check the client's namespaces against ours.  Returns 0, or -EPERM with
 * @msg saying which differs.
 */
static int
client_ns_check(struct daemon *d, const struct client *c, char *msg,
		size_t msgsz)
{
	char path[64];
	struct stat st;
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)c->cred.pid,
			 ns_names[i]);
		if (stat(path, &st) < 0) {
			snprintf(msg, msgsz,
				 "cannot see the client's %s namespace (%s)",
				 ns_words[i], strerror(errno));
			return -EPERM;
		}
		if (st.st_dev != d->ns[i].st_dev ||
		    st.st_ino != d->ns[i].st_ino) {
			snprintf(msg, msgsz,
				 "the client (pid %d) is in another %s "
				 "namespace than sandboxd; sandboxd launches "
				 "targets only for clients in its own user, "
				 "mount, pid and network namespaces",
				 (int)c->cred.pid, ns_words[i]);
			return -EPERM;
		}
	}
	return 0;
}

/* A process's cgroup2 path ("0::" line of /proc/PID/cgroup), or -errno. */
static int
cgroup_of(pid_t pid, char *buf, size_t size)
{
	char path[64], line[PATH_MAX + 8];
	FILE *f;
	int r = -ENOENT;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	else
		strlcpy(path, "/proc/self/cgroup", sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		if (strncmp(line, "0::", 3) != 0)
			continue;
		if (n && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (strstr(line + 3, "/..") || line[3] != '/')
			r = -EINVAL;
		else
			r = strlcpy(buf, line + 3, size) < size ? 0
								: -ENAMETOOLONG;
		break;
	}
	fclose(f);
	return r;
}

/*
 * The client's cgroup2 directory, opened for CLONE_INTO_CGROUP; -1 when
 * it is ours, where the target is born anyway.
 */
static int
client_cgroup(struct daemon *d, const struct client *c, int *ret_fd)
{
	char mine[PATH_MAX], theirs[PATH_MAX], dir[PATH_MAX * 2];
	int fd, r;

	*ret_fd = -1;
	if (!d->cgroup_root[0])
		return 0; /* no cgroup2: nothing to join */
	r = cgroup_of(c->cred.pid, theirs, sizeof(theirs));
	if (r < 0)
		return r;
	if (cgroup_of(0, mine, sizeof(mine)) == 0 && strcmp(mine, theirs) == 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s%s", d->cgroup_root, theirs);
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	return 0;
}

/*
 * The client's resource limits, from /proc/PID/limits, which anyone may
 * read: prlimit(2) on another uid's process needs CAP_SYS_RESOURCE.  The
 * lines come in the kernel's RLIMIT_ order, after a header.
 */
static int
client_rlimits(const struct client *c, struct rlimit ret[RLIM_NLIMITS])
{
	struct rlimit rl[RLIM_NLIMITS];
	char path[64], line[256], soft[32], hard[32];
	int res = -1, r = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/limits", (int)c->cred.pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (res < RLIM_NLIMITS && fgets(line, sizeof(line), f)) {
		char *end;

		if (res < 0) {
			res = 0; /* the header */
			continue;
		}
		/* "Max open files            1024       4096       files" */
		if (strlen(line) < 26 ||
		    sscanf(line + 26, "%31s %31s", soft, hard) != 2) {
			r = -EINVAL;
			break;
		}
		if (strcmp(soft, "unlimited") == 0)
			rl[res].rlim_cur = RLIM_INFINITY;
		else if ((rl[res].rlim_cur = strtoull(soft, &end, 10)), *end) {
			r = -EINVAL;
			break;
		}
		if (strcmp(hard, "unlimited") == 0)
			rl[res].rlim_max = RLIM_INFINITY;
		else if ((rl[res].rlim_max = strtoull(hard, &end, 10)), *end) {
			r = -EINVAL;
			break;
		}
		res++;
	}
	fclose(f);
	if (r == 0 && res != RLIM_NLIMITS)
		r = -EINVAL;
	if (r == 0)
		memcpy(ret, rl, sizeof(rl));
	return r;
}

/* The client's umask, from /proc/PID/status (Linux 4.7 and later). */
static int
client_umask(const struct client *c, mode_t *ret)
{
	char path[64], line[256];
	unsigned int mask;
	FILE *f;
	int r = -ENOENT;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)c->cred.pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Umask: %o", &mask) == 1) {
			*ret = (mode_t)(mask & 0777);
			r = 0;
			break;
		}
	fclose(f);
	return r;
}

/* ---- clients ---- */

static void
client_free(struct client *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	if (c->pidfd >= 0)
		close(c->pidfd);
	free(c->groups);
	free(c->sub_policy);
	notify_ctl_request_free(&c->req);
	free(c);
}

static void
client_remove(struct daemon *d, struct client *c)
{
	struct client **pp;

	for (pp = &d->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	if (c->subscriber)
		d->n_subscribers--;
	else
		d->n_pending--;
	client_free(c);
}

static void
client_refuse(struct daemon *d, struct client *c, int err, const char *msg)
{
	notify_ctl_send_error(c->fd, err, msg);
	dlog(d, LOG_WARNING, "client pid %d uid %u refused: %s",
	     (int)c->cred.pid, (unsigned)c->cred.uid, msg);
	client_remove(d, c);
}

/* Who is at the other end: credentials, groups, a pidfd, namespaces. */
static int
client_identify(struct daemon *d, struct client *c, char *msg, size_t msgsz)
{
	socklen_t len = sizeof(c->cred);
	gid_t *g;
	int n = 64;

	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len) < 0) {
		snprintf(msg, msgsz, "SO_PEERCRED: %s", strerror(errno));
		return -errno;
	}
	for (;;) {
		g = reallocarray(NULL, (size_t)n, sizeof(*g));
		if (!g)
			return -ENOMEM;
		len = (socklen_t)((size_t)n * sizeof(*g));
		if (getsockopt(c->fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0)
			break;
		free(g);
		if (errno != ERANGE || n >= 65536) {
			snprintf(msg, msgsz, "SO_PEERGROUPS: %s",
				 strerror(errno));
			return -EPERM;
		}
		n = (int)(len / sizeof(*g)) + 1;
	}
	c->groups = g;
	c->n_groups = len / sizeof(*g);
	len = sizeof(c->pidfd);
	if (getsockopt(c->fd, SOL_SOCKET, SO_PEERPIDFD, &c->pidfd, &len) < 0) {
		c->pidfd = -1;
		snprintf(msg, msgsz, "SO_PEERPIDFD: %s", strerror(errno));
		return -EPERM;
	}
	if (client_ns_check(d, c, msg, msgsz) < 0)
		return -EPERM;
	if (!client_alive(c)) {
		snprintf(msg, msgsz, "the client is gone");
		return -ESRCH;
	}
	return 0;
}

static unsigned int
pending_of(struct daemon *d, uid_t uid)
{
	const struct client *c;
	unsigned int n = 0;

	for (c = d->clients; c; c = c->next)
		if (!c->subscriber && c->pidfd >= 0 && c->cred.uid == uid)
			n++;
	return n;
}

static void
client_accept(struct daemon *d)
{
	char msg[400];
	struct client *c;
	int fd;

	fd = accept4(d->cfg->control_fd, NULL, NULL,
		     SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return; /* EAGAIN, EMFILE and the like: next time */
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->pidfd = -1;
	c->since = time(NULL);
	notify_ctl_request_init(&c->req);
	c->next = d->clients;
	d->clients = c;
	d->n_pending++;
	if (d->n_pending > DAEMON_MAX_PENDING) {
		client_refuse(d, c, EAGAIN,
			      "too many connections are waiting; try again");
		return;
	}
	if (client_identify(d, c, msg, sizeof(msg)) < 0) {
		client_refuse(d, c, EPERM, msg);
		return;
	}
	if (pending_of(d, c->cred.uid) > DAEMON_MAX_PENDING_UID) {
		snprintf(msg, sizeof(msg),
			 "uid %u has %u connections waiting already; try "
			 "again",
			 (unsigned)c->cred.uid, DAEMON_MAX_PENDING_UID);
		client_refuse(d, c, EAGAIN, msg);
	}
}

/* ---- sessions ---- */

/*
 * A line the log lost ends its target, as a failing --log ends a
 * sandbox-run: nothing goes unrecorded.
 */
static void
session_event(struct daemon *d, struct session *s, const char *line,
	      const struct tracer_daemon_who *who)
{
	int r;

	if (!d->cfg->ops || !d->cfg->ops->event)
		return;
	r = d->cfg->ops->event(d->cfg->data, line, who);
	if (r < 0 && !s->killed) {
		dlog(d, LOG_ERR,
		     "target %llu: its event log failed (%s): killing it",
		     (unsigned long long)s->id, strerror(-r));
		kill(s->pid, SIGKILL);
		s->killed = true;
	}
}

static void
session_event_lines(struct daemon *d, struct session *s, bool flush)
{
	struct tracer_daemon_who who = {
		.id = s->id,
		.policy = s->policy,
		.service = d->cfg->service_name,
		.uid = s->uid,
		.pid = d->slots[s->slot].target,
	};
	char *nl, *start = s->log_buf;

	while ((nl = memchr(start, '\n',
			    s->log_len - (size_t)(start - s->log_buf)))) {
		*nl = '\0';
		session_event(d, s, start, &who);
		start = nl + 1;
	}
	s->log_len -= (size_t)(start - s->log_buf);
	memmove(s->log_buf, start, s->log_len);
	/* a line longer than the buffer goes out in pieces */
	if (s->log_len == sizeof(s->log_buf) - 1 || (flush && s->log_len)) {
		s->log_buf[s->log_len] = '\0';
		session_event(d, s, s->log_buf, &who);
		s->log_len = 0;
	}
}

/* Read what the session's supervisor logged. */
static void
session_log_input(struct daemon *d, struct session *s)
{
	ssize_t n;

	for (;;) {
		n = read(s->log_fd, s->log_buf + s->log_len,
			 sizeof(s->log_buf) - 1 - s->log_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0 || errno != EAGAIN) {
				session_event_lines(d, s, true);
				close(s->log_fd);
				s->log_fd = -1;
			}
			return;
		}
		s->log_len += (size_t)n;
		session_event_lines(d, s, false);
	}
}

static void
session_free(struct daemon *d, struct session *s)
{
	if (s->log_fd >= 0) {
		session_log_input(d, s);
		if (s->log_fd >= 0)
			close(s->log_fd);
	}
	d->slot_used[s->slot] = 0;
	free(s->policy);
	free(s->command);
	free(s);
}

static void
sessions_reap(struct daemon *d)
{
	struct session **pp, *s;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (pp = &d->sessions; *pp; pp = &(*pp)->next)
			if ((*pp)->pid == pid)
				break;
		s = *pp;
		if (!s) {
			if (d->spare && d->spare->pid == pid)
				spare_drop(d, false);
			continue;
		}
		*pp = s->next;
		d->n_sessions--;
		if (d->cfg->service) {
			d->service_done = true;
			if (d->slots[s->slot].done)
				d->service_status = d->slots[s->slot].status;
			else
				d->service_failed = true;
		}
		if (d->slots[s->slot].done) {
			int st = d->slots[s->slot].status;

			dlog(d, LOG_INFO,
			     "target %llu (%s, uid %u) ended: %s %d",
			     (unsigned long long)s->id, s->policy,
			     (unsigned)s->uid,
			     WIFSIGNALED(st) ? "signal" : "exit status",
			     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		} else {
			dlog(d, LOG_WARNING,
			     "target %llu (%s, uid %u): its supervisor "
			     "ended with status 0x%x",
			     (unsigned long long)s->id, s->policy,
			     (unsigned)s->uid, (unsigned)status);
		}
		session_free(d, s);
	}
}

/* What one launch needs, gathered by the manager before the fork. */
struct prep {
	struct client *client; /* NULL for a service, and in a spare */
	int client_fd;	       /* its connection, or -1 */
	const struct dpolicy *policy;
	struct bpf_filter *chain;
	struct tracer_launch launch;
	char **argv;
	char *command;
	uint32_t flags;
	int sub_conn[DAEMON_MAX_SUBSCRIBERS];
	int sub_agent[DAEMON_MAX_SUBSCRIBERS]; /* the subscriber's end */
	int hub_end[DAEMON_MAX_SUBSCRIBERS];   /* the session's end */
	size_t n_subs;
	int log_pipe[2];
	int ready_pipe[2];
	uint64_t id;
	size_t slot;
	uid_t uid;
	const char *policy_name;
};

static void session_add(struct daemon *d, struct session *s, struct prep *p,
			pid_t pid);

/* The session's state, inside the session process. */
struct sess {
	struct daemon *d;
	struct prep *p;
	int fd; /* the client, or -1 */
	struct notify_ctl_msg *msg;
};

static void
prep_init(struct prep *p)
{
	size_t i;

	memset(p, 0, sizeof(*p));
	p->client_fd = -1;
	p->launch.cgroup_fd = -1;
	p->launch.cwd_fd = -1;
	for (i = 0; i < 3; i++)
		p->launch.stdio[i] = -1;
	p->log_pipe[0] = p->log_pipe[1] = -1;
	p->ready_pipe[0] = p->ready_pipe[1] = -1;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
prep_free(struct prep *p)
{
	size_t i;

	bpf_filter_unref(p->chain);
	close_fd(&p->launch.cgroup_fd);
	for (i = 0; i < p->n_subs; i++) {
		close_fd(&p->sub_agent[i]);
		close_fd(&p->hub_end[i]);
		close_fd(&p->sub_conn[i]);
	}
	close_fd(&p->log_pipe[0]);
	close_fd(&p->log_pipe[1]);
	close_fd(&p->ready_pipe[0]);
	close_fd(&p->ready_pipe[1]);
	free(p->command);
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Close every fd but 0, 1, 2 and @keep: the session holds nothing else. */
static void
keep_only(int *keep, size_t n)
{
	unsigned int from = 3;
	size_t i;

	qsort(keep, n, sizeof(*keep), cmp_int);
	for (i = 0; i < n; i++) {
		if (keep[i] < (int)from)
			continue;
		if ((unsigned int)keep[i] > from)
			syscall(SYS_close_range, from,
				(unsigned int)keep[i] - 1, 0);
		from = (unsigned int)keep[i] + 1;
	}
	syscall(SYS_close_range, from, ~0U, 0);
}

static void
sess_on_launch(void *data, pid_t pid)
{
	struct sess *ss = data;
	struct prep *p = ss->p;
	struct sbx_ctl_started st = { .id = p->id, .pid = pid };
	struct sbx_ctl_sandbox sb = { .id = p->id, .pid = pid, .uid = p->uid };
	const char *strs[1] = { p->policy_name };
	size_t i;

	ss->d->slots[p->slot].target = pid;
	if (ss->fd >= 0)
		notify_ctl_send(ss->fd, SBX_CTL_STARTED, &st, sizeof(st), NULL,
				0, NULL, 0);
	if (p->ready_pipe[1] >= 0) {
		ssize_t n __attribute__((unused));

		n = write(p->ready_pipe[1], &pid, sizeof(pid));
		close_fd(&p->ready_pipe[1]);
	}
	for (i = 0; i < p->n_subs; i++) {
		int fds[2];

		fds[0] = p->sub_agent[i];
		fds[1] = (int)syscall(SYS_pidfd_open, pid, 0);
		if (fds[1] >= 0)
			notify_ctl_send(p->sub_conn[i], SBX_CTL_SANDBOX, &sb,
					sizeof(sb), strs, 1, fds, 2);
		close_fd(&fds[1]);
		close_fd(&p->sub_agent[i]);
		close_fd(&p->sub_conn[i]);
	}
}

/*
 * The client's connection while its target runs: SIGNAL records are
 * signals for the target's process group, as a terminal would send
 * them; anything else, or the end of the connection, ends the target.
 */
static int
sess_on_watch(void *data, pid_t pid)
{
	struct sess *ss = data;
	const struct sbx_ctl_signal *sig;
	int r;

	r = notify_ctl_recv(ss->fd, ss->msg);
	if (r == -EAGAIN || r == -EINTR)
		return 0;
	if (r <= 0)
		return -ECONNRESET;
	if (ss->msg->type != SBX_CTL_SIGNAL) {
		notify_ctl_msg_clear(ss->msg);
		return -EPROTO;
	}
	sig = ss->msg->fixed;
	if (pid > 0 && kill(-pid, sig->signo) < 0)
		kill(pid, sig->signo);
	return 0;
}

/*
 * The target starts from the defaults, whatever the daemon's parent
 * ignored: a trap on SIGINT must see the client's Ctrl-C.
 */
static void
session_signals(void)
{
	sigset_t none;
	int i;

	for (i = 1; i < NSIG; i++)
		if (i != SIGKILL && i != SIGSTOP)
			signal(i, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void __attribute__((noreturn))
session_main(struct daemon *d, struct prep *p)
{
	const struct dpolicy *pol = p->policy;
	struct tracer_config cfg = { 0 };
	struct sess ss = { .d = d, .p = p, .fd = -1 };
	int keep[16 + 3 * DAEMON_MAX_SUBSCRIBERS];
	size_t nk = 0, i;
	int r, status = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != d->self)
		_exit(125);
	if (p->client_fd >= 0) {
		ss.fd = p->client_fd;
		keep[nk++] = ss.fd;
		/* the launch's messages reach the client, as sandbox-run's */
		if (p->launch.stdio[2] >= 0)
			dup2(p->launch.stdio[2], STDERR_FILENO);
	}
	for (i = 0; i < 3; i++)
		if (p->launch.stdio[i] >= 0)
			keep[nk++] = p->launch.stdio[i];
	if (p->launch.cwd_fd >= 0)
		keep[nk++] = p->launch.cwd_fd;
	if (p->launch.cgroup_fd >= 0)
		keep[nk++] = p->launch.cgroup_fd;
	if (p->log_pipe[1] >= 0)
		keep[nk++] = p->log_pipe[1];
	if (p->ready_pipe[1] >= 0)
		keep[nk++] = p->ready_pipe[1];
	for (i = 0; i < p->n_subs; i++) {
		keep[nk++] = p->sub_conn[i];
		keep[nk++] = p->sub_agent[i];
		keep[nk++] = p->hub_end[i];
	}
	keep_only(keep, nk);
	if (fcntl(ss.fd, F_SETFL, 0) < 0 && ss.fd >= 0)
		_exit(125);
	session_signals();
	if (p->client_fd >= 0)
		setproctitle("target %llu: uid %u, policy %s: %s",
			     (unsigned long long)p->id, (unsigned)p->uid,
			     p->policy_name, p->command);
	else
		setproctitle("service %s: %s", d->cfg->service_name,
			     p->command);
	ss.msg = malloc(sizeof(*ss.msg));
	if (!ss.msg)
		_exit(125);

	cfg.argv = p->argv;
	cfg.chain = p->chain;
	cfg.prefilter = !(p->flags & SBX_CTL_NO_PREFILTER);
	cfg.wait_all = p->flags & SBX_CTL_WAIT_ALL;
	cfg.caps_given = true;
	cfg.keep_caps = p->client_fd >= 0 ? 0 : d->cfg->service->keep_caps;
	cfg.log_fd = p->log_pipe[1];
	cfg.name = "sandboxd";
	cfg.agent_socket =
	    p->client_fd >= 0 ? NULL : d->cfg->service->agent_socket;
	cfg.listener_path = pol->listener_path;
	cfg.listener_metadata = pol->listener_metadata;
	cfg.wait_killable_recv = pol->wait_killable_recv;
	cfg.agent_loss = pol->loss;
	cfg.agent_loss_errno = pol->loss_errno;
	cfg.agent_fds = p->hub_end;
	cfg.n_agent_fds = p->n_subs;
	cfg.launch = &p->launch;
	cfg.on_launch = sess_on_launch;
	cfg.data = &ss;
	if (ss.fd >= 0) {
		cfg.watch_fd = ss.fd;
		cfg.on_watch = sess_on_watch;
	}
	cfg.live_stats = &d->slots[p->slot].st;
	r = tracer_run(&cfg, &status, NULL);
	if (r < 0) {
		if (ss.fd >= 0) {
			char msg[200];

			snprintf(msg, sizeof(msg),
				 "the supervisor of target %llu failed: %s",
				 (unsigned long long)p->id, strerror(-r));
			notify_ctl_send_error(
			    ss.fd, -r == ECONNRESET ? EPIPE : -r, msg);
		}
		_exit(125);
	}
	d->slots[p->slot].status = status;
	d->slots[p->slot].done = 1;
	if (ss.fd >= 0) {
		struct sbx_ctl_exit ex = { .status = status };

		notify_ctl_send(ss.fd, SBX_CTL_EXIT, &ex, sizeof(ex), NULL, 0,
				NULL, 0);
	}
	_exit(0);
}

static char *
join_argv(char *const *argv)
{
	size_t n = 0, i;
	char *s, *q;

	for (i = 0; argv[i]; i++)
		n += strlen(argv[i]) + 1;
	s = malloc(n + 1);
	if (!s)
		return NULL;
	q = s;
	for (i = 0; argv[i]; i++) {
		size_t l = strlen(argv[i]);

		if (i)
			*q++ = ' ';
		memcpy(q, argv[i], l);
		q += l;
	}
	*q = '\0';
	return s;
}

/* ---- the spare session ----
 *
 * A fork costs more than anything else on the way to a launch, so one
 * session process is forked ahead of time and waits.  A launch hands it
 * the request through a shared mapping (struct handoff) and the fds
 * through a socket; the next spare is forked once the launch is under
 * way.  It has the policies of its fork, and a reload replaces it.
 */

struct handoff {
	uint64_t id;
	uint64_t slot;
	uint32_t uid;
	uint32_t gid;
	uint32_t flags;
	uint32_t umask;
	uint32_t n_groups;
	uint32_t argc;
	uint32_t envc;
	uint32_t n_filters;
	uint32_t n_subs;
	uint32_t has_cgroup;
	uint32_t has_log;
	uint32_t pad;
	struct rlimit rlimits[RLIM_NLIMITS];
	char policy[SBX_CTL_MAX_NAME + 1];
	uint64_t data[]; /* groups, filters (length, insns), argv, envp */
};

#define HANDOFF_SIZE                                           \
	(sizeof(struct handoff) + 65536 * sizeof(gid_t) +      \
	 SBX_CTL_MAX_FILTERS *                                 \
	     (8 + BPF_MAXINSNS * sizeof(struct sock_filter)) + \
	 SBX_CTL_MAX_STRINGS + 2 * 8 * (size_t)SBX_CTL_MAX_ARGS)
/* client, stdio, folder, cgroup, log, and three per subscriber */
#define HANDOFF_MAX_FDS (7 + 3 * DAEMON_MAX_SUBSCRIBERS)

static void
spare_drop(struct daemon *d, bool kill_it)
{
	struct spare *sp = d->spare;

	if (!sp)
		return;
	if (kill_it)
		kill(sp->pid, SIGKILL);
	close(sp->sock);
	/*
	 * Unmapping takes the other CPUs' TLBs down, the session's among
	 * them: after a handover, later, when the next spare is forked.
	 */
	if (kill_it || d->handed)
		munmap(sp->h, HANDOFF_SIZE);
	else
		d->handed = sp->h;
	free(sp);
	d->spare = NULL;
}

static void *
handoff_put(char **at, const char *end, const void *src, size_t len)
{
	char *p = *at;

	if ((size_t)(end - p) < len)
		return NULL;
	memcpy(p, src, len);
	*at = p + ((len + 7) & ~(size_t)7);
	if (*at > end)
		*at = (char *)end;
	return p;
}

/* Fill the spare's mapping with @p.  Returns 0 or -E2BIG. */
static int
handoff_fill(struct handoff *h, const struct prep *p,
	     const struct notify_ctl_request *req)
{
	char *at = (char *)h->data, *end = (char *)h + HANDOFF_SIZE;
	size_t i;

	h->id = p->id;
	h->slot = p->slot;
	h->uid = p->launch.uid;
	h->gid = p->launch.gid;
	h->flags = p->flags;
	h->umask = p->launch.umask;
	h->n_groups = (uint32_t)p->launch.n_groups;
	h->argc = (uint32_t)req->argc;
	h->envc = (uint32_t)req->envc;
	h->n_filters = (uint32_t)req->n_filters;
	h->n_subs = (uint32_t)p->n_subs;
	h->has_cgroup = p->launch.cgroup_fd >= 0;
	h->has_log = p->log_pipe[1] >= 0;
	memcpy(h->rlimits, p->launch.rlimits, sizeof(h->rlimits));
	strlcpy(h->policy, p->policy_name, sizeof(h->policy));
	if (!handoff_put(&at, end, p->launch.groups,
			 p->launch.n_groups * sizeof(gid_t)))
		return -E2BIG;
	for (i = 0; i < req->n_filters; i++) {
		uint64_t len = req->filters[i].len;

		if (!handoff_put(&at, end, &len, sizeof(len)) ||
		    !handoff_put(&at, end, req->filters[i].filter,
				 len * sizeof(struct sock_filter)))
			return -E2BIG;
	}
	for (i = 0; i < req->argc; i++)
		if (!handoff_put(&at, end, req->argv[i],
				 strlen(req->argv[i]) + 1))
			return -E2BIG;
	for (i = 0; i < req->envc; i++)
		if (!handoff_put(&at, end, req->envp[i],
				 strlen(req->envp[i]) + 1))
			return -E2BIG;
	return 0;
}

/*
 * The spare's side: turn the mapping and the fds back into a struct prep.
 * The manager checked all of it; what fails here fails the launch.
 */
static int
handoff_take(struct daemon *d, const struct handoff *h, const int *fds,
	     size_t n_fds, struct prep *p)
{
	const char *at = (const char *)h->data;
	size_t i, k = 5;
	char **argv, **envp;

	if (n_fds != 5 + h->has_cgroup + h->has_log + 3 * (size_t)h->n_subs ||
	    h->n_subs > DAEMON_MAX_SUBSCRIBERS)
		return -EPROTO;
	p->client_fd = fds[0];
	for (i = 0; i < 3; i++)
		p->launch.stdio[i] = fds[1 + i];
	p->launch.cwd_fd = fds[4];
	p->launch.cgroup_fd = h->has_cgroup ? fds[k++] : -1;
	p->log_pipe[1] = h->has_log ? fds[k++] : -1;
	p->n_subs = h->n_subs;
	for (i = 0; i < h->n_subs; i++) {
		p->sub_conn[i] = fds[k++];
		p->sub_agent[i] = fds[k++];
		p->hub_end[i] = fds[k++];
	}
	p->policy = policy_find(d, h->policy);
	if (!p->policy)
		return -ENOENT;
	p->policy_name = p->policy->name;
	p->id = h->id;
	p->slot = (size_t)h->slot;
	p->uid = h->uid;
	p->flags = h->flags;
	p->launch.set_ids = true;
	p->launch.uid = h->uid;
	p->launch.gid = h->gid;
	p->launch.groups = (const gid_t *)at;
	p->launch.n_groups = h->n_groups;
	at += ((size_t)h->n_groups * sizeof(gid_t) + 7) & ~(size_t)7;
	p->launch.set_rlimits = true;
	memcpy(p->launch.rlimits, h->rlimits, sizeof(h->rlimits));
	p->launch.set_umask = true;
	p->launch.umask = (mode_t)h->umask;
	p->launch.new_session = true;
	p->chain = bpf_filter_ref(p->policy->chain);
	for (i = 0; i < h->n_filters; i++) {
		uint64_t len;
		struct bpf_filter *f;
		struct bpf_error err;

		memcpy(&len, at, sizeof(len));
		at += 8;
		if (bpf_filter_new(p->chain, (const struct sock_filter *)at,
				   (size_t)len, arch_cache_layout_host(), 0, &f,
				   &err) < 0)
			return -EINVAL;
		bpf_filter_unref(p->chain);
		p->chain = f;
		at += (len * sizeof(struct sock_filter) + 7) & ~(size_t)7;
	}
	argv = calloc((size_t)h->argc + 1, sizeof(*argv));
	envp = calloc((size_t)h->envc + 1, sizeof(*envp));
	if (!argv || !envp)
		return -ENOMEM;
	for (i = 0; i < h->argc; i++) {
		argv[i] = (char *)at;
		at += (strlen(at) + 1 + 7) & ~(size_t)7;
	}
	for (i = 0; i < h->envc; i++) {
		envp[i] = (char *)at;
		at += (strlen(at) + 1 + 7) & ~(size_t)7;
	}
	p->argv = argv;
	p->launch.envp = envp;
	p->command = join_argv(argv);
	return p->command ? 0 : -ENOMEM;
}

static void __attribute__((noreturn))
spare_main(struct daemon *d, int sock, struct handoff *h)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(HANDOFF_MAX_FDS * sizeof(int))];
	} u;
	struct iovec iov;
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	int fds[HANDOFF_MAX_FDS], keep[1] = { sock };
	size_t n_fds = 0;
	struct prep p;
	char go;
	ssize_t n;
	int r;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != d->self)
		_exit(0);
	keep_only(keep, 1);
	session_signals();
	setproctitle("spare session");
	iov.iov_base = &go;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != 1 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		_exit(0);
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS) {
			n_fds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			if (n_fds > HANDOFF_MAX_FDS)
				_exit(125);
			memcpy(fds, CMSG_DATA(cm), n_fds * sizeof(int));
		}
	prep_init(&p);
	r = handoff_take(d, h, fds, n_fds, &p);
	if (r < 0) {
		if (n_fds)
			notify_ctl_send_error(fds[0], -r,
					      "the session could not take the "
					      "launch");
		_exit(125);
	}
	session_main(d, &p);
}

static void
spare_fork(struct daemon *d)
{
	struct spare *sp;
	int sv[2];
	pid_t pid;

	if (d->handed) {
		munmap(d->handed, HANDOFF_SIZE);
		d->handed = NULL;
	}
	if (d->spare || d->cfg->service || d->stopping)
		return;
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return;
	sp->h = mmap(NULL, HANDOFF_SIZE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (sp->h == MAP_FAILED) {
		free(sp);
		return;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		munmap(sp->h, HANDOFF_SIZE);
		free(sp);
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		spare_main(d, sv[1], sp->h);
	}
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		munmap(sp->h, HANDOFF_SIZE);
		free(sp);
		return;
	}
	sp->pid = pid;
	sp->sock = sv[0];
	d->spare = sp;
}

/*
 * Give the launch to the spare.  Returns 0, or -errno with nothing handed
 * over, for the caller to fork a session instead.
 */
static int
spare_hand(struct daemon *d, struct prep *p,
	   const struct notify_ctl_request *req)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(HANDOFF_MAX_FDS * sizeof(int))];
	} u;
	struct spare *sp = d->spare;
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	struct session *s;
	struct iovec iov;
	int fds[HANDOFF_MAX_FDS];
	size_t n = 0, i;
	char go = 1;
	int r;

	if (!sp)
		return -EAGAIN;
	r = handoff_fill(sp->h, p, req);
	if (r < 0)
		return r;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->policy = strdup(p->policy_name);
	s->command = strdup(p->command);
	if (!s->policy || !s->command ||
	    (d->cfg->ops && d->cfg->ops->event &&
	     pipe2(p->log_pipe, O_CLOEXEC) < 0)) {
		r = s->policy && s->command ? -errno : -ENOMEM;
		goto fail;
	}
	sp->h->has_log = p->log_pipe[1] >= 0;
	fds[n++] = p->client_fd;
	for (i = 0; i < 3; i++)
		fds[n++] = p->launch.stdio[i];
	fds[n++] = p->launch.cwd_fd;
	if (p->launch.cgroup_fd >= 0)
		fds[n++] = p->launch.cgroup_fd;
	if (p->log_pipe[1] >= 0)
		fds[n++] = p->log_pipe[1];
	for (i = 0; i < p->n_subs; i++) {
		fds[n++] = p->sub_conn[i];
		fds[n++] = p->sub_agent[i];
		fds[n++] = p->hub_end[i];
	}
	iov.iov_base = &go;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
	memset(u.buf, 0, sizeof(u.buf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	if (sendmsg(sp->sock, &mh, MSG_NOSIGNAL) != 1) {
		r = -errno;
		close_fd(&p->log_pipe[0]);
		close_fd(&p->log_pipe[1]);
		/* a spare that cannot take it is no spare */
		spare_drop(d, true);
		goto fail;
	}
	session_add(d, s, p, sp->pid);
	spare_drop(d, false);
	/*
	 * The next one once this launch is under way: a fork now would take
	 * the CPU the target starts on.
	 */
	clock_gettime(CLOCK_MONOTONIC, &d->spare_at);
	d->spare_at.tv_nsec += 20 * 1000000L;
	if (d->spare_at.tv_nsec >= 1000000000L) {
		d->spare_at.tv_sec++;
		d->spare_at.tv_nsec -= 1000000000L;
	}
	return 0;
fail:
	free(s->policy);
	free(s->command);
	free(s);
	return r;
}

/* How long the loop may wait before the next spare is due; -1: none due. */
static int
spare_due_ms(struct daemon *d)
{
	struct timespec now;
	long ms;

	if (d->spare || d->cfg->service || d->stopping)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (d->spare_at.tv_sec - now.tv_sec) * 1000 +
	     (d->spare_at.tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (int)ms : 0;
}

static int
slot_take(struct daemon *d, size_t *ret)
{
	size_t i;

	for (i = 0; i < d->n_slots; i++)
		if (!d->slot_used[i]) {
			d->slot_used[i] = 1;
			memset(&d->slots[i], 0, sizeof(d->slots[i]));
			*ret = i;
			return 0;
		}
	return -EAGAIN;
}

/* Channels for the subscribers that may see a target of @uid, @policy. */
static int
prep_subscribers(struct daemon *d, struct prep *p)
{
	struct client *c;
	int sv[2];

	for (c = d->clients; c; c = c->next) {
		if (!c->subscriber || strcmp(c->sub_policy, p->policy_name))
			continue;
		if (c->sub_uid != (uid_t)-1 && c->sub_uid != p->uid)
			continue;
		if (p->n_subs == DAEMON_MAX_SUBSCRIBERS)
			break;
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) <
		    0)
			return -errno;
		p->sub_agent[p->n_subs] = sv[0];
		p->hub_end[p->n_subs] = sv[1];
		p->sub_conn[p->n_subs] = fcntl(c->fd, F_DUPFD_CLOEXEC, 3);
		if (p->sub_conn[p->n_subs] < 0) {
			close(sv[0]);
			close(sv[1]);
			return -errno;
		}
		p->n_subs++;
	}
	return 0;
}

/* Fork the session; the manager keeps its bookkeeping. */
static int
session_start(struct daemon *d, struct prep *p)
{
	struct session *s;
	pid_t pid;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->policy = strdup(p->policy_name);
	s->command = strdup(p->command);
	if (!s->policy || !s->command) {
		free(s->policy);
		free(s->command);
		free(s);
		return -ENOMEM;
	}
	if (d->cfg->ops && d->cfg->ops->event &&
	    pipe2(p->log_pipe, O_CLOEXEC) < 0) {
		free(s->policy);
		free(s->command);
		free(s);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		int r = -errno;

		free(s->policy);
		free(s->command);
		free(s);
		return r;
	}
	if (pid == 0)
		session_main(d, p);
	session_add(d, s, p, pid);
	return 0;
}

static void
session_add(struct daemon *d, struct session *s, struct prep *p, pid_t pid)
{
	s->pid = pid;
	s->id = p->id;
	s->slot = p->slot;
	s->uid = p->uid;
	s->started = time(NULL);
	s->log_fd = p->log_pipe[0];
	p->log_pipe[0] = -1;
	if (s->log_fd >= 0)
		fcntl(s->log_fd, F_SETFL, O_NONBLOCK);
	s->next = d->sessions;
	d->sessions = s;
	d->n_sessions++;
}

static void
policy_name_bad(struct daemon *d, const char *name, char *msg, size_t size)
{
	snprintf(msg, size,
		 "'%s' is not a policy name: policies are named by their "
		 "file in %s, without a folder or extension",
		 name, d->conf->policy_dir);
}

/* A whole request came in: check it, gather the context, launch. */
static void
client_launch(struct daemon *d, struct client *c)
{
	struct notify_ctl_request *req = &c->req;
	const struct dpolicy *pol;
	struct prep p;
	char msg[600];
	size_t i;
	int r;

	prep_init(&p);
	if (!policy_conf_name_ok(req->policy)) {
		policy_name_bad(d, req->policy, msg, sizeof(msg));
		client_refuse(d, c, EINVAL, msg);
		return;
	}
	pol = policy_find(d, req->policy);
	if (!pol) {
		snprintf(msg, sizeof(msg), "no policy '%s' in %s", req->policy,
			 d->conf->policy_dir);
		client_refuse(d, c, ENOENT, msg);
		return;
	}
	if (d->n_sessions >= d->conf->max_targets) {
		snprintf(msg, sizeof(msg),
			 "sandboxd runs %u targets already, its max-targets",
			 d->conf->max_targets);
		client_refuse(d, c, EAGAIN, msg);
		return;
	}
	p.client = c;
	p.client_fd = c->fd;
	p.policy = pol;
	p.policy_name = pol->name;
	p.uid = c->cred.uid;
	p.chain = bpf_filter_ref(pol->chain);
	/* the client's filters go on top: they can only restrict */
	for (i = 0; i < req->n_filters; i++) {
		struct bpf_filter *f;
		struct bpf_error err;

		r = bpf_filter_new(p.chain, req->filters[i].filter,
				   req->filters[i].len,
				   arch_cache_layout_host(), 0, &f, &err);
		if (r < 0) {
			snprintf(msg, sizeof(msg),
				 "filter %zu: insn %u: %s: the kernel would "
				 "refuse this filter",
				 i + 1, err.insn,
				 err.msg[0] ? err.msg : strerror(-r));
			goto refuse_einval;
		}
		bpf_filter_unref(p.chain);
		p.chain = f;
	}
	p.argv = req->argv;
	p.flags = req->flags;
	p.command = join_argv(req->argv);
	if (!p.command) {
		r = -ENOMEM;
		snprintf(msg, sizeof(msg), "out of memory");
		goto refuse;
	}
	/* the context comes from the kernel, never from the client */
	p.launch.set_ids = true;
	p.launch.uid = c->cred.uid;
	p.launch.gid = c->cred.gid;
	p.launch.groups = c->groups;
	p.launch.n_groups = c->n_groups;
	p.launch.set_rlimits = true;
	r = client_rlimits(c, p.launch.rlimits);
	if (r < 0) {
		snprintf(msg, sizeof(msg),
			 "cannot read the client's resource limits: %s",
			 strerror(-r));
		goto refuse;
	}
	r = client_umask(c, &p.launch.umask);
	if (r < 0) {
		snprintf(msg, sizeof(msg), "cannot read the client's umask: %s",
			 strerror(-r));
		goto refuse;
	}
	p.launch.set_umask = true;
	r = client_cgroup(d, c, &p.launch.cgroup_fd);
	if (r < 0) {
		snprintf(msg, sizeof(msg),
			 "cannot open the client's cgroup: %s", strerror(-r));
		goto refuse;
	}
	if (!client_alive(c)) {
		r = -ESRCH;
		snprintf(msg, sizeof(msg), "the client is gone");
		goto refuse;
	}
	for (i = 0; i < 3; i++)
		p.launch.stdio[i] = req->fds[i];
	p.launch.cwd_fd = req->fds[3];
	p.launch.envp = req->envp;
	p.launch.new_session = true;
	r = slot_take(d, &p.slot);
	if (r < 0) {
		snprintf(msg, sizeof(msg), "no free target slot");
		goto refuse;
	}
	p.id = d->next_id++;
	r = prep_subscribers(d, &p);
	if (r == 0 && spare_hand(d, &p, req) < 0)
		r = session_start(d, &p);
	if (r < 0) {
		d->slot_used[p.slot] = 0;
		snprintf(msg, sizeof(msg), "cannot start a session: %s",
			 strerror(-r));
		goto refuse;
	}
	dlog(d, LOG_INFO, "target %llu: uid %u, policy %s: %s",
	     (unsigned long long)p.id, (unsigned)p.uid, pol->name, p.command);
	prep_free(&p);
	/* the session has the connection now */
	client_remove(d, c);
	return;
refuse_einval:
	r = -EINVAL;
refuse:
	prep_free(&p);
	client_refuse(d, c, -r, msg);
}

static void
client_status(struct daemon *d, struct client *c)
{
	struct session *s;

	for (s = d->sessions; s; s = s->next) {
		struct slot *sl = &d->slots[s->slot];
		struct sbx_ctl_target t = {
			.id = s->id,
			.pid = sl->target,
			.uid = s->uid,
			.started = s->started,
			.stops = sl->st.stops,
			.syscall_stops = sl->st.syscall_stops,
			.decisions = sl->st.decisions,
			.denied = sl->st.denied,
			.tasks = sl->st.tasks,
			.notifications = sl->st.notifications,
		};
		const char *strs[2] = { s->policy, s->command };

		/* a user sees their own targets; root sees all */
		if (c->cred.uid != 0 && c->cred.uid != s->uid)
			continue;
		if (notify_ctl_send(c->fd, SBX_CTL_TARGET, &t, sizeof(t), strs,
				    2, NULL, 0) < 0)
			break;
	}
	notify_ctl_send(c->fd, SBX_CTL_END, NULL, 0, NULL, 0, NULL, 0);
	client_remove(d, c);
}

static void
client_subscribe(struct daemon *d, struct client *c,
		 const struct notify_ctl_msg *m)
{
	const struct sbx_ctl_subscribe *sub = m->fixed;
	const char *name = m->strings[0];
	char msg[400];
	uid_t want;

	/* -1: one's own targets; for root, every target */
	want = sub->uid >= 0	  ? (uid_t)sub->uid
	       : c->cred.uid == 0 ? (uid_t)-1
				  : c->cred.uid;
	if (c->cred.uid != 0 && want != c->cred.uid) {
		snprintf(msg, sizeof(msg),
			 "uid %u may not subscribe to the targets of uid %u: "
			 "only root and the targets' own uid may",
			 (unsigned)c->cred.uid, (unsigned)want);
		client_refuse(d, c, EPERM, msg);
		return;
	}
	if (!policy_conf_name_ok(name)) {
		policy_name_bad(d, name, msg, sizeof(msg));
		client_refuse(d, c, EINVAL, msg);
		return;
	}
	if (!policy_find(d, name)) {
		snprintf(msg, sizeof(msg), "no policy '%s' in %s", name,
			 d->conf->policy_dir);
		client_refuse(d, c, ENOENT, msg);
		return;
	}
	if (d->n_subscribers >= DAEMON_MAX_SUBSCRIBERS) {
		client_refuse(d, c, EAGAIN, "too many subscribers");
		return;
	}
	c->sub_policy = strdup(name);
	if (!c->sub_policy) {
		client_refuse(d, c, ENOMEM, "out of memory");
		return;
	}
	c->sub_uid = want;
	c->subscriber = true;
	d->n_pending--;
	d->n_subscribers++;
	notify_ctl_send(c->fd, SBX_CTL_OK, NULL, 0, NULL, 0, NULL, 0);
	if (want == (uid_t)-1)
		dlog(d, LOG_INFO,
		     "uid %u subscribed to policy %s, every uid's targets",
		     (unsigned)c->cred.uid, name);
	else
		dlog(d, LOG_INFO,
		     "uid %u subscribed to policy %s, uid %u's targets",
		     (unsigned)c->cred.uid, name, (unsigned)want);
}

/*
 * One record of @c.  Returns true while @c stays a pending connection
 * that may have more to read.
 */
static bool
client_record(struct daemon *d, struct client *c, struct notify_ctl_msg *m)
{
	const char *why = NULL;
	char msg[300];
	int r;

	r = notify_ctl_recv(c->fd, m);
	if (r == -EAGAIN || r == -EINTR)
		return false;
	if (r == 0) {
		client_remove(d, c);
		return false;
	}
	if (r < 0) {
		snprintf(msg, sizeof(msg), "bad record: %s", strerror(-r));
		client_refuse(d, c, -r == EOPNOTSUPP ? EOPNOTSUPP : EBADMSG,
			      msg);
		return false;
	}
	if (c->subscriber) {
		notify_ctl_msg_clear(m);
		client_refuse(d, c, EPROTO, "a subscription takes no records");
		return false;
	}
	if (c->req.state == 0 && m->type == SBX_CTL_STATUS) {
		client_status(d, c);
		return false;
	}
	if (c->req.state == 0 && m->type == SBX_CTL_SUBSCRIBE) {
		client_subscribe(d, c, m);
		notify_ctl_msg_clear(m);
		return false;
	}
	r = notify_ctl_request_feed(&c->req, m, &why);
	notify_ctl_msg_clear(m);
	if (r < 0) {
		client_refuse(d, c, -r, why ? why : strerror(-r));
		return false;
	}
	if (r == 1) {
		if (d->stopping)
			client_refuse(d, c, ESHUTDOWN, "sandboxd is stopping");
		else
			client_launch(d, c);
		return false;
	}
	return true;
}

/* Every record that waits: a launch's ARG and ENV come in a burst. */
static void
client_input(struct daemon *d, struct client *c, struct notify_ctl_msg *m)
{
	while (client_record(d, c, m))
		;
}

/* ---- the service ---- */

static int
service_start(struct daemon *d)
{
	const struct policy_conf_service *sv = d->cfg->service;
	const char *name = sv->policy;
	struct dpolicy *own = NULL;
	const struct dpolicy *pol;
	char msg[600];
	struct prep p;
	int r, nullfd;

	if (name[0] == '/') {
		r = dpolicy_load(name, name, NULL, &own, msg, sizeof(msg));
		if (r < 0) {
			dlog(d, LOG_ERR, "service %s: %s", d->cfg->service_name,
			     msg);
			return r;
		}
		pol = own;
	} else {
		pol = policy_find(d, name);
		if (!pol) {
			dlog(d, LOG_ERR,
			     "service %s: no policy '%s' in %s that compiles",
			     d->cfg->service_name, name, d->conf->policy_dir);
			return -ENOENT;
		}
	}
	prep_init(&p);
	p.policy = pol;
	p.policy_name = pol->name;
	p.uid = sv->uid;
	p.chain = bpf_filter_ref(pol->chain);
	p.argv = sv->argv;
	p.flags = (sv->prefilter ? 0 : SBX_CTL_NO_PREFILTER) |
		  (sv->wait_all ? SBX_CTL_WAIT_ALL : 0);
	p.command = join_argv(sv->argv);
	p.launch.set_ids = true;
	p.launch.uid = sv->uid;
	p.launch.gid = sv->gid;
	p.launch.groups = sv->groups;
	p.launch.n_groups = sv->n_groups;
	p.launch.envp = sv->envp;
	p.launch.new_session = true;
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	p.launch.stdio[0] = nullfd;
	p.launch.cwd_fd = open(sv->cwd, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!p.command || nullfd < 0 || p.launch.cwd_fd < 0 ||
	    pipe2(p.ready_pipe, O_CLOEXEC) < 0) {
		r = !p.command ? -ENOMEM : -errno;
		dlog(d, LOG_ERR, "service %s: cannot prepare the launch: %s",
		     d->cfg->service_name, strerror(-r));
		goto out;
	}
	slot_take(d, &p.slot);
	p.id = d->next_id++;
	r = session_start(d, &p);
	if (r < 0) {
		dlog(d, LOG_ERR, "service %s: cannot start: %s",
		     d->cfg->service_name, strerror(-r));
		goto out;
	}
	d->service_ready_fd = p.ready_pipe[0];
	p.ready_pipe[0] = -1;
	dlog(d, LOG_INFO, "service %s: policy %s, uid %u: %s",
	     d->cfg->service_name, pol->name, (unsigned)sv->uid, p.command);
out:
	close_fd(&nullfd);
	close_fd(&p.launch.cwd_fd);
	prep_free(&p);
	/* the session holds its own reference to the policy's memory */
	dpolicy_free(own);
	return r;
}

/* ---- signals, reload, stop ---- */

static void
daemon_reload(struct daemon *d)
{
	struct policy_conf_daemon *conf = NULL;
	struct dpolicy *pols;
	size_t bad = 0;
	int r;

	dnotify(d, "RELOADING=1");
	if (d->cfg->ops && d->cfg->ops->reload) {
		r = d->cfg->ops->reload(d->cfg->data, &conf);
		if (r < 0) {
			dlog(d, LOG_ERR,
			     "reload: the configuration stays as it was: %s",
			     strerror(-r));
			dnotify(d, "READY=1");
			return;
		}
		if (conf) {
			/* the socket and the slots stay as they were made */
			if (conf->max_targets > d->n_slots)
				conf->max_targets = (unsigned)d->n_slots;
			policy_conf_daemon_free(d->conf);
			free(d->conf);
			d->conf = conf;
		}
	}
	pols = policies_load(d, d->conf->policy_dir, &bad);
	policies_free(d->policies);
	d->policies = pols;
	/* the spare knows the old policies: the next one the new */
	spare_drop(d, true);
	dlog(d, LOG_INFO, "reloaded: %zu policies from %s%s",
	     policies_count(pols), d->conf->policy_dir,
	     bad ? ", some left out" : "");
	dnotify(d, "READY=1");
}

static void
daemon_stop(struct daemon *d)
{
	struct session *s;

	if (d->stopping)
		return;
	d->stopping = true;
	d->stop_deadline = time(NULL) + (time_t)d->conf->stop_timeout;
	spare_drop(d, true);
	dnotify(d, "STOPPING=1");
	dlog(d, LOG_INFO, "stopping: %zu targets get SIGTERM", d->n_sessions);
	/* the session's supervisor forwards it to its command */
	for (s = d->sessions; s; s = s->next) {
		kill(s->pid, SIGTERM);
		s->termed = true;
	}
}

static void
signals_input(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			sessions_reap(d);
			break;
		case SIGHUP:
			if (!d->cfg->service)
				daemon_reload(d);
			break;
		default:
			daemon_stop(d);
			break;
		}
	}
	sessions_reap(d);
}

/* ---- the loop ---- */

static void
clients_expire(struct daemon *d)
{
	struct client *c, *next;
	time_t now = time(NULL);

	for (c = d->clients; c; c = next) {
		next = c->next;
		if (!c->subscriber &&
		    now - c->since > DAEMON_REQUEST_TIMEOUT_SEC)
			client_refuse(d, c, ETIMEDOUT,
				      "the request did not come in time");
	}
}

static void
daemon_loop(struct daemon *d)
{
	struct notify_ctl_msg *m = malloc(sizeof(*m));
	struct pollfd *fds = NULL;
	size_t cap = 0;

	if (!m) {
		dlog(d, LOG_ERR, "out of memory");
		daemon_stop(d);
	}
	for (;;) {
		struct client *c, *cnext;
		struct session *s;
		size_t n = 0, need, i;
		int timeout = 1000, due;

		if (d->stopping && d->n_sessions == 0)
			break;
		if (d->cfg->service && d->service_done)
			break;
		/*
		 * At the deadline the targets get SIGKILL, so their clients
		 * hear of it as of any death; a session that still does not
		 * end gets it too, a little later.
		 */
		if (d->stopping && !d->killed &&
		    time(NULL) >= d->stop_deadline) {
			for (s = d->sessions; s; s = s->next) {
				pid_t t = d->slots[s->slot].target;

				if (t > 0 && kill(-t, SIGKILL) < 0)
					kill(t, SIGKILL);
			}
			d->killed = true;
		}
		if (d->stopping && d->killed &&
		    time(NULL) >= d->stop_deadline + 5) {
			for (s = d->sessions; s; s = s->next)
				kill(s->pid, SIGKILL);
		}
		if (d->stopping) {
			/* nothing new while we stop */
			while (d->clients)
				client_remove(d, d->clients);
		}
		need = 3 + d->n_pending + d->n_subscribers + d->n_sessions;
		if (need > cap) {
			struct pollfd *nf =
			    reallocarray(fds, need, sizeof(*fds));

			if (!nf) {
				sleep(1);
				continue;
			}
			fds = nf;
			cap = need;
		}
		fds[n++] = (struct pollfd){ .fd = d->sigfd, .events = POLLIN };
		if (d->service_ready_fd >= 0)
			fds[n++] = (struct pollfd){ .fd = d->service_ready_fd,
						    .events = POLLIN };
		if (d->cfg->control_fd >= 0 && !d->stopping &&
		    d->n_pending < DAEMON_MAX_PENDING)
			fds[n++] = (struct pollfd){ .fd = d->cfg->control_fd,
						    .events = POLLIN };
		for (c = d->clients; c && n < cap; c = c->next)
			fds[n++] =
			    (struct pollfd){ .fd = c->fd, .events = POLLIN };
		for (s = d->sessions; s && n < cap; s = s->next)
			if (s->log_fd >= 0)
				fds[n++] = (struct pollfd){ .fd = s->log_fd,
							    .events = POLLIN };
		due = spare_due_ms(d);
		if (due == 0) {
			spare_fork(d);
			continue;
		}
		if (due > 0 && due < timeout)
			timeout = due;
		if (poll(fds, n, timeout) < 0) {
			if (errno != EINTR)
				sleep(1);
			continue;
		}
		for (i = 0; i < n; i++) {
			if (!fds[i].revents)
				continue;
			if (fds[i].fd == d->sigfd) {
				signals_input(d);
			} else if (fds[i].fd == d->service_ready_fd) {
				pid_t pid = 0;
				ssize_t k = read(d->service_ready_fd, &pid,
						 sizeof(pid));

				close_fd(&d->service_ready_fd);
				if (k == (ssize_t)sizeof(pid)) {
					char st[96];

					snprintf(st, sizeof(st),
						 "READY=1\nSTATUS=supervising "
						 "pid %d",
						 (int)pid);
					dnotify(d, st);
				}
			} else if (fds[i].fd == d->cfg->control_fd) {
				client_accept(d);
			} else {
				for (c = d->clients; c; c = cnext) {
					cnext = c->next;
					if (c->fd == fds[i].fd) {
						if (m)
							client_input(d, c, m);
						break;
					}
				}
				if (c)
					continue;
				for (s = d->sessions; s; s = s->next)
					if (s->log_fd == fds[i].fd) {
						session_log_input(d, s);
						break;
					}
			}
		}
		clients_expire(d);
	}
	free(fds);
	free(m);
}

int
tracer_daemon_run(const struct tracer_daemon_config *cfg, int *ret_status)
{
	struct daemon *d;
	sigset_t set;
	size_t bad = 0;
	int r = 0;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->cfg = cfg;
	d->conf = cfg->conf;
	d->self = getpid();
	d->sigfd = -1;
	d->service_ready_fd = -1;
	d->n_slots = cfg->service ? 1 : d->conf->max_targets;
	d->slots =
	    mmap(NULL, d->n_slots * sizeof(*d->slots), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	d->slot_used = calloc(d->n_slots, 1);
	if (d->slots == MAP_FAILED || !d->slot_used) {
		r = d->slots == MAP_FAILED ? -errno : -ENOMEM;
		d->slots = NULL;
		goto out;
	}
	if (getrandom(&d->next_id, sizeof(d->next_id), 0) < 0)
		d->next_id = (uint64_t)time(NULL);
	/* small, positive, and not a guess of another user's next target */
	d->next_id = (d->next_id & 0xffffffu) + 1;
	ns_self(d);
	cgroup_root_find(d);

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	/* an ignored signal is discarded, never read from the signalfd */
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
		r = -errno;
		goto out;
	}
	d->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->sigfd < 0) {
		r = -errno;
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	/* our children's orphans come to us, not to init */
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	d->policies = policies_load(d, d->conf->policy_dir, &bad);
	if (cfg->service) {
		r = service_start(d);
		if (r < 0)
			goto out;
	} else {
		dlog(d, LOG_INFO, "ready: %zu policies from %s",
		     policies_count(d->policies), d->conf->policy_dir);
		dnotify(d, "READY=1\nSTATUS=waiting for launch requests");
	}
	daemon_loop(d);
	if (cfg->service) {
		if (d->service_failed)
			r = -EPROTO;
		*ret_status = d->service_status;
	} else {
		*ret_status = 0;
	}
out:
	spare_drop(d, true);
	if (d->handed)
		munmap(d->handed, HANDOFF_SIZE);
	while (d->clients)
		client_remove(d, d->clients);
	while (d->sessions) {
		struct session *s = d->sessions;

		d->sessions = s->next;
		kill(s->pid, SIGKILL);
		session_free(d, s);
	}
	policies_free(d->policies);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->slots)
		munmap(d->slots, d->n_slots * sizeof(*d->slots));
	free(d->slot_used);
	policy_conf_daemon_free(d->conf);
	free(d->conf);
	free(d);
	return r;
}

int
tracer_daemon_check(const struct tracer_daemon_config *cfg)
{
	struct daemon d = { .cfg = cfg, .conf = cfg->conf };
	struct dpolicy *own = NULL;
	char msg[600];
	size_t bad = 0;
	int r = 0;

	d.policies = policies_load(&d, d.conf->policy_dir, &bad);
	if (bad)
		r = -EINVAL;
	if (cfg->service) {
		const char *name = cfg->service->policy;

		if (name[0] == '/') {
			if (dpolicy_load(name, name, NULL, &own, msg,
					 sizeof(msg)) < 0) {
				dlog(&d, LOG_ERR, "service %s: %s",
				     cfg->service_name, msg);
				r = -EINVAL;
			}
		} else if (!policy_find(&d, name)) {
			dlog(&d, LOG_ERR,
			     "service %s: no policy '%s' in %s that compiles",
			     cfg->service_name, name, d.conf->policy_dir);
			r = -EINVAL;
		}
	}
	dpolicy_free(own);
	policies_free(d.policies);
	return r;
}
