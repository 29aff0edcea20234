/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * mkfilter: raw BPF filters for the tests, compiled with libseccomp.
 *
 *   mkfilter docker [-o FILE]     a Docker-like allow-list (see below)
 *   mkfilter allow [-o FILE]      allow everything
 *   mkfilter deny NAME... [-o FILE]
 *                                 allow everything but NAME..., which fail
 *                                 with EPERM
 *
 * "docker" is Docker's default profile as it applies on an x86_64 host
 * with Docker's default capabilities and a kernel of 4.8 or later: the
 * calls it allows outright, clone without namespace flags, socket except
 * AF_VSOCK, the personality values it lists, clone3 failing with ENOSYS,
 * and EPERM for everything else; for the native ABI, i386 and x32, as
 * Docker's archMap adds them.  The list is written out here, not read
 * from the JSON: reading profiles is the policy compiler's job, and the
 * tests of the supervisor must not depend on it.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>

static const char *const docker_allow[] = {
	"_llseek",
	"_newselect",
	"accept",
	"accept4",
	"access",
	"add_key",
	"adjtimex",
	"alarm",
	"arch_prctl",
	"bind",
	"brk",
	"cachestat",
	"capget",
	"capset",
	"chdir",
	"chmod",
	"chown",
	"chown32",
	"clock_adjtime",
	"clock_adjtime64",
	"clock_getres",
	"clock_getres_time64",
	"clock_gettime",
	"clock_gettime64",
	"clock_nanosleep",
	"clock_nanosleep_time64",
	"close",
	"close_range",
	"connect",
	"copy_file_range",
	"creat",
	"dup",
	"dup2",
	"dup3",
	"epoll_create",
	"epoll_create1",
	"epoll_ctl",
	"epoll_ctl_old",
	"epoll_pwait",
	"epoll_pwait2",
	"epoll_wait",
	"epoll_wait_old",
	"eventfd",
	"eventfd2",
	"execve",
	"execveat",
	"exit",
	"exit_group",
	"faccessat",
	"faccessat2",
	"fadvise64",
	"fadvise64_64",
	"fallocate",
	"fanotify_mark",
	"fchdir",
	"fchmod",
	"fchmodat",
	"fchmodat2",
	"fchown",
	"fchown32",
	"fchownat",
	"fcntl",
	"fcntl64",
	"fdatasync",
	"fgetxattr",
	"flistxattr",
	"flock",
	"fork",
	"fremovexattr",
	"fsetxattr",
	"fstat",
	"fstat64",
	"fstatat64",
	"fstatfs",
	"fstatfs64",
	"fsync",
	"ftruncate",
	"ftruncate64",
	"futex",
	"futex_requeue",
	"futex_time64",
	"futex_wait",
	"futex_waitv",
	"futex_wake",
	"futimesat",
	"get_robust_list",
	"get_thread_area",
	"getcpu",
	"getcwd",
	"getdents",
	"getdents64",
	"getegid",
	"getegid32",
	"geteuid",
	"geteuid32",
	"getgid",
	"getgid32",
	"getgroups",
	"getgroups32",
	"getitimer",
	"getpeername",
	"getpgid",
	"getpgrp",
	"getpid",
	"getppid",
	"getpriority",
	"getrandom",
	"getresgid",
	"getresgid32",
	"getresuid",
	"getresuid32",
	"getrlimit",
	"getrusage",
	"getsid",
	"getsockname",
	"getsockopt",
	"gettid",
	"gettimeofday",
	"getuid",
	"getuid32",
	"getxattr",
	"getxattrat",
	"inotify_add_watch",
	"inotify_init",
	"inotify_init1",
	"inotify_rm_watch",
	"io_cancel",
	"io_destroy",
	"io_getevents",
	"io_pgetevents",
	"io_pgetevents_time64",
	"io_setup",
	"io_submit",
	"ioctl",
	"ioprio_get",
	"ioprio_set",
	"ipc",
	"keyctl",
	"kill",
	"landlock_add_rule",
	"landlock_create_ruleset",
	"landlock_restrict_self",
	"lchown",
	"lchown32",
	"lgetxattr",
	"link",
	"linkat",
	"listen",
	"listmount",
	"listxattr",
	"listxattrat",
	"llistxattr",
	"lremovexattr",
	"lseek",
	"lsetxattr",
	"lstat",
	"lstat64",
	"madvise",
	"map_shadow_stack",
	"membarrier",
	"memfd_create",
	"memfd_secret",
	"mincore",
	"mkdir",
	"mkdirat",
	"mknod",
	"mknodat",
	"mlock",
	"mlock2",
	"mlockall",
	"mmap",
	"mmap2",
	"modify_ldt",
	"mprotect",
	"mq_getsetattr",
	"mq_notify",
	"mq_open",
	"mq_timedreceive",
	"mq_timedreceive_time64",
	"mq_timedsend",
	"mq_timedsend_time64",
	"mq_unlink",
	"mremap",
	"mseal",
	"msgctl",
	"msgget",
	"msgrcv",
	"msgsnd",
	"msync",
	"munlock",
	"munlockall",
	"munmap",
	"name_to_handle_at",
	"nanosleep",
	"newfstatat",
	"open",
	"openat",
	"openat2",
	"pause",
	"pidfd_open",
	"pidfd_send_signal",
	"pipe",
	"pipe2",
	"pkey_alloc",
	"pkey_free",
	"pkey_mprotect",
	"poll",
	"ppoll",
	"ppoll_time64",
	"prctl",
	"pread64",
	"preadv",
	"preadv2",
	"prlimit64",
	"process_mrelease",
	"process_vm_readv",
	"process_vm_writev",
	"pselect6",
	"pselect6_time64",
	"ptrace",
	"pwrite64",
	"pwritev",
	"pwritev2",
	"read",
	"readahead",
	"readlink",
	"readlinkat",
	"readv",
	"recv",
	"recvfrom",
	"recvmmsg",
	"recvmmsg_time64",
	"recvmsg",
	"remap_file_pages",
	"removexattr",
	"removexattrat",
	"rename",
	"renameat",
	"renameat2",
	"request_key",
	"restart_syscall",
	"riscv_hwprobe",
	"rmdir",
	"rseq",
	"rt_sigaction",
	"rt_sigpending",
	"rt_sigprocmask",
	"rt_sigqueueinfo",
	"rt_sigreturn",
	"rt_sigsuspend",
	"rt_sigtimedwait",
	"rt_sigtimedwait_time64",
	"rt_tgsigqueueinfo",
	"sched_get_priority_max",
	"sched_get_priority_min",
	"sched_getaffinity",
	"sched_getattr",
	"sched_getparam",
	"sched_getscheduler",
	"sched_rr_get_interval",
	"sched_rr_get_interval_time64",
	"sched_setaffinity",
	"sched_setattr",
	"sched_setparam",
	"sched_setscheduler",
	"sched_yield",
	"seccomp",
	"select",
	"semctl",
	"semget",
	"semop",
	"semtimedop",
	"semtimedop_time64",
	"send",
	"sendfile",
	"sendfile64",
	"sendmmsg",
	"sendmsg",
	"sendto",
	"set_robust_list",
	"set_thread_area",
	"set_tid_address",
	"setfsgid",
	"setfsgid32",
	"setfsuid",
	"setfsuid32",
	"setgid",
	"setgid32",
	"setgroups",
	"setgroups32",
	"setitimer",
	"setpgid",
	"setpriority",
	"setregid",
	"setregid32",
	"setresgid",
	"setresgid32",
	"setresuid",
	"setresuid32",
	"setreuid",
	"setreuid32",
	"setrlimit",
	"setsid",
	"setsockopt",
	"setuid",
	"setuid32",
	"setxattr",
	"setxattrat",
	"shmat",
	"shmctl",
	"shmdt",
	"shmget",
	"shutdown",
	"sigaltstack",
	"signalfd",
	"signalfd4",
	"sigprocmask",
	"sigreturn",
	"socketcall",
	"socketpair",
	"splice",
	"stat",
	"stat64",
	"statfs",
	"statfs64",
	"statmount",
	"statx",
	"symlink",
	"symlinkat",
	"sync",
	"sync_file_range",
	"syncfs",
	"sysinfo",
	"tee",
	"tgkill",
	"time",
	"timer_create",
	"timer_delete",
	"timer_getoverrun",
	"timer_gettime",
	"timer_gettime64",
	"timer_settime",
	"timer_settime64",
	"timerfd_create",
	"timerfd_gettime",
	"timerfd_gettime64",
	"timerfd_settime",
	"timerfd_settime64",
	"times",
	"tkill",
	"truncate",
	"truncate64",
	"ugetrlimit",
	"umask",
	"uname",
	"unlink",
	"unlinkat",
	"uretprobe",
	"utime",
	"utimensat",
	"utimensat_time64",
	"utimes",
	"vfork",
	"vmsplice",
	"wait4",
	"waitid",
	"waitpid",
	"write",
	"writev",
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: mkfilter docker|allow [-o FILE]\n"
		   "       mkfilter deny NAME... [-o FILE]\n");
}

static int
add_arches(scmp_filter_ctx ctx)
{
	static const uint32_t extra[] = { SCMP_ARCH_X86, SCMP_ARCH_X32 };
	size_t i;
	int r;

	if (seccomp_arch_native() != SCMP_ARCH_X86_64)
		return 0;
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		r = seccomp_arch_add(ctx, extra[i]);
		/*
		 * A libseccomp without the ABI leaves it out: its calls then
		 * meet the filter's bad-arch action, as in such a container.
		 */
		if (r < 0 && r != -EEXIST && r != -EINVAL && r != -EOPNOTSUPP)
			return r;
	}
	return 0;
}

/* Add @action for @name on every ABI that has it. */
static int
rule(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned int n,
     const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);
	int r;

	if (nr == __NR_SCMP_ERROR)
		return 0; /* no ABI of ours has it */
	r = seccomp_rule_add_array(ctx, action, nr, n, cmp);
	return r == -EEXIST ? 0 : r;
}

static int
docker(scmp_filter_ctx ctx)
{
	/* CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET */
	const uint64_t ns_flags = 0x7e020000;
	static const uint64_t personas[] = { 0x0, 0x8, 0x20000, 0x20008,
					     0xffffffff };
	struct scmp_arg_cmp cmp;
	size_t i;
	int r = 0;

	for (i = 0; i < sizeof(docker_allow) / sizeof(docker_allow[0]) && !r;
	     i++)
		r = rule(ctx, SCMP_ACT_ALLOW, docker_allow[i], 0, NULL);
	cmp = SCMP_A0_64(SCMP_CMP_MASKED_EQ, ns_flags, 0);
	if (!r)
		r = rule(ctx, SCMP_ACT_ALLOW, "clone", 1, &cmp);
	cmp = SCMP_A0_32(SCMP_CMP_NE, 40); /* AF_VSOCK */
	if (!r)
		r = rule(ctx, SCMP_ACT_ALLOW, "socket", 1, &cmp);
	for (i = 0; i < sizeof(personas) / sizeof(personas[0]) && !r; i++) {
		cmp = SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)personas[i]);
		r = rule(ctx, SCMP_ACT_ALLOW, "personality", 1, &cmp);
	}
	if (!r)
		r = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);
	return r;
}

int
main(int argc, char **argv)
{
	const char *out = NULL, *kind;
	scmp_filter_ctx ctx = NULL;
	FILE *f = stdout;
	int c, r, i;

	while ((c = getopt(argc, argv, "+o:h")) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	kind = argv[optind++];
	/* options may also follow the names */
	for (i = optind; i < argc; i++)
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[i + 1];
			argc = i;
			break;
		}
	if (strcmp(kind, "docker") == 0)
		ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	else if (strcmp(kind, "allow") == 0 || strcmp(kind, "deny") == 0)
		ctx = seccomp_init(SCMP_ACT_ALLOW);
	else {
		usage(stderr);
		return 2;
	}
	if (!ctx) {
		fprintf(stderr, "mkfilter: seccomp_init failed\n");
		return 1;
	}
	r = add_arches(ctx);
	if (!r && strcmp(kind, "docker") == 0)
		r = docker(ctx);
	if (!r && strcmp(kind, "deny") == 0) {
		for (i = optind; i < argc && !r; i++) {
			if (seccomp_syscall_resolve_name(argv[i]) ==
			    __NR_SCMP_ERROR) {
				fprintf(stderr, "mkfilter: unknown call %s\n",
					argv[i]);
				r = -EINVAL;
				break;
			}
			r = rule(ctx, SCMP_ACT_ERRNO(EPERM), argv[i], 0, NULL);
		}
	}
	if (r < 0) {
		fprintf(stderr, "mkfilter: %s\n", strerror(-r));
		seccomp_release(ctx);
		return 1;
	}
	if (out) {
		f = fopen(out, "we");
		if (!f) {
			fprintf(stderr, "mkfilter: %s: %s\n", out,
				strerror(errno));
			seccomp_release(ctx);
			return 1;
		}
	}
	fflush(f);
	r = seccomp_export_bpf(ctx, fileno(f));
	seccomp_release(ctx);
	if (out && fclose(f) != 0 && r == 0)
		r = -errno;
	if (r < 0) {
		fprintf(stderr, "mkfilter: export: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}
