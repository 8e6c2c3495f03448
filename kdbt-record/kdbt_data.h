/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbt_data.h - the kdbt.data file that kdbt-record writes and kdbt-report
 * reads (man kdbt-data(5)), and the in-memory recording both tools share.
 *
 * Layout.  Little endian, every structure naturally aligned, every offset
 * from the start of the file, every section starting on 8 bytes:
 *
 *	offset 0	struct kdbt_data_header: magic "KDBTDATA" (read with
 *			the other byte order it says so), format version,
 *			file size, feature bitmap, where the section table is
 *	header_size	section KDBT_SEC_INTERVALS (written while recording)
 *	...		the other sections, in any order
 *	sections_offset	the section table: nsections struct
 *			kdbt_data_section {type, version, offset, size}
 *
 * The feature bitmap has bit T set for each section of type T in the
 * table.  A reader skips a section type it does not know, and a section
 * whose version is newer than its own unless the section is required;
 * every table and record carries its own size, so a later version may
 * append fields, which older readers skip.  A change that older readers
 * would misread bumps KDBT_DATA_VERSION.  kdbt-record writes the header
 * last: until it has, the header's file_size is 0 ("not finished").
 *
 * Sections:
 *	INFO	  struct kdbt_data_info: times, CPUs, mode, how it recorded,
 *		  the command's exit status (required)
 *	STRINGS	  NUL-terminated "key=value" strings: sysname, hostname,
 *		  release, version, machine (uname), kdbt_release,
 *		  tool_release
 *	BUILD_ID  the kernel's GNU build id (/sys/kernel/notes), raw bytes
 *	CMDLINE	  u32 argc, u32 command (index of the recorded command's
 *		  first word in argv, or argc if none), then argc
 *		  NUL-terminated words: kdbt-record's command line
 *	MODULES	  struct kdbt_data_table, then struct kdbt_data_module:
 *		  modules (0 is the core kernel, "kernel") with load
 *		  addresses (required)
 *	SYMBOLS	  struct kdbt_data_symtab, struct kdbt_data_symbol entries
 *		  sorted by address and not overlapping, then the names
 *		  (NUL-terminated, at offsets into the pool): the symbols of
 *		  the recorded blocks only (required)
 *	BLOCKS	  struct kdbt_data_table, then struct kdbt_data_block: every
 *		  block that counted anything during the recording, once
 *		  (required).  Its entry grew a target (the direct call's or
 *		  jmp's) later: an entry of KDBT_DATA_BLOCK_V1_SIZE bytes has
 *		  none, and the targets are known only with KDBT_REC_TARGETS;
 *		  then the edges (edge_of, edge, KDBT_BLOCK_DERIVED in flags):
 *		  an entry of KDBT_DATA_BLOCK_V2_SIZE bytes has none, and they
 *		  are known only with KDBT_REC_EDGES.  An edge copy is an
 *		  entry apart from its native block's other translations
 *	INTERVALS one struct kdbt_data_interval per snapshot interval, each
 *		  followed by its nrecs struct kdbt_data_rec (a block's
 *		  executions and misses in that interval; blocks with none
 *		  are left out) (required)
 *	MODULE_BUILD_IDS struct kdbt_data_table, then struct
 *		  kdbt_data_module_build_id: the GNU build ids of the modules
 *		  (/sys/module/NAME/notes) by index in MODULES, ascending;
 *		  a module without one has no entry (added later: a file
 *		  without the section is older, not damaged)
 *	CODE	  struct kdbt_data_codetab, struct kdbt_data_code entries
 *		  sorted by address, then their bytes: the machine code of
 *		  the functions of SYMBOLS (from /proc/kcore), each at most
 *		  KDBT_DATA_CODE_MAX bytes, for kdbt-report --annotate
 *		  (added later, and optional: a file without it was written
 *		  before it existed, or without a readable /proc/kcore)
 *
 * Owns: the on-disk layout and the model (struct kdbt_rec) that
 * data_read.c fills and data_write.c writes (the statistics of an
 * interval and their order are KDBT_STATS()'s ivl column).
 * Must never: depend on /proc/kdbt (a recording is read anywhere), or
 * trust a size, an offset, a count or an index of a file before checking
 * it against the bytes there are.
 */
#ifndef KDBT_DATA_H
#define KDBT_DATA_H

#include <stdio.h>
#include "libkdbt.h"

#define KDBT_DATA_MAGIC		0x415441445442444bULL	/* "KDBTDATA" */
#define KDBT_DATA_VERSION	1
#define KDBT_DATA_NAME		"kdbt.data"

struct kdbt_data_header {
	__u64 magic;		/* KDBT_DATA_MAGIC */
	__u32 version;		/* KDBT_DATA_VERSION */
	__u32 header_size;	/* bytes of this header */
	__u64 file_size;	/* bytes of the file; 0: not finished */
	__u64 features;		/* bit T: a section of type T is present */
	__u64 sections_offset;	/* the section table */
	__u32 nsections;
	__u32 section_size;	/* bytes of one struct kdbt_data_section */
	__u64 reserved[2];
};

/* Section types: bit numbers of the feature bitmap. */
enum kdbt_data_sec {
	KDBT_SEC_INFO = 1,
	KDBT_SEC_STRINGS,
	KDBT_SEC_BUILD_ID,
	KDBT_SEC_CMDLINE,
	KDBT_SEC_MODULES,
	KDBT_SEC_SYMBOLS,
	KDBT_SEC_BLOCKS,
	KDBT_SEC_INTERVALS,
	KDBT_SEC_MODULE_BUILD_IDS,
	KDBT_SEC_CODE,
	KDBT_SEC_NR,
};

struct kdbt_data_section {
	__u32 type;		/* enum kdbt_data_sec */
	__u32 version;		/* of the section's layout, 1 */
	__u64 offset;
	__u64 size;
};

/* struct kdbt_data_info.rec_flags */
#define KDBT_REC_SWITCHED_ON	0x1	/* kdbt-record switched translation on */
#define KDBT_REC_SWITCHED_OFF	0x2	/* ... and off again at the end */
#define KDBT_REC_RESET		0x4	/* it reset the counters first */
#define KDBT_REC_SYSTEM_WIDE	0x8	/* -a: no command, until a signal */
#define KDBT_REC_COMMAND	0x10	/* a command ran; exit_status is its */
#define KDBT_REC_STALE		0x20	/* a reset or flush in between */
#define KDBT_REC_TARGETS	0x40	/* every snapshot had the blocks'
					 * targets (kdbt.ko with them) */
#define KDBT_REC_EDGES		0x80	/* every snapshot had the blocks'
					 * edges (kdbt.ko with them) */

struct kdbt_data_info {
	__u64 start_realtime_ns;	/* wall clock at the first snapshot */
	__u64 start_ns;		/* CLOCK_MONOTONIC of the first snapshot */
	__u64 end_ns;		/* ... of the last */
	__u64 interval_ns;	/* the interval asked for */
	__u32 ncpus;		/* online CPUs at the end */
	__u32 snap_flags;	/* KDBT_SNAP_* of the last snapshot */
	__u32 rec_flags;	/* KDBT_REC_* */
	__s32 exit_status;	/* the command's wait status (waitpid) */
	__u32 resets;		/* resets seen during the recording */
	__u32 flushes;		/* cache flushes seen during it */
	__u32 snap_version;	/* KDBT_SNAP_VERSION of the snapshots */
	__u32 reserved;
};

/* The head of MODULES and BLOCKS: entry_size may grow, count may not lie. */
struct kdbt_data_table {
	__u32 count;
	__u32 entry_size;
};

#define KDBT_DATA_MODNAME	64

struct kdbt_data_module {
	__u64 start;		/* 0: unknown (the core kernel, kallsyms tags) */
	__u64 size;
	char name[KDBT_DATA_MODNAME];	/* NUL-terminated */
};

/* The longest build id kept, the kernel's or a module's. */
#define KDBT_DATA_BUILD_ID_MAX	64

struct kdbt_data_module_build_id {
	__u32 module;		/* index in MODULES, from 1 (0: BUILD_ID) */
	__u32 size;		/* bytes of id used, 1..KDBT_DATA_BUILD_ID_MAX */
	__u8 id[KDBT_DATA_BUILD_ID_MAX];
};

struct kdbt_data_symtab {
	__u32 count;
	__u32 entry_size;
	__u32 strings_size;	/* bytes of the name pool after the entries */
	__u32 reserved;
};

struct kdbt_data_symbol {
	__u64 start;
	__u64 size;
	__u32 name;		/* offset in the name pool */
	__u32 module;		/* index in MODULES */
};

/* The head of CODE: the entries, then bytes_size bytes of code. */
struct kdbt_data_codetab {
	__u32 count;
	__u32 entry_size;
	__u32 bytes_size;	/* bytes of code after the entries */
	__u32 reserved;
};

/* A function larger than this keeps no code in the recording. */
#define KDBT_DATA_CODE_MAX	(64 * 1024)

struct kdbt_data_code {
	__u64 start;		/* the start of a symbol of SYMBOLS */
	__u32 size;		/* bytes: the symbol's size */
	__u32 offset;		/* of the bytes, after the entries */
};

struct kdbt_data_block {
	__u64 native;		/* first native byte */
	__u32 id;		/* the kernel's block id when first seen */
	__u32 generation;	/* cache flushes since load, then */
	__u16 insns;		/* native instructions */
	__u16 native_len;	/* native bytes */
	__u8 kind;		/* enum kdbt_snap_kind */
	__u8 flags;		/* KDBT_BLOCK_DERIVED (with KDBT_REC_EDGES) */
	__u16 reserved;
	/* Then the fields of later versions (entry_size says). */
	__u64 target;		/* struct kdbt_snap_block.target: the direct
				 * call's or jmp's native target, or 0 */
	__u64 edge_of;		/* struct kdbt_snap_block.edge_of: an edge
				 * copy's derived block, or 0 */
	__u8 edge;		/* enum kdbt_snap_edge */
	__u8 reserved1[7];
};

/* The bytes of struct kdbt_data_block in its first form (no target). */
#define KDBT_DATA_BLOCK_V1_SIZE	24
/* ... and in its second (a target, no edges). */
#define KDBT_DATA_BLOCK_V2_SIZE	32

/* struct kdbt_data_interval.flags */
#define KDBT_IVL_RESET		0x1	/* a reset: counts only since it */
#define KDBT_IVL_FLUSH		0x2	/* a flush: blocks since it only */

/*
 * Counts of one interval: the kernel's totals (differences of the
 * snapshot headers, flushed blocks included) and, in the records after
 * it, those of each block that counted.
 */
#define KDBT_DATA_IVL_STATS_OFFSET	32	/* bytes before the totals */
#define KDBT_DATA_IVL_NSTATS		11

struct kdbt_data_interval {
	__u32 header_size;	/* bytes of this structure */
	__u32 rec_size;		/* bytes of one struct kdbt_data_rec */
	__u32 nrecs;
	__u32 flags;		/* KDBT_IVL_* */
	__u64 start_ns;		/* CLOCK_MONOTONIC */
	__u64 end_ns;
	/*
	 * Then the kernel's totals: the statistics with an ivl slot in
	 * KDBT_STATS() (kdbt_abi.h), in slot order (instructions first).
	 */
	KDBT_STATS_AT(__KDBT_IVL, 0) KDBT_STATS_AT(__KDBT_IVL, 1)
	KDBT_STATS_AT(__KDBT_IVL, 2) KDBT_STATS_AT(__KDBT_IVL, 3)
	KDBT_STATS_AT(__KDBT_IVL, 4) KDBT_STATS_AT(__KDBT_IVL, 5)
	KDBT_STATS_AT(__KDBT_IVL, 6) KDBT_STATS_AT(__KDBT_IVL, 7)
	KDBT_STATS_AT(__KDBT_IVL, 8) KDBT_STATS_AT(__KDBT_IVL, 9)
	KDBT_STATS_AT(__KDBT_IVL, 10)
};

struct kdbt_data_rec {
	__u32 block;		/* index in BLOCKS */
	__u32 reserved;
	__u64 executions;
	__u64 misses;
};

/* ------------------------------------------------------------------ */
/* The recording in memory                                            */
/* ------------------------------------------------------------------ */

struct kdbt_rec_interval {
	struct kdbt_data_interval h;	/* the known prefix */
	struct kdbt_data_rec *recs;	/* h.nrecs */
};

/* A GNU build id in memory; len 0: none. */
struct kdbt_build_id {
	__u8 id[KDBT_DATA_BUILD_ID_MAX];
	__u32 len;
};

/* Enough for a build id in hex, with its NUL. */
#define KDBT_BUILD_ID_HEX	(2 * KDBT_DATA_BUILD_ID_MAX + 1)

/* A function's code (CODE): its bytes [start, start + size). */
struct kdbt_rec_code {
	__u64 start;
	__u32 size;
	const __u8 *bytes;	/* in struct kdbt_rec.code_bytes */
};

/* A section as the table lists it, for kdbt-report --header. */
struct kdbt_rec_section {
	struct kdbt_data_section s;
	int known;		/* 1 read, 0 skipped (unknown or newer) */
};

/*
 * A recording: what kdbt-record writes and kdbt-report reads.  Strings
 * and arrays are malloc()ed; kdbt_rec_free() frees them all.
 */
struct kdbt_rec {
	__u32 version;			/* format version read */
	__u64 file_size;
	struct kdbt_data_info info;
	char *strings;			/* STRINGS: "key=value\0"... */
	size_t strings_len;
	__u8 build_id[KDBT_DATA_BUILD_ID_MAX];
	__u32 build_id_len;
	/* MODULE_BUILD_IDS: one per module (syms.nmods); NULL: no section */
	struct kdbt_build_id *mod_build_ids;
	char **argv;			/* CMDLINE, NULL-terminated */
	__u32 argc;
	__u32 command;			/* index of the command in argv */
	struct kdbt_syms syms;		/* MODULES and SYMBOLS, for libkdbt */
	struct kdbt_data_block *blocks;
	__u32 nblocks;
	int targets;			/* the blocks' targets are known: entries
					 * with them, and KDBT_REC_TARGETS */
	int edges;			/* the blocks' edges are known: entries
					 * with them, and KDBT_REC_EDGES */
	/* CODE, sorted by start; NULL: no section */
	struct kdbt_rec_code *code;
	__u32 ncode;
	__u8 *code_bytes;		/* what code[] points into */
	__u32 code_bytes_size;
	struct kdbt_rec_interval *ivls;
	__u32 nivls;
	struct kdbt_rec_section *secs;	/* the section table (reader) */
	__u32 nsecs;
};

void kdbt_rec_free(struct kdbt_rec *r);
__u64 *kdbt_data_ivl_slot(struct kdbt_data_interval *h, unsigned int i);
void kdbt_data_ivl_add(struct kdbt_data_interval *sum,
		       const struct kdbt_data_interval *h);
const char *kdbt_rec_string(const struct kdbt_rec *r, const char *key);
int kdbt_rec_set_string(struct kdbt_rec *r, const char *key,
			const char *value);
const char *kdbt_data_sec_name(__u32 type);
const struct kdbt_build_id *kdbt_rec_module_build_id(const struct kdbt_rec *r,
						     size_t module);
char *kdbt_build_id_hex(const __u8 *id, __u32 len,
			char buf[KDBT_BUILD_ID_HEX]);
struct kdbt_data_block kdbt_data_block_of(const struct kdbt_snap_block *b,
					  __u64 generation);
const struct kdbt_rec_code *kdbt_rec_code_of(const struct kdbt_rec *r,
					     __u64 start);

/* text.c: names from a recording, escaped for printing */
size_t kdbt_text_char_len(const char *s);
void kdbt_text_print(FILE *f, const char *s, int width);
char *kdbt_text_dup(const char *s);

/* data_read.c */
int kdbt_rec_parse(struct kdbt_rec *r, const void *buf, size_t len,
		   const char *name, struct kdbt_err *err);
int kdbt_rec_read(struct kdbt_rec *r, const char *path, struct kdbt_err *err);
void kdbt_rec_print_header(const struct kdbt_rec *r, FILE *f);

/* data_write.c: a recording written through a temporary file. */
struct kdbt_data_writer {
	int fd;
	char *path;		/* the final name */
	char *tmp;		/* the temporary file beside it */
	__u64 off;		/* bytes written */
	__u64 ivl_start;	/* INTERVALS section's offset */
	__u32 nivls;
	struct kdbt_data_section secs[KDBT_SEC_NR];
	__u32 nsecs;
};

int kdbt_data_create(struct kdbt_data_writer *w, const char *path,
		     struct kdbt_err *err);
int kdbt_data_add_interval(struct kdbt_data_writer *w,
			   const struct kdbt_data_interval *h,
			   const struct kdbt_data_rec *recs,
			   struct kdbt_err *err);
int kdbt_data_finish(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		     struct kdbt_err *err);
void kdbt_data_abort(struct kdbt_data_writer *w);

#endif /* KDBT_DATA_H */
