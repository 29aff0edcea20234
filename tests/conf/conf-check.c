/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * conf-check: load a sandboxd.conf (--daemon) or a service's NAME.conf
 * (--service, the default) as sandboxd would, and print what it holds, one
 * "key: value" line each, or the loader's message on standard error.
 *
 * Exit status: 0 loaded, 1 refused (the message says why), 2 usage.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "policy/conf.h"

static const char *const log_names[] = {
	[POLICY_CONF_LOG_NONE] = "none",
	[POLICY_CONF_LOG_JOURNAL] = "journal",
	[POLICY_CONF_LOG_STDERR] = "stderr",
	[POLICY_CONF_LOG_FILE] = "file",
};

static void
print_log(enum policy_conf_log log, const char *path)
{
	printf("log: %s%s%s\n", log_names[log], path ? " " : "",
	       path ? path : "");
}

static void
print_daemon(const struct policy_conf_daemon *c)
{
	printf("control-socket: %s\n", c->control_socket);
	printf("socket-mode: %04o\n", c->socket_mode);
	printf("policy-dir: %s\n", c->policy_dir);
	printf("max-targets: %u\n", c->max_targets);
	printf("stop-timeout: %u\n", c->stop_timeout);
	print_log(c->log, c->log_path);
	printf("pidfile: %s\n", c->pidfile ? c->pidfile : "none");
}

/* Each word in brackets, so that blanks and empty words show. */
static void
print_words(const char *key, char *const *v, size_t n)
{
	size_t i;

	printf("%s:", key);
	for (i = 0; i < n; i++)
		printf(" [%s]", v[i]);
	putchar('\n');
}

static void
print_service(const struct policy_conf_service *c)
{
	size_t argc = 0, i;

	while (c->argv[argc])
		argc++;
	print_words("command", c->argv, argc);
	printf("policy: %s\n", c->policy);
	printf("user: %u\n", (unsigned)c->uid);
	printf("group: %u\n", (unsigned)c->gid);
	printf("supplementary-groups:");
	for (i = 0; i < c->n_groups; i++)
		printf(" %u", (unsigned)c->groups[i]);
	putchar('\n');
	printf("capabilities: 0x%" PRIx64 "\n", c->keep_caps);
	print_words("environment", c->envp, c->envc);
	printf("working-directory: %s\n", c->cwd);
	printf("agent-socket: %s\n",
	       c->agent_socket ? c->agent_socket : "none");
	printf("prefilter: %s\n", c->prefilter ? "yes" : "no");
	printf("wait-all: %s\n", c->wait_all ? "yes" : "no");
	print_log(c->log, c->log_path);
}

int
main(int argc, char **argv)
{
	struct policy_diag d = { "" };
	bool daemon = false;
	int i = 1, r;

	if (argc == 3 && strcmp(argv[1], "--daemon") == 0) {
		daemon = true;
		i = 2;
	} else if (argc == 3 && strcmp(argv[1], "--service") == 0) {
		i = 2;
	} else if (argc != 2) {
		fprintf(stderr,
			"usage: conf-check [--daemon|--service] FILE\n");
		return 2;
	}
	if (daemon) {
		struct policy_conf_daemon c;

		r = policy_conf_load_daemon(argv[i], NULL, 0, &c, &d);
		if (r == 0) {
			print_daemon(&c);
			policy_conf_daemon_free(&c);
		}
	} else {
		struct policy_conf_service c;

		r = policy_conf_load_service(argv[i], NULL, 0, &c, &d);
		if (r == 0) {
			print_service(&c);
			policy_conf_service_free(&c);
		}
	}
	if (r < 0) {
		fprintf(stderr, "%s\n", d.msg[0] ? d.msg : strerror(-r));
		return 1;
	}
	return 0;
}
