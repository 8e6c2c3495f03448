/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbt_abi.h - the /proc/kdbt ABI shared by kdbt.ko and the userspace tools
 * (man kdbt(4)).
 *
 * Owns: the ABI version, the names of the /proc/kdbt files, the columns of
 * the text files and the layout of the binary snapshot.
 * Must never: include anything but <linux/types.h> (which the kernel and
 * userspace both have), or rename a field (fields are added, never
 * renamed; a change that breaks readers bumps the version).
 */
#ifndef KDBT_ABI_H
#define KDBT_ABI_H

#include <linux/types.h>

/* Version of the /proc/kdbt formats (the `version` line of stats). */
#define KDBT_ABI_VERSION	1

/* Release of kdbt itself (module and tools ship together). */
#define KDBT_RELEASE		"0.1.0"

#define KDBT_PROC_DIR		"kdbt"
#define KDBT_PROC_STATS		"stats"
#define KDBT_PROC_CONTROL	"control"
#define KDBT_PROC_BLOCKS	"blocks"
#define KDBT_PROC_FUNCTIONS	"functions"
#define KDBT_PROC_SNAPSHOT	"snapshot"

/*
 * Text files (seq_file): a line "# version N", then a "#" line naming the
 * columns, then one line per record, fields separated by one space.
 * Addresses are 16 hex digits, or 16 zeros when kptr_restrict hides them
 * from the reader (as in /proc/kallsyms).  A symbol is "name+0xoff/0xsize"
 * (blocks) or "name" (functions), followed by its module: "[kernel]" for
 * the core kernel, "[name]" for a module; where no symbol covers the
 * address, "0x<hex address> [unknown]".  "instructions" are native
 * instructions executed.  A reset or a
 * cache flush during a read of blocks or functions fails that read with
 * EAGAIN (a reader never mixes counts from before and after it).
 */
#define KDBT_BLOCKS_COLUMNS \
	"address symbol module instructions executions indirect misses insns kind"
#define KDBT_FUNCTIONS_COLUMNS \
	"function module instructions executions indirect misses blocks calls"

/*
 * /proc/kdbt/snapshot: every read at offset 0 takes a new snapshot; the
 * rest of the file comes from that snapshot, so reading the file to its
 * end gives one consistent picture (never half a reset).  Layout: one
 * struct kdbt_snap_header, then nblocks records of block_size bytes each
 * (struct kdbt_snap_block, possibly followed by fields of later
 * versions).  Little endian, naturally aligned.  Readers must accept a
 * header_size or block_size larger than they know (newer fields they
 * skip), and must refuse a different magic or a larger version.
 */
#define KDBT_SNAP_MAGIC		0x50414e535442444bULL	/* "KDBTSNAP" */
#define KDBT_SNAP_VERSION	1

/* struct kdbt_snap_header.flags */
#define KDBT_SNAP_ON		0x1	/* translation is on */
#define KDBT_SNAP_FAST		0x2	/* fast mode (else transparent) */
#define KDBT_SNAP_COUNTERS	0x4	/* blocks count their executions */
#define KDBT_SNAP_HIDDEN	0x8	/* addresses hidden (kptr_restrict) */

struct kdbt_snap_header {
	__u64 magic;		/* KDBT_SNAP_MAGIC */
	__u32 version;		/* KDBT_SNAP_VERSION */
	__u32 header_size;	/* bytes of this header */
	__u32 block_size;	/* bytes of one block record */
	__u32 nblocks;		/* block records after the header */
	__u32 flags;		/* KDBT_SNAP_* */
	__u32 ncpus;		/* online CPUs */
	__u64 time_ns;		/* CLOCK_MONOTONIC when taken */
	__u64 on_ns;		/* time translation has been on, all told */
	__u64 resets;		/* resets since load */
	__u64 flushes;		/* cache flushes since load */
	/* Totals since the last reset; they include the blocks of flushed
	 * caches, which the records no longer list (retired_*). */
	__u64 instructions;
	__u64 block_executions;
	__u64 indirect_calls;
	__u64 indirect_jumps;
	__u64 returns;		/* counted in transparent mode only */
	__u64 jumptable_misses;
	__u64 retired_instructions;
	__u64 retired_executions;
	__u64 dispatches;	/* dispatcher entries since load */
	__u64 cache_used;	/* code cache bytes */
	__u64 cache_total;
	__u64 samples_cache;	/* timer samples in the cache (coverage) */
	__u64 samples_native;	/* ... in translatable native code */
	__u64 lost_estimate;	/* executions lost to racing increments */
};

/* How a block ends (struct kdbt_snap_block.kind; "kind" column). */
enum kdbt_snap_kind {
	KDBT_KIND_FALL,		/* "fall": length cap, falls through */
	KDBT_KIND_JMP,		/* "jmp": direct jump */
	KDBT_KIND_JCC,		/* "jcc": conditional branch */
	KDBT_KIND_CALL,		/* "call": direct call */
	KDBT_KIND_JMP_IND,	/* "ijmp": indirect jump */
	KDBT_KIND_CALL_IND,	/* "icall": indirect call */
	KDBT_KIND_RET,		/* "ret": return */
	KDBT_KIND_NATIVE,	/* "native": leaves the cache */
	KDBT_KIND_THUNK,	/* "thunk": jump to the return thunk (fast) */
	KDBT_KIND_NR,
};

#define KDBT_KIND_NAMES \
	{ "fall", "jmp", "jcc", "call", "ijmp", "icall", "ret", "native", \
	  "thunk" }

/* struct kdbt_snap_block.flags */
#define KDBT_BLOCK_INVALID	0x1	/* its native text changed since */

struct kdbt_snap_block {
	__u64 native;		/* first native byte (0 when hidden) */
	__u64 executions;
	__u64 misses;		/* jumptable misses of its indirect branch */
	__u32 id;		/* block id, stable until a flush */
	__u16 insns;		/* native instructions in the block */
	__u16 native_len;	/* native bytes */
	__u8 kind;		/* enum kdbt_snap_kind */
	__u8 flags;		/* KDBT_BLOCK_* */
	__u16 reserved0;
	__u32 reserved1;
};

/*
 * Indirect-branch executions of a block: its executions if it ends in an
 * indirect jump or call, or in a return in transparent mode; else 0.
 * Jumptable hits are indirect executions minus misses.
 */
static inline __u64 kdbt_snap_indirect(const struct kdbt_snap_block *b,
				       __u32 snap_flags)
{
	if (b->kind == KDBT_KIND_JMP_IND || b->kind == KDBT_KIND_CALL_IND)
		return b->executions;
	if (b->kind == KDBT_KIND_RET && !(snap_flags & KDBT_SNAP_FAST))
		return b->executions;
	return 0;
}

#endif /* KDBT_ABI_H */
