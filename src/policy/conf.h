/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * policy conf: sandboxd's configuration files, sandboxd.conf(5): the
 * daemon's own (sandboxd.conf) and one per confined service (NAME.conf).
 *
 * Both are lines of a directive name and its values, separated by blanks;
 * '#' starts a comment outside quotes; values may be quoted with "..."
 * (backslash escapes \" \\ \n \t \$ inside) or '...' (literal).  Each
 * directive may appear once unless said otherwise.  Errors come back as
 * "FILE:LINE:COL: message" in a struct policy_diag, never printed.
 */
#ifndef SANDBOXD_POLICY_CONF_H
#define SANDBOXD_POLICY_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/policy.h"

#define POLICY_CONF_DIR		   "/etc/sandboxd"
#define POLICY_CONF_DAEMON	   POLICY_CONF_DIR "/sandboxd.conf"
#define POLICY_CONF_POLICY_DIR	   POLICY_CONF_DIR "/policies"
#define POLICY_CONF_CONTROL_SOCKET "/run/sandboxd/control.sock"
#define POLICY_CONF_PIDFILE	   "/run/sandboxd/sandboxd.pid"

/* Where the daemon's and the services' event logs go. */
enum policy_conf_log {
	POLICY_CONF_LOG_NONE,	 /* none */
	POLICY_CONF_LOG_JOURNAL, /* journal: journald, structured fields */
	POLICY_CONF_LOG_STDERR,	 /* stderr */
	POLICY_CONF_LOG_FILE,	 /* an absolute path: JSON lines, appended */
};

/**
 * struct policy_conf_daemon - sandboxd.conf.
 * @control_socket: "control-socket PATH" (absolute); default
 *	POLICY_CONF_CONTROL_SOCKET.
 * @socket_mode: "socket-mode OCTAL" (at most 0777); default 0666, since
 *	every client gets only its own credentials.
 * @policy_dir: "policy-dir PATH" (absolute); default
 *	POLICY_CONF_POLICY_DIR.
 * @max_targets: "max-targets N" (1 to 65536); default 1024.
 * @stop_timeout: "stop-timeout SECONDS" (0 to 86400): how long targets get
 *	between SIGTERM and SIGKILL when the daemon stops; default 90.
 * @log, @log_path: "log none|journal|stderr|PATH"; default none.
 * @pidfile: "pidfile PATH|none" (absolute): written when not started by
 *	systemd; default POLICY_CONF_PIDFILE.  NULL for none.
 */
struct policy_conf_daemon {
	char *control_socket;
	unsigned int socket_mode;
	char *policy_dir;
	unsigned int max_targets;
	unsigned int stop_timeout;
	enum policy_conf_log log;
	char *log_path;
	char *pidfile;
};

/**
 * struct policy_conf_service - NAME.conf, one confined service.
 * @argv: "command WORD..." (required): the command and its arguments,
 *	NULL-terminated; argv[0] is absolute, or is searched in the
 *	environment's PATH.
 * @policy: "policy NAME|PATH" (required): a policy name (looked up in
 *	the daemon's policy-dir as NAME.policy, then NAME.json) or an
 *	absolute path to a .policy or OCI .json file.
 * @uid, @gid: "user NAME|UID" (default root, 0) and "group NAME|GID"
 *	(default: the user's primary group).
 * @groups, @n_groups: "supplementary-groups NAME|GID..." (default: none).
 * @keep_caps: "capabilities LIST" (names as sandbox-run --caps: comma-
 *	or blank-separated, or "none"; default none): bit n keeps
 *	capability n.
 * @envp, @envc: "environment NAME=VALUE..." (repeatable; NULL-terminated
 *	array; default: PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:
 *	/usr/bin:/sbin:/bin only).
 * @cwd: "working-directory PATH" (absolute; default "/").
 * @agent_socket: "agent-socket PATH" (absolute; default NULL).
 * @prefilter: "prefilter yes|no" (default yes).
 * @wait_all: "wait-all yes|no" (default no).
 * @log, @log_path: "log none|journal|stderr|PATH"; default journal.
 */
struct policy_conf_service {
	char **argv;
	char *policy;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t n_groups;
	uint64_t keep_caps;
	char **envp;
	size_t envc;
	char *cwd;
	char *agent_socket;
	bool prefilter;
	bool wait_all;
	enum policy_conf_log log;
	char *log_path;
};

/**
 * policy_conf_load_daemon() - read sandboxd.conf at @path.
 * @text, @len: the file's contents, or NULL to read @path.
 * @ret: filled on success only; free with policy_conf_daemon_free().
 * A missing file is not an error for the caller to judge: -ENOENT.
 * Returns 0, -ENOENT, -EINVAL with @diag set, -ENOMEM, or -errno from
 * reading.
 */
int policy_conf_load_daemon(const char *path, const char *text, size_t len,
			    struct policy_conf_daemon *ret,
			    struct policy_diag *diag);

/** policy_conf_daemon_defaults() - @ret with every default. */
int policy_conf_daemon_defaults(struct policy_conf_daemon *ret);

/*
 * policy_conf_daemon_free(), policy_conf_service_free() - free what the
 * struct holds and zero it; the struct itself is the caller's.
 */
void policy_conf_daemon_free(struct policy_conf_daemon *c);

/**
 * policy_conf_load_service() - read a service's NAME.conf at @path.
 * Resolves users and groups (getpwnam_r, getgrnam_r) and capability names,
 * and says where one is unknown.
 * Returns as policy_conf_load_daemon().
 */
int policy_conf_load_service(const char *path, const char *text, size_t len,
			     struct policy_conf_service *ret,
			     struct policy_diag *diag);

void policy_conf_service_free(struct policy_conf_service *c);

/**
 * policy_conf_name_ok() - whether @name may name a policy or a service:
 * 1 to 255 bytes of [A-Za-z0-9_.@-], not starting with '.' (so never
 * "..", never a path).
 */
bool policy_conf_name_ok(const char *name);

#endif /* SANDBOXD_POLICY_CONF_H */
