/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The notify codec, as codec.h describes it.  Records come from the other
 * process unaligned as far as we know, so fields are copied out, never
 * read through a cast pointer.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "notify/codec.h"

/* The layouts sandbox-notify(7) documents byte by byte. */
_Static_assert(sizeof(struct sbx_msg_hdr) == 8, "sbx_msg_hdr");
/* 32, not 24: 4 bytes of padding at offset 12 align @features */
_Static_assert(sizeof(struct sbx_hello) == 32, "sbx_hello");
_Static_assert(offsetof(struct sbx_hello, features) == 16, "sbx_hello");
_Static_assert(sizeof(struct sbx_status) == 24, "sbx_status");
_Static_assert(sizeof(struct sbx_cancel) == 16, "sbx_cancel");
_Static_assert(sizeof(struct sbx_read_mem) == 24, "sbx_read_mem");
_Static_assert(sizeof(struct seccomp_notif) == 80, "seccomp_notif");
_Static_assert(sizeof(struct seccomp_notif_resp) == 24, "seccomp_notif_resp");
_Static_assert(sizeof(struct seccomp_notif_addfd) == 24, "seccomp_notif_addfd");
_Static_assert(SBX_READ_MEM_MAX == 4064, "SBX_READ_MEM_MAX");

long
sbx_codec_payload_size(uint32_t type, enum sbx_codec_dir dir)
{
	bool agent = dir == SBX_CODEC_FROM_AGENT;

	switch (type) {
	case SBX_MSG_HELLO:
		return agent ? -1 : (long)sizeof(struct sbx_hello);
	case SBX_MSG_RECV:
		return agent ? 0 : -1;
	case SBX_MSG_NOTIF:
		return agent ? -1 : (long)sizeof(struct seccomp_notif);
	case SBX_MSG_SEND:
		return agent ? (long)sizeof(struct seccomp_notif_resp) : -1;
	case SBX_MSG_ID_VALID:
		return agent ? (long)sizeof(uint64_t) : -1;
	case SBX_MSG_ADDFD:
		return agent ? (long)sizeof(struct seccomp_notif_addfd) : -1;
	case SBX_MSG_READ_MEM:
		return agent ? (long)sizeof(struct sbx_read_mem) : -1;
	case SBX_MSG_STATUS:
		return agent ? -1 : (long)sizeof(struct sbx_status);
	case SBX_MSG_CANCEL:
		return agent ? -1 : (long)sizeof(struct sbx_cancel);
	default:
		return -1;
	}
}

int
sbx_codec_check(const void *rec, size_t len, enum sbx_codec_dir dir,
		struct sbx_msg_hdr *ret_hdr)
{
	struct sbx_msg_hdr hdr = { 0 };
	struct sbx_status st;
	size_t plen;
	long want;

	memcpy(&hdr, rec, len < sizeof(hdr) ? len : sizeof(hdr));
	if (ret_hdr)
		*ret_hdr = hdr;
	if (len > SBX_NOTIFY_MAX_RECORD)
		return -EMSGSIZE;
	if (len < sizeof(hdr))
		return -EINVAL;
	plen = len - sizeof(hdr);
	if (hdr.len != plen)
		return -EINVAL;
	want = sbx_codec_payload_size(hdr.type, dir);
	if (want < 0)
		return -EOPNOTSUPP;
	if (hdr.type == SBX_MSG_ADDFD)
		return plen >= (size_t)want ? 0 : -EBADMSG;
	if (hdr.type != SBX_MSG_STATUS)
		return plen == (size_t)want ? 0 : -EBADMSG;

	/* only the answer to a successful READ_MEM carries more */
	if (plen < sizeof(st))
		return -EBADMSG;
	memcpy(&st, (const unsigned char *)rec + sizeof(hdr), sizeof(st));
	if (st.request == SBX_MSG_READ_MEM && st.error == 0) {
		if (st.val < 0 || st.val > (int64_t)SBX_READ_MEM_MAX ||
		    plen != sizeof(st) + (size_t)st.val)
			return -EBADMSG;
		return 0;
	}
	return plen == sizeof(st) ? 0 : -EBADMSG;
}

uint64_t
sbx_codec_request_id(const void *rec, size_t len)
{
	struct sbx_msg_hdr hdr;
	uint64_t id;

	if (len < sizeof(hdr) + sizeof(id))
		return 0;
	memcpy(&hdr, rec, sizeof(hdr));
	switch (hdr.type) {
	case SBX_MSG_SEND:
	case SBX_MSG_ID_VALID:
	case SBX_MSG_ADDFD:
	case SBX_MSG_READ_MEM:
		memcpy(&id, (const unsigned char *)rec + sizeof(hdr),
		       sizeof(id));
		return id;
	default:
		return 0;
	}
}

int
sbx_codec_header(struct sbx_msg_hdr *hdr, uint32_t type, size_t len)
{
	if (len > SBX_NOTIFY_MAX_RECORD - sizeof(*hdr))
		return -EMSGSIZE;
	hdr->type = type;
	hdr->len = (uint32_t)len;
	return 0;
}

void
sbx_codec_hello_init(struct sbx_hello *hello, uint64_t features)
{
	/* whole, padding too: it goes to another process */
	memset(hello, 0, sizeof(*hello));
	hello->version = SBX_NOTIFY_VERSION;
	hello->sizeof_notif = sizeof(struct seccomp_notif);
	hello->sizeof_resp = sizeof(struct seccomp_notif_resp);
	hello->sizeof_data = sizeof(struct seccomp_data);
	hello->sizeof_addfd = sizeof(struct seccomp_notif_addfd);
	hello->features = features;
	hello->max_record = SBX_NOTIFY_MAX_RECORD;
}

int
sbx_codec_hello_check(const struct sbx_hello *hello)
{
	if (hello->version != SBX_NOTIFY_VERSION ||
	    hello->sizeof_notif != sizeof(struct seccomp_notif) ||
	    hello->sizeof_resp != sizeof(struct seccomp_notif_resp) ||
	    hello->sizeof_data != sizeof(struct seccomp_data) ||
	    hello->sizeof_addfd != sizeof(struct seccomp_notif_addfd) ||
	    hello->max_record != SBX_NOTIFY_MAX_RECORD)
		return -EPROTO;
	return 0;
}
