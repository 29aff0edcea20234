/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * sandbox-run: run a command and its whole process tree under seccomp
 * filters enforced by the ptrace supervisor.  Option parsing and wiring
 * only; the work is in src/tracer.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arch/arch.h"
#include "bpf/bpf.h"
#include "notify/control.h"
#include "policy/compile.h"
#include "policy/policy.h"
#include "tracer/tracer.h"

#define PROG "sandbox-run"

/* sandbox-run's own failures, as timeout(1) */
#define EXIT_FAILED 125

static void
usage(FILE *f)
{
	fprintf(
	    f, "Usage: " PROG " [OPTION]... [--] COMMAND [ARG]...\n"
	       "Run COMMAND and every process and thread it creates under "
	       "seccomp filters,\nenforced from user space by a ptrace "
	       "supervisor with the kernel's semantics.\n"
	       "\n"
	       "  -p, --policy FILE   enforce the .policy file FILE "
	       "(sandbox.policy(5))\n"
	       "  -P, --profile FILE  enforce the OCI, Docker or Podman "
	       "seccomp profile FILE\n"
	       "  -b, --bpf FILE      enforce the raw cBPF filter in FILE\n"
	       "  -t, --bpf-text FILE enforce the BPF text in FILE "
	       "(sandbox-bpf asm's)\n"
	       "                      these four repeat and mix; the filters "
	       "stack in the\n"
	       "                      order given, first given is oldest\n"
	       "  -s, --strict        seccomp mode 1: only read, write, exit "
	       "and sigreturn\n"
	       "  -n, --no-prefilter  stop at every system call instead of "
	       "using a kernel\n"
	       "                      prefilter for the calls always allowed\n"
	       "  -w, --wait-all      when COMMAND ends, wait for the "
	       "processes it left\n"
	       "                      behind (default: kill them)\n"
	       "  -c, --caps LIST     capabilities COMMAND keeps: names "
	       "such as cap_chown,\n"
	       "                      comma-separated, or \"none\" (default: "
	       "all it has but\n"
	       "                      cap_sys_ptrace)\n"
	       "  -l, --log FILE      write a JSON-lines event log to FILE "
	       "(\"-\": stderr)\n"
	       "  -a, --agent-socket PATH\n"
	       "                      let policy agents connect at PATH and "
	       "decide the calls\n"
	       "                      a filter sends to notify "
	       "(sandbox-notify(7))\n"
	       "  -C, --connect SOCKET\n"
	       "                      have the sandboxd at SOCKET run COMMAND "
	       "with our user,\n"
	       "                      groups, cgroup, limits, stdio, folder "
	       "and environment;\n"
	       "                      --policy then names one of its policies, "
	       "and the other\n"
	       "                      filters given go on top (sandboxd(8))\n"
	       "  -h, --help          show this help and exit\n"
	       "  -V, --version       show the version and exit\n"
	       "\n"
	       "Exit status: COMMAND's; if it was killed by a signal, " PROG
	       " kills itself\nwith that signal.  125 if " PROG
	       " itself fails, 126 if COMMAND cannot be\nexecuted, 127 if it "
	       "is not found.  See sandbox-run(1).\n");
}

/* One filter input, in the order given. */
enum input_kind {
	INPUT_BPF,
	INPUT_BPF_TEXT,
	INPUT_POLICY,
	INPUT_PROFILE,
};

struct input {
	enum input_kind kind;
	const char *path;
};

/*
 * What the policies say about agents, merged: a listener and the
 * settings for notifications.
 */
struct agent_opts {
	char *listener_path;
	char *listener_metadata;
	const char *listener_from;
	bool wait_killable_recv;
	enum tracer_agent_loss loss;
	int loss_errno;
	const char *loss_from;
};

/* BPF text, JSON and policies this large are not what anybody wrote. */
#define TEXT_MAX_BYTES (16U << 20)

/*
 * Policy warnings go to the event log only: without one, sandbox-run
 * prints nothing of its own.  sandbox-bpf compile shows them.
 */
static void
warn_input(void *data, const char *msg)
{
	const struct tracer_config *cfg = data;

	if (cfg->log_fd >= 0)
		tracer_log_warning(cfg->log_fd, msg);
}

/*
 * The capabilities the command will have after drop_caps(): --caps, or
 * ours without CAP_SYS_PTRACE.  OCI includes and excludes are judged on
 * them, as runc judges them on the container's.
 */
static int
target_caps(const struct tracer_config *cfg, uint64_t *ret)
{
	if (cfg->caps_given) {
		*ret = cfg->keep_caps;
		return 0;
	}
	return policy_caps_target(ret);
}

/* Read, parse and compile one input into a program.  Says why not. */
static int
take_agent_opts(struct policy *pol, const char *path, struct agent_opts *ao)
{
	static const enum tracer_agent_loss loss[] = {
		[POLICY_LOSS_ENOSYS] = TRACER_LOSS_ENOSYS,
		[POLICY_LOSS_KILL] = TRACER_LOSS_KILL,
		[POLICY_LOSS_ERRNO] = TRACER_LOSS_ERRNO,
		[POLICY_LOSS_WAIT] = TRACER_LOSS_WAIT,
	};

	if (pol->listener_path) {
		if (ao->listener_path &&
		    strcmp(ao->listener_path, pol->listener_path) != 0) {
			fprintf(stderr,
				PROG ": %s: its listener %s differs from %s's "
				     "(%s); a sandbox has one\n",
				path, pol->listener_path, ao->listener_from,
				ao->listener_path);
			return -EINVAL;
		}
		free(ao->listener_path);
		free(ao->listener_metadata);
		ao->listener_path = pol->listener_path;
		ao->listener_metadata = pol->listener_metadata;
		pol->listener_path = NULL;
		pol->listener_metadata = NULL;
		ao->listener_from = path;
	}
	ao->wait_killable_recv |= pol->wait_killable_recv;
	if (pol->agent_loss != POLICY_LOSS_ENOSYS) {
		if (ao->loss_from &&
		    (ao->loss != loss[pol->agent_loss] ||
		     ao->loss_errno != pol->agent_loss_errno)) {
			fprintf(stderr,
				PROG ": %s: its on-agent-loss differs from "
				     "%s's; a sandbox has one\n",
				path, ao->loss_from);
			return -EINVAL;
		}
		ao->loss = loss[pol->agent_loss];
		ao->loss_errno = pol->agent_loss_errno;
		ao->loss_from = path;
	}
	return 0;
}

static int
input_prog(const struct input *in, const struct tracer_config *cfg,
	   struct agent_opts *ao, struct sock_filter **ret, size_t *ret_len)
{
	struct policy_oci_opts oo = { 0 };
	struct policy_diag d = { "" };
	struct bpf_text_error terr;
	struct policy pol;
	char why[160], *text = NULL;
	size_t size = 0;
	int r;

	switch (in->kind) {
	case INPUT_BPF:
		r = policy_load_raw(in->path, CBPF_MAXINSNS, false, ret,
				    ret_len, why, sizeof(why));
		if (r < 0)
			fprintf(stderr, PROG ": %s: %s\n", in->path, why);
		return r;
	case INPUT_BPF_TEXT:
		r = policy_read_file(in->path, TEXT_MAX_BYTES, &text, &size);
		if (r < 0) {
			fprintf(stderr, PROG ": %s: %s\n", in->path,
				strerror(-r));
			return r;
		}
		r = bpf_text_asm(text, size, ret, ret_len, &terr);
		if (r == -EINVAL)
			fprintf(stderr, PROG ": %s:%u:%u: %s\n", in->path,
				terr.line, terr.col, terr.msg);
		else if (r < 0)
			fprintf(stderr, PROG ": %s: %s\n", in->path,
				strerror(-r));
		free(text);
		return r;
	case INPUT_POLICY:
	case INPUT_PROFILE:
		break;
	}
	policy_init(&pol);
	if (in->kind == INPUT_POLICY) {
		r = policy_load_lang(&pol, in->path, NULL, 0, warn_input,
				     (void *)cfg, &d);
	} else {
		r = policy_read_file(in->path, TEXT_MAX_BYTES, &text, &size);
		if (r < 0) {
			snprintf(d.msg, sizeof(d.msg), "%s: %s", in->path,
				 strerror(-r));
		} else {
			r = target_caps(cfg, &oo.caps);
			if (r < 0)
				snprintf(d.msg, sizeof(d.msg),
					 "%s: cannot read our capabilities: %s",
					 in->path, strerror(-r));
		}
		if (r == 0)
			r = policy_load_oci(&pol, in->path, text, size, &oo,
					    warn_input, (void *)cfg, &d);
	}
	if (r == 0)
		r = policy_compile_warn(&pol, NULL, warn_input, (void *)cfg,
					ret, ret_len, &d);
	if (r < 0)
		fprintf(stderr, PROG ": %s\n", d.msg[0] ? d.msg : strerror(-r));
	else
		r = take_agent_opts(&pol, in->path, ao);
	policy_free(&pol);
	free(text);
	return r;
}

/* Stack @in's filter on *@chain, validated as the kernel would. */
static int
add_filter(const struct input *in, const struct tracer_config *cfg,
	   struct agent_opts *ao, struct bpf_filter **chain)
{
	struct sock_filter *prog = NULL;
	const char *path = in->path;
	struct bpf_filter *f;
	struct bpf_error err;
	size_t len = 0;
	int r;

	r = input_prog(in, cfg, ao, &prog, &len);
	if (r < 0)
		return r;
	/* its USER_NOTIF goes to our agents, if there are any */
	r = bpf_filter_new(*chain, prog, len, arch_cache_layout_host(),
			   TRACER_FILTER_LISTENER, &f, &err);
	free(prog);
	if (r == -ENOMEM && err.msg[0] == '\0') {
		fprintf(stderr, PROG ": %s: out of memory\n", path);
		return r;
	}
	if (r < 0) {
		if (len > 0 && len <= CBPF_MAXINSNS && r == -EINVAL)
			fprintf(stderr,
				PROG ": %s: insn %u: %s: the kernel would "
				     "refuse this filter\n",
				path, err.insn, err.msg);
		else
			fprintf(stderr, PROG ": %s: %s\n", path, err.msg);
		return r;
	}
	bpf_filter_unref(*chain);
	*chain = f;
	return 0;
}

static int
parse_caps(const char *list, uint64_t *ret)
{
	char bad[64] = "";
	int r = policy_caps_parse(list, ret, bad, sizeof(bad));

	if (r == -EINVAL)
		fprintf(stderr, PROG ": --caps: unknown capability '%s'\n",
			bad);
	else if (r < 0)
		fprintf(stderr, PROG ": --caps: %s\n", strerror(-r));
	return r;
}

/* The signals a terminal or a job runner sends, which go to the target. */
static const int forwarded[] = { SIGINT,  SIGTERM, SIGHUP,  SIGQUIT,
				 SIGUSR1, SIGUSR2, SIGALRM, SIGWINCH };

/*
 * A peer that closes with our records unread leaves ECONNRESET on the
 * socket, which the next read reports before the records the peer sent
 * first: read once more for those.
 */
static int
recv_after_reset(int fd, struct notify_ctl_msg *m)
{
	int r = notify_ctl_recv(fd, m);

	return r == -ECONNRESET ? notify_ctl_recv(fd, m) : r;
}

/*
 * --connect: hand the command to sandboxd, which runs it with what the
 * kernel says we are, then relay signals and wait for its status.
 */
static int
connect_run(const char *sock, const char *policy, uint32_t flags,
	    const struct sock_fprog *progs, size_t n_progs, char *const *argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct notify_ctl_msg *m = malloc(sizeof(*m));
	size_t len = strlen(sock), i;
	int fd = -1, sfd = -1, fds[4] = { 0, 1, 2, -1 }, r;
	sigset_t set;

	if (!m) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_FAILED;
	}
	if (len >= sizeof(sa.sun_path)) {
		fprintf(stderr, PROG ": --connect: %s: the path is too long\n",
			sock);
		goto fail;
	}
	memcpy(sa.sun_path, sock, len + 1);
	/* a closed stdio fd goes over as /dev/null */
	for (i = 0; i < 3; i++)
		if (fcntl((int)i, F_GETFD) < 0)
			fds[i] = open("/dev/null", O_RDWR | O_CLOEXEC);
	fds[3] = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fds[3] < 0) {
		fprintf(stderr,
			PROG ": cannot open the working directory: %s\n",
			strerror(errno));
		goto fail;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, PROG ": --connect: cannot connect to %s: %s\n",
			sock, strerror(errno));
		goto fail;
	}
	/* from here on, these signals are the target's */
	sigemptyset(&set);
	for (i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		fprintf(stderr, PROG ": signalfd: %s\n", strerror(errno));
		goto fail;
	}
	r = notify_ctl_request_send(fd, policy, flags, argv, environ, progs,
				    n_progs, fds);
	/*
	 * Refused at once (another namespace): the daemon said why before
	 * it closed, and the reset it left on the socket comes first.
	 */
	if ((r == -EPIPE || r == -ECONNRESET) && recv_after_reset(fd, m) > 0 &&
	    m->type == SBX_CTL_ERROR) {
		const struct sbx_ctl_error *er = m->fixed;

		fprintf(stderr, PROG ": sandboxd: %s (%s)\n", m->strings[0],
			strerror(er->err));
		goto fail;
	}
	if (r < 0) {
		fprintf(stderr,
			PROG ": --connect: %s: cannot send the request: "
			     "%s\n",
			sock, strerror(-r));
		goto fail;
	}
	for (;;) {
		struct pollfd pf[2] = { { .fd = fd, .events = POLLIN },
					{ .fd = sfd, .events = POLLIN } };
		struct signalfd_siginfo si;

		if (poll(pf, 2, -1) < 0)
			continue;
		while (pf[1].revents &&
		       read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			struct sbx_ctl_signal sg = {
				.signo = (int32_t)si.ssi_signo
			};

			notify_ctl_send(fd, SBX_CTL_SIGNAL, &sg, sizeof(sg),
					NULL, 0, NULL, 0);
		}
		if (!pf[0].revents)
			continue;
		r = recv_after_reset(fd, m);
		if (r == -EINTR || r == -EAGAIN)
			continue;
		if (r <= 0) {
			fprintf(stderr, PROG ": --connect: %s: %s\n", sock,
				r == 0 ? "sandboxd closed the connection"
				       : strerror(-r));
			goto fail;
		}
		switch (m->type) {
		case SBX_CTL_STARTED:
			break;
		case SBX_CTL_EXIT: {
			const struct sbx_ctl_exit *ex = m->fixed;

			tracer_exit_like(ex->status, EXIT_FAILED);
		}
		case SBX_CTL_ERROR: {
			const struct sbx_ctl_error *er = m->fixed;

			fprintf(stderr, PROG ": sandboxd: %s (%s)\n",
				m->strings[0], strerror(er->err));
			goto fail;
		}
		default:
			notify_ctl_msg_clear(m);
			break;
		}
	}
fail:
	if (fd >= 0)
		close(fd);
	free(m);
	return EXIT_FAILED;
}

/*
 * --connect: the first --policy names the daemon's policy; every other
 * input is compiled here, as the client's own filters on top of it.
 */
static int
connect_main(const char *sock, struct tracer_config *cfg, const char *log_path,
	     struct input *inputs, size_t n_inputs, char *const *argv)
{
	struct sock_fprog progs[SBX_CTL_MAX_FILTERS];
	struct agent_opts ao = { 0 };
	const char *policy = NULL;
	uint32_t flags = 0;
	size_t i, n = 0;
	int r = EXIT_FAILED;

	memset(progs, 0, sizeof(progs));
	if (cfg->strict || log_path || cfg->agent_socket || cfg->caps_given) {
		fprintf(stderr,
			PROG ": --connect excludes --strict, --log, "
			     "--agent-socket and --caps: sandboxd runs the "
			     "command without capabilities, and its event log "
			     "is sandboxd's\n");
		goto out;
	}
	/* the target keeps no capabilities: judge OCI profiles on none */
	cfg->caps_given = true;
	cfg->keep_caps = 0;
	for (i = 0; i < n_inputs; i++) {
		struct sock_filter *prog = NULL;
		size_t len = 0;

		if (inputs[i].kind == INPUT_POLICY && !policy) {
			policy = inputs[i].path;
			continue;
		}
		if (n == SBX_CTL_MAX_FILTERS) {
			fprintf(stderr,
				PROG ": --connect: at most %u filters "
				     "of the client's own\n",
				SBX_CTL_MAX_FILTERS);
			goto out;
		}
		if (input_prog(&inputs[i], cfg, &ao, &prog, &len) < 0)
			goto out;
		progs[n].filter = prog;
		progs[n++].len = (unsigned short)len;
	}
	if (!policy || !policy[0]) {
		fprintf(stderr,
			PROG ": --connect needs --policy NAME, one of the "
			     "daemon's policies\n");
		goto out;
	}
	if (ao.listener_path) {
		fprintf(stderr,
			PROG ": --connect: a filter of the client's own cannot "
			     "name an agent listener\n");
		goto out;
	}
	if (!cfg->prefilter)
		flags |= SBX_CTL_NO_PREFILTER;
	if (cfg->wait_all)
		flags |= SBX_CTL_WAIT_ALL;
	r = connect_run(sock, policy, flags, progs, n, argv);
out:
	for (i = 0; i < n; i++)
		free(progs[i].filter);
	free(ao.listener_path);
	free(ao.listener_metadata);
	free(inputs);
	return r;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bpf", required_argument, NULL, 'b' },
		{ "bpf-text", required_argument, NULL, 't' },
		{ "policy", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, 'P' },
		{ "strict", no_argument, NULL, 's' },
		{ "no-prefilter", no_argument, NULL, 'n' },
		{ "wait-all", no_argument, NULL, 'w' },
		{ "caps", required_argument, NULL, 'c' },
		{ "log", required_argument, NULL, 'l' },
		{ "agent-socket", required_argument, NULL, 'a' },
		{ "connect", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct tracer_config cfg = {
		.prefilter = true,
		.log_fd = -1,
		.name = PROG,
	};
	struct agent_opts ao = { 0 };
	struct bpf_filter *chain = NULL;
	const char *log_path = NULL, *connect_to = NULL;
	struct input *inputs = NULL;
	size_t n_inputs = 0, i;
	int c, r, status = 0;

	/* "+": options end at the command, as env(1) and timeout(1) */
	opterr = 0; /* our messages name the program as the others do */
	inputs = calloc((size_t)argc, sizeof(*inputs));
	if (!inputs) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_FAILED;
	}
	while ((c = getopt_long(argc, argv, "+:b:t:p:P:snwc:l:a:C:hV", opts,
				NULL)) != -1) {
		switch (c) {
		case 'b':
		case 't':
		case 'p':
		case 'P':
			inputs[n_inputs].kind = c == 'b'   ? INPUT_BPF
						: c == 't' ? INPUT_BPF_TEXT
						: c == 'p' ? INPUT_POLICY
							   : INPUT_PROFILE;
			inputs[n_inputs++].path = optarg;
			break;
		case 's':
			cfg.strict = true;
			break;
		case 'n':
			cfg.prefilter = false;
			break;
		case 'w':
			cfg.wait_all = true;
			break;
		case 'c':
			cfg.caps_given = true;
			if (parse_caps(optarg, &cfg.keep_caps) < 0)
				return EXIT_FAILED;
			break;
		case 'l':
			log_path = optarg;
			break;
		case 'a':
			cfg.agent_socket = optarg;
			break;
		case 'C':
			connect_to = optarg;
			break;
		case 'h':
			free(inputs);
			usage(stdout);
			return 0;
		case 'V':
			free(inputs);
			printf(PROG " (%s) %s\n", PACKAGE_NAME,
			       PACKAGE_VERSION);
			return 0;
		case ':':
			fprintf(stderr,
				PROG ": option '%s' needs an argument\n",
				argv[optind - 1]);
			fprintf(stderr, "Try '" PROG " --help' for more "
					"information.\n");
			return EXIT_FAILED;
		default:
			fprintf(stderr, PROG ": unknown option '%s'\n",
				argv[optind - 1]);
			fprintf(stderr, "Try '" PROG " --help' for more "
					"information.\n");
			return EXIT_FAILED;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, PROG ": no command given\nTry '" PROG
				     " --help' for more information.\n");
		return EXIT_FAILED;
	}
	if (connect_to)
		return connect_main(connect_to, &cfg, log_path, inputs,
				    n_inputs, argv + optind);
	if (cfg.strict && n_inputs) {
		fprintf(stderr,
			PROG ": --strict excludes --policy, --profile, --bpf "
			     "and --bpf-text, as seccomp's modes 1 and 2 "
			     "exclude each other\n");
		return EXIT_FAILED;
	}
	if (!cfg.strict && !n_inputs) {
		fprintf(stderr,
			PROG ": nothing to enforce: give --policy, --profile, "
			     "--bpf, --bpf-text or --strict\n");
		return EXIT_FAILED;
	}
	if (log_path) {
		if (strcmp(log_path, "-") == 0)
			cfg.log_fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		else
			cfg.log_fd = open(
			    log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			    0644);
		if (cfg.log_fd < 0) {
			fprintf(stderr, PROG ": --log: %s: %s\n", log_path,
				strerror(errno));
			return EXIT_FAILED;
		}
	}
	/* after all options, so that --caps counts wherever it is */
	for (i = 0; i < n_inputs; i++)
		if (add_filter(&inputs[i], &cfg, &ao, &chain) < 0)
			return EXIT_FAILED;
	free(inputs);
	cfg.argv = argv + optind;
	cfg.chain = chain;
	cfg.listener_path = ao.listener_path;
	cfg.listener_metadata = ao.listener_metadata;
	cfg.wait_killable_recv = ao.wait_killable_recv;
	cfg.agent_loss = ao.loss;
	cfg.agent_loss_errno = ao.loss_errno;
	r = tracer_run(&cfg, &status, NULL);
	bpf_filter_unref(chain);
	free(ao.listener_path);
	free(ao.listener_metadata);
	if (r < 0)
		return EXIT_FAILED;
	tracer_exit_like(status, EXIT_FAILED);
}
