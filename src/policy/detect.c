/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Which of the four policy inputs a file is, from its bytes alone, so
 * that sandbox-bpf compile and explain need no option to say.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "policy/compile.h"

/*
 * The mnemonics of BPF text (src/bpf/text.c).  No system call, directive
 * or action of the policy language is one of them, so a policy line never
 * starts with one.
 */
static const char *const mnemonics[] = {
	"ld",  "ldx", "st",  "stx", "add", "sub",  "mul", "div",
	"mod", "and", "or",  "xor", "lsh", "rsh",  "neg", "tax",
	"txa", "ja",  "jeq", "jgt", "jge", "jset", "ret", ".insn",
};

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool
is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.';
}

/* Text is what has no NUL and no control character but white space. */
static bool
is_text(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c < 0x20 && c != '\n' && !is_space((char)c))
			return false;
		if (c == 0x7f)
			return false;
	}
	return true;
}

/*
 * Whether a line (no newline) of text is BPF text: it starts with ';', or
 * its first word after "label:" prefixes is a mnemonic.  Returns 1 for
 * BPF text, 0 for not, -1 for a line that says nothing (blank, or only
 * labels).
 */
static int
line_kind(const char *s, size_t len)
{
	size_t i = 0, w, k;

	while (i < len && is_space(s[i]))
		i++;
	if (i == len)
		return -1;
	if (s[i] == ';')
		return 1;
	for (;;) {
		w = i;
		while (i < len && is_word(s[i]))
			i++;
		if (i == w)
			return 0;
		if (i < len && s[i] == ':' &&
		    (i + 1 == len || is_space(s[i + 1]))) {
			/* a label: what follows decides */
			i++;
			while (i < len && is_space(s[i]))
				i++;
			if (i == len)
				return -1;
			if (s[i] == ';')
				return 1;
			continue;
		}
		break;
	}
	if (i < len && !is_space(s[i]))
		return 0;
	for (k = 0; k < sizeof(mnemonics) / sizeof(mnemonics[0]); k++)
		if (strlen(mnemonics[k]) == i - w &&
		    strncasecmp(s + w, mnemonics[k], i - w) == 0)
			return 1;
	return 0;
}

enum policy_format
policy_detect(const char *buf, size_t len)
{
	size_t i = 0, end;
	int k;

	while (i < len && (is_space(buf[i]) || buf[i] == '\n'))
		i++;
	if (i < len && buf[i] == '{')
		return POLICY_FORMAT_JSON;
	if (!is_text(buf, len))
		return POLICY_FORMAT_RAW;
	for (i = 0; i < len; i = end + 1) {
		const char *nl = memchr(buf + i, '\n', len - i);

		end = nl ? (size_t)(nl - buf) : len;
		k = line_kind(buf + i, end - i);
		if (k >= 0)
			return k ? POLICY_FORMAT_TEXT : POLICY_FORMAT_LANG;
	}
	return POLICY_FORMAT_LANG;
}

const char *
policy_format_name(enum policy_format f)
{
	switch (f) {
	case POLICY_FORMAT_JSON:
		return "JSON";
	case POLICY_FORMAT_RAW:
		return "raw BPF";
	case POLICY_FORMAT_TEXT:
		return "BPF text";
	case POLICY_FORMAT_LANG:
	default:
		return "policy";
	}
}
