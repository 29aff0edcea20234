/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * jsonpos: where each value of a JSON text sits.  json-c builds the values
 * but keeps no positions, reports a syntax error only as a byte offset,
 * keeps the last of two equal keys without a word, and accepts more than
 * RFC 8259 does (single quotes, "1.", -Infinity, raw control characters).
 * This scanner reads the same text strictly and records every value as a
 * node, so a loader walking the json-c tree can say where each thing is.
 * Private to src/policy.
 */
#ifndef SANDBOXD_POLICY_JSONPOS_H
#define SANDBOXD_POLICY_JSONPOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONPOS_NONE UINT32_MAX
/* Offsets are 32-bit: callers cap their input below this. */
#define JSONPOS_MAX_LEN (UINT32_MAX - 1)

enum jsonpos_type {
	JSONPOS_NULL,
	JSONPOS_FALSE,
	JSONPOS_TRUE,
	JSONPOS_NUMBER,
	JSONPOS_STRING,
	JSONPOS_ARRAY,
	JSONPOS_OBJECT,
};

/*
 * One value.  Nodes are numbered in document order; the root is node 0.
 * The members of an object and the elements of an array are its children,
 * linked through @next in document order.
 */
struct jsonpos_node {
	uint32_t start; /* byte offset of the value's first byte */
	uint32_t end;	/* byte offset just past its last byte */
	uint32_t key;	/* a member's key: offset of its opening quote */
	uint32_t next;	/* the next sibling, or JSONPOS_NONE */
	uint32_t child; /* the first child, or JSONPOS_NONE */
	uint32_t count; /* the number of children */
	enum jsonpos_type type;
};

/*
 * struct jsonpos - the index of one text.  @text is borrowed and must
 * outlive the index; the arrays are owned, freed by jsonpos_free().
 */
struct jsonpos {
	const char *text;
	size_t len;
	struct jsonpos_node *nodes;
	size_t n_nodes;
	uint32_t *lines; /* offset of the first byte of each line */
	size_t n_lines;
};

/*
 * Why a text was refused: where (a byte offset) and what.  @limit tells
 * a limit of the scan (depth, number of values, length) from a text that
 * is not JSON.
 */
struct jsonpos_error {
	size_t offset;
	bool limit;
	char msg[128];
};

/**
 * jsonpos_scan() - index one JSON text (RFC 8259: one value, with
 * optional white space around it).
 * @jp: receives the index; free it with jsonpos_free() (also on error).
 * @text, @len: the text, at most JSONPOS_MAX_LEN bytes; NUL bytes are
 *	just bytes.
 * @max_depth: refuse arrays and objects nested deeper than this.
 * @max_nodes: refuse texts of more values than this.
 * @ret_err: why not, on -EINVAL.
 *
 * Returns 0, -EINVAL when the text is not JSON, or -ENOMEM.
 */
int jsonpos_scan(struct jsonpos *jp, const char *text, size_t len,
		 unsigned int max_depth, size_t max_nodes,
		 struct jsonpos_error *ret_err);

void jsonpos_free(struct jsonpos *jp);

/**
 * jsonpos_linecol() - the line and column of byte @off of @text.
 * Both count from 1.  The column counts bytes, not characters: a tab is
 * one column and so is each byte of a UTF-8 sequence, which is what an
 * editor's "go to byte" and most compilers' messages do.
 */
void jsonpos_linecol(const char *text, size_t len, size_t off,
		     unsigned int *ret_line, unsigned int *ret_col);

/**
 * jsonpos_where() - jsonpos_linecol() for an indexed text, by binary
 * search in its line table.
 */
void jsonpos_where(const struct jsonpos *jp, size_t off, unsigned int *ret_line,
		   unsigned int *ret_col);

/**
 * jsonpos_string() - decode the JSON string whose opening quote is at
 * byte @off (a string node's start, or a member's key).
 * @ret: receives a NUL-terminated copy (caller frees); @ret_len its
 *	length, which is shorter than strlen() would say when the string
 *	holds an escaped NUL.
 *
 * Returns 0 or -ENOMEM.  @off must be the start of a string the scan
 * accepted.
 */
int jsonpos_string(const struct jsonpos *jp, uint32_t off, char **ret,
		   size_t *ret_len);

/**
 * jsonpos_key_is() - whether the key of member @n is exactly @key (as
 * decoded, so "n\u0061me" is "name").
 */
bool jsonpos_key_is(const struct jsonpos *jp, const struct jsonpos_node *n,
		    const char *key);

/**
 * jsonpos_dup_key() - the first member of object @obj, in document order,
 * whose key an earlier member of @obj already has.
 * @ret_first, @ret_dup: receive the earlier member and the duplicate.
 *
 * Returns 1 when there is one, 0 when the keys are all different, or
 * -ENOMEM.
 */
int jsonpos_dup_key(const struct jsonpos *jp, uint32_t obj, uint32_t *ret_first,
		    uint32_t *ret_dup);

#endif /* SANDBOXD_POLICY_JSONPOS_H */
