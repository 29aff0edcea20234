/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * notify codec: the record checks and builders that both ends of the
 * agent protocol (sandbox-notify(7)) share: the supervisor's hub and the
 * client library.  Pure: no I/O, no allocation, no globals.
 *
 * A record is one SOCK_SEQPACKET message: a struct sbx_msg_hdr, then
 * hdr.len payload bytes, in host byte order.  Each type has one direction
 * and one payload size, with two exceptions: a STATUS that answers a
 * successful READ_MEM is longer by the bytes read, and ADDFD, extensible
 * as the ioctl's struct, may be longer (the handler checks that the extra
 * bytes are zero, else E2BIG, as copy_struct_from_user()).  Callers read a
 * record whole (and treat a truncated one as broken) before they hand it to
 * sbx_codec_check().
 */
#ifndef SANDBOXD_NOTIFY_CODEC_H
#define SANDBOXD_NOTIFY_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "notify/sandbox-notify.h"

/* Which way a record goes. */
enum sbx_codec_dir {
	SBX_CODEC_FROM_AGENT,	   /* agent to supervisor: RECV, SEND, ... */
	SBX_CODEC_FROM_SUPERVISOR, /* supervisor to agent: HELLO, NOTIF, ... */
};

/**
 * sbx_codec_payload_size() - the payload size of a @type record sent in
 * direction @dir: for STATUS, the size of struct sbx_status alone; for
 * ADDFD, the smallest.
 * Returns the size, or -1 if no such record goes that way.
 */
long sbx_codec_payload_size(uint32_t type, enum sbx_codec_dir dir);

/**
 * sbx_codec_check() - check the framing of the received record @rec of
 * @len bytes: it holds a header, the header's len is the rest of the
 * record, the type goes in direction @dir, and the payload has that
 * type's size (STATUS for a successful READ_MEM: struct sbx_status plus
 * val bytes, val at most SBX_READ_MEM_MAX; ADDFD: at least its size).
 * @ret_hdr: if not NULL, receives the header, as far as @len holds one
 *	(the rest zero), even when the check fails, so that the answer can
 *	name the type.
 * Returns 0; -EMSGSIZE if @len exceeds SBX_NOTIFY_MAX_RECORD; -EINVAL
 * if the record is shorter than a header or the header's len is wrong;
 * -EOPNOTSUPP for a type unknown or not sent in direction @dir; -EBADMSG
 * for a payload of the wrong size.
 */
int sbx_codec_check(const void *rec, size_t len, enum sbx_codec_dir dir,
		    struct sbx_msg_hdr *ret_hdr);

/**
 * sbx_codec_request_id() - the notification id a request names: the
 * first 8 payload bytes of SEND, ID_VALID, ADDFD and READ_MEM.  0 for
 * other types or a payload too short to hold one, as struct sbx_status
 * says.  @rec and @len as for sbx_codec_check(); framing is not checked.
 */
uint64_t sbx_codec_request_id(const void *rec, size_t len);

/**
 * sbx_codec_header() - fill @hdr for a @type record with @len payload
 * bytes.  Returns 0, or -EMSGSIZE if the record would exceed
 * SBX_NOTIFY_MAX_RECORD.
 */
int sbx_codec_header(struct sbx_msg_hdr *hdr, uint32_t type, size_t len);

/**
 * sbx_codec_hello_init() - fill @hello as this build of the protocol
 * speaks it, padding zeroed, with feature bits @features.
 */
void sbx_codec_hello_init(struct sbx_hello *hello, uint64_t features);

/**
 * sbx_codec_hello_check() - whether an agent built here can talk to the
 * supervisor that sent @hello: version SBX_NOTIFY_VERSION, and the struct
 * sizes and record limit it was built with.  Returns 0 or -EPROTO.
 */
int sbx_codec_hello_check(const struct sbx_hello *hello);

#endif /* SANDBOXD_NOTIFY_CODEC_H */
