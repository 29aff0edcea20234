/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * sandbox-bpf: the filter toolbox.  Option parsing, file handling and
 * output only; every verdict comes from src/bpf and every ABI fact from
 * src/arch.  The commands and their exit statuses are documented in
 * sandbox-bpf(1), which must change whenever this file's options do.
 */
#include "config.h"

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/arch.h"
#include "bpf/bpf.h"
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

enum {
	OPT_HELP = 0x100,
	OPT_RAW,
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

/* ---- main ---- */

static void
main_usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: %s COMMAND [OPTION]... [ARG]...\n"
	    "Check, simulate, disassemble and assemble seccomp BPF filters.\n"
	    "\n"
	    "Commands:\n"
	    "  check [-v] FILE...       validate each FILE as seccomp(2) would\n"
	    "  sim -f FILE [-a ARCH] [-s NR] [-0 A0]... [-i IP] [--raw]\n"
	    "                           simulate one call (a drop-in for scmp_bpf_sim)\n"
	    "  disasm FILE              print FILE as BPF text\n"
	    "  asm SRC -o FILE          assemble BPF text into a raw filter\n"
	    "  cache [-a ARCH] FILE...  list the calls the action cache allows\n"
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
	{ "check", cmd_check },	  { "sim", cmd_sim },
	{ "disasm", cmd_disasm }, { "asm", cmd_asm },
	{ "cache", cmd_cache },
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
