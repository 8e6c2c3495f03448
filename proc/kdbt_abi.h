/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbt_abi.h - the /proc/kdbt ABI shared by kdbt.ko and the userspace tools
 * (man kdbt(4)).
 *
 * Owns: the ABI version, the names of the /proc/kdbt files, the columns of
 * the text files, the table of statistics (KDBT_STATS(): every line of
 * /proc/kdbt/stats, in order, and where each one lives in the snapshot and
 * in a recording) and the layout of the binary snapshot.
 * Must never: include anything but <linux/types.h> (which the kernel and
 * userspace both have), or rename a field (fields are added, never
 * renamed; a change that breaks readers bumps the version); name a
 * statistic anywhere but in KDBT_STATS().
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
#define KDBT_PROC_NATIVE	"native"
#define KDBT_PROC_CHANGES	"changes"

/*
 * Text files (seq_file): a line "# version N", then a "#" line naming the
 * columns, then one line per record, fields separated by one space.
 * Addresses are 16 hex digits, or 16 zeros when kptr_restrict hides them
 * from the reader (as in /proc/kallsyms).  A symbol is "name+0xoff/0xsize"
 * (blocks) or "name" (functions), followed by its module: "[kernel]" for
 * the core kernel, "[name]" for a module; where no symbol covers the
 * address, "0x<hex address> [unknown]".  "instructions" are native
 * instructions executed.  Columns are only ever added at the end (a
 * reader splits a line on spaces and takes the columns it knows); the
 * blocks' "target" came in later (struct kdbt_snap_block.target, 16 hex
 * digits), then "derived", "edge" and "edge_of" (struct
 * kdbt_snap_block's KDBT_BLOCK_DERIVED, edge and edge_of: 0 or 1, a name
 * of KDBT_EDGE_NAMES, 16 hex digits).  A reset or a
 * cache flush during a read of blocks or functions fails that read with
 * EAGAIN (a reader never mixes counts from before and after it).
 */
#define KDBT_BLOCKS_COLUMNS \
	"address symbol module instructions executions indirect misses insns " \
	"kind target derived edge edge_of"
#define KDBT_FUNCTIONS_COLUMNS \
	"function module instructions executions indirect misses blocks calls"
/*
 * native: where timer interrupts found CPUs running translatable kernel
 * code natively (the samples that lower coverage), the last 32 per CPU
 * since on or reset, grouped by place, most frequent first: the number
 * of samples, the interrupted instruction's symbol (with offset) and
 * module, and its callers newest first ("name+0xoff/0xsize" joined by
 * commas, "-" if the unwinder found none).
 */
#define KDBT_NATIVE_COLUMNS "samples symbol module callers"

/*
 * The statistics: one line of KDBT_STATS() each, in the order of
 * /proc/kdbt/stats (man kdbt(4) says what each one means).  Everything
 * that names a statistic expands this table: the module's figures and how
 * it prints them, the snapshot header below, a recording's interval
 * header (kdbt_data.h), libkdbt's lookup and parser, the tools' labels.
 *
 * KDBT_STATS(X, c) expands X(c, name, fmt, where, kind, snap, ivl, label)
 * once per statistic:
 *	c	what the caller passed, unchanged
 *	name	its name in /proc/kdbt/stats; also the name of its field in
 *		every structure that holds it, and of KDBT_STAT_<name>
 *	fmt	how /proc/kdbt/stats shows it: U64 (a decimal number), PCT
 *		(hundredths of a percent, shown as "12.34"), STR (a word),
 *		NONE (no line: the snapshot only)
 *	where	where kdbt.ko keeps it: T, the profile's totals (struct
 *		kdbt_totals, all of one epoch); S, struct kdbt_stats
 *	kind	what two readings of it mean: LEVEL (a state, a size, a
 *		ratio, or the epoch: a delta keeps the later one), COUNT
 *		(since load: a delta subtracts), PROFILE (since the last
 *		reset, which zeroes it: a delta subtracts)
 *	snap	its slot among the statistics of struct kdbt_snap_header
 *		(the u64 at KDBT_SNAP_STATS_OFFSET + 8 * snap), or NO (STR
 *		statistics have none)
 *	ivl	its slot among those of a recording's struct
 *		kdbt_data_interval (kdbt_data.h), or NO
 *	label	what kdbt-top calls it, or NULL
 *
 * A new statistic is a new line, in the place its /proc line goes; a
 * snap or ivl slot is only ever the next free one (the layouts are ABI).
 * tests/unit/stats-table.sh checks the table against kdbt.ko's printer
 * and against man kdbt(4).
 */
#define KDBT_STATS(X, c)						\
	X(c, version,			U64,  S, LEVEL,   NO, NO, NULL)	\
	X(c, release,			STR,  S, LEVEL,   NO, NO, NULL)	\
	X(c, state,			STR,  S, LEVEL,   NO, NO, NULL)	\
	X(c, mode,			STR,  S, LEVEL,   NO, NO, NULL)	\
	X(c, counters,			STR,  S, LEVEL,   NO, NO, NULL)	\
	X(c, counter_form,		STR,  S, LEVEL,   NO, NO, NULL)	\
	X(c, uptime_ms,			U64,  S, LEVEL,   NO, NO, NULL)	\
	X(c, blocks,			U64,  S, LEVEL,   NO, NO, "Blocks") \
	X(c, functions,			U64,  S, LEVEL,   NO, NO, NULL)	\
	X(c, cache_bytes_used,		U64,  S, LEVEL,   11, NO, "Cache") \
	X(c, cache_bytes_total,		U64,  S, LEVEL,   12, NO, NULL)	\
	X(c, instructions,		U64,  T, PROFILE,  2,  0, "insns") \
	X(c, block_executions,		U64,  T, PROFILE,  3,  1, "execs") \
	X(c, indirect_branches,		U64,  S, PROFILE, NO, NO, "indirect") \
	X(c, indirect_calls,		U64,  T, PROFILE,  4,  2, NULL)	\
	X(c, indirect_jumps,		U64,  T, PROFILE,  5,  3, NULL)	\
	X(c, returns,			U64,  T, PROFILE,  6,  4, NULL)	\
	X(c, jumptable_hits,		U64,  S, PROFILE, NO, NO, NULL)	\
	X(c, jumptable_misses,		U64,  T, PROFILE,  7,  5, NULL)	\
	X(c, jumptable_hit_rate,	PCT,  S, LEVEL,   NO, NO, "JT hits") \
	X(c, lost_estimate,		U64,  S, PROFILE, 15,  8, NULL)	\
	X(c, retired_instructions,	U64,  T, PROFILE,  8,  6, NULL)	\
	X(c, retired_executions,	NONE, T, PROFILE,  9, NO, NULL)	\
	X(c, dispatches,		U64,  S, COUNT,   10,  7, NULL)	\
	X(c, exits,			U64,  S, LEVEL,   NO, NO, NULL)	\
	X(c, indirect_sites,		U64,  S, LEVEL,   NO, NO, NULL)	\
	X(c, native_stubs,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, extable_entries,		U64,  S, LEVEL,   NO, NO, NULL)	\
	X(c, extable_full,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, refused,			U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, vectors_translated,	U64,  S, LEVEL,   NO, NO, NULL)	\
	X(c, vectors_native,		U64,  S, LEVEL,   NO, NO, NULL)	\
	X(c, pulls,			U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, cpu_installs,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, stale_breakpoints,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, dispatch_deferred,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, samples_cache,		U64,  S, PROFILE, 13,  9, NULL)	\
	X(c, samples_native,		U64,  S, PROFILE, 14, 10, NULL)	\
	X(c, samples_entry_and_thunks,	U64,  S, PROFILE, NO, NO, NULL)	\
	X(c, samples_other_kernel,	U64,  S, PROFILE, NO, NO, NULL)	\
	X(c, samples_user,		U64,  S, PROFILE, NO, NO, NULL)	\
	X(c, coverage,			PCT,  S, LEVEL,   NO, NO, "Coverage") \
	X(c, text_pokes,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, invalidated_blocks,	U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, text_pokes_missed,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, text_poke_overlays,	U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, cache_full,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, stack_rewrites,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, stack_pulls,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, fork_pulls,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, trace_maps,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, trace_frame_maps,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, flushes,			U64,  T, LEVEL,    1, NO, NULL)	\
	X(c, switchons,			U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, switchoffs,		U64,  S, COUNT,   NO, NO, NULL)	\
	X(c, resets,			U64,  T, LEVEL,    0, NO, NULL)	\
	X(c, locked_walk_max,		U64,  S, LEVEL,   NO, NO, NULL)	\
	X(c, invalidate_examined_max,	U64,  S, LEVEL,   NO, NO, NULL)

/* enum kdbt_stat: KDBT_STAT_<name>, the statistics in table order. */
#define __KDBT_STAT_ENUM(c, name, ...)	KDBT_STAT_##name,
enum kdbt_stat {
	KDBT_STATS(__KDBT_STAT_ENUM, 0)
	KDBT_STAT_NR
};

/* The fmt and kind columns as values: KDBT_STAT_FMT_##fmt, ... */
enum kdbt_stat_fmt {
	KDBT_STAT_FMT_U64,
	KDBT_STAT_FMT_PCT,
	KDBT_STAT_FMT_STR,
	KDBT_STAT_FMT_NONE,
};

enum kdbt_stat_kind {
	KDBT_STAT_KIND_LEVEL,
	KDBT_STAT_KIND_COUNT,
	KDBT_STAT_KIND_PROFILE,
};

/*
 * What the consumers of KDBT_STATS() use to act on the slot columns (the
 * trick of the kernel's IS_ENABLED(): a macro that is defined only for
 * the one argument sought expands to two arguments, and moves the answer
 * into second place):
 *	KDBT_IF_SLOT(slot, ...)		__VA_ARGS__, unless @slot is NO
 *	KDBT_IF_AT(slot, k, ...)	__VA_ARGS__ if @slot is the number @k
 *					(0 to 15)
 */
#define __KDBT_ARG2(a, b, ...)		b
#define __KDBT_PROBE(p)			__KDBT_ARG2(p, 0, ~)
#define __KDBT_WHEN(c, ...)		__KDBT_WHEN_(c, __VA_ARGS__)
#define __KDBT_WHEN_(c, ...)		__KDBT_WHEN_##c(__VA_ARGS__)
#define __KDBT_WHEN_0(...)
#define __KDBT_WHEN_1(...)		__VA_ARGS__
#define __KDBT_UNLESS(c, ...)		__KDBT_UNLESS_(c, __VA_ARGS__)
#define __KDBT_UNLESS_(c, ...)		__KDBT_UNLESS_##c(__VA_ARGS__)
#define __KDBT_UNLESS_0(...)		__VA_ARGS__
#define __KDBT_UNLESS_1(...)
#define __KDBT_IS_NO_NO			~, 1
#define __KDBT_EQ_0_0			~, 1
#define __KDBT_EQ_1_1			~, 1
#define __KDBT_EQ_2_2			~, 1
#define __KDBT_EQ_3_3			~, 1
#define __KDBT_EQ_4_4			~, 1
#define __KDBT_EQ_5_5			~, 1
#define __KDBT_EQ_6_6			~, 1
#define __KDBT_EQ_7_7			~, 1
#define __KDBT_EQ_8_8			~, 1
#define __KDBT_EQ_9_9			~, 1
#define __KDBT_EQ_10_10			~, 1
#define __KDBT_EQ_11_11			~, 1
#define __KDBT_EQ_12_12			~, 1
#define __KDBT_EQ_13_13			~, 1
#define __KDBT_EQ_14_14			~, 1
#define __KDBT_EQ_15_15			~, 1
#define KDBT_IF_SLOT(slot, ...) \
	__KDBT_UNLESS(__KDBT_PROBE(__KDBT_IS_NO_##slot), __VA_ARGS__)
#define KDBT_IF_AT(slot, k, ...) \
	__KDBT_WHEN(__KDBT_PROBE(__KDBT_EQ_##slot##_##k), __VA_ARGS__)

/*
 * KDBT_STATS_AT(X, k): the fields of the statistics whose column X
 * (__KDBT_SNAP or __KDBT_IVL) is @k, "__u64 name;", for laying out a
 * structure in slot order.
 */
#define __KDBT_SNAP(k, name, fmt, where, kind, snap, ivl, label) \
	KDBT_IF_AT(snap, k, __u64 name;)
#define __KDBT_IVL(k, name, fmt, where, kind, snap, ivl, label) \
	KDBT_IF_AT(ivl, k, __u64 name;)
#define KDBT_STATS_AT(X, k)		KDBT_STATS(X, k)

/*
 * /proc/kdbt/snapshot: every read at offset 0 takes a new snapshot; the
 * rest of the file comes from that snapshot, so reading the file to its
 * end gives one consistent picture (never half a reset).  Layout: one
 * struct kdbt_snap_header, then nblocks records of block_size bytes each
 * (struct kdbt_snap_block, possibly followed by fields of later
 * versions).  Little endian, naturally aligned.  Readers must accept a
 * header_size or block_size larger than they know (newer fields they
 * skip), and must refuse a different magic or a larger version.
 * /proc/kdbt/changes: the same, but per open file only what changed
 * (KDBT_SNAP_DELTA).
 */
#define KDBT_SNAP_MAGIC		0x50414e535442444bULL	/* "KDBTSNAP" */
#define KDBT_SNAP_VERSION	1

/* struct kdbt_snap_header.flags */
#define KDBT_SNAP_ON		0x1	/* translation is on */
#define KDBT_SNAP_FAST		0x2	/* fast mode (else transparent) */
#define KDBT_SNAP_COUNTERS	0x4	/* blocks count their executions */
#define KDBT_SNAP_HIDDEN	0x8	/* addresses hidden (kptr_restrict) */
/*
 * Only from /proc/kdbt/changes: the records are only the blocks that
 * changed (executions, misses, KDBT_BLOCK_INVALID) since the previous
 * read from offset 0 of the same open file, and the blocks made since,
 * in id order; every other block is as that read sent it.  Without the
 * flag a read of changes is complete, like one of snapshot (the first
 * read, the first after a cache flush).  The header is always complete.
 */
#define KDBT_SNAP_DELTA		0x10
/*
 * Only with KDBT_SNAP_DELTA, to a reader that asked for it by writing
 * "short" to its open /proc/kdbt/changes: the blocks that file sent
 * before come as nshort records of short_size bytes (struct
 * kdbt_snap_count: id, flags and counts, the rest as that file sent it)
 * after the nblocks whole records, which are then only the blocks made
 * since the previous read.  Both parts are in id order.
 */
#define KDBT_SNAP_SHORT		0x20

/* Bytes of struct kdbt_snap_header before its first statistic. */
#define KDBT_SNAP_STATS_OFFSET	48
#define KDBT_SNAP_NSTATS	16

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
	/*
	 * Then the statistics with a snap slot, in slot order: the resets
	 * and flushes since load, the totals since the last reset (they
	 * include the blocks of flushed caches, which the records no longer
	 * list: retired_*), the dispatcher entries since load, the code
	 * cache's bytes, the coverage samples and the lost-count estimate.
	 */
	KDBT_STATS_AT(__KDBT_SNAP, 0) KDBT_STATS_AT(__KDBT_SNAP, 1)
	KDBT_STATS_AT(__KDBT_SNAP, 2) KDBT_STATS_AT(__KDBT_SNAP, 3)
	KDBT_STATS_AT(__KDBT_SNAP, 4) KDBT_STATS_AT(__KDBT_SNAP, 5)
	KDBT_STATS_AT(__KDBT_SNAP, 6) KDBT_STATS_AT(__KDBT_SNAP, 7)
	KDBT_STATS_AT(__KDBT_SNAP, 8) KDBT_STATS_AT(__KDBT_SNAP, 9)
	KDBT_STATS_AT(__KDBT_SNAP, 10) KDBT_STATS_AT(__KDBT_SNAP, 11)
	KDBT_STATS_AT(__KDBT_SNAP, 12) KDBT_STATS_AT(__KDBT_SNAP, 13)
	KDBT_STATS_AT(__KDBT_SNAP, 14) KDBT_STATS_AT(__KDBT_SNAP, 15)
	/* Since KDBT_SNAP_HEADER_V1_SIZE (older headers end above): */
	__u32 nshort;		/* struct kdbt_snap_count records after the
				 * blocks (KDBT_SNAP_SHORT; else 0) */
	__u32 short_size;	/* bytes of one */
};

/* The layout is ABI: every slot where the table says, and no other. */
#define __KDBT_SNAP_CHECK(c, name, fmt, where, kind, snap, ivl, label)	\
	KDBT_IF_SLOT(snap, _Static_assert(				\
		__builtin_offsetof(struct kdbt_snap_header, name) ==	\
		KDBT_SNAP_STATS_OFFSET + 8 * (snap), "snap slot");)
KDBT_STATS(__KDBT_SNAP_CHECK, 0)
/*
 * The bytes of struct kdbt_snap_header before nshort and short_size were
 * appended: the smallest header_size a reader accepts (they read as 0).
 */
#define KDBT_SNAP_HEADER_V1_SIZE (KDBT_SNAP_STATS_OFFSET + 8 * KDBT_SNAP_NSTATS)
_Static_assert(__builtin_offsetof(struct kdbt_snap_header, nshort) ==
	       KDBT_SNAP_HEADER_V1_SIZE,
	       "struct kdbt_snap_header: a snap slot twice, or missing");
_Static_assert(sizeof(struct kdbt_snap_header) == KDBT_SNAP_HEADER_V1_SIZE + 8,
	       "struct kdbt_snap_header: padding");

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

/*
 * struct kdbt_snap_block.flags.  DERIVED: the block has no counter of its
 * own, its executions are the sum of its edge copies' (edge_of); set only
 * where block_size has edge.
 */
#define KDBT_BLOCK_INVALID	0x1	/* its native text changed since */
#define KDBT_BLOCK_DERIVED	0x2	/* counts through its edge copies */

/*
 * The edge of a derived block that an edge copy counts (struct
 * kdbt_snap_block.edge; "edge" column).  A derived block runs on into a
 * private copy of each successor, and each copy's executions are exactly
 * that edge's: a jcc's "taken" and "fall" (not taken) copies, a direct
 * jmp's "jmp" copy, a block cut at the length cap's "fall" copy.  An
 * indirect call or jmp's targets have copies too, one per slot of its
 * value profile ("indirect"), each counting the executions of the site
 * that went to it.
 */
enum kdbt_snap_edge {
	KDBT_EDGE_NONE,		/* "-": not an edge copy */
	KDBT_EDGE_FALL,		/* "fall": jcc not taken, or run-on */
	KDBT_EDGE_TAKEN,	/* "taken": the jcc taken */
	KDBT_EDGE_JMP,		/* "jmp": the direct jmp */
	KDBT_EDGE_INDIRECT,	/* "indirect": a target of the indirect call
				 * or jmp that ends block edge_of (a value
				 * profile's slot: kdbt(4)); edge_of is not
				 * derived */
	KDBT_EDGE_NR,
};

#define KDBT_EDGE_NAMES	{ "-", "fall", "taken", "jmp", "indirect" }

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
	/* Fields of later versions, each after the last (block_size says). */
	__u64 target;		/* native target of the direct call (kind
				 * call) or direct jmp (kind jmp) that ends
				 * the block; 0 for other kinds, for calls
				 * and jumps kdbt turns into indirect ones
				 * (the indirect thunks), and when hidden */
	/* An edge copy: the derived block's address (0 when hidden). */
	__u64 edge_of;		/* 0: not an edge copy */
	__u32 edge_of_id;	/* that block's id; 0: not an edge copy */
	__u8 edge;		/* enum kdbt_snap_edge */
	__u8 reserved2;
	__u16 reserved3;
};

/*
 * A block in short form (KDBT_SNAP_SHORT): what can change in a block the
 * reader has (its id's other fields stay as sent before).
 */
struct kdbt_snap_count {
	__u32 id;
	__u8 flags;		/* KDBT_BLOCK_* */
	__u8 reserved0;
	__u16 reserved1;
	__u64 executions;
	__u64 misses;
};

/*
 * The bytes of struct kdbt_snap_block in its first form (without target):
 * the smallest block_size a reader accepts.  A reader sees the target,
 * or the edges (edge_of, edge_of_id, edge, KDBT_BLOCK_DERIVED), only if
 * block_size covers them (kdbt_snap_block_has(size, target), (size,
 * edge)): 48 bytes has the target, 64 the edges too.
 */
#define KDBT_SNAP_BLOCK_V1_SIZE	40

#define kdbt_snap_block_has(block_size, field)				\
	((block_size) >= __builtin_offsetof(struct kdbt_snap_block, field) + \
	 sizeof(((struct kdbt_snap_block *)0)->field))

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
