/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * probe-i386: a static 32-bit program for tests/ptrace.  It makes one
 * getppid() and checks what comes back; the test stops it there, injects
 * calls and completes the getppid with a value of its choosing.
 *
 *   probe-i386 int80 VALUE   int $0x80 with a known value in every
 *                            register: eax must come back as VALUE and
 *                            every other register unchanged.
 *   probe-i386 libc VALUE    syscall(SYS_getppid) through libc, which
 *                            enters through the vDSO where it can: the
 *                            result must be VALUE.
 *
 * Exits 0 when all is as expected, 1 on a mismatch (details on stderr),
 * 2 on bad usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NR_GETPPID_I386 64

/* offsets are used by probe32 below */
struct regs32 {
	uint32_t eax, ebx, ecx, edx, esi, edi, ebp; /* 0 .. 24 */
	uint32_t esp, eflags;			    /* 28, 32: after */
	uint32_t esp_before, eflags_before;	    /* 36, 40 */
};

uint32_t probe32(const struct regs32 *in, struct regs32 *out);

/*
 * uint32_t probe32(const struct regs32 *in, struct regs32 *out): load
 * every register from @in, int $0x80, store every register to @out.
 */
__asm__(".text\n"
	".globl probe32\n"
	".type probe32, @function\n"
	"probe32:\n"
	"	pushl %ebp\n"
	"	pushl %ebx\n"
	"	pushl %esi\n"
	"	pushl %edi\n"
	"	movl 20(%esp), %ecx\n"
	"	movl 24(%esp), %edx\n"
	"	pushl %edx\n"
	"	movl %esp, 36(%edx)\n"
	"	pushfl\n"
	"	popl 40(%edx)\n"
	"	movl 0(%ecx), %eax\n"
	"	movl 4(%ecx), %ebx\n"
	"	movl 12(%ecx), %edx\n"
	"	movl 16(%ecx), %esi\n"
	"	movl 20(%ecx), %edi\n"
	"	movl 24(%ecx), %ebp\n"
	"	movl 8(%ecx), %ecx\n"
	"	int $0x80\n"
	"	pushfl\n"
	"	pushl %ecx\n"
	"	movl 8(%esp), %ecx\n"
	"	movl %eax, 0(%ecx)\n"
	"	movl %ebx, 4(%ecx)\n"
	"	movl %edx, 12(%ecx)\n"
	"	movl %esi, 16(%ecx)\n"
	"	movl %edi, 20(%ecx)\n"
	"	movl %ebp, 24(%ecx)\n"
	"	popl 8(%ecx)\n"
	"	popl 32(%ecx)\n"
	"	movl %esp, 28(%ecx)\n"
	"	addl $4, %esp\n"
	"	popl %edi\n"
	"	popl %esi\n"
	"	popl %ebx\n"
	"	popl %ebp\n"
	"	ret\n"
	".size probe32, .-probe32\n");

/* the arithmetic flags and DF: what a syscall must give back */
#define FLAGS_MASK 0xcd5U

static int
check(const char *what, uint32_t got, uint32_t want)
{
	if (got == want)
		return 0;
	fprintf(stderr, "probe-i386: %s is 0x%08x, not 0x%08x\n", what, got,
		want);
	return 1;
}

static int
run_int80(uint32_t want)
{
	struct regs32 in = {
		.eax = NR_GETPPID_I386,
		.ebx = 0x11111111,
		.ecx = 0x22222222,
		.edx = 0x33333333,
		.esi = 0x44444444,
		.edi = 0x55555555,
		.ebp = 0x66666666,
	};
	struct regs32 out;
	int bad = 0;

	memset(&out, 0, sizeof(out));
	probe32(&in, &out);
	bad |= check("eax", out.eax, want);
	bad |= check("ebx", out.ebx, in.ebx);
	bad |= check("ecx", out.ecx, in.ecx);
	bad |= check("edx", out.edx, in.edx);
	bad |= check("esi", out.esi, in.esi);
	bad |= check("edi", out.edi, in.edi);
	bad |= check("ebp", out.ebp, in.ebp);
	bad |= check("esp", out.esp, out.esp_before);
	bad |= check("eflags", out.eflags & FLAGS_MASK,
		     out.eflags_before & FLAGS_MASK);
	return bad;
}

int
main(int argc, char **argv)
{
	uint32_t want;
	long r;
	char *end;

	if (argc != 3)
		return 2;
	want = (uint32_t)strtoul(argv[2], &end, 0);
	if (*end)
		return 2;
	if (strcmp(argv[1], "int80") == 0)
		return run_int80(want);
	if (strcmp(argv[1], "libc") == 0) {
		r = syscall(SYS_getppid);
		return check("syscall(SYS_getppid)", (uint32_t)r, want);
	}
	return 2;
}
