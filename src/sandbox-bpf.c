/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * sandbox-bpf: the filter toolbox.  Option parsing, file handling and
 * output only; every verdict comes from src/bpf and every ABI fact from
 * src/arch.  The commands and their exit statuses are documented in
 * sandbox-bpf(1), which must change whenever this file's options do.
 */
#include "config.h"

#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "arch/arch.h"
#include "bpf/bpf.h"
#include "policy/compile.h"
#include "policy/policy.h"

#define EXIT_INVALID 1
#define EXIT_USAGE   2

/* scmp_bpf_sim's exit statuses, which sim keeps: errno values. */
#define SIM_EXIT_ERROR ENOEXEC
#define SIM_EXIT_FAULT EFAULT
#define SIM_EXIT_USAGE EINVAL

/* The largest program disasm shows: bpf_text_asm()'s limit, to round-trip. */
#define DISASM_MAX_INSNS 65536
/* BPF text this large is not a filter anybody wrote. */
#define ASM_MAX_BYTES (32U << 20)
/* Nor a policy: the JSON loader stops at 16 MiB, the text one sooner. */
#define POLICY_MAX_BYTES (32U << 20)

enum {
	OPT_HELP = 0x100,
	OPT_RAW,
	OPT_TREE,
	OPT_LINEAR,
};

static const char *prog_name = "sandbox-bpf";

/* The ABI names, filled to 79 columns from column @indent, where it is. */
static void
print_arch_names(FILE *f, int indent)
{
	int col = indent;
	size_t i;

	for (i = 0; i < arch_abi_count(); i++) {
		const char *name = arch_abi_at(i)->name;
		int len = (int)strlen(name);

		if (i > 0 && col + 1 + len > 79) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (i > 0) {
			fputc(' ', f);
			col++;
		}
		fputs(name, f);
		col += len;
	}
}

/* Writes what is buffered for stdout; a lost write is an error too. */
static int
stdout_finish(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		warn("write error");
		return -EIO;
	}
	return 0;
}

static bool
host_big_endian(void)
{
	const uint16_t one = 1;

	return *(const unsigned char *)&one == 0;
}

static const char *
display_name(const char *path)
{
	return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/* "insn N: " only where the validator's index means an instruction. */
static void
format_check_error(char *buf, size_t size, size_t len,
		   const struct bpf_error *err)
{
	if (len == 0 || len > CBPF_MAXINSNS)
		snprintf(buf, size, "%s", err->msg);
	else
		snprintf(buf, size, "insn %u: %s", err->insn, err->msg);
}

/*
 * Stacks @files as a chain on @layout, the first file installed first,
 * into *@ret (caller unrefs it).  Returns 0; -EINVAL when a file is not a
 * filter the kernel would attach; or -errno when a file could not be
 * read.  On failure @msg says "FILE: reason".
 */
static int
build_chain(char **files, size_t n_files, bool swap,
	    const struct bpf_cache_layout *layout, struct bpf_filter **ret,
	    char *msg, size_t msgsz)
{
	struct bpf_filter *top = NULL, *f;
	struct sock_filter *prog = NULL;
	struct bpf_error err;
	char why[200];
	size_t i, len;
	int r = 0;

	for (i = 0; i < n_files; i++) {
		const char *name = display_name(files[i]);

		r = policy_load_raw(files[i], CBPF_MAXINSNS, swap, &prog, &len,
				    why, sizeof(why));
		if (r < 0) {
			snprintf(msg, msgsz, "%s: %s", name, why);
			goto out;
		}
		r = bpf_prog_check(prog, len, &err);
		if (r < 0) {
			format_check_error(why, sizeof(why), len, &err);
			snprintf(msg, msgsz, "%s: %s", name, why);
			goto out;
		}
		/* the program is valid, so only the chain can be refused */
		if (bpf_filter_new(top, prog, len, layout, 0, &f, &err) < 0) {
			r = -EINVAL;
			snprintf(msg, msgsz, "%s: %s", name, err.msg);
			goto out;
		}
		bpf_filter_unref(top);
		top = f;
		free(prog);
		prog = NULL;
	}
	*ret = top;
	top = NULL;
out:
	free(prog);
	bpf_filter_unref(top);
	return r;
}

/* ---- check ---- */

static void
check_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: %s check [-v] FILE...\n"
	    "Validate each raw filter FILE exactly as seccomp(2) would and\n"
	    "print \"FILE: insn N: reason\" for each one the kernel would refuse.\n"
	    "\n"
	    "  -v, --verbose  also print \"FILE: ok, N instructions\" for each\n"
	    "                 valid FILE\n"
	    "  -h, --help     show this help and exit\n"
	    "\n"
	    "FILE holds struct sock_filter records in host byte order; '-' is\n"
	    "standard input.  Exit status: 0 if every FILE is valid, 1 if one is\n"
	    "not or cannot be read, 2 for a usage error.\n",
	    prog_name);
}

static int
cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool verbose = false;
	int c, i, status = EXIT_SUCCESS;

	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'h':
			check_usage(stdout);
			return stdout_finish() < 0 ? EXIT_INVALID
						   : EXIT_SUCCESS;
		default:
			goto usage;
		}
	}
	if (optind == argc) {
		warnx("check: no FILE given");
		goto usage;
	}
	for (i = optind; i < argc; i++) {
		const char *name = display_name(argv[i]);
		struct sock_filter *prog = NULL;
		struct bpf_error err;
		char why[200];
		size_t len;

		if (policy_load_raw(argv[i], CBPF_MAXINSNS, false, &prog, &len,
				    why, sizeof(why)) < 0) {
			fprintf(stderr, "%s: %s\n", name, why);
			status = EXIT_INVALID;
			continue;
		}
		if (bpf_prog_check(prog, len, &err) < 0) {
			format_check_error(why, sizeof(why), len, &err);
			fprintf(stderr, "%s: %s\n", name, why);
			status = EXIT_INVALID;
		} else if (verbose) {
			printf("%s: ok, %zu instruction%s\n", name, len,
			       len == 1 ? "" : "s");
		}
		free(prog);
	}
	if (stdout_finish() < 0)
		status = EXIT_INVALID;
	return status;

usage:
	fprintf(stderr, "Try '%s check --help'.\n", prog_name);
	return EXIT_USAGE;
}

/* ---- sim ---- */

static void sim_exit_usage(void) __attribute__((noreturn));

static void
sim_exit_usage(void)
{
	/* scmp_bpf_sim's line, plus what this one adds */
	fprintf(
	    stderr,
	    "usage: %s sim -f <bpf_file> [-v] [-h] -a <arch> -s <syscall_num>"
	    " [-0 <a0>] ... [-5 <a5>] [-i <ip>] [--raw]\n",
	    prog_name);
	exit(SIM_EXIT_USAGE);
}

static void __attribute__((noreturn, format(printf, 3, 4)))
sim_exit_fault(bool verbose, int errnum, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	if (verbose) {
		fprintf(stderr, "FAULT: errno = %d: ", errnum);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	} else {
		fputs("FAULT\n", stderr);
	}
	exit(SIM_EXIT_FAULT);
}

static void
sim_help(void)
{
	printf(
	    "Usage: %s sim -f FILE [-f FILE]... [-a ARCH] [-s NR]\n"
	    "                       [-0 A0]... [-5 A5] [-i IP] [-v] [--raw]\n"
	    "Run a filter, or a chain of filters, on one system call and print\n"
	    "the action that wins.  A drop-in for libseccomp's scmp_bpf_sim.\n"
	    "\n"
	    "  -f FILE        a raw filter, in ARCH's byte order; give -f again to\n"
	    "                 stack filters in the order they are installed\n"
	    "  -a ARCH        the ABI of the call (default: %s); one of\n"
	    "                 ",
	    prog_name, arch_abi_host()->name);
	print_arch_names(stdout, 17);
	printf(
	    "\n"
	    "  -s NR          the system call number, as seccomp_data.nr (default 0)\n"
	    "  -0 A0 ... -5 A5  the arguments (default 0)\n"
	    "  -i IP          the instruction pointer (default 0)\n"
	    "  -v             say what went wrong on ERROR and FAULT\n"
	    "      --raw      print the 32-bit return value as 0x%%08x\n"
	    "  -h             print the short usage on stderr and exit 22\n"
	    "      --help     show this help and exit\n"
	    "\n"
	    "Numbers are read as strtol(3) and strtoull(3) read them with base 0,\n"
	    "as far as they are valid.  The output is one line: ALLOW, LOG, KILL\n"
	    "(kill the thread), KILL_PROCESS, TRAP, ERRNO(n), TRACE(n) or\n"
	    "USER_NOTIF.  Exit status: 0 with a result, 8 (ENOEXEC) for an invalid\n"
	    "filter or chain (ERROR), 14 (EFAULT) when a file cannot be read or\n"
	    "ARCH is unknown (FAULT), 22 (EINVAL) for a usage error.\n");
}

static void
sim_print(uint32_t ret)
{
	uint32_t data = ret & SECCOMP_RET_DATA;

	switch (bpf_ret_action(ret)) {
	case BPF_ACT_ALLOW:
		puts("ALLOW");
		break;
	case BPF_ACT_LOG:
		puts("LOG");
		break;
	case BPF_ACT_USER_NOTIF:
		puts("USER_NOTIF");
		break;
	case BPF_ACT_TRACE:
		printf("TRACE(%u)\n", data);
		break;
	case BPF_ACT_ERRNO:
		/* the data as the filter returned it, as scmp_bpf_sim prints */
		printf("ERRNO(%u)\n", data);
		break;
	case BPF_ACT_TRAP:
		puts("TRAP");
		break;
	case BPF_ACT_KILL_THREAD:
		puts("KILL");
		break;
	case BPF_ACT_KILL_PROCESS:
	default:
		/* unknown actions too: kernel/seccomp.c: __seccomp_filter() */
		puts("KILL_PROCESS");
		break;
	}
}

static int
cmd_sim(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const struct arch_abi *abi = arch_abi_host();
	struct bpf_cache_layout layout;
	struct seccomp_data sd;
	struct bpf_filter *top;
	bool verbose = false, raw = false;
	char **files, msg[400];
	int c, r;
	size_t n_files = 0;
	uint32_t ret;

	memset(&sd, 0, sizeof(sd));
	files = calloc(argc, sizeof(*files));
	if (!files)
		sim_exit_fault(verbose, ENOMEM, "out of memory");
	while ((c = getopt_long(argc, argv, "a:f:hs:v0:1:2:3:4:5:i:", opts,
				NULL)) != -1) {
		switch (c) {
		case 'a':
			abi = arch_abi_by_name(optarg);
			if (!abi)
				sim_exit_fault(verbose, EINVAL,
					       "unknown arch '%s'", optarg);
			break;
		case 'f':
			files[n_files++] = optarg;
			break;
		case 's':
			/* scmp_bpf_sim: strtol() into an int, no checks */
			sd.nr = (int)strtol(optarg, NULL, 0);
			break;
		case '0':
		case '1':
		case '2':
		case '3':
		case '4':
		case '5':
			sd.args[c - '0'] = strtoull(optarg, NULL, 0);
			break;
		case 'i':
			sd.instruction_pointer = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			verbose = true;
			break;
		case OPT_RAW:
			raw = true;
			break;
		case OPT_HELP:
			sim_help();
			if (stdout_finish() < 0)
				exit(EXIT_INVALID);
			exit(EXIT_SUCCESS);
		case 'h':
		default:
			sim_exit_usage();
		}
	}
	if (n_files == 0)
		sim_exit_usage();
	if (optind < argc) {
		/* scmp_bpf_sim ignores these; a forgotten -f would mislead */
		fprintf(stderr, "%s sim: unexpected operand '%s'\n", prog_name,
			argv[optind]);
		sim_exit_usage();
	}

	/* the program sees the call as a task of that ABI lays it out */
	sd.arch = abi->audit_arch;
	bpf_data_set_byteorder(&sd, abi->big_endian);
	arch_cache_layout_for(abi, &layout);
	r = build_chain(files, n_files, abi->big_endian != host_big_endian(),
			&layout, &top, msg, sizeof(msg));
	if (r < 0 && r != -EINVAL)
		sim_exit_fault(verbose, -r, "%s", msg);
	if (r < 0) {
		if (verbose)
			fprintf(stderr, "ERROR: %s\n", msg);
		else
			fputs("ERROR\n", stderr);
		exit(SIM_EXIT_ERROR);
	}
	/* the filters as written: no action cache, see sandbox-bpf(1) */
	ret = bpf_chain_run(top, &sd, NULL);
	bpf_filter_unref(top);
	free(files);
	if (raw)
		printf("0x%08x\n", ret);
	else
		sim_print(ret);
	if (fflush(stdout) != 0 || ferror(stdout))
		sim_exit_fault(verbose, EIO, "write error");
	return EXIT_SUCCESS;
}

/* ---- disasm ---- */

static void
disasm_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: %s disasm FILE\n"
	    "Print the raw filter FILE as BPF text, which '%s asm' turns back\n"
	    "into the same bytes.\n"
	    "\n"
	    "  -h, --help  show this help and exit\n"
	    "\n"
	    "FILE holds struct sock_filter records in host byte order; '-' is\n"
	    "standard input.  Exit status: 0, 1 if FILE cannot be read or is not\n"
	    "a filter image, 2 for a usage error.\n",
	    prog_name, prog_name);
}

static int
cmd_disasm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sock_filter *prog = NULL;
	char why[200], *text = NULL;
	size_t len;
	int c, status = EXIT_INVALID;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			disasm_usage(stdout);
			return stdout_finish() < 0 ? EXIT_INVALID
						   : EXIT_SUCCESS;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1) {
		warnx("disasm: %s",
		      optind == argc ? "no FILE given" : "one FILE at a time");
		goto usage;
	}
	if (policy_load_raw(argv[optind], DISASM_MAX_INSNS, false, &prog, &len,
			    why, sizeof(why)) < 0) {
		fprintf(stderr, "%s: %s\n", display_name(argv[optind]), why);
		goto out;
	}
	if (bpf_text_disasm(prog, len, &text) < 0) {
		warnx("out of memory");
		goto out;
	}
	fputs(text, stdout);
	if (stdout_finish() == 0)
		status = EXIT_SUCCESS;
out:
	free(text);
	free(prog);
	return status;

usage:
	fprintf(stderr, "Try '%s disasm --help'.\n", prog_name);
	return EXIT_USAGE;
}

/* ---- asm ---- */

static void
asm_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: %s asm SRC -o FILE\n"
	    "Assemble the BPF text SRC into the raw filter FILE.\n"
	    "\n"
	    "  -o, --output FILE  where to write the filter ('-' is standard\n"
	    "                     output); FILE is written only if SRC assembles\n"
	    "  -h, --help         show this help and exit\n"
	    "\n"
	    "SRC may be '-' for standard input.  Errors read SRC:LINE:COL: message.\n"
	    "A program that assembles but that the kernel would refuse is written\n"
	    "all the same, with a warning.  Exit status: 0, 1 if SRC does not\n"
	    "assemble or a file cannot be read or written, 2 for a usage error.\n",
	    prog_name);
}

static int
write_all(int fd, const void *buf, size_t size)
{
	const char *p = buf;
	ssize_t n;

	while (size > 0) {
		n = write(fd, p, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		size -= n;
	}
	return 0;
}

static int
cmd_asm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_path = NULL, *src_name;
	struct sock_filter *prog = NULL;
	struct bpf_text_error terr;
	struct bpf_error err;
	char *text = NULL;
	size_t size, len;
	int c, fd, r, status = EXIT_INVALID;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out_path = optarg;
			break;
		case 'h':
			asm_usage(stdout);
			return stdout_finish() < 0 ? EXIT_INVALID
						   : EXIT_SUCCESS;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1) {
		warnx("asm: %s",
		      optind == argc ? "no SRC given" : "one SRC at a time");
		goto usage;
	}
	if (!out_path) {
		warnx("asm: no output FILE given (-o FILE)");
		goto usage;
	}
	src_name = display_name(argv[optind]);
	r = policy_read_file(argv[optind], ASM_MAX_BYTES, &text, &size);
	if (r == -EFBIG) {
		fprintf(stderr, "%s: larger than %u bytes\n", src_name,
			ASM_MAX_BYTES);
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", src_name, strerror(-r));
		goto out;
	}
	r = bpf_text_asm(text, size, &prog, &len, &terr);
	if (r < 0) {
		fprintf(stderr, "%s:%u:%u: %s\n", src_name, terr.line, terr.col,
			terr.msg);
		goto out;
	}
	if (strcmp(out_path, "-") == 0) {
		fd = STDOUT_FILENO;
	} else {
		fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0666);
		if (fd < 0) {
			fprintf(stderr, "%s: %s\n", out_path, strerror(errno));
			goto out;
		}
	}
	r = write_all(fd, prog, len * sizeof(*prog));
	if (fd != STDOUT_FILENO && close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", out_path, strerror(-r));
		goto out;
	}
	if (bpf_prog_check(prog, len, &err) < 0) {
		char why[200];

		format_check_error(why, sizeof(why), len, &err);
		fprintf(
		    stderr,
		    "%s: warning: the kernel would refuse this filter: %s\n",
		    src_name, why);
	}
	status = EXIT_SUCCESS;
out:
	free(prog);
	free(text);
	return status;

usage:
	fprintf(stderr, "Try '%s asm --help'.\n", prog_name);
	return EXIT_USAGE;
}

/* ---- cache ---- */

static void
cache_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: %s cache [-a ARCH] FILE...\n"
	    "Stack the raw filters FILE... as a chain, first FILE installed first,\n"
	    "and list the system calls of ARCH that the kernel's action cache\n"
	    "allows without running the chain, one \"NR NAME\" per line.\n"
	    "\n"
	    "  -a, --arch ARCH  the ABI (default: %s); one of\n"
	    "                   ",
	    prog_name, arch_abi_host()->name);
	print_arch_names(f, 19);
	fprintf(
	    f,
	    "\n"
	    "  -h, --help       show this help and exit\n"
	    "\n"
	    "Each FILE is read in ARCH's byte order, as 'sim' reads it.  Exit\n"
	    "status: 0, 1 if a FILE is not a valid filter or cannot be read, 2 for\n"
	    "a usage error.\n");
}

static int
cmd_cache(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "arch", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct arch_abi *abi = arch_abi_host();
	struct bpf_cache_layout layout;
	struct bpf_filter *top;
	char msg[400];
	uint32_t nr;
	int c;

	while ((c = getopt_long(argc, argv, "a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			abi = arch_abi_by_name(optarg);
			if (!abi) {
				fprintf(stderr, "%s cache: unknown arch '%s'\n",
					prog_name, optarg);
				goto usage;
			}
			break;
		case 'h':
			cache_usage(stdout);
			return stdout_finish() < 0 ? EXIT_INVALID
						   : EXIT_SUCCESS;
		default:
			goto usage;
		}
	}
	if (optind == argc) {
		warnx("cache: no FILE given");
		goto usage;
	}
	arch_cache_layout_for(abi, &layout);
	if (build_chain(argv + optind, argc - optind,
			abi->big_endian != host_big_endian(), &layout, &top,
			msg, sizeof(msg)) < 0) {
		fprintf(stderr, "%s\n", msg);
		return EXIT_INVALID;
	}
	if (layout.abi[0].nr_count == 0)
		fprintf(
		    stderr,
		    "%s: the kernel never caches %s calls; they always run the filters\n",
		    prog_name, abi->name);
	for (nr = abi->nr_base; nr < layout.abi[0].nr_count; nr++) {
		char *name;

		if (!bpf_filter_cached(top, abi->audit_arch, (int32_t)nr))
			continue;
		name = arch_syscall_name(abi, (int32_t)nr);
		printf("%u %s\n", nr, name ? name : "?");
		free(name);
	}
	bpf_filter_unref(top);
	return stdout_finish() < 0 ? EXIT_INVALID : EXIT_SUCCESS;

usage:
	fprintf(stderr, "Try '%s cache --help'.\n", prog_name);
	return EXIT_USAGE;
}

/* ---- compile and explain: the inputs ---- */

/*
 * One input of compile or explain: a policy (the language or JSON), which
 * is compiled, or a program (raw or BPF text), which is taken as it is.
 */
struct input {
	enum policy_format fmt;
	const char *name; /* for messages */
	struct policy pol;
	struct policy_plan *plan;
	struct sock_filter *prog; /* host byte order */
	size_t len;
};

/* What compile and explain were told about a policy input. */
struct input_opts {
	bool caps_given;
	uint64_t caps;
	struct policy_compile_opts copts;
	bool tree_given;
	/* explain: the call's ABI, whose byte order a raw file has */
	const struct arch_abi *call_abi;
};

static void
warn_cb(void *data, const char *msg)
{
	fprintf(stderr, "%s: %s\n", prog_name, msg);
}

/* sandbox-run's --caps syntax (policy_caps_parse()). */
static int
caps_parse(const char *cmd, const char *list, uint64_t *ret)
{
	char bad[64] = "";
	int r = policy_caps_parse(list, ret, bad, sizeof(bad));

	if (r == -ENOMEM)
		err(EXIT_INVALID, NULL);
	if (r < 0)
		fprintf(stderr, "%s %s: --caps: unknown capability '%s'\n",
			prog_name, cmd, bad);
	return r;
}

/* What a target of sandbox-run gets by default; none if unknown. */
static uint64_t
caps_default(void)
{
	uint64_t mask = 0;

	return policy_caps_target(&mask) < 0 ? 0 : mask;
}

/* An ABI by libseccomp's name, or "native"; NULL if unknown. */
static const struct arch_abi *
abi_by_option(const char *name)
{
	if (strcmp(name, "native") == 0)
		return arch_abi_host();
	return arch_abi_by_name(name);
}

static void
input_free(struct input *in)
{
	policy_plan_free(in->plan);
	policy_free(&in->pol);
	free(in->prog);
}

/*
 * Reads @path and makes it a program: compiles a policy, assembles BPF
 * text, validates either kind of program.  Returns 0, or EXIT_INVALID
 * after saying why on stderr.
 */
static int
input_load(const char *path, const struct input_opts *o, struct input *in)
{
	struct policy_oci_opts oo = { 0 };
	struct bpf_text_error terr;
	struct policy_diag d;
	struct bpf_error err;
	char *buf = NULL, why[200];
	size_t size;
	int r, status = EXIT_INVALID;

	memset(in, 0, sizeof(*in));
	policy_init(&in->pol);
	in->name = display_name(path);
	d.msg[0] = '\0';
	r = policy_read_file(path, POLICY_MAX_BYTES, &buf, &size);
	if (r == -EFBIG) {
		fprintf(stderr, "%s: %s: larger than %u bytes\n", prog_name,
			in->name, POLICY_MAX_BYTES);
		goto out;
	}
	if (r < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog_name, in->name,
			strerror(-r));
		goto out;
	}
	in->fmt = policy_detect(buf, size);
	switch (in->fmt) {
	case POLICY_FORMAT_JSON:
		oo.caps = o->caps_given ? o->caps : caps_default();
		r = policy_load_oci(&in->pol, in->name, buf, size, &oo, warn_cb,
				    NULL, &d);
		break;
	case POLICY_FORMAT_LANG:
		r = policy_load_lang(&in->pol,
				     strcmp(path, "-") == 0 ? in->name : path,
				     buf, size, warn_cb, NULL, &d);
		break;
	case POLICY_FORMAT_RAW:
		if (size > CBPF_MAXINSNS * sizeof(struct sock_filter) &&
		    size % sizeof(struct sock_filter) == 0) {
			fprintf(
			    stderr,
			    "%s: %s: program has more than %d instructions\n",
			    prog_name, in->name, CBPF_MAXINSNS);
			goto out;
		}
		r = bpf_prog_from_bytes(
		    buf, size,
		    o->call_abi && o->call_abi->big_endian != host_big_endian(),
		    &in->prog, &in->len, &err);
		if (r < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog_name, in->name,
				err.msg);
			goto out;
		}
		break;
	case POLICY_FORMAT_TEXT:
		r = bpf_text_asm(buf, size, &in->prog, &in->len, &terr);
		if (r < 0) {
			fprintf(stderr, "%s: %s:%u:%u: %s\n", prog_name,
				in->name, terr.line, terr.col, terr.msg);
			goto out;
		}
		break;
	}
	if (in->fmt == POLICY_FORMAT_RAW || in->fmt == POLICY_FORMAT_TEXT) {
		if (bpf_prog_check(in->prog, in->len, &err) < 0) {
			format_check_error(why, sizeof(why), in->len, &err);
			fprintf(stderr, "%s: %s: %s\n", prog_name, in->name,
				why);
			goto out;
		}
		status = EXIT_SUCCESS;
		goto out;
	}
	if (r == 0)
		r = policy_plan_new(&in->pol, &o->copts, warn_cb, NULL,
				    &in->plan, &d);
	if (r == 0)
		r = policy_plan_compile(in->plan, &in->prog, &in->len, &d);
	if (r < 0) {
		if (d.msg[0])
			fprintf(stderr, "%s: %s\n", prog_name, d.msg);
		else
			fprintf(stderr, "%s: %s: %s\n", prog_name, in->name,
				strerror(-r));
		goto out;
	}
	status = EXIT_SUCCESS;
out:
	free(buf);
	return status;
}

/*
 * The options a policy input takes make no sense for a program: a usage
 * error, as the man page says.
 */
static bool
input_opts_fit(const char *cmd, const struct input *in,
	       const struct input_opts *o, bool arch_given)
{
	const char *opt = NULL;

	if (in->fmt != POLICY_FORMAT_RAW && in->fmt != POLICY_FORMAT_TEXT) {
		if (o->caps_given && in->fmt != POLICY_FORMAT_JSON)
			opt = "--caps";
		else
			return true;
	} else if (o->caps_given) {
		opt = "--caps";
	} else if (arch_given) {
		opt = "--arch";
	} else if (o->tree_given) {
		opt = "--tree and --linear";
	} else {
		return true;
	}
	fprintf(stderr, "%s %s: %s %s not apply to %s input %s\n", prog_name,
		cmd, opt, strchr(opt, ' ') ? "do" : "does",
		policy_format_name(in->fmt), in->name);
	fprintf(stderr, "Try '%s %s --help'.\n", prog_name, cmd);
	return false;
}

/* ---- compile ---- */

static void
compile_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: %s compile [--caps LIST] [--arch ARCH]... [--tree|--linear]\n"
	    "                           [-o FILE] INPUT\n"
	    "Compile the policy INPUT into a raw filter.  INPUT is a policy in the\n"
	    "native language, an OCI, Docker or Podman JSON profile, BPF text or a\n"
	    "raw filter, told apart by its contents; the last two are checked and\n"
	    "written as they are.\n"
	    "\n"
	    "  -c, --caps LIST    the capabilities the target has, for a JSON\n"
	    "                     profile's includes and excludes: names such as\n"
	    "                     cap_chown, comma-separated, or \"none\" (default:\n"
	    "                     those in effect here, less cap_sys_ptrace, as\n"
	    "                     sandbox-run gives them)\n"
	    "  -a, --arch ARCH    an ABI to cover, in place of the policy's own\n"
	    "                     list; repeat for more; \"native\" or one of\n"
	    "                     ",
	    prog_name);
	print_arch_names(f, 21);
	fprintf(
	    f,
	    "\n"
	    "      --tree         libseccomp's binary tree of system call\n"
	    "                     numbers (the default)\n"
	    "      --linear       libseccomp's priority-ordered list\n"
	    "  -o, --output FILE  where to write the filter ('-' is standard\n"
	    "                     output, the default unless it is a terminal);\n"
	    "                     FILE is written only if INPUT compiles\n"
	    "  -h, --help         show this help and exit\n"
	    "\n"
	    "INPUT may be '-' for standard input.  Errors and warnings read\n"
	    "'%s: FILE:LINE:COL: message'.  The filter is in the byte order of\n"
	    "its ABIs.  Exit status: 0, 1 if INPUT does not compile or a file\n"
	    "cannot be read or written, 2 for a usage error.\n",
	    prog_name);
}

static int
cmd_compile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "caps", required_argument, NULL, 'c' },
		{ "arch", required_argument, NULL, 'a' },
		{ "tree", no_argument, NULL, OPT_TREE },
		{ "linear", no_argument, NULL, OPT_LINEAR },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct input_opts io;
	const char *out_path = NULL;
	struct sock_filter *rec = NULL;
	struct input in;
	size_t i;
	int c, fd, r, status;

	memset(&io, 0, sizeof(io));
	memset(&in, 0, sizeof(in));
	policy_init(&in.pol);
	io.copts.tree = POLICY_COMPILE_TREE_DEFAULT;
	while ((c = getopt_long(argc, argv, "c:a:o:h", opts, NULL)) != -1) {
		const struct arch_abi *abi;

		switch (c) {
		case 'c':
			if (caps_parse("compile", optarg, &io.caps) < 0)
				goto usage;
			io.caps_given = true;
			break;
		case 'a':
			abi = abi_by_option(optarg);
			if (!abi) {
				fprintf(stderr,
					"%s compile: unknown arch '%s'\n",
					prog_name, optarg);
				goto usage;
			}
			if (io.copts.n_arches ==
			    sizeof(io.copts.arches) /
				sizeof(io.copts.arches[0])) {
				warnx("compile: too many --arch options");
				goto usage;
			}
			io.copts.arches[io.copts.n_arches++] = abi->scmp_token;
			break;
		case OPT_TREE:
		case OPT_LINEAR:
			io.copts.tree = c == OPT_TREE;
			io.tree_given = true;
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'h':
			compile_usage(stdout);
			return stdout_finish() < 0 ? EXIT_INVALID
						   : EXIT_SUCCESS;
		default:
			goto usage;
		}
	}
	if (argc - optind != 1) {
		warnx("compile: %s", optind == argc ? "no INPUT given"
						    : "one INPUT at a time");
		goto usage;
	}
	if (!out_path && isatty(STDOUT_FILENO)) {
		warnx("compile: standard output is a terminal; give -o FILE, "
		      "or -o - to write there all the same");
		goto usage;
	}
	status = input_load(argv[optind], &io, &in);
	if (status != EXIT_SUCCESS)
		goto out;
	if (!input_opts_fit("compile", &in, &io, io.copts.n_arches > 0)) {
		input_free(&in);
		return EXIT_USAGE;
	}
	status = EXIT_INVALID;
	rec = malloc(in.len * sizeof(*rec) + 1);
	if (!rec) {
		warnx("out of memory");
		goto out;
	}
	memcpy(rec, in.prog, in.len * sizeof(*rec));
	if (in.plan && policy_plan_big_endian(in.plan) != host_big_endian()) {
		/* as seccomp_export_bpf() writes it: the ABIs' byte order */
		for (i = 0; i < in.len; i++) {
			rec[i].code = __builtin_bswap16(rec[i].code);
			rec[i].k = __builtin_bswap32(rec[i].k);
		}
	}
	if (!out_path || strcmp(out_path, "-") == 0) {
		out_path = "-";
		fd = STDOUT_FILENO;
	} else {
		fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0666);
		if (fd < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog_name, out_path,
				strerror(errno));
			goto out;
		}
	}
	r = write_all(fd, rec, in.len * sizeof(*rec));
	if (fd != STDOUT_FILENO && close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog_name,
			display_name(out_path), strerror(-r));
		goto out;
	}
	status = EXIT_SUCCESS;
out:
	free(rec);
	input_free(&in);
	return status;

usage:
	fprintf(stderr, "Try '%s compile --help'.\n", prog_name);
	return EXIT_USAGE;
}

/* ---- explain ---- */

static void
explain_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: %s explain [--caps LIST] [--arch ARCH] INPUT SYSCALL\n"
	    "                           [ARG0 [ARG1 ... [ARG5]]]\n"
	    "Say what the filter compiled from INPUT decides for one system call,\n"
	    "and why: which rules name the call, which of their conditions hold,\n"
	    "and which rule decides; for a raw filter or BPF text, the\n"
	    "instructions the call runs through.\n"
	    "\n"
	    "  -c, --caps LIST   as for compile\n"
	    "  -a, --arch ARCH   the ABI the call is made through (default: %s)\n"
	    "  -h, --help        show this help and exit\n"
	    "\n"
	    "SYSCALL is a name or a number; the arguments are numbers (decimal, or\n"
	    "hexadecimal with 0x), 0 if not given.  A policy is compiled for its\n"
	    "own ABIs, as compile does without --arch.  Exit status: 0, 1 if INPUT\n"
	    "does not compile or cannot be read, 2 for a usage error.\n",
	    prog_name, arch_abi_host()->name);
}

/* A number operand: decimal, or 0x hexadecimal, all of it. */
static bool
parse_u64(const char *s, uint64_t *ret)
{
	const char *digits = s;
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = s + 2;
		base = 16;
	} else if (s[0] == '0' && s[1]) {
		return false; /* no octal: 010 would mislead */
	}
	/* strtoull() takes white space and signs first; these do not */
	if (!isxdigit((unsigned char)digits[0]) ||
	    (base == 10 && !isdigit((unsigned char)digits[0])))
		return false;
	errno = 0;
	*ret = strtoull(digits, &end, base);
	return errno == 0 && *end == '\0';
}

static void
verdict_print(uint32_t ret)
{
	char act[32];

	policy_action_format(ret, act, sizeof(act));
	if (bpf_ret_known(ret))
		printf("verdict: %s (0x%08x)\n", act, ret);
	else
		printf("verdict: 0x%08x (no action: the kernel kills the "
		       "process)\n",
		       ret);
}

static int
cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "caps", required_argument, NULL, 'c' },
		{ "arch", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct arch_abi *abi = arch_abi_host();
	struct bpf_cache_layout layout;
	struct policy_decision dec;
	struct bpf_filter *filter = NULL;
	struct seccomp_data sd;
	struct input_opts io;
	struct bpf_error err;
	struct input in;
	uint64_t args[6] = { 0 }, num;
	uint32_t ret, walked, pcs[CBPF_MAXINSNS];
	char *name = NULL, *text = NULL;
	const char *sys;
	size_t n_pcs, i;
	int32_t nr;
	int c, status = EXIT_INVALID;

	memset(&io, 0, sizeof(io));
	memset(&in, 0, sizeof(in));
	policy_init(&in.pol);
	while ((c = getopt_long(argc, argv, "c:a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (caps_parse("explain", optarg, &io.caps) < 0)
				goto usage;
			io.caps_given = true;
			break;
		case 'a':
			abi = abi_by_option(optarg);
			if (!abi) {
				fprintf(stderr,
					"%s explain: unknown arch '%s'\n",
					prog_name, optarg);
				goto usage;
			}
			break;
		case 'h':
			explain_usage(stdout);
			return stdout_finish() < 0 ? EXIT_INVALID
						   : EXIT_SUCCESS;
		default:
			goto usage;
		}
	}
	if (argc - optind < 2) {
		warnx("explain: %s",
		      optind == argc ? "no INPUT given" : "no SYSCALL given");
		goto usage;
	}
	if (argc - optind > 8) {
		warnx("explain: more than 6 arguments");
		goto usage;
	}
	sys = argv[optind + 1];
	if (sys[0] >= '0' && sys[0] <= '9') {
		if (!parse_u64(sys, &num) || num > UINT32_MAX) {
			warnx("explain: '%s' is no system call number", sys);
			goto usage;
		}
		nr = (int32_t)(uint32_t)num;
	} else {
		nr = arch_syscall_nr(abi, sys);
		if (nr < 0) {
			warnx("explain: no system call '%s' on %s", sys,
			      abi->name);
			goto usage;
		}
	}
	for (i = 0; (int)i < argc - optind - 2; i++) {
		if (!parse_u64(argv[optind + 2 + i], &args[i])) {
			warnx("explain: '%s' is no number (decimal, or "
			      "hexadecimal with 0x)",
			      argv[optind + 2 + i]);
			goto usage;
		}
	}
	io.call_abi = abi;
	status = input_load(argv[optind], &io, &in);
	if (status != EXIT_SUCCESS)
		goto out;
	if (!input_opts_fit("explain", &in, &io, false)) {
		input_free(&in);
		return EXIT_USAGE;
	}
	status = EXIT_INVALID;

	memset(&sd, 0, sizeof(sd));
	sd.nr = nr;
	sd.arch = abi->audit_arch;
	memcpy(sd.args, args, sizeof(args));
	bpf_data_set_byteorder(&sd, abi->big_endian);
	arch_cache_layout_for(abi, &layout);
	if (bpf_filter_new(NULL, in.prog, in.len, &layout, 0, &filter, &err) <
	    0) {
		fprintf(stderr, "%s: %s: %s\n", prog_name, in.name, err.msg);
		goto out;
	}
	/* the program as written, as sim runs it: no action cache */
	ret = bpf_filter_run(filter, &sd);

	name = arch_syscall_name(abi, nr);
	printf("call: %s %s (nr %d), args", abi->name, name ? name : "?", nr);
	for (i = 0; i < 6; i++)
		printf(" 0x%" PRIx64, args[i]);
	printf("\n");
	verdict_print(ret);
	if (!in.plan) {
		walked = policy_prog_walk(in.prog, in.len, &sd, pcs,
					  sizeof(pcs) / sizeof(pcs[0]), &n_pcs);
		if (walked != ret) {
			fprintf(
			    stderr,
			    "%s: internal error: the walk returned 0x%08x\n",
			    prog_name, walked);
			goto out;
		}
		printf("path:");
		for (i = 0; i < n_pcs; i++)
			printf(" %u", pcs[i]);
		printf(" (%zu instruction%s)\n", n_pcs, n_pcs == 1 ? "" : "s");
		status = stdout_finish() < 0 ? EXIT_INVALID : EXIT_SUCCESS;
		goto out;
	}
	policy_plan_decide(in.plan, abi->audit_arch, nr, args, &dec);
	if (policy_explain_text(in.plan, &in.pol, &dec, name ? name : sys, args,
				&text) < 0) {
		warnx("out of memory");
		goto out;
	}
	fputs(text, stdout);
	if (dec.action != ret) {
		char want[32];

		policy_action_format(dec.action, want, sizeof(want));
		fflush(stdout);
		fprintf(stderr,
			"%s: internal error: the rules say %s, the compiled "
			"filter does not\n",
			prog_name, want);
		goto out;
	}
	status = stdout_finish() < 0 ? EXIT_INVALID : EXIT_SUCCESS;
out:
	free(text);
	free(name);
	bpf_filter_unref(filter);
	input_free(&in);
	return status;

usage:
	fprintf(stderr, "Try '%s explain --help'.\n", prog_name);
	return EXIT_USAGE;
}

/* ---- main ---- */

static void
main_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: %s COMMAND [OPTION]... [ARG]...\n"
	    "Check, simulate, disassemble, assemble and compile seccomp BPF filters.\n"
	    "\n"
	    "Commands:\n"
	    "  check [-v] FILE...       validate each FILE as seccomp(2) would\n"
	    "  sim -f FILE [-a ARCH] [-s NR] [-0 A0]... [-i IP] [--raw]\n"
	    "                           simulate one call (a drop-in for scmp_bpf_sim)\n"
	    "  disasm FILE              print FILE as BPF text\n"
	    "  asm SRC -o FILE          assemble BPF text into a raw filter\n"
	    "  cache [-a ARCH] FILE...  list the calls the action cache allows\n"
	    "  compile [-o FILE] INPUT  compile a policy into a raw filter\n"
	    "  explain INPUT SYSCALL [ARG]...\n"
	    "                           say what decides one call, and why\n"
	    "\n"
	    "  -h, --help     show this help and exit\n"
	    "      --version  show the version and exit\n"
	    "\n"
	    "A FILE is a raw filter: struct sock_filter records, as\n"
	    "seccomp_export_bpf(3) writes them.  Run '%s COMMAND --help' for a\n"
	    "command's options.  Exit status: 0 success, 1 invalid input, 2 usage\n"
	    "error; sim keeps scmp_bpf_sim's (0, 8, 14, 22).\n",
	    prog_name, prog_name);
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "check", cmd_check },	    { "sim", cmd_sim },
	{ "disasm", cmd_disasm },   { "asm", cmd_asm },
	{ "cache", cmd_cache },	    { "compile", cmd_compile },
	{ "explain", cmd_explain },
};

int
main(int argc, char **argv)
{
	static char sub_name[64];
	size_t i;

	if (argc < 2) {
		main_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		main_usage(stdout);
		return stdout_finish() < 0 ? EXIT_INVALID : EXIT_SUCCESS;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("sandbox-bpf (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return stdout_finish() < 0 ? EXIT_INVALID : EXIT_SUCCESS;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		/* getopt names argv[0] in its messages: make it the command */
		snprintf(sub_name, sizeof(sub_name), "%s %s", prog_name,
			 commands[i].name);
		argv[1] = sub_name;
		return commands[i].run(argc - 1, argv + 1);
	}
	if (argv[1][0] == '-')
		fprintf(stderr, "%s: unknown option '%s'\n", prog_name,
			argv[1]);
	else
		fprintf(stderr, "%s: unknown command '%s'\n", prog_name,
			argv[1]);
	main_usage(stderr);
	return EXIT_USAGE;
}
