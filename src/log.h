/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * log: sandboxd's only logging.  Messages and supervisor events go to
 * standard error or, under systemd, to the journal with structured fields
 * (sandboxd(8), "LOGGING").  The library modules never log; they return
 * codes, and the daemon reports them here.
 *
 * Not thread-safe: log_init() sets process-wide state.
 */
#ifndef SANDBOXD_LOG_H
#define SANDBOXD_LOG_H

enum log_target {
	LOG_TO_STDERR,	/* "IDENT: message\n"; events as their JSON lines */
	LOG_TO_JOURNAL, /* sd_journal_send(3), with PRIORITY= and fields */
};

/*
 * log_init() - set the program name that prefixes messages (and is the
 * journal's SYSLOG_IDENTIFIER) and where messages go.  @ident must stay
 * valid for as long as logging goes on; it is not copied.  Before any
 * call, messages go to standard error as "sandboxd: ...".  LOG_TO_JOURNAL
 * without a journal socket (no journald running) means LOG_TO_STDERR, as
 * sd_journal_send(3) would drop every message without saying so.
 */
void log_init(const char *ident, enum log_target target);

/*
 * log_warn(), log_warnx(), log_info() - one message, printf-style, with
 * no trailing newline.  log_warn() appends ": " and strerror(errno), as
 * warn(3) does.  All three leave errno as they found it.  A message the
 * journal refuses goes to standard error instead, so none is lost.
 */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * log_fatal(), log_fatalx() - as log_warn() and log_warnx() at priority
 * "crit", then exit(3) with status 1.
 */
void log_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void log_fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/*
 * log_event() - log one line of a supervisor's event log (sandbox-run(1),
 * "EVENT LOG"; with or without its trailing newline).  To standard error
 * it goes as it is.  To the journal it goes as the fields that
 * log_event_fields() gives, plus SYSLOG_IDENTIFIER= and @extra_fields: a
 * NULL-terminated list of "KEY=VALUE" strings (SANDBOXD_SERVICE=web, say),
 * or NULL.  A line that is not a JSON object (a piece of an overlong
 * line, say) still goes to the journal, as MESSAGE= with
 * SANDBOXD_JSON_INVALID=1, so nothing is dropped.  Borrows its arguments.
 *
 * Returns 0; -EINVAL if an extra field is not KEY=VALUE with a valid
 * journal field name (A-Z, 0-9 and _, not starting with _); -ENOMEM; or
 * the negative errno with which the journal or standard error failed:
 * the caller decides whether the run goes on.
 */
int log_event(const char *json_line, const char *const *extra_fields);

/*
 * log_event_fields() - turn an event-log line into journal fields, each a
 * "KEY=VALUE" string:
 *   MESSAGE=    a summary, e.g. "openat denied: errno EPERM (pid 42)";
 *   PRIORITY=   a syslog(3) level, as a decimal number;
 *   SANDBOXD_EVENT=, SANDBOXD_SYSCALL=, SANDBOXD_NR=, SANDBOXD_ACTION=,
 *   SANDBOXD_PID=, SANDBOXD_TID=, SANDBOXD_COMM=, SANDBOXD_ARCH= (the
 *   "abi"), SANDBOXD_EXIT_STATUS=, SANDBOXD_SIGNAL=, each only when the
 *   line has the matching member and it is not null;
 *   SANDBOXD_JSON=  the whole line, without its newline.
 * Pure: no I/O, no globals.
 *
 * Returns the number of fields and stores in *@ret a NULL-terminated
 * array of them, which the caller owns and frees with log_fields_free();
 * or -EINVAL if the line is not one JSON object (nothing but white space
 * may follow it); or -ENOMEM.  *@ret is untouched on error.
 */
int log_event_fields(const char *json_line, char ***ret);

/* log_fields_free() - free log_event_fields()'s array; NULL is fine. */
void log_fields_free(char **fields);

#endif /* SANDBOXD_LOG_H */
