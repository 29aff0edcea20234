/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * sandboxd: the supervisor as a service.  Option parsing and wiring only:
 * the configuration (src/policy/conf.c), the control socket, the daemon's
 * own capabilities, pidfile and logging; the work is in
 * tracer_daemon_run() (src/tracer/daemon.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <libutil.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "notify/control.h"
#include "policy/conf.h"
#include "policy/policy.h"
#include "tracer/tracer.h"

#define PROG "sandboxd"

static void
usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: " PROG " [OPTION]...\n"
	    "       " PROG " --service NAME [OPTION]...\n"
	    "       " PROG " --status [--control PATH]\n"
	    "Run confined programs for others: launch targets for the "
	    "clients of a control\nsocket (sandbox-run --connect), each "
	    "with the client's own credentials, or\nsupervise one "
	    "confined service.\n"
	    "\n"
	    "  -f, --config FILE     read FILE instead of " POLICY_CONF_DAEMON
	    "\n"
	    "  -s, --service NAME    run the service of NAME.conf, in the "
	    "configuration\n"
	    "                        file's folder\n"
	    "  -c, --control PATH    the control socket (default: the "
	    "configuration's,\n"
	    "                        " POLICY_CONF_CONTROL_SOCKET ")\n"
	    "  -p, --policy-dir DIR  the policy folder (default: the "
	    "configuration's,\n"
	    "                        " POLICY_CONF_POLICY_DIR ")\n"
	    "  -P, --pidfile PATH    the pidfile outside systemd (default: "
	    "the\n"
	    "                        configuration's, " POLICY_CONF_PIDFILE
	    ")\n"
	    "  -t, --check           check the configuration and the "
	    "policies, and exit\n"
	    "  -S, --status          list the running targets and their "
	    "counters\n"
	    "  -h, --help            show this help and exit\n"
	    "  -V, --version         show the version and exit\n"
	    "\n"
	    "Exit status: 0; 1 for a bad configuration or a failure; with "
	    "--service, the\nservice's.  See sandboxd(8) and "
	    "sandboxd.conf(5).\n");
}

/* ---- logging ---- */

struct wiring {
	const char *conf_path;
	bool conf_given;
	const char *control;
	const char *policy_dir;
	const char *pidfile;
	const char *service_name;
	int event_fd; /* log FILE or stderr, or -1 */
	bool event_journal;
};

static void
on_log(void *data, int prio, const char *msg)
{
	(void)data;
	if (prio <= LOG_WARNING)
		log_warnx("%s", msg);
	else
		log_info("%s", msg);
}

static int
on_event(void *data, const char *line, const struct tracer_daemon_who *who)
{
	struct wiring *w = data;
	char f_id[48], f_policy[300], f_uid[40], f_service[300];
	const char *extra[5];
	size_t n = 0;

	if (w->event_journal) {
		snprintf(f_id, sizeof(f_id), "SANDBOXD_TARGET=%llu",
			 (unsigned long long)who->id);
		snprintf(f_policy, sizeof(f_policy), "SANDBOXD_POLICY=%s",
			 who->policy);
		snprintf(f_uid, sizeof(f_uid), "SANDBOXD_UID=%u",
			 (unsigned)who->uid);
		extra[n++] = f_id;
		extra[n++] = f_policy;
		extra[n++] = f_uid;
		if (who->service) {
			snprintf(f_service, sizeof(f_service),
				 "SANDBOXD_SERVICE=%s", who->service);
			extra[n++] = f_service;
		}
		extra[n] = NULL;
		return log_event(line, extra);
	}
	if (w->event_fd >= 0 && dprintf(w->event_fd, "%s\n", line) < 0)
		return -errno;
	return 0;
}

static void
on_notify(void *data, const char *state)
{
	(void)data;
	sd_notify(0, state);
}

/* ---- configuration ---- */

static int
load_daemon_conf(const struct wiring *w, struct policy_conf_daemon **ret)
{
	struct policy_conf_daemon *c = calloc(1, sizeof(*c));
	struct policy_diag diag = { "" };
	int r;

	if (!c)
		return -ENOMEM;
	r = policy_conf_load_daemon(w->conf_path, NULL, 0, c, &diag);
	if (r == -ENOENT && !w->conf_given)
		r = policy_conf_daemon_defaults(c);
	else if (r == -ENOENT)
		log_warnx("%s: %s", w->conf_path, strerror(ENOENT));
	else if (r < 0)
		log_warnx("%s", diag.msg[0] ? diag.msg : strerror(-r));
	if (r == 0 && w->control) {
		free(c->control_socket);
		c->control_socket = strdup(w->control);
		if (!c->control_socket)
			r = -ENOMEM;
	}
	if (r == 0 && w->policy_dir) {
		free(c->policy_dir);
		c->policy_dir = strdup(w->policy_dir);
		if (!c->policy_dir)
			r = -ENOMEM;
	}
	if (r == 0 && w->pidfile) {
		free(c->pidfile);
		c->pidfile =
		    strcmp(w->pidfile, "none") ? strdup(w->pidfile) : NULL;
	}
	if (r < 0) {
		free(c);
		return r;
	}
	*ret = c;
	return 0;
}

static int
on_reload(void *data, struct policy_conf_daemon **ret)
{
	return load_daemon_conf(data, ret);
}

static int
load_service_conf(const struct wiring *w, struct policy_conf_service *ret)
{
	struct policy_diag diag = { "" };
	char dir[PATH_MAX], path[PATH_MAX + 300];
	int r;

	if (!policy_conf_name_ok(w->service_name)) {
		log_warnx("--service: '%s' is not a service name",
			  w->service_name);
		return -EINVAL;
	}
	strlcpy(dir, w->conf_path, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s.conf", dirname(dir),
		 w->service_name);
	r = policy_conf_load_service(path, NULL, 0, ret, &diag);
	if (r == -ENOENT)
		log_warnx("%s: %s", path, strerror(ENOENT));
	else if (r < 0)
		log_warnx("%s", diag.msg[0] ? diag.msg : strerror(-r));
	return r;
}

/* ---- the control socket ---- */

/* The socket came from systemd (sandboxd.socket), which removes it. */
static bool activated;

static int
control_listen(const struct policy_conf_daemon *c, int *ret_fd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(c->control_socket);
	char dir[PATH_MAX];
	struct stat st;
	int fd, n;

	/* socket activation: systemd made it (sandboxd.socket) */
	n = sd_listen_fds(1);
	activated = n > 0;
	if (n > 1) {
		log_warnx("systemd passed %d sockets; sandboxd takes one", n);
		return -EINVAL;
	}
	if (n == 1) {
		fd = SD_LISTEN_FDS_START;
		if (sd_is_socket_unix(fd, SOCK_SEQPACKET, 1, NULL, 0) <= 0) {
			log_warnx(
			    "the socket systemd passed is not a listening "
			    "SOCK_SEQPACKET unix socket");
			return -EINVAL;
		}
		if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0 ||
		    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
			return -errno;
		*ret_fd = fd;
		return 0;
	}
	if (len >= sizeof(sa.sun_path)) {
		log_warnx("control socket %s: the path is too long",
			  c->control_socket);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, c->control_socket, len + 1);
	strlcpy(dir, c->control_socket, sizeof(dir));
	if (mkdir(dirname(dir), 0755) < 0 && errno != EEXIST) {
		log_warn("control socket %s: cannot make its folder",
			 c->control_socket);
		return -errno;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (lstat(c->control_socket, &st) == 0 && S_ISSOCK(st.st_mode)) {
		int probe = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

		if (probe >= 0 &&
		    connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			close(probe);
			close(fd);
			log_warnx("control socket %s: another sandboxd listens "
				  "there",
				  c->control_socket);
			return -EADDRINUSE;
		}
		if (probe >= 0)
			close(probe);
		unlink(c->control_socket); /* stale */
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(c->control_socket, c->socket_mode) < 0 ||
	    listen(fd, 128) < 0) {
		int r = -errno;

		log_warn("control socket %s", c->control_socket);
		close(fd);
		return r;
	}
	*ret_fd = fd;
	return 0;
}

/* ---- capabilities ---- */

/*
 * What the daemon keeps (sandboxd(8), "CAPABILITIES"): enough to trace
 * and signal other users' processes, to become the client, and to put
 * the target into the client's cgroup and limits.
 */
static const cap_value_t kept_caps[] = {
	CAP_SYS_PTRACE, CAP_SETUID,	  CAP_SETGID,	    CAP_SETPCAP,
	CAP_KILL,	CAP_SYS_RESOURCE, CAP_DAC_OVERRIDE,
};

static int
drop_caps(uint64_t extra)
{
	cap_value_t c, last = (cap_value_t)cap_max_bits() - 1;
	uint64_t keep = extra;
	cap_t caps;
	size_t i;
	int r = 0;

	for (i = 0; i < sizeof(kept_caps) / sizeof(kept_caps[0]); i++)
		keep |= 1ULL << kept_caps[i];
	caps = cap_get_proc();
	if (!caps)
		return -errno;
	for (c = 0; c <= last; c++) {
		cap_flag_value_t have = CAP_CLEAR;
		bool k = (keep >> c) & 1;

		/* a container may have withheld some: do without them */
		cap_get_flag(caps, c, CAP_PERMITTED, &have);
		if (k && have != CAP_SET) {
			log_warnx("running without %s, which sandboxd(8) lists "
				  "among the capabilities it keeps",
				  cap_to_name(c));
			k = false;
		}

		if (!k && cap_get_bound(c) == 1 && cap_drop_bound(c) < 0 &&
		    errno != EPERM) {
			r = -errno;
			break;
		}
		cap_set_flag(caps, CAP_EFFECTIVE, 1, &c,
			     k ? CAP_SET : CAP_CLEAR);
		cap_set_flag(caps, CAP_PERMITTED, 1, &c,
			     k ? CAP_SET : CAP_CLEAR);
		cap_set_flag(caps, CAP_INHERITABLE, 1, &c, CAP_CLEAR);
	}
	if (r == 0 && cap_set_proc(caps) < 0)
		r = -errno;
	if (r == 0 && CAP_AMBIENT_SUPPORTED())
		cap_reset_ambient();
	cap_free(caps);
	return r;
}

/* ---- --status ---- */

static int
show_status(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct notify_ctl_msg *m = malloc(sizeof(*m));
	size_t len = strlen(path), n = 0;
	int fd, r;

	if (!m)
		return 1;
	if (len >= sizeof(sa.sun_path)) {
		fprintf(stderr, PROG ": %s: the path is too long\n", path);
		free(m);
		return 1;
	}
	memcpy(sa.sun_path, path, len + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, PROG ": cannot connect to %s: %s\n", path,
			strerror(errno));
		free(m);
		return 1;
	}
	r = notify_ctl_send(fd, SBX_CTL_STATUS, NULL, 0, NULL, 0, NULL, 0);
	if (r < 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(-r));
		goto out;
	}
	for (;;) {
		const struct sbx_ctl_target *t;
		char when[32];
		time_t at;

		r = notify_ctl_recv(fd, m);
		if (r <= 0) {
			fprintf(stderr, PROG ": %s: %s\n", path,
				r == 0 ? "the daemon closed the connection"
				       : strerror(-r));
			r = -EPROTO;
			goto out;
		}
		if (m->type == SBX_CTL_END)
			break;
		if (m->type == SBX_CTL_ERROR) {
			fprintf(stderr, PROG ": %s\n", m->strings[0]);
			r = -EPERM;
			goto out;
		}
		if (m->type != SBX_CTL_TARGET) {
			notify_ctl_msg_clear(m);
			continue;
		}
		if (n++ == 0)
			printf("%-8s %-8s %-6s %-12s %-6s %-10s %-10s %-8s "
			       "%-7s %-19s %s\n",
			       "ID", "PID", "UID", "POLICY", "TASKS", "STOPS",
			       "DECISIONS", "DENIED", "NOTIFS", "STARTED",
			       "COMMAND");
		t = m->fixed;
		at = (time_t)t->started;
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S",
			 localtime(&at));
		printf(
		    "%-8llu %-8d %-6u %-12s %-6llu %-10llu %-10llu %-8llu "
		    "%-7llu %-19s %s\n",
		    (unsigned long long)t->id, t->pid, t->uid, m->strings[0],
		    (unsigned long long)t->tasks, (unsigned long long)t->stops,
		    (unsigned long long)t->decisions,
		    (unsigned long long)t->denied,
		    (unsigned long long)t->notifications, when, m->strings[1]);
	}
	if (n == 0)
		printf("no targets\n");
	r = 0;
out:
	close(fd);
	free(m);
	return r < 0 ? 1 : 0;
}

/* Is stderr the journal's stream (systemd.exec(5), $JOURNAL_STREAM)? */
static bool
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

int
main(int argc, char **argv, char **envp)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "service", required_argument, NULL, 's' },
		{ "control", required_argument, NULL, 'c' },
		{ "policy-dir", required_argument, NULL, 'p' },
		{ "pidfile", required_argument, NULL, 'P' },
		{ "check", no_argument, NULL, 't' },
		{ "status", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct tracer_daemon_ops ops = {
		.log = on_log,
		.event = on_event,
		.notify = on_notify,
		.reload = on_reload,
	};
	struct wiring w = { .conf_path = POLICY_CONF_DAEMON, .event_fd = -1 };
	struct tracer_daemon_config dc = { .control_fd = -1 };
	struct policy_conf_service svc;
	struct policy_conf_daemon *conf = NULL;
	struct tracer_daemon_ops my_ops = ops;
	struct pidfh *pfh = NULL;
	bool check = false, status_only = false, have_svc = false;
	enum policy_conf_log logto;
	const char *log_path;
	int c, r, status = 0;
	char *sock_path = NULL;
	pid_t other;

	setproctitle_init(argc, argv, envp);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:s:c:p:P:tShV", opts, NULL)) !=
	       -1) {
		switch (c) {
		case 'f':
			w.conf_path = optarg;
			w.conf_given = true;
			break;
		case 's':
			w.service_name = optarg;
			break;
		case 'c':
			w.control = optarg;
			break;
		case 'p':
			w.policy_dir = optarg;
			break;
		case 'P':
			w.pidfile = optarg;
			break;
		case 't':
			check = true;
			break;
		case 'S':
			status_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf(PROG " (%s) %s\n", PACKAGE_NAME,
			       PACKAGE_VERSION);
			return 0;
		case ':':
			fprintf(stderr,
				PROG ": option '%s' needs an argument\n",
				argv[optind - 1]);
			fprintf(stderr, "Try '" PROG
					" --help' for more information.\n");
			return 1;
		default:
			fprintf(stderr, PROG ": unknown option '%s'\n",
				argv[optind - 1]);
			fprintf(stderr, "Try '" PROG
					" --help' for more information.\n");
			return 1;
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			PROG ": unexpected argument '%s'\nTry '" PROG
			     " --help' for more information.\n",
			argv[optind]);
		return 1;
	}
	if (status_only)
		return show_status(w.control ? w.control
					     : POLICY_CONF_CONTROL_SOCKET);
	log_init(PROG, stderr_is_journal() ? LOG_TO_JOURNAL : LOG_TO_STDERR);

	if (load_daemon_conf(&w, &conf) < 0)
		return 1;
	if (w.service_name) {
		if (load_service_conf(&w, &svc) < 0) {
			policy_conf_daemon_free(conf);
			free(conf);
			return 1;
		}
		have_svc = true;
	}
	if (check) {
		/* the policies: the daemon's own loader says which fail */
		dc.conf = conf;
		dc.service_name = w.service_name;
		dc.service = have_svc ? &svc : NULL;
		dc.ops = &my_ops;
		dc.data = &w;
		r = tracer_daemon_check(&dc);
		if (r == 0)
			printf("%s: the configuration and its policies are "
			       "valid\n",
			       have_svc ? w.service_name : w.conf_path);
		if (have_svc)
			policy_conf_service_free(&svc);
		policy_conf_daemon_free(conf);
		free(conf);
		return r < 0 ? 1 : 0;
	}

	logto = have_svc ? svc.log : conf->log;
	log_path = have_svc ? svc.log_path : conf->log_path;
	switch (logto) {
	case POLICY_CONF_LOG_NONE:
		my_ops.event = NULL;
		break;
	case POLICY_CONF_LOG_JOURNAL:
		w.event_journal = true;
		break;
	case POLICY_CONF_LOG_STDERR:
		w.event_fd = STDERR_FILENO;
		break;
	case POLICY_CONF_LOG_FILE:
		w.event_fd = open(
		    log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (w.event_fd < 0) {
			log_warn("log %s", log_path);
			return 1;
		}
		break;
	}

	if (!have_svc) {
		/* systemd tracks us itself; a pidfile is for everyone else */
		if (conf->pidfile && !getenv("NOTIFY_SOCKET")) {
			char dir[PATH_MAX];

			strlcpy(dir, conf->pidfile, sizeof(dir));
			if (mkdir(dirname(dir), 0755) < 0 && errno != EEXIST)
				log_warn("pidfile %s: cannot make its folder",
					 conf->pidfile);
			pfh = pidfile_open(conf->pidfile, 0644, &other);
			if (!pfh && errno == EEXIST) {
				log_warnx("already running as pid %d (pidfile "
					  "%s)",
					  (int)other, conf->pidfile);
				return 1;
			}
			if (!pfh)
				log_warn("pidfile %s", conf->pidfile);
		}
		/* after the pidfile: a second daemon touches nothing */
		r = control_listen(conf, &dc.control_fd);
		if (r < 0) {
			if (pfh)
				pidfile_remove(pfh);
			return 1;
		}
		if (!activated) {
			sock_path = strdup(conf->control_socket);
			if (!sock_path)
				return 1;
		}
	}
	r = drop_caps(have_svc ? svc.keep_caps : 0);
	if (r < 0) {
		errno = -r;
		log_warn("cannot drop capabilities");
		return 1;
	}
	if (pfh)
		pidfile_write(pfh);
	setproctitle(have_svc ? "service %s" : "manager%s",
		     have_svc ? w.service_name : "");

	dc.conf = conf;
	dc.service_name = w.service_name;
	dc.service = have_svc ? &svc : NULL;
	dc.ops = &my_ops;
	dc.data = &w;
	r = tracer_daemon_run(&dc, &status);
	if (pfh)
		pidfile_remove(pfh);
	if (sock_path) {
		/* ours: made by us, so removed by us */
		unlink(sock_path);
		free(sock_path);
	}
	if (dc.control_fd >= 0)
		close(dc.control_fd);
	if (have_svc)
		policy_conf_service_free(&svc);
	if (r < 0)
		return 1;
	if (have_svc)
		tracer_exit_like(status, 1);
	return 0;
}
