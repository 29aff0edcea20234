#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Write the hand-made seed inputs, tests/fuzz/corpus/*/seed-*.  They are
# checked in; rerun this after changing it.  Inputs that the fuzzers found
# sit beside them under their SHA-1 names (scripts/fuzz.sh adds them).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/corpus/fuzz_loader
txt=$here/corpus/fuzz_asm
mkdir -p "$bin" "$txt"
rm -f "$bin"/seed-* "$txt"/seed-*

# octal escapes for the bytes of $1, $2 bytes wide, least significant first
le() {
	v=$1 n=$2 out=
	while [ "$n" -gt 0 ]; do
		out="$out\\$(printf '%03o' $((v & 255)))"
		v=$((v >> 8))
		n=$((n - 1))
	done
	printf '%s' "$out"
}

# reverse the order of the escapes le printed
rev() {
	printf '%s' "$1" | sed 's/\\/\n\\/g' | sed '1d' | tac | tr -d '\n'
}

# insn CODE JT JF K: one struct sock_filter, host (little-endian) order;
# with order=be, the other byte order.
order=le
insn() {
	c=$(le "$1" 2) k=$(le "$4" 4)
	if [ "$order" = be ]; then
		c=$(rev "$c") k=$(rev "$k")
	fi
	# shellcheck disable=SC2059
	printf "$c$(le "$2" 1)$(le "$3" 1)$k"
}

ALLOW=0x7fff0000
KILL_PROCESS=0x80000000
ERRNO=0x00050000
X86_64=0xc000003e

# The shape libseccomp emits: check the arch, then the number.
arch_nr() {
	insn 0x20 0 0 4
	insn 0x15 0 4 $X86_64
	insn 0x20 0 0 0
	insn 0x15 0 1 1
	insn 0x06 0 0 $((ERRNO | 1))
	insn 0x06 0 0 $ALLOW
	insn 0x06 0 0 $KILL_PROCESS
}

insn 0x06 0 0 $ALLOW >"$bin/seed-allow"
arch_nr >"$bin/seed-arch-nr"
order=be arch_nr >"$bin/seed-arch-nr-be"

# argument halves, jset/jge, the other actions
{
	insn 0x20 0 0 0
	insn 0x15 0 7 59
	insn 0x20 0 0 20
	insn 0x45 4 0 0x80000000
	insn 0x20 0 0 16
	insn 0x35 0 1 0x1000
	insn 0x06 0 0 0x00030007
	insn 0x06 0 0 0x7ff0002a
	insn 0x06 0 0 0x7ffc0000
	insn 0x06 0 0 0x7fc00000
} >"$bin/seed-args"

# scratch memory and every ALU operation; long enough for the entry table
{
	insn 0x20 0 0 0
	insn 0x02 0 0 0
	insn 0x01 0 0 3
	insn 0x2c 0 0 0
	insn 0x04 0 0 7
	insn 0x07 0 0 0
	insn 0x60 0 0 0
	insn 0x54 0 0 0xff
	insn 0x64 0 0 2
	insn 0x74 0 0 1
	insn 0xac 0 0 0
	insn 0x44 0 0 1
	insn 0x1c 0 0 0
	insn 0x84 0 0 0
	insn 0x34 0 0 13
	insn 0x87 0 0 0
	insn 0x34 0 0 2
	insn 0x1d 0 1 0
	insn 0x16 0 0 0
	insn 0x80 0 0 0
	insn 0x16 0 0 0
} >"$bin/seed-mem-alu"

# division by X, which may be 0 at run time
{
	insn 0x20 0 0 16
	insn 0x07 0 0 0
	insn 0x00 0 0 100
	insn 0x3c 0 0 0
	insn 0x16 0 0 0
} >"$bin/seed-div-x"

# an allowlist of 30 numbers, x32 numbers refused
{
	insn 0x20 0 0 4
	insn 0x15 1 0 $X86_64
	insn 0x06 0 0 $KILL_PROCESS
	insn 0x20 0 0 0
	insn 0x35 32 0 0x40000000
	i=0
	while [ $i -lt 30 ]; do
		insn 0x15 $((30 - i)) 0 $((i * 3))
		i=$((i + 1))
	done
	insn 0x06 0 0 $((ERRNO | 38))
	insn 0x06 0 0 $ALLOW
	insn 0x06 0 0 $((ERRNO | 1))
} >"$bin/seed-allowlist"

{
	insn 0x05 0 0 1
	insn 0x06 0 0 0
	insn 0x06 0 0 $ALLOW
} >"$bin/seed-ja"

# refused by the kernel, each for one reason
{
	insn 0x20 0 0 65
	insn 0x06 0 0 $ALLOW
} >"$bin/seed-bad-offset"
{
	insn 0x15 5 0 0
	insn 0x06 0 0 $ALLOW
} >"$bin/seed-bad-jump"
{
	insn 0x28 0 0 0
	insn 0x06 0 0 $ALLOW
} >"$bin/seed-bad-ldh"
{
	insn 0x60 0 0 3
	insn 0x16 0 0 0
} >"$bin/seed-bad-mem"
insn 0x20 0 0 0 >"$bin/seed-bad-no-ret"
{
	insn 0x94 0 0 3
	insn 0x16 0 0 0
} >"$bin/seed-bad-mod"
: >"$bin/seed-empty"
printf 'BPF\001\002' >"$bin/seed-odd-size"

# BPF text
cat >"$txt/seed-labels" <<'EOF'
; refuse write(2), allow the rest of x86_64
	ld	[arch]
	jeq	#0xc000003e, ok, kill
ok:	ld	[nr]
	jeq	#1, deny
	ret	ALLOW
deny:	ret	ERRNO(EPERM)
kill:	ret	KILL_PROCESS
EOF
cat >"$txt/seed-index" <<'EOF'
; 7 instructions
   0:	ld	[4]
   1:	jeq	#0xc000003e, 2, 6
   2:	ld	[0]
   3:	jeq	#1, 4, 5
   4:	ret	#0x50001
   5:	ret	#0x7fff0000
   6:	ret	#0x80000000
EOF
cat >"$txt/seed-every-op" <<'EOF'
	ld	[arg0.hi]
	st	M[1]
	ld	#7
	ldx	len
	stx	M[2]
	ldx	M[1]
	ld	M[2]
	ldx	#3
	add	#1
	add	x
	sub	#1
	sub	x
	mul	#3
	mul	x
	div	#2
	div	x
	and	#0xff
	and	x
	or	#0x100
	or	x
	xor	#1
	xor	x
	lsh	#1
	lsh	x
	rsh	#2
	rsh	x
	neg
	tax
	txa
	ld	len
	ja	next
next:	jgt	x, a, b
a:	jge	#10, b
	jset	x, b, c
b:	ret	a
c:	ld	[ip.lo]
	jeq	#0, t, u
t:	ret	TRAP(1)
u:	jset	#1, v
	ret	TRACE(2)
v:	jeq	x, w
	ret	LOG
w:	jgt	#0, y
	ret	USER_NOTIF
y:	jge	x, z
	ret	KILL_THREAD
z:	ret	KILL
EOF
printf '; CR LF line ends\r\n\tld\t[nr]\r\n\tRET\tallow\r\n' >"$txt/seed-crlf"
cat >"$txt/seed-raw" <<'EOF'
	.insn	0x28, 0, 0, 0
	.insn	0x06, 0, 0, 0x7fff0000
	.insn	0x15, 200, 3, 7
	ld	[arg5.hi]
	ret	#0
EOF
printf '\tld\t[nr]\n\tfrob\t#1\n' >"$txt/seed-bad-mnemonic"
printf 'x:\tld\t[nr]\nx:\tret\tALLOW\n' >"$txt/seed-bad-label-twice"
printf '5:\tret\tALLOW\n' >"$txt/seed-bad-index"
printf '\tld\t#4294967296\n\tret\ta\n' >"$txt/seed-bad-number"
printf '\tret\tERRNO(70000)\n' >"$txt/seed-bad-errno"
printf '\tld\t[arg6]\n\tret\ta\n' >"$txt/seed-bad-field"
printf 'top:\tld\t[nr]\n\tja\ttop\n\tret\tALLOW\n' >"$txt/seed-bad-backward"
: >"$txt/seed-empty"

# fuzz_notify: a behaviour byte, then steps of ctl, 2-byte length, record
# (tests/fuzz/fuzz_notify.c).  Ids are the low byte of the first id's
# offset: 0 is the notification the harness queues first.
ntf=$here/corpus/fuzz_notify
mkdir -p "$ntf"
rm -f "$ntf"/seed-*

# nrec TYPE PAYLOAD: the escapes of one record, header first
nrec() {
	printf '%s' "$(le "$1" 4)$(le $((${#2} / 4)) 4)$2"
}
# nstep CTL RECORD: one step, printed
nstep() {
	# shellcheck disable=SC2059
	printf "$(le "$1" 1)$(le $((${#2} / 4)) 2)$2"
}
# nmode BYTE: the behaviour byte
nmode() {
	# shellcheck disable=SC2059
	printf "$(le "$1" 1)"
}
# payloads
p_resp() { printf '%s' "$(le "$1" 8)$(le "$2" 8)$(le "$3" 4)$(le "$4" 4)"; }
p_addfd() { printf '%s' "$(le "$1" 8)$(le "$2" 4)$(le 0 4)$(le "$3" 4)$(le "$4" 4)"; }
p_mem() { printf '%s' "$(le "$1" 8)$(le "$2" 8)$(le "$3" 8)"; }
zeros() {
	i=0 out=
	while [ $i -lt "$1" ]; do
		out="$out\\000"
		i=$((i + 1))
	done
	printf '%s' "$out"
}
RECV=$(nrec 2 '')
O_CLOEXEC=524288

{
	nmode 0
	nstep 0 "$RECV"
	nstep 0 "$(nrec 5 "$(le 0 8)")"
	nstep 0 "$(nrec 4 "$(p_resp 0 0 -1 0)")"
	nstep 0 "$(nrec 4 "$(p_resp 0 0 0 0)")"
	nstep 0x20 "$(nrec 5 "$(le 0 8)")"
	nstep 0x04 "$(nrec 4 "$(p_resp 1 0 0 0)")"
	nstep 0 "$RECV"
	nstep 0 "$(nrec 4 "$(p_resp 1 0 0 1)")"
	nstep 0 "$(nrec 4 "$(p_resp 1 7 0 1)")"
	nstep 0 "$(nrec 4 "$(p_resp 1 7 0 2)")"
	nstep 0 "$(nrec 4 "$(p_resp 9 0 0 0)")"
} >"$ntf/seed-send"
{
	nmode 0
	nstep 0 "$RECV"
	nstep 1 "$(nrec 6 "$(p_addfd 0 0 0 0)")"
	nstep 1 "$(nrec 6 "$(p_addfd 0 1 9 $O_CLOEXEC)")"
	nstep 1 "$(nrec 6 "$(p_addfd 0 2 0 0)")"
	nstep 1 "$(nrec 6 "$(p_addfd 0 0 0 0)")"
	nstep 0x24 "$RECV"
	nstep 0 "$(nrec 6 "$(p_addfd 1 0 0 0)")"
	nstep 1 "$(nrec 6 "$(p_addfd 1 4 0 0)")"
	nstep 1 "$(nrec 6 "$(p_addfd 1 0 3 0)")"
	nstep 1 "$(nrec 6 "$(p_addfd 1 0 0 1)")"
	nstep 1 "$(nrec 6 "$(p_addfd 1 0 0 0 | cut -c1-48)")"
	nstep 1 "$(nrec 6 "$(p_addfd 1 2 0 0)$(le 0 8)")"
	nstep 1 "$(nrec 6 "$(p_addfd 1 2 0 0)$(le 1 8)")"
	nstep 3 "$(nrec 6 "$(p_addfd 1 2 0 0)")"
} >"$ntf/seed-addfd"
for m in 1 2 3 16; do
	{
		nmode $m
		nstep 0 "$RECV"
		nstep 1 "$(nrec 6 "$(p_addfd 0 2 0 0)")"
		nstep 1 "$(nrec 6 "$(p_addfd 0 3 5 $O_CLOEXEC)")"
		nstep 0 "$(nrec 4 "$(p_resp 0 0 -13 0)")"
	} >"$ntf/seed-addfd-mode$m"
done
for m in 0 4 8 12; do
	{
		nmode $m
		nstep 0 "$(nrec 7 "$(p_mem 0 4096 16)")"
		nstep 0 "$RECV"
		nstep 0 "$(nrec 7 "$(p_mem 0 4096 16)")"
		nstep 0 "$(nrec 7 "$(p_mem 0 4096 0)")"
		nstep 0 "$(nrec 7 "$(p_mem 0 4096 4064)")"
		nstep 0 "$(nrec 7 "$(p_mem 0 4096 4065)")"
		nstep 0 "$(nrec 7 "$(p_mem 0 0 1 | cut -c1-64)")"
		nstep 0 "$(nrec 5 "$(le 0 8)")"
	} >"$ntf/seed-read-mem-mode$m"
done
{
	nmode 0
	nstep 0 ''
	nstep 0 '\004\000\000'
	nstep 0 '\004\000\000\000\030\000\000'
	nstep 0 "$(le 5 4)$(le 16 4)$(le 0 8)"
	nstep 0 "$(le 5 4)$(le 4 4)$(le 0 8)"
	nstep 0 "$(nrec 0 '')"
	nstep 0 "$(nrec 99 "$(le 0 8)")"
	nstep 0 "$(nrec 1 '')"
	nstep 0 "$(nrec 3 "$(zeros 80)")"
	nstep 0 "$(nrec 8 "$(zeros 24)")"
	nstep 0 "$(nrec 9 "$(zeros 16)")"
	nstep 0 "$(nrec 2 "$(zeros 80)")"
	nstep 1 "$RECV"
	nstep 0 "$RECV"
	nstep 1 "$(nrec 4 "$(p_resp 0 0 0 0)")"
	nstep 3 "$(nrec 5 "$(le 0 8)")"
	nstep 0x40 "$(nrec 5 "$(le 0 8)")"
	nstep 0 "$(nrec 4 "$(zeros 20)")"
	nstep 0 "$(nrec 5 "$(zeros 4)")"
	nstep 0 "$(nrec 1000 "$(zeros 4088)")"
} >"$ntf/seed-malformed"
{
	nmode 0
	nstep 0 "$RECV"
	nstep 0 "$(nrec 2 "$(zeros 4089)")"
	nstep 0 "$RECV"
	nstep 0 "$(nrec 4 "$(p_resp 0 0 0 0)")"
} >"$ntf/seed-oversized"
{
	nmode 32
	nstep 0 "$RECV"
	nstep 0 "$RECV"
	nstep 0 "$RECV"
	nstep 0x84 "$RECV"
	nstep 0x84 "$RECV"
	nstep 0x84 "$RECV"
	nstep 0 "$RECV"
	nstep 0x80 "$RECV"
	nstep 0x04 "$RECV"
	nstep 0 "$(nrec 2 "$(zeros 5000)")"
	nstep 0x80 "$(nrec 4 "$(p_resp 1 3 0 0)")"
	nstep 0x80 "$(nrec 2 "$(zeros 5000)")"
	nstep 0 "$RECV"
} >"$ntf/seed-agents"
{
	nmode 16
	nstep 0x04 "$RECV"
	nstep 0x08 "$RECV"
	nstep 0x04 "$(nrec 4 "$(p_resp 0 0 0 0)")"
	nstep 0x14 "$(nrec 4 "$(p_resp 2 0 0 0)")"
	nstep 0x20 "$(nrec 5 "$(le 2 8)")"
	nstep 0 "$RECV"
	nstep 0xc0 "$RECV"
	nstep 0x04 "$RECV"
	nstep 0 "$(nrec 4 "$(p_resp 3 0 0 0)")"
} >"$ntf/seed-tracer"
nmode 0 >"$ntf/seed-empty"
