/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * connect-allow: a policy agent that lets its target connect only to the
 * addresses on an allow-list, by making each allowed connection itself.
 *
 *   connect-allow [-s] [-w SECONDS] SOCKET ALLOWED...
 *
 * ALLOWED is IPV4:PORT (127.0.0.1:8080), [IPV6]:PORT ([::1]:8080), or the
 * absolute path of a unix socket.  With a policy that sends connect to
 * notify (connect.policy), each connect(fd, addr, len) goes like this:
 *
 *  1. The address is read from the target's memory once, and the
 *     notification is checked to be still waiting (ID_VALID).
 *  2. If the address is not on the list, the call fails with
 *     ECONNREFUSED, as if nobody listened there.  So do abstract and
 *     relative unix addresses, and other families.  An IPv4-mapped IPv6
 *     address counts as its IPv4 address.
 *  3. Otherwise the agent takes a copy of the target's socket
 *     (pidfd_getfd) to learn its domain, type, protocol and O_NONBLOCK,
 *     makes a new socket like it, connects it to the address it checked,
 *     and puts it in place of the target's socket (ADDFD with SETFD onto
 *     the same fd number, O_CLOEXEC as the old one had it), then answers
 *     0, or EINPROGRESS for a non-blocking socket still connecting.  A
 *     failed connect is answered with its errno and changes nothing.
 *
 * The agent never lets the call itself run (CONTINUE), because the target
 * could change the address between the check and the kernel's read of
 * it.  What the target set on its socket before connect (bind(2), socket
 * options) is not carried over to the new one.  A blocking connect blocks
 * this agent meanwhile.  AF_UNSPEC (dissolving a datagram association)
 * is done on the target's own socket.  On i386, socketcall(SYS_CONNECT)
 * is handled as connect, and other socketcalls run.
 *
 * -s: read the target's memory through the supervisor (READ_MEM).
 * -w SECONDS: how long to wait for the socket to appear (default 5).
 * Exits 0 when the sandbox has ended, 1 on an error, 2 for a usage error.
 */
/* strerrorname_np(), pidfd and fdinfo bits: a Linux program */
#define _GNU_SOURCE 1

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/net.h>
#include <linux/seccomp.h>

#include <sandbox-notify.h>

#include "common.h"

#define PROG "connect-allow"

/* An IPv6 address without sin6_scope_id, the least the kernel takes. */
#define SIN6_LEN_RFC2133 24

/* What a refused address gets. */
#define DENY_ERRNO ECONNREFUSED

/* One entry of the allow-list. */
struct allowed {
	int family; /* AF_INET, AF_INET6 or AF_UNIX */
	uint16_t port;
	struct in_addr v4;
	struct in6_addr v6;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static struct allowed *allow;
static size_t n_allow;
static bool arg_via_supervisor;

/* One connect, decoded. */
struct connect_call {
	int fd;
	uint64_t addr;
	int len;
};

static int
parse_allowed(const char *s, struct allowed *a)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *errstr;
	size_t hlen;

	memset(a, 0, sizeof(*a));
	if (s[0] == '/') {
		if (strlcpy(a->path, s, sizeof(a->path)) >= sizeof(a->path))
			return -ENAMETOOLONG;
		a->family = AF_UNIX;
		return 0;
	}
	colon = strrchr(s, ':');
	if (colon == NULL)
		return -EINVAL;
	hlen = (size_t)(colon - s);
	if (hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	a->port = (uint16_t)strtonum(colon + 1, 1, 65535, &errstr);
	if (errstr != NULL)
		return -EINVAL;
	if (hlen > 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host[hlen - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a->v6) != 1)
			return -EINVAL;
		a->family = AF_INET6;
		if (IN6_IS_ADDR_V4MAPPED(&a->v6)) {
			memcpy(&a->v4, &a->v6.s6_addr[12], 4);
			a->family = AF_INET;
		}
		return 0;
	}
	if (inet_pton(AF_INET, host, &a->v4) != 1)
		return -EINVAL;
	a->family = AF_INET;
	return 0;
}

/*
 * Whether the @len bytes of @ss name an allowed address; its text in
 * @text.  Returns 1 or 0, or -EINVAL where the kernel would refuse the
 * address as malformed whatever the socket.
 */
static int
check(const struct sockaddr_storage *ss, int len, char *text, size_t size)
{
	const struct sockaddr_in6 *s6 = (const void *)ss;
	const struct sockaddr_in *s4 = (const void *)ss;
	const struct sockaddr_un *su = (const void *)ss;
	const size_t off = offsetof(struct sockaddr_un, sun_path);
	char ip[INET6_ADDRSTRLEN];
	struct in_addr v4;
	int family = ss->ss_family;
	uint16_t port = 0;
	size_t i, plen;

	switch (family) {
	case AF_INET:
		/* mirrors net/ipv4/af_inet.c: inet_stream_connect() */
		if ((size_t)len < sizeof(*s4))
			return -EINVAL;
		v4 = s4->sin_addr;
		port = ntohs(s4->sin_port);
		inet_ntop(AF_INET, &v4, ip, sizeof(ip));
		snprintf(text, size, "%s:%u", ip, port);
		break;
	case AF_INET6:
		/* mirrors net/ipv6/tcp_ipv6.c: tcp_v6_connect() */
		if (len < SIN6_LEN_RFC2133)
			return -EINVAL;
		port = ntohs(s6->sin6_port);
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		snprintf(text, size, "[%s]:%u", ip, port);
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			memcpy(&v4, &s6->sin6_addr.s6_addr[12], 4);
			family = AF_INET;
		}
		break;
	case AF_UNIX:
		/* mirrors net/unix/af_unix.c: unix_validate_addr() */
		if ((size_t)len <= off)
			return -EINVAL;
		plen = strnlen(su->sun_path, (size_t)len - off);
		if (su->sun_path[0] == '\0') {
			snprintf(text, size, "@%.*s",
				 (int)((size_t)len - off - 1),
				 su->sun_path + 1);
			return 0; /* abstract */
		}
		snprintf(text, size, "%.*s", (int)plen, su->sun_path);
		if (su->sun_path[0] != '/')
			return 0;
		for (i = 0; i < n_allow; i++)
			if (allow[i].family == AF_UNIX &&
			    strlen(allow[i].path) == plen &&
			    memcmp(allow[i].path, su->sun_path, plen) == 0)
				return 1;
		return 0;
	default:
		snprintf(text, size, "family %d", family);
		return 0;
	}
	for (i = 0; i < n_allow; i++) {
		if (allow[i].family != family || allow[i].port != port)
			continue;
		if (family == AF_INET &&
		    memcmp(&allow[i].v4, &v4, sizeof(v4)) == 0)
			return 1;
		if (family == AF_INET6 && memcmp(&allow[i].v6, &s6->sin6_addr,
						 sizeof(allow[i].v6)) == 0)
			return 1;
	}
	return 0;
}

/* Whether the fd @fd of thread @tid has FD_CLOEXEC, from its fdinfo. */
static int
fd_cloexec(pid_t tid, int fd)
{
	char path[64], line[128];
	unsigned long flags;
	int r = -ENODATA;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid, fd);
	f = fopen(path, "re");
	if (f == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "flags: %lo", &flags) == 1) {
			r = (flags & O_CLOEXEC) != 0;
			break;
		}
	}
	fclose(f);
	return r;
}

/* Whether @sd is a connect, or a socketcall(SYS_CONNECT, ...). */
static bool
is_connect(const struct seccomp_data *sd)
{
	if (sd->nr == agent_abi_nr(sd, "connect"))
		return true;
	return sd->nr == agent_abi_nr(sd, "socketcall") &&
	       (uint32_t)sd->args[0] == SYS_CONNECT;
}

/*
 * The call's fd, address and length: from the registers, or for
 * socketcall from the argument block in memory.  Returns 0 or -errno.
 */
static int
decode(const struct seccomp_data *sd, struct agent_mem *mem,
       struct connect_call *c)
{
	unsigned char block[3 * 8];
	uint64_t words[3];
	uint32_t v;
	size_t w, i;
	int r;

	if (sd->nr == agent_abi_nr(sd, "connect")) {
		memcpy(words, sd->args, sizeof(words));
	} else {
		/* unsigned longs of the caller's ABI */
		w = (sd->arch & __AUDIT_ARCH_64BIT) ? 8 : 4;
		r = agent_mem_read(mem, sd->args[1], block, 3 * w);
		if (r < 0)
			return r;
		for (i = 0; i < 3; i++) {
			if (w == 8) {
				memcpy(&words[i], block + 8 * i, 8);
			} else {
				memcpy(&v, block + 4 * i, 4);
				words[i] = v;
			}
		}
	}
	/* int fd, ..., int addrlen: the low 32 bits */
	c->fd = (int)(uint32_t)words[0];
	c->addr = words[1];
	c->len = (int)(uint32_t)words[2];
	return 0;
}

/*
 * Connect like the target's socket @sfd would, to @ss, and put the new
 * socket at the target's fd number.  Returns 0 or -EINPROGRESS (answers
 * for the target), or another -errno for it: then nothing changed.
 * -ENOENT means the notification went away.
 */
static int
connect_for(struct sbx_notify *n, const struct seccomp_notif *req,
	    const struct connect_call *c, int sfd,
	    const struct sockaddr_storage *ss)
{
	struct seccomp_notif_addfd addfd = { 0 };
	int domain, type, protocol, fl, cloexec, s, r;
	socklen_t optlen = sizeof(int);

	if (getsockopt(sfd, SOL_SOCKET, SO_DOMAIN, &domain, &optlen) < 0 ||
	    getsockopt(sfd, SOL_SOCKET, SO_TYPE, &type, &optlen) < 0 ||
	    getsockopt(sfd, SOL_SOCKET, SO_PROTOCOL, &protocol, &optlen) < 0)
		return -errno;
	fl = fcntl(sfd, F_GETFL);
	if (fl < 0)
		return -errno;
	/* pidfd_getfd() sets FD_CLOEXEC on our copy: ask the target's table */
	cloexec = fd_cloexec((pid_t)req->pid, c->fd);
	if (cloexec < 0)
		return cloexec == -ENOENT ? -EBADF : cloexec;
	s = socket(domain,
		   type | SOCK_CLOEXEC | (fl & O_NONBLOCK ? SOCK_NONBLOCK : 0),
		   protocol);
	if (s < 0)
		return -errno;
	/* exactly the bytes that were checked */
	if (connect(s, (const struct sockaddr *)ss, (socklen_t)c->len) < 0 &&
	    errno != EINPROGRESS) {
		r = -errno;
		goto out;
	}
	r = errno == EINPROGRESS ? -EINPROGRESS : 0;
	addfd.id = req->id;
	addfd.flags = SECCOMP_ADDFD_FLAG_SETFD;
	addfd.newfd = (uint32_t)c->fd;
	addfd.newfd_flags = cloexec ? O_CLOEXEC : 0;
	fl = sbx_notify_addfd(n, &addfd, s);
	if (fl < 0)
		r = fl;
out:
	close(s);
	return r;
}

/*
 * Decide connect @req: fill @resp and return 0; or return -ENOENT if it
 * went away, or another -errno if the connection to the supervisor failed.
 */
static int
answer(struct sbx_notify *n, const struct seccomp_notif *req,
       struct seccomp_notif_resp *resp)
{
	struct connect_call c = { .fd = -1 };
	struct sockaddr_storage ss;
	struct agent_mem mem;
	char text[160] = "?";
	int pidfd = -1, sfd = -1, ret = 0, err;
	bool denied = false;
	long long tgid;

	/* a tid the agent cannot see (pid 0) has no socket it can take */
	if (req->pid == 0) {
		err = -EPERM;
		goto out_answer;
	}
	/* The thread may be gone; ID_VALID below tells. */
	err = agent_proc_status((pid_t)req->pid, "Tgid", &tgid);
	if (err == 0) {
		pidfd = (int)syscall(SYS_pidfd_open, (pid_t)tgid, 0);
		if (pidfd < 0)
			err = -errno;
	}
	if (err == 0) {
		ret = agent_mem_open(&mem, n, req, arg_via_supervisor);
		if (ret < 0)
			goto out;
		memset(&ss, 0, sizeof(ss));
		err = decode(&req->data, &mem, &c);
		/* mirrors net/socket.c: move_addr_to_kernel() */
		if (err == 0 && (c.len < 0 || (size_t)c.len > sizeof(ss)))
			err = -EINVAL;
		if (err == 0)
			err = agent_mem_read(&mem, c.addr, &ss, (size_t)c.len);
		agent_mem_close(&mem);
	}
	/*
	 * TOCTOU: only a thread that still waits wrote what we read, and
	 * only then is the pidfd its process's.
	 */
	ret = sbx_notify_id_valid(n, req->id);
	if (ret < 0)
		goto out;
	if (err < 0)
		goto out_answer;
	/* mirrors net/socket.c: __sys_connect(): the fd first */
	sfd = (int)syscall(SYS_pidfd_getfd, pidfd, c.fd, 0);
	if (sfd < 0) {
		err = -errno;
		goto out_answer;
	}
	if (c.len < (int)sizeof(sa_family_t)) {
		err = -EINVAL;
		goto out_answer;
	}
	if (ss.ss_family == AF_UNSPEC) {
		/* no address to reach: dissolve on the target's own socket */
		strlcpy(text, "AF_UNSPEC", sizeof(text));
		err = connect(sfd, (struct sockaddr *)&ss, (socklen_t)c.len);
		err = err < 0 ? -errno : 0;
		goto out_answer;
	}
	err = check(&ss, c.len, text, sizeof(text));
	if (err == 0) {
		denied = true;
		err = -DENY_ERRNO;
		goto out_answer;
	}
	if (err < 0)
		goto out_answer;
	err = connect_for(n, req, &c, sfd, &ss);
	if (err == -ENOENT) {
		ret = err;
		goto out;
	}
out_answer:
	agent_print(req->id, "connect %d to %s: %s%s", c.fd, text,
		    err == 0 ? "0" : strerrorname_np(-err),
		    denied ? " (not allowed)" : "");
	resp->id = req->id;
	resp->val = 0;
	resp->error = err;
	resp->flags = 0;
out:
	if (sfd >= 0)
		close(sfd);
	if (pidfd >= 0)
		close(pidfd);
	return ret;
}

static int
serve(struct sbx_notify *n)
{
	struct seccomp_notif_resp resp;
	struct seccomp_notif req;
	int r;

	for (;;) {
		r = sbx_notify_receive(n, &req);
		agent_cancelled(n);
		if (r == -ENOENT || r == -ECONNRESET)
			return 0;
		if (r < 0)
			goto fail;
		memset(&resp, 0, sizeof(resp));
		if (!is_connect(&req.data)) {
			agent_print(req.id, "nr %d: continue", req.data.nr);
			resp.id = req.id;
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		} else {
			r = answer(n, &req, &resp);
			if (r == -ENOENT) {
				agent_print(req.id, "withdrawn");
				continue;
			}
			if (r < 0)
				goto fail;
		}
		r = sbx_notify_respond(n, &resp);
		if (r == -ENOENT)
			agent_print(req.id, "withdrawn");
		else if (r < 0)
			goto fail;
	}
fail:
	if (r == -ECONNRESET)
		return 0;
	fprintf(stderr, PROG ": %s\n", strerror(-r));
	return 1;
}

static void
usage(FILE *f)
{
	fprintf(f, "Usage: " PROG " [-s] [-w SECONDS] SOCKET ALLOWED...\n"
		   "Let a sandbox-run target connect only to the ALLOWED "
		   "addresses: IPV4:PORT,\n[IPV6]:PORT or the absolute path "
		   "of a unix socket.\n"
		   "\n"
		   "  -s          read the target's memory through the "
		   "supervisor\n"
		   "  -w SECONDS  wait this long for SOCKET to appear "
		   "(default: 5)\n");
}

int
main(int argc, char **argv)
{
	unsigned int wait_s = 5;
	struct sbx_notify *n;
	const char *errstr;
	int opt, r, i;

	while ((opt = getopt(argc, argv, "hsw:")) != -1) {
		switch (opt) {
		case 's':
			arg_via_supervisor = true;
			break;
		case 'w':
			wait_s =
			    (unsigned int)strtonum(optarg, 0, 3600, &errstr);
			if (errstr != NULL) {
				fprintf(stderr, PROG ": -w %s: %s\n", optarg,
					errstr);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind < 2) {
		usage(stderr);
		return 2;
	}
	n_allow = (size_t)(argc - optind - 1);
	allow = reallocarray(NULL, n_allow, sizeof(*allow));
	if (allow == NULL) {
		perror(PROG);
		return 1;
	}
	for (i = optind + 1; i < argc; i++) {
		if (parse_allowed(argv[i], &allow[i - optind - 1]) < 0) {
			fprintf(stderr,
				PROG ": %s: not IPV4:PORT, [IPV6]:PORT or an "
				     "absolute path of at most 107 bytes\n",
				argv[i]);
			return 2;
		}
	}
	r = agent_connect(argv[optind], wait_s * 1000, &n);
	if (r < 0) {
		fprintf(stderr, PROG ": %s: %s\n", argv[optind], strerror(-r));
		return 1;
	}
	r = serve(n);
	sbx_notify_close(n);
	free(allow);
	return r;
}
