/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * BPF text: a bpf_asm-like listing of a program and the assembler that
 * reads it back.  The disassembler falls back to the raw ".insn" form for
 * every record its readable form would not reproduce bit for bit, so
 * assembling a listing gives back exactly the bytes it was made from.
 * The syntax is documented in sandbox-bpf(1).
 */
#include "bpf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/audit.h>

/*
 * A file never needs more instructions than this: it is sixteen times the
 * kernel's limit, so invalid programs past that limit still round-trip.
 */
#define TEXT_MAX_INSNS	  65536
#define TEXT_MAX_LINES	  (1U << 20)
#define TEXT_MAX_LINE_LEN 4096

/* Where the disassembler's comments start, when the operands allow. */
#define TEXT_NOTE_COL 40

/* Immediates below this read best in decimal; masks and actions in hex. */
#define TEXT_DECIMAL_BELOW 4096

/* Where the A register last came from: a seccomp_data offset, or these. */
#define ASRC_UNSET (-2) /* no path reaches here yet */
#define ASRC_OTHER (-1) /* anything but a plain seccomp_data load */

/*
 * asm-generic/errno-base.h: these numbers are the same on every Linux
 * architecture, so names for them are safe in a filter for any ABI.
 */
static const char *const errno_names[] = {
	[1] = "EPERM",	 [2] = "ENOENT",   [3] = "ESRCH",    [4] = "EINTR",
	[5] = "EIO",	 [6] = "ENXIO",	   [7] = "E2BIG",    [8] = "ENOEXEC",
	[9] = "EBADF",	 [10] = "ECHILD",  [11] = "EAGAIN",  [12] = "ENOMEM",
	[13] = "EACCES", [14] = "EFAULT",  [15] = "ENOTBLK", [16] = "EBUSY",
	[17] = "EEXIST", [18] = "EXDEV",   [19] = "ENODEV",  [20] = "ENOTDIR",
	[21] = "EISDIR", [22] = "EINVAL",  [23] = "ENFILE",  [24] = "EMFILE",
	[25] = "ENOTTY", [26] = "ETXTBSY", [27] = "EFBIG",   [28] = "ENOSPC",
	[29] = "ESPIPE", [30] = "EROFS",   [31] = "EMLINK",  [32] = "EPIPE",
	[33] = "EDOM",	 [34] = "ERANGE",
};

#define N_ERRNO_NAMES (sizeof(errno_names) / sizeof(errno_names[0]))

static const struct {
	uint32_t value;
	const char *name;
} arch_names[] = {
	{ AUDIT_ARCH_X86_64, "AUDIT_ARCH_X86_64" },
	{ AUDIT_ARCH_I386, "AUDIT_ARCH_I386" },
	{ AUDIT_ARCH_ARM, "AUDIT_ARCH_ARM" },
	{ AUDIT_ARCH_AARCH64, "AUDIT_ARCH_AARCH64" },
	{ AUDIT_ARCH_MIPS, "AUDIT_ARCH_MIPS" },
	{ AUDIT_ARCH_MIPSEL, "AUDIT_ARCH_MIPSEL" },
	{ AUDIT_ARCH_MIPS64, "AUDIT_ARCH_MIPS64" },
	{ AUDIT_ARCH_MIPSEL64, "AUDIT_ARCH_MIPSEL64" },
	{ AUDIT_ARCH_MIPS64N32, "AUDIT_ARCH_MIPS64N32" },
	{ AUDIT_ARCH_MIPSEL64N32, "AUDIT_ARCH_MIPSEL64N32" },
	{ AUDIT_ARCH_PARISC, "AUDIT_ARCH_PARISC" },
	{ AUDIT_ARCH_PARISC64, "AUDIT_ARCH_PARISC64" },
	{ AUDIT_ARCH_PPC, "AUDIT_ARCH_PPC" },
	{ AUDIT_ARCH_PPC64, "AUDIT_ARCH_PPC64" },
	{ AUDIT_ARCH_PPC64LE, "AUDIT_ARCH_PPC64LE" },
	{ AUDIT_ARCH_S390, "AUDIT_ARCH_S390" },
	{ AUDIT_ARCH_S390X, "AUDIT_ARCH_S390X" },
	{ AUDIT_ARCH_RISCV32, "AUDIT_ARCH_RISCV32" },
	{ AUDIT_ARCH_RISCV64, "AUDIT_ARCH_RISCV64" },
};

/* Symbolic return values that carry no data. */
static const struct {
	const char *name;
	uint32_t value;
} ret_names[] = {
	{ "ALLOW", SECCOMP_RET_ALLOW },
	{ "LOG", SECCOMP_RET_LOG },
	{ "KILL_PROCESS", SECCOMP_RET_KILL_PROCESS },
	{ "KILL_THREAD", SECCOMP_RET_KILL_THREAD },
	{ "KILL", SECCOMP_RET_KILL_THREAD },
	{ "USER_NOTIF", SECCOMP_RET_USER_NOTIF },
};

/* Symbolic return values written NAME(data). */
static const struct {
	const char *name;
	uint32_t action;
} ret_data_names[] = {
	{ "TRAP", SECCOMP_RET_TRAP },
	{ "ERRNO", SECCOMP_RET_ERRNO },
	{ "TRACE", SECCOMP_RET_TRACE },
};

static const char *const alu_names[16] = {
	[BPF_ADD >> 4] = "add", [BPF_SUB >> 4] = "sub", [BPF_MUL >> 4] = "mul",
	[BPF_DIV >> 4] = "div", [BPF_OR >> 4] = "or",	[BPF_AND >> 4] = "and",
	[BPF_LSH >> 4] = "lsh", [BPF_RSH >> 4] = "rsh", [BPF_NEG >> 4] = "neg",
	[BPF_MOD >> 4] = "mod", [BPF_XOR >> 4] = "xor",
};

static const char *const jmp_names[16] = {
	[BPF_JA >> 4] = "ja",	  [BPF_JEQ >> 4] = "jeq",
	[BPF_JGT >> 4] = "jgt",	  [BPF_JGE >> 4] = "jge",
	[BPF_JSET >> 4] = "jset",
};

static const char *const jmp_ops[16] = {
	[BPF_JEQ >> 4] = "==",
	[BPF_JGT >> 4] = ">",
	[BPF_JGE >> 4] = ">=",
	[BPF_JSET >> 4] = "&",
};

/* ---- disassembler ---- */

/* A growing string; @oom is sticky so callers check once at the end. */
struct outbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool oom;
};

static void __attribute__((format(printf, 2, 3)))
out_printf(struct outbuf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->oom)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		o->oom = true;
		return;
	}
	if ((size_t)n >= o->cap - o->len) {
		size_t cap = o->cap * 2;
		char *p;

		while (cap - o->len <= (size_t)n)
			cap *= 2;
		p = realloc(o->buf, cap);
		if (!p) {
			o->oom = true;
			return;
		}
		o->buf = p;
		o->cap = cap;
		va_start(ap, fmt);
		vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
	}
	o->len += n;
}

static void
fmt_num(char *buf, size_t size, uint32_t k)
{
	if (k < TEXT_DECIMAL_BELOW)
		snprintf(buf, size, "%u", k);
	else
		snprintf(buf, size, "0x%x", k);
}

/* The seccomp_data field at offset @k, named as struct seccomp_data does. */
static void
fmt_field(char *buf, size_t size, uint32_t k)
{
	if (k >= CBPF_DATA_SIZE)
		snprintf(buf, size, "past the end of seccomp_data");
	else if (k & 3)
		snprintf(buf, size, "misaligned: not a seccomp_data word");
	else if (k == 0)
		snprintf(buf, size, "nr");
	else if (k == 4)
		snprintf(buf, size, "arch");
	else if (k < 16)
		snprintf(buf, size, "instruction_pointer.%s",
			 k == 8 ? "lo" : "hi");
	else
		snprintf(buf, size, "args[%u].%s", (k - 16) / 8,
			 (k & 4) ? "hi" : "lo");
}

/* A value compared with field @src, as the reader wants to see it. */
static void
fmt_value(char *buf, size_t size, int src, uint32_t k)
{
	size_t i;

	if (src == 4)
		for (i = 0; i < sizeof(arch_names) / sizeof(arch_names[0]); i++)
			if (arch_names[i].value == k) {
				snprintf(buf, size, "%s", arch_names[i].name);
				return;
			}
	if (src == 0 && k < 0x10000)
		snprintf(buf, size, "%u", k);
	else
		fmt_num(buf, size, k);
}

static bool
is_mem_code(uint16_t code)
{
	return code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM) ||
	       code == BPF_ST || code == BPF_STX;
}

/* Absolute targets of a jump at @pc; false if one lies past the end. */
static bool
jump_targets(const struct sock_filter *f, size_t pc, size_t len,
	     uint64_t *ret_t, uint64_t *ret_f)
{
	uint64_t t, e;

	if (BPF_OP(f->code) == BPF_JA) {
		t = (uint64_t)pc + 1 + f->k;
		e = t;
	} else {
		t = (uint64_t)pc + 1 + f->jt;
		e = (uint64_t)pc + 1 + f->jf;
	}
	*ret_t = t;
	*ret_f = e;
	return t < len && e < len;
}

static bool
is_jump_code(uint16_t code)
{
	if ((code & 0xff07) != BPF_JMP)
		return false;
	if (BPF_OP(code) == BPF_JA)
		return BPF_SRC(code) == BPF_K;
	return jmp_names[BPF_OP(code) >> 4] != NULL;
}

/*
 * Follow which seccomp_data word A holds, for the comments only.  Jumps
 * only go forward, so one pass in index order sees every edge into an
 * instruction before the instruction itself.
 */
static void
track_a(const struct sock_filter *prog, size_t len, int *src)
{
	size_t pc;

	for (pc = 0; pc < len; pc++)
		src[pc] = ASRC_UNSET;
	if (len)
		src[0] = ASRC_OTHER;
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint64_t succ[2];
		int out = src[pc], n = 0, i;

		switch (BPF_CLASS(f->code)) {
		case BPF_LD:
			if (f->code == (BPF_LD | BPF_W | BPF_ABS) &&
			    f->k < CBPF_DATA_SIZE && !(f->k & 3))
				out = (int)f->k;
			else if (out != ASRC_UNSET)
				out = ASRC_OTHER;
			succ[n++] = pc + 1;
			break;
		case BPF_ALU:
			if (out != ASRC_UNSET)
				out = ASRC_OTHER;
			succ[n++] = pc + 1;
			break;
		case BPF_MISC:
			if (f->code == (BPF_MISC | BPF_TXA) &&
			    out != ASRC_UNSET)
				out = ASRC_OTHER;
			succ[n++] = pc + 1;
			break;
		case BPF_RET:
			break;
		case BPF_JMP:
			if (is_jump_code(f->code)) {
				jump_targets(f, pc, len, &succ[0], &succ[1]);
				n = 2;
			} else {
				succ[n++] = pc + 1;
			}
			break;
		default:
			succ[n++] = pc + 1;
			break;
		}
		if (out == ASRC_UNSET)
			continue;
		for (i = 0; i < n; i++) {
			int *in;

			if (succ[i] >= len)
				continue;
			in = &src[succ[i]];
			if (*in == ASRC_UNSET)
				*in = out;
			else if (*in != out)
				*in = ASRC_OTHER;
		}
	}
}

/* One rendered line: mnemonic, operands and comment. */
struct line {
	const char *mn;
	char ops[96];
	char note[192];
};

static void
fmt_ret(uint32_t k, struct line *l)
{
	uint32_t act = k & SECCOMP_RET_ACTION_FULL, data = k & SECCOMP_RET_DATA;
	size_t i;

	l->mn = "ret";
	for (i = 0; i < sizeof(ret_data_names) / sizeof(ret_data_names[0]);
	     i++) {
		if (ret_data_names[i].action != act)
			continue;
		snprintf(l->ops, sizeof(l->ops), "%s(%u)",
			 ret_data_names[i].name, data);
		if (act == SECCOMP_RET_ERRNO && data > CBPF_MAX_ERRNO)
			snprintf(l->note, sizeof(l->note),
				 "the kernel caps the errno at %d",
				 CBPF_MAX_ERRNO);
		else if (act == SECCOMP_RET_ERRNO && data < N_ERRNO_NAMES &&
			 errno_names[data])
			snprintf(l->note, sizeof(l->note), "%s",
				 errno_names[data]);
		return;
	}
	for (i = 0; i < sizeof(ret_names) / sizeof(ret_names[0]); i++) {
		if (ret_names[i].value != act)
			continue;
		if (data == 0) {
			snprintf(l->ops, sizeof(l->ops), "%s",
				 ret_names[i].name);
			return;
		}
		snprintf(l->ops, sizeof(l->ops), "#0x%08x", k);
		snprintf(l->note, sizeof(l->note), "%s; data %u is unused",
			 ret_names[i].name, data);
		return;
	}
	snprintf(l->ops, sizeof(l->ops), "#0x%08x", k);
	snprintf(l->note, sizeof(l->note),
		 "unknown action: the kernel kills the process");
}

/*
 * Render @prog[pc] in the readable form.  Returns false when that form
 * would not assemble back to the same 8 bytes, or does not exist; @l->mn
 * is still set whenever the opcode has a readable form.
 */
static bool
fmt_pretty(const struct sock_filter *prog, size_t len, size_t pc, int asrc,
	   struct line *l)
{
	const struct sock_filter *f = &prog[pc];
	uint16_t code = f->code;
	bool exact = true;
	char num[32], field[48];
	uint64_t t, e;

	l->ops[0] = l->note[0] = '\0';
	if (BPF_CLASS(code) != BPF_JMP && (f->jt || f->jf))
		exact = false;
	if (is_mem_code(code) && f->k >= CBPF_MEMWORDS)
		exact = false;
	fmt_num(num, sizeof(num), f->k);
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
		l->mn = "ld";
		snprintf(l->ops, sizeof(l->ops), "[%u]", f->k);
		fmt_field(l->note, sizeof(l->note), f->k);
		return exact;
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
		l->mn = code == BPF_LD ? "ld" : "ldx";
		snprintf(l->ops, sizeof(l->ops), "#%s", num);
		return exact;
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
		l->mn = BPF_CLASS(code) == BPF_LD ? "ld" : "ldx";
		snprintf(l->ops, sizeof(l->ops), "len");
		snprintf(l->note, sizeof(l->note),
			 "%d, the size of seccomp_data", CBPF_DATA_SIZE);
		return exact && f->k == 0;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
		l->mn = code == (BPF_LD | BPF_MEM)    ? "ld"
			: code == (BPF_LDX | BPF_MEM) ? "ldx"
			: code == BPF_ST	      ? "st"
						      : "stx";
		snprintf(l->ops, sizeof(l->ops), "M[%u]", f->k);
		return exact;
	case BPF_MISC | BPF_TAX:
		l->mn = "tax";
		return exact && f->k == 0;
	case BPF_MISC | BPF_TXA:
		l->mn = "txa";
		return exact && f->k == 0;
	case BPF_RET | BPF_K:
		fmt_ret(f->k, l);
		return exact;
	case BPF_RET | BPF_A:
		l->mn = "ret";
		snprintf(l->ops, sizeof(l->ops), "a");
		return exact && f->k == 0;
	}
	if (code == (BPF_ALU | BPF_NEG | BPF_X))
		return false; /* no such opcode */
	if ((code & 0xff07) == BPF_ALU && alu_names[BPF_OP(code) >> 4]) {
		l->mn = alu_names[BPF_OP(code) >> 4];
		if (BPF_OP(code) == BPF_NEG)
			return exact && f->k == 0;
		if (BPF_OP(code) == BPF_MOD)
			snprintf(l->note, sizeof(l->note),
				 "classic BPF only, not allowed in seccomp");
		if (BPF_SRC(code) == BPF_X) {
			snprintf(l->ops, sizeof(l->ops), "x");
			return exact && f->k == 0;
		}
		snprintf(l->ops, sizeof(l->ops), "#%s", num);
		return exact;
	}
	if (!is_jump_code(code))
		return false;
	l->mn = jmp_names[BPF_OP(code) >> 4];
	if (!jump_targets(f, pc, len, &t, &e))
		return false;
	if (BPF_OP(code) == BPF_JA) {
		snprintf(l->ops, sizeof(l->ops), "%llu", (unsigned long long)t);
		return f->jt == 0 && f->jf == 0;
	}
	if (BPF_SRC(code) == BPF_X)
		snprintf(l->ops, sizeof(l->ops), "x, %llu, %llu",
			 (unsigned long long)t, (unsigned long long)e);
	else
		snprintf(l->ops, sizeof(l->ops), "#%s, %llu, %llu", num,
			 (unsigned long long)t, (unsigned long long)e);
	if (asrc >= 0) {
		fmt_field(field, sizeof(field), (uint32_t)asrc);
		if (BPF_SRC(code) == BPF_X)
			snprintf(num, sizeof(num), "X");
		else
			fmt_value(num, sizeof(num), asrc, f->k);
		snprintf(l->note, sizeof(l->note), "%s %s %s", field,
			 jmp_ops[BPF_OP(code) >> 4], num);
	}
	return BPF_SRC(code) == BPF_K || f->k == 0;
}

/* Opcodes with a readable form that ignores k. */
static bool
k_unused(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_NEG:
		return true;
	}
	return (BPF_CLASS(code) == BPF_ALU || BPF_CLASS(code) == BPF_JMP) &&
	       BPF_SRC(code) == BPF_X;
}

/* Why @prog[pc] needs the raw form: a comment for the reader. */
static void
fmt_raw_note(const struct sock_filter *prog, size_t len, size_t pc, char *buf,
	     size_t size)
{
	const struct sock_filter *f = &prog[pc];
	bool unused_jt, unused_jf, unused_k;
	char fields[16];
	struct line l;
	uint64_t t, e;

	switch (f->code) {
	case BPF_LD | BPF_H | BPF_ABS:
		snprintf(buf, size, "ldh [%u]: classic BPF only", f->k);
		return;
	case BPF_LD | BPF_B | BPF_ABS:
		snprintf(buf, size, "ldb [%u]: classic BPF only", f->k);
		return;
	case BPF_LD | BPF_W | BPF_IND:
		snprintf(buf, size, "ld [x + %u]: classic BPF only", f->k);
		return;
	case BPF_LD | BPF_H | BPF_IND:
		snprintf(buf, size, "ldh [x + %u]: classic BPF only", f->k);
		return;
	case BPF_LD | BPF_B | BPF_IND:
		snprintf(buf, size, "ldb [x + %u]: classic BPF only", f->k);
		return;
	case BPF_LDX | BPF_B | BPF_MSH:
		snprintf(buf, size, "ldx 4 * ([%u] & 0xf): classic BPF only",
			 f->k);
		return;
	}
	/* fmt_pretty() already said no; this only recovers the name. */
	memset(&l, 0, sizeof(l));
	fmt_pretty(prog, len, pc, ASRC_OTHER, &l);
	if (!l.mn) {
		snprintf(buf, size, "unknown opcode");
		return;
	}
	if (is_mem_code(f->code) && f->k >= CBPF_MEMWORDS) {
		snprintf(buf, size, "%s M[%u]: there is no such scratch word",
			 l.mn, f->k);
		return;
	}
	if (is_jump_code(f->code) && !jump_targets(f, pc, len, &t, &e)) {
		snprintf(buf, size,
			 "%s: jump target %llu is past the last instruction",
			 l.mn, (unsigned long long)(t >= len ? t : e));
		return;
	}
	/* what is left: fields the instruction does not use are set */
	unused_jt = f->jt && (BPF_CLASS(f->code) != BPF_JMP ||
			      BPF_OP(f->code) == BPF_JA);
	unused_jf = f->jf && (BPF_CLASS(f->code) != BPF_JMP ||
			      BPF_OP(f->code) == BPF_JA);
	unused_k = f->k && k_unused(f->code);
	snprintf(fields, sizeof(fields), "%s%s%s", unused_jt ? "/jt" : "",
		 unused_jf ? "/jf" : "", unused_k ? "/k" : "");
	if (!fields[0])
		snprintf(buf, size, "unknown opcode");
	else
		snprintf(buf, size, "%s%s%s, with unused %s set", l.mn,
			 l.ops[0] ? " " : "", l.ops, fields + 1);
}

/*
 * Tabs that bring a comment after operands of @ops_len characters to
 * column TEXT_NOTE_COL; the operands start at column 16.
 */
static int
note_tabs(size_t ops_len)
{
	size_t col = 16 + ops_len;

	return col < TEXT_NOTE_COL ? (int)((TEXT_NOTE_COL - col / 8 * 8) / 8)
				   : 1;
}

int
bpf_text_disasm(const struct sock_filter *prog, size_t len, char **ret)
{
	struct outbuf o = { 0 };
	int *asrc = NULL;
	size_t pc;
	int r = -ENOMEM;

	o.cap = 128 + (len < TEXT_MAX_INSNS ? len : TEXT_MAX_INSNS) * 48;
	o.buf = malloc(o.cap);
	asrc = calloc(len ? len : 1, sizeof(*asrc));
	if (!o.buf || !asrc)
		goto out;
	o.buf[0] = '\0';
	track_a(prog, len, asrc);
	out_printf(&o, "; %zu instruction%s; jump targets are indices\n", len,
		   len == 1 ? "" : "s");
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		struct line l;

		memset(&l, 0, sizeof(l));
		if (!fmt_pretty(prog, len, pc, asrc[pc], &l)) {
			l.mn = ".insn";
			snprintf(l.ops, sizeof(l.ops), "0x%04x, %u, %u, 0x%08x",
				 f->code, f->jt, f->jf, f->k);
			fmt_raw_note(prog, len, pc, l.note, sizeof(l.note));
		}
		out_printf(&o, "%4zu:\t%s", pc, l.mn);
		if (l.ops[0])
			out_printf(&o, "\t%s", l.ops);
		if (l.note[0])
			out_printf(&o, "%.*s; %s", note_tabs(strlen(l.ops)),
				   "\t\t\t\t\t", l.note);
		out_printf(&o, "\n");
	}
	if (o.oom)
		goto out;
	*ret = o.buf;
	o.buf = NULL;
	r = 0;
out:
	free(asrc);
	free(o.buf);
	return r;
}

/* ---- assembler ---- */

/* A jump target as written: an index, or a label to look up later. */
struct ref {
	/* NULL: @index is the target; else the label, in the text */
	const char *name;
	size_t name_len;
	uint32_t index;
	unsigned int line;
	unsigned int col;
};

struct item {
	struct sock_filter insn;
	unsigned int n_refs; /* 0; 1 for ja (k); 2 for jt and jf */
	struct ref ref[2];
};

struct label {
	const char *name; /* points into the text */
	size_t len;
	uint32_t index;
	unsigned int line;
	unsigned int col;
};

/*
 * The assembler's state.  @p walks the current line, [@bol, @eol); the
 * text is not NUL-terminated, so every read checks @eol.
 */
struct asm_state {
	const char *p;
	const char *bol;
	const char *eol;
	unsigned int line;
	struct item *items;
	size_t n_items;
	size_t cap_items;
	struct label *labels;
	size_t n_labels;
	size_t cap_labels;
	struct bpf_text_error *err;
};

static int __attribute__((format(printf, 5, 6)))
set_error(struct bpf_text_error *err, unsigned int line, unsigned int col,
	  int r, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->line = line;
		err->col = col;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return r;
}

static int __attribute__((format(printf, 3, 4)))
fail_at(struct asm_state *s, const char *at, const char *fmt, ...)
{
	va_list ap;

	if (s->err) {
		s->err->line = s->line;
		s->err->col = (unsigned int)(at - s->bol) + 1;
		va_start(ap, fmt);
		vsnprintf(s->err->msg, sizeof(s->err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_word(char c)
{
	return is_alpha(c) || is_digit(c) || c == '.';
}

static void
skip_space(struct asm_state *s)
{
	while (s->p < s->eol && is_space(*s->p))
		s->p++;
}

static bool
at_end(struct asm_state *s)
{
	skip_space(s);
	return s->p == s->eol || *s->p == ';';
}

/* Reads [A-Za-z0-9_.]* into @ret_len characters at @ret. */
static void
read_word(struct asm_state *s, const char **ret, size_t *ret_len)
{
	const char *start = s->p;

	while (s->p < s->eol && is_word(*s->p))
		s->p++;
	*ret = start;
	*ret_len = s->p - start;
}

static bool
word_is(const char *w, size_t len, const char *keyword)
{
	return strlen(keyword) == len && strncasecmp(w, keyword, len) == 0;
}

/* Shows the reader what was found, for "expected X, found Y" messages. */
static void
fmt_found(struct asm_state *s, const char *at, char *buf, size_t size)
{
	size_t n = 0;

	if (at == s->eol || *at == ';') {
		snprintf(buf, size, "end of line");
		return;
	}
	if ((unsigned char)*at < 0x20 || (unsigned char)*at >= 0x7f) {
		snprintf(buf, size, "byte 0x%02x", (unsigned char)*at);
		return;
	}
	while (at + n < s->eol && n < 16 && (unsigned char)at[n] > 0x20 &&
	       (unsigned char)at[n] < 0x7f && at[n] != ';' &&
	       (n == 0 || is_word(at[n]) == is_word(at[0])))
		n++;
	snprintf(buf, size, "'%.*s'", (int)n, at);
}

static int
expected(struct asm_state *s, const char *what)
{
	char found[32];

	skip_space(s);
	fmt_found(s, s->p, found, sizeof(found));
	return fail_at(s, s->p, "expected %s, found %s", what, found);
}

static int
expect_char(struct asm_state *s, char c, const char *what)
{
	skip_space(s);
	if (s->p == s->eol || *s->p != c)
		return expected(s, what);
	s->p++;
	return 0;
}

/* A decimal or 0x-hexadecimal number that fits in 32 bits. */
static int
parse_u32(struct asm_state *s, uint32_t *ret)
{
	const char *start;
	unsigned int base = 10, digits = 0, d;
	uint64_t v = 0;

	skip_space(s);
	start = s->p;
	if (s->eol - s->p >= 2 && s->p[0] == '0' &&
	    (s->p[1] == 'x' || s->p[1] == 'X')) {
		base = 16;
		s->p += 2;
	}
	for (; s->p < s->eol; s->p++, digits++) {
		char c = *s->p;

		if (is_digit(c))
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		v = v * base + d;
		if (v > UINT32_MAX)
			return fail_at(
			    s, start, "number out of range: more than 32 bits");
	}
	if (digits == 0 && base == 10)
		return expected(s, "a number");
	if (digits == 0 || (s->p < s->eol && is_word(*s->p))) {
		s->p = start;
		return expected(s,
				"a number (decimal, or hexadecimal with 0x)");
	}
	*ret = (uint32_t)v;
	return 0;
}

/* "#k" */
static int
parse_imm(struct asm_state *s, uint32_t *ret)
{
	int r = expect_char(s, '#', "'#' and a number");

	return r < 0 ? r : parse_u32(s, ret);
}

/* "[k]" or "[name]" for a seccomp_data word. */
static int
parse_abs(struct asm_state *s, uint32_t *ret)
{
	const char *w;
	size_t len;
	uint32_t k = 0;
	int r;

	r = expect_char(s, '[', "'['");
	if (r < 0)
		return r;
	skip_space(s);
	if (s->p < s->eol && is_digit(*s->p)) {
		r = parse_u32(s, &k);
		if (r < 0)
			return r;
	} else {
		const char *at = s->p;
		unsigned int n;

		read_word(s, &w, &len);
		if (word_is(w, len, "nr")) {
			k = 0;
		} else if (word_is(w, len, "arch")) {
			k = 4;
		} else if (word_is(w, len, "ip") || word_is(w, len, "ip.lo")) {
			k = 8;
		} else if (word_is(w, len, "ip.hi")) {
			k = 12;
		} else if (len >= 4 && strncasecmp(w, "arg", 3) == 0 &&
			   w[3] >= '0' && w[3] <= '5' &&
			   (len == 4 || word_is(w + 4, len - 4, ".lo") ||
			    word_is(w + 4, len - 4, ".hi"))) {
			n = w[3] - '0';
			k = 16 + 8 * n +
			    (len > 4 && (w[5] == 'h' || w[5] == 'H') ? 4 : 0);
		} else {
			s->p = at;
			return expected(
			    s,
			    "an offset or nr, arch, ip[.lo|.hi], argN[.lo|.hi]");
		}
	}
	r = expect_char(s, ']', "']'");
	if (r < 0)
		return r;
	*ret = k;
	return 0;
}

/* "M[k]" with k a scratch word index. */
static int
parse_mem(struct asm_state *s, uint32_t *ret)
{
	const char *at;
	uint32_t k;
	int r;

	r = expect_char(s, '[', "'['");
	if (r < 0)
		return r;
	skip_space(s);
	at = s->p;
	r = parse_u32(s, &k);
	if (r < 0)
		return r;
	if (k >= CBPF_MEMWORDS)
		return fail_at(s, at,
			       "no scratch word M[%u]: there are M[0] to M[%d]",
			       k, CBPF_MEMWORDS - 1);
	r = expect_char(s, ']', "']'");
	if (r < 0)
		return r;
	*ret = k;
	return 0;
}

/* Reads a word and requires it to be the register or keyword @kw. */
static bool
accept_word(struct asm_state *s, const char *kw)
{
	const char *at, *w;
	size_t len;

	skip_space(s);
	at = s->p;
	read_word(s, &w, &len);
	if (word_is(w, len, kw))
		return true;
	s->p = at;
	return false;
}

static int
parse_ref(struct asm_state *s, struct ref *ref)
{
	const char *w;
	size_t len;

	skip_space(s);
	memset(ref, 0, sizeof(*ref));
	ref->line = s->line;
	ref->col = (unsigned int)(s->p - s->bol) + 1;
	if (s->p < s->eol && is_digit(*s->p))
		return parse_u32(s, &ref->index);
	if (s->p == s->eol || !is_alpha(*s->p))
		return expected(s, "a jump target (an index or a label)");
	read_word(s, &w, &len);
	if (memchr(w, '.', len)) {
		s->p = w;
		return expected(s, "a jump target (an index or a label)");
	}
	ref->name = w;
	ref->name_len = len;
	return 0;
}

/* ld and ldx: the operand picks the addressing mode. */
static int
parse_load(struct asm_state *s, struct sock_filter *insn, bool x)
{
	uint16_t cls = x ? BPF_LDX : BPF_LD;

	skip_space(s);
	if (!x && s->p < s->eol && *s->p == '[') {
		insn->code = BPF_LD | BPF_W | BPF_ABS;
		return parse_abs(s, &insn->k);
	}
	if (s->p < s->eol && *s->p == '#') {
		insn->code = cls | BPF_IMM;
		return parse_imm(s, &insn->k);
	}
	if (accept_word(s, "len")) {
		insn->code = cls | BPF_W | BPF_LEN;
		return 0;
	}
	if (accept_word(s, "M")) {
		insn->code = cls | BPF_MEM;
		return parse_mem(s, &insn->k);
	}
	return expected(s, x ? "#k, len or M[k]" : "[k], #k, len or M[k]");
}

/* ALU operations and the A-versus-k-or-X part of conditional jumps. */
static int
parse_k_or_x(struct asm_state *s, struct sock_filter *insn)
{
	skip_space(s);
	if (s->p < s->eol && *s->p == '#')
		return parse_imm(s, &insn->k);
	if (accept_word(s, "x")) {
		insn->code |= BPF_X;
		return 0;
	}
	return expected(s, "#k or x");
}

static int
parse_ret(struct asm_state *s, struct sock_filter *insn)
{
	const char *at, *w, *nat;
	size_t len, i, nlen;
	uint32_t data;
	int r;

	insn->code = BPF_RET | BPF_K;
	skip_space(s);
	if (s->p < s->eol && *s->p == '#')
		return parse_imm(s, &insn->k);
	at = s->p;
	read_word(s, &w, &len);
	if (word_is(w, len, "a")) {
		insn->code = BPF_RET | BPF_A;
		return 0;
	}
	for (i = 0; i < sizeof(ret_names) / sizeof(ret_names[0]); i++)
		if (word_is(w, len, ret_names[i].name)) {
			insn->k = ret_names[i].value;
			return 0;
		}
	for (i = 0; i < sizeof(ret_data_names) / sizeof(ret_data_names[0]); i++)
		if (word_is(w, len, ret_data_names[i].name))
			break;
	if (i == sizeof(ret_data_names) / sizeof(ret_data_names[0])) {
		s->p = at;
		return expected(s,
				"#k, a, or an action (ALLOW, ERRNO(n), ...)");
	}
	r = expect_char(s, '(', "'('");
	if (r < 0)
		return r;
	skip_space(s);
	nat = s->p;
	if (ret_data_names[i].action == SECCOMP_RET_ERRNO && s->p < s->eol &&
	    is_alpha(*s->p)) {
		read_word(s, &w, &nlen);
		for (data = 1; data < N_ERRNO_NAMES; data++)
			if (word_is(w, nlen, errno_names[data]))
				break;
		if (data == N_ERRNO_NAMES)
			return fail_at(
			    s, nat,
			    "unknown errno name '%.*s' (names from EPERM to ERANGE are known; write others as numbers)",
			    (int)nlen, w);
	} else {
		r = parse_u32(s, &data);
		if (r < 0)
			return r;
		if (data > SECCOMP_RET_DATA)
			return fail_at(s, nat,
				       "%s data %u does not fit in 16 bits",
				       ret_data_names[i].name, data);
	}
	r = expect_char(s, ')', "')'");
	if (r < 0)
		return r;
	insn->k = ret_data_names[i].action | data;
	return 0;
}

/* .insn CODE, JT, JF, K */
static int
parse_raw(struct asm_state *s, struct sock_filter *insn)
{
	uint32_t v[4];
	const char *at;
	int i, r;

	for (i = 0; i < 4; i++) {
		if (i > 0) {
			r = expect_char(s, ',', "','");
			if (r < 0)
				return r;
		}
		skip_space(s);
		at = s->p;
		r = parse_u32(s, &v[i]);
		if (r < 0)
			return r;
		if (i == 0 && v[i] > 0xffff)
			return fail_at(s, at, "code %u does not fit in 16 bits",
				       v[i]);
		if ((i == 1 || i == 2) && v[i] > 0xff)
			return fail_at(s, at, "%s %u does not fit in 8 bits",
				       i == 1 ? "jt" : "jf", v[i]);
	}
	insn->code = (uint16_t)v[0];
	insn->jt = (uint8_t)v[1];
	insn->jf = (uint8_t)v[2];
	insn->k = v[3];
	return 0;
}

enum mnem_kind {
	MN_LD,
	MN_LDX,
	MN_ST,
	MN_STX,
	MN_ALU,
	MN_NOARG,
	MN_JA,
	MN_JCOND,
	MN_RET,
	MN_RAW,
};

static const struct {
	const char *name;
	enum mnem_kind kind;
	uint16_t code;
} mnems[] = {
	{ "ld", MN_LD, 0 },
	{ "ldx", MN_LDX, 0 },
	{ "st", MN_ST, BPF_ST },
	{ "stx", MN_STX, BPF_STX },
	{ "add", MN_ALU, BPF_ALU | BPF_ADD },
	{ "sub", MN_ALU, BPF_ALU | BPF_SUB },
	{ "mul", MN_ALU, BPF_ALU | BPF_MUL },
	{ "div", MN_ALU, BPF_ALU | BPF_DIV },
	{ "mod", MN_ALU, BPF_ALU | BPF_MOD },
	{ "and", MN_ALU, BPF_ALU | BPF_AND },
	{ "or", MN_ALU, BPF_ALU | BPF_OR },
	{ "xor", MN_ALU, BPF_ALU | BPF_XOR },
	{ "lsh", MN_ALU, BPF_ALU | BPF_LSH },
	{ "rsh", MN_ALU, BPF_ALU | BPF_RSH },
	{ "neg", MN_NOARG, BPF_ALU | BPF_NEG },
	{ "tax", MN_NOARG, BPF_MISC | BPF_TAX },
	{ "txa", MN_NOARG, BPF_MISC | BPF_TXA },
	{ "ja", MN_JA, BPF_JMP | BPF_JA },
	{ "jeq", MN_JCOND, BPF_JMP | BPF_JEQ },
	{ "jgt", MN_JCOND, BPF_JMP | BPF_JGT },
	{ "jge", MN_JCOND, BPF_JMP | BPF_JGE },
	{ "jset", MN_JCOND, BPF_JMP | BPF_JSET },
	{ "ret", MN_RET, 0 },
	{ ".insn", MN_RAW, 0 },
};

/* The operands of mnemonic @w; fills @it. */
static int
parse_insn(struct asm_state *s, const char *w, size_t len, struct item *it)
{
	struct sock_filter *insn = &it->insn;
	size_t i;
	int r;

	for (i = 0; i < sizeof(mnems) / sizeof(mnems[0]); i++)
		if (word_is(w, len, mnems[i].name))
			break;
	if (i == sizeof(mnems) / sizeof(mnems[0]))
		return fail_at(s, w, "unknown instruction '%.*s'",
			       (int)(len > 32 ? 32 : len), w);
	insn->code = mnems[i].code;
	switch (mnems[i].kind) {
	case MN_LD:
	case MN_LDX:
		return parse_load(s, insn, mnems[i].kind == MN_LDX);
	case MN_ST:
	case MN_STX:
		if (!accept_word(s, "M"))
			return expected(s, "M[k]");
		return parse_mem(s, &insn->k);
	case MN_ALU:
		return parse_k_or_x(s, insn);
	case MN_NOARG:
		return 0;
	case MN_JA:
		it->n_refs = 1;
		return parse_ref(s, &it->ref[0]);
	case MN_JCOND:
		r = parse_k_or_x(s, insn);
		if (r < 0)
			return r;
		r = expect_char(s, ',', "',' and a jump target");
		if (r < 0)
			return r;
		r = parse_ref(s, &it->ref[0]);
		if (r < 0)
			return r;
		it->n_refs = 2;
		if (at_end(s)) {
			/* "jeq #k, T": falls through when false */
			it->ref[1] = it->ref[0];
			it->ref[1].name = NULL;
			it->ref[1].index = (uint32_t)s->n_items + 1;
			return 0;
		}
		r = expect_char(s, ',',
				"',' and a jump target, or end of line");
		return r < 0 ? r : parse_ref(s, &it->ref[1]);
	case MN_RET:
		return parse_ret(s, insn);
	case MN_RAW:
		return parse_raw(s, insn);
	}
	return -EINVAL;
}

static int
add_label(struct asm_state *s, const char *name, size_t len)
{
	struct label *l;

	if (s->n_labels == s->cap_labels) {
		size_t cap = s->cap_labels ? s->cap_labels * 2 : 16;

		l = reallocarray(s->labels, cap, sizeof(*l));
		if (!l)
			return -ENOMEM;
		s->labels = l;
		s->cap_labels = cap;
	}
	l = &s->labels[s->n_labels++];
	l->name = name;
	l->len = len;
	l->index = (uint32_t)s->n_items;
	l->line = s->line;
	l->col = (unsigned int)(name - s->bol) + 1;
	return 0;
}

static int
add_item(struct asm_state *s, const char *at, struct item **ret)
{
	struct item *it;

	if (s->n_items == TEXT_MAX_INSNS)
		return fail_at(s, at, "more than %d instructions",
			       TEXT_MAX_INSNS);
	if (s->n_items == s->cap_items) {
		size_t cap = s->cap_items ? s->cap_items * 2 : 64;

		it = reallocarray(s->items, cap, sizeof(*it));
		if (!it)
			return -ENOMEM;
		s->items = it;
		s->cap_items = cap;
	}
	it = &s->items[s->n_items];
	memset(it, 0, sizeof(*it));
	*ret = it;
	return 0;
}

/* One line: any labels, then at most one instruction, then a comment. */
static int
parse_line(struct asm_state *s)
{
	struct item *it = NULL;
	const char *w;
	size_t len;
	uint32_t n;
	int r;

	for (;;) {
		if (at_end(s))
			return 0;
		w = s->p;
		if (is_digit(*s->p)) {
			r = parse_u32(s, &n);
			if (r < 0)
				return r;
			if (s->p == s->eol || *s->p != ':')
				return fail_at(
				    s, w,
				    "expected an instruction, found a number (an index label needs a ':')");
			s->p++;
			if (n != s->n_items)
				return fail_at(
				    s, w,
				    "label %u: does not match the index of this instruction, %zu",
				    n, s->n_items);
			continue;
		}
		if (!is_word(*s->p)) {
			char found[32];

			fmt_found(s, s->p, found, sizeof(found));
			return fail_at(
			    s, s->p,
			    "expected an instruction or a label, found %s",
			    found);
		}
		read_word(s, &w, &len);
		if (s->p == s->eol || *s->p != ':')
			break;
		if (!is_alpha(*w) || memchr(w, '.', len))
			return fail_at(
			    s, w,
			    "bad label name '%.*s': use letters, digits and '_'",
			    (int)(len > 32 ? 32 : len), w);
		s->p++;
		r = add_label(s, w, len);
		if (r < 0)
			return r;
	}
	r = add_item(s, w, &it);
	if (r < 0)
		return r;
	r = parse_insn(s, w, len, it);
	if (r < 0)
		return r;
	if (!at_end(s)) {
		char found[32];

		fmt_found(s, s->p, found, sizeof(found));
		return fail_at(s, s->p, "unexpected %s after the instruction",
			       found);
	}
	s->n_items++;
	return 0;
}

static int
label_cmp(const void *a, const void *b)
{
	const struct label *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

static bool
label_same(const struct label *a, const struct label *b)
{
	return a->len == b->len && memcmp(a->name, b->name, a->len) == 0;
}

/*
 * Sorts the labels for lookup and refuses names defined twice, naming the
 * redefinition that comes first in the file.
 */
static int
labels_prepare(struct asm_state *s)
{
	const struct label *dup = NULL, *first = NULL;
	size_t i, j;

	if (s->n_labels == 0)
		return 0;
	qsort(s->labels, s->n_labels, sizeof(*s->labels), label_cmp);
	for (i = 0; i < s->n_labels; i = j) {
		const struct label *b = &s->labels[i + 1];

		for (j = i + 1; j < s->n_labels; j++)
			if (!label_same(&s->labels[i], &s->labels[j]))
				break;
		if (j - i < 2)
			continue;
		if (!dup || b->line < dup->line ||
		    (b->line == dup->line && b->col < dup->col)) {
			dup = b;
			first = &s->labels[i];
		}
	}
	if (dup)
		return set_error(s->err, dup->line, dup->col, -EINVAL,
				 "label '%.*s' is already defined on line %u",
				 (int)(dup->len > 32 ? 32 : dup->len),
				 dup->name, first->line);
	return 0;
}

static const struct label *
label_find(const struct asm_state *s, const char *name, size_t len)
{
	size_t lo = 0, hi = s->n_labels;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct label *l = &s->labels[mid];
		size_t n = l->len < len ? l->len : len;
		int c = memcmp(l->name, name, n);

		if (c == 0 && l->len != len)
			c = l->len < len ? -1 : 1;
		if (c == 0)
			return l;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Turns the absolute targets of instruction @pc into relative offsets. */
static int
resolve(struct asm_state *s, size_t pc, struct item *it)
{
	uint32_t off[2];
	unsigned int i;

	for (i = 0; i < it->n_refs; i++) {
		struct ref *ref = &it->ref[i];
		uint64_t t = ref->index;

		if (ref->name) {
			const struct label *l =
			    label_find(s, ref->name, ref->name_len);

			if (!l)
				return set_error(
				    s->err, ref->line, ref->col, -EINVAL,
				    "undefined label '%.*s'",
				    (int)(ref->name_len > 32 ? 32
							     : ref->name_len),
				    ref->name);
			t = l->index;
		}
		if (t <= pc)
			return set_error(
			    s->err, ref->line, ref->col, -EINVAL,
			    "jump target %llu is not after this instruction (%zu): jumps only go forward",
			    (unsigned long long)t, pc);
		if (t >= s->n_items)
			return set_error(
			    s->err, ref->line, ref->col, -EINVAL,
			    "jump target %llu is past the last instruction (%zu)",
			    (unsigned long long)t, s->n_items - 1);
		off[i] = (uint32_t)(t - pc - 1);
		if (it->n_refs == 2 && off[i] > 0xff)
			return set_error(
			    s->err, ref->line, ref->col, -EINVAL,
			    "jump target %llu is too far: %u instructions ahead, a conditional jump reaches 255 (use ja)",
			    (unsigned long long)t, off[i]);
	}
	if (it->n_refs == 1) {
		it->insn.k = off[0];
	} else if (it->n_refs == 2) {
		it->insn.jt = (uint8_t)off[0];
		it->insn.jf = (uint8_t)off[1];
	}
	return 0;
}

int
bpf_text_asm(const char *text, size_t size, struct sock_filter **ret,
	     size_t *ret_len, struct bpf_text_error *ret_err)
{
	struct asm_state s = { 0 };
	const char *end = text + size;
	struct sock_filter *prog = NULL;
	size_t pc;
	int r = 0;

	s.err = ret_err;
	s.bol = text;
	while (s.bol < end) {
		const char *nl = memchr(s.bol, '\n', end - s.bol);

		s.eol = nl ? nl : end;
		s.p = s.bol;
		s.line++;
		if (s.line > TEXT_MAX_LINES) {
			r = set_error(ret_err, s.line, 1, -EINVAL,
				      "more than %u lines", TEXT_MAX_LINES);
			goto out;
		}
		if (s.eol - s.bol > TEXT_MAX_LINE_LEN) {
			r = set_error(ret_err, s.line, TEXT_MAX_LINE_LEN + 1,
				      -EINVAL, "line longer than %d characters",
				      TEXT_MAX_LINE_LEN);
			goto out;
		}
		r = parse_line(&s);
		if (r < 0)
			goto out;
		s.bol = nl ? nl + 1 : end;
	}
	r = labels_prepare(&s);
	if (r < 0)
		goto out;
	for (pc = 0; pc < s.n_items; pc++) {
		r = resolve(&s, pc, &s.items[pc]);
		if (r < 0)
			goto out;
	}
	prog = calloc(s.n_items ? s.n_items : 1, sizeof(*prog));
	if (!prog) {
		r = -ENOMEM;
		goto out;
	}
	for (pc = 0; pc < s.n_items; pc++)
		prog[pc] = s.items[pc].insn;
	*ret = prog;
	*ret_len = s.n_items;
	prog = NULL;
	r = 0;
out:
	if (r == -ENOMEM)
		set_error(ret_err, s.line, 1, r, "out of memory");
	free(prog);
	free(s.items);
	free(s.labels);
	return r;
}
