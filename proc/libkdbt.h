/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkdbt.h - the userspace reader of /proc/kdbt shared by the kdbt tools
 * (kdbt-snapshot, kdbt-top, kdbt-record).
 *
 * Owns: reading and validating the binary snapshot (kdbt_abi.h), the
 * statistics of KDBT_STATS() (what each one is, /proc/kdbt/stats parsed, a
 * snapshot's statistics), the symbol table built from /proc/kallsyms and
 * /proc/modules, the counts derived from a snapshot (per block, per
 * function, totals, deltas) and the number formats the tools share.
 * Must never: write to /proc/kdbt, print anything itself (errors go back
 * to the caller in a struct kdbt_err), or keep global state (every call
 * works on caller-owned structures, so a tool may hold several snapshots).
 *
 * Return values: 0 on success, a negative errno on failure, with a message
 * naming the file and the problem in the struct kdbt_err (which may be
 * NULL when the caller does not want it):
 *   -ENOENT           no such file (for /proc/kdbt: kdbt.ko is not loaded)
 *   -EACCES           permission denied (/proc/kdbt is root-only)
 *   -ENODATA          empty snapshot
 *   -EBADMSG          not a snapshot, or a malformed one
 *   -EPROTO           a snapshot version newer than this reader
 *   -ESTALE           two snapshots of different generations (delta)
 *   -EPERM            kallsyms addresses hidden by kptr_restrict
 *   -ENOMEM, -EFBIG   out of memory, file too large
 *   others            from open(2) and read(2)
 */
#ifndef LIBKDBT_H
#define LIBKDBT_H

#include <stdbool.h>
#include <stddef.h>
#include "kdbt_abi.h"

#define KDBT_SNAPSHOT_PATH	"/proc/" KDBT_PROC_DIR "/" KDBT_PROC_SNAPSHOT
#define KDBT_CHANGES_PATH	"/proc/" KDBT_PROC_DIR "/" KDBT_PROC_CHANGES
#define KDBT_STATS_PATH		"/proc/" KDBT_PROC_DIR "/" KDBT_PROC_STATS
#define KDBT_KALLSYMS_PATH	"/proc/kallsyms"
#define KDBT_MODULES_PATH	"/proc/modules"

/* What went wrong, for the user: "FILE: problem". */
struct kdbt_err {
	int code;		/* the negative errno returned, 0 if none */
	char msg[512];
};

/*
 * One snapshot, validated.  The header and records are copies of the
 * known prefix of what the kernel wrote (newer fields are dropped).
 * Zero-initialise before the first read; a read replaces the contents on
 * success and leaves them untouched on failure.
 */
struct kdbt_snap {
	/*
	 * As read, but for nblocks: the records in @blocks, which for a
	 * read of /proc/kdbt/changes with KDBT_SNAP_SHORT start with the
	 * nshort short records (id, flags and counts; the rest 0 until
	 * kdbt_changes_apply() makes them whole).
	 */
	struct kdbt_snap_header hdr;
	struct kdbt_snap_block *blocks;	/* hdr.nblocks records */
	__u64 interval_ns;	/* a delta (kdbt_snap_delta): its length */
};

/* A snapshot without blocks may have none allocated: no NULL + 0 then. */
#define kdbt_snap_for_each_block(s, b) \
	for ((b) = (s)->blocks; (b) && (b) < (s)->blocks + (s)->hdr.nblocks; \
	     (b)++)

int kdbt_snap_parse(struct kdbt_snap *s, const void *buf, size_t len,
		    const char *name, struct kdbt_err *err);
int kdbt_snap_read_fd(struct kdbt_snap *s, int fd, const char *name,
		      struct kdbt_err *err);
int kdbt_snap_read(struct kdbt_snap *s, const char *path,
		   struct kdbt_err *err);
int kdbt_changes_open(const char *path, bool short_form);
/* What one read of /proc/kdbt/changes sent (kdbt_snap_update_fd()). */
struct kdbt_changes_read {
	__u32 records;
	__u32 shorts;		/* of them in short form (KDBT_SNAP_SHORT) */
	bool delta;		/* KDBT_SNAP_DELTA: only changes */
};

int kdbt_snap_update_fd(struct kdbt_snap *s, int fd, const char *name,
			struct kdbt_changes_read *rd, struct kdbt_err *err);
int kdbt_changes_read_fd(struct kdbt_snap *d, int fd, const char *name,
			 struct kdbt_err *err);
__u32 kdbt_changes_fit(const struct kdbt_snap *s, const struct kdbt_snap *d);
long kdbt_changes_check(const struct kdbt_snap *s, const struct kdbt_snap *d,
			const char *name, struct kdbt_err *err);
void kdbt_changes_apply(struct kdbt_snap *s, struct kdbt_snap *d, __u32 n);
void kdbt_snap_free(struct kdbt_snap *s);
const char *kdbt_kind_name(unsigned int kind);
const char *kdbt_edge_name(unsigned int edge);

/* Counts of a block, a function or a whole snapshot. */
struct kdbt_counts {
	__u64 instructions;	/* native instructions executed */
	__u64 executions;	/* block executions */
	__u64 indirect;		/* indirect-branch executions */
	__u64 misses;		/* jumptable misses */
	__u64 hits;		/* jumptable hits: indirect - misses */
};

void kdbt_block_counts(const struct kdbt_snap *s,
		       const struct kdbt_snap_block *b, struct kdbt_counts *c);
void kdbt_snap_sum(const struct kdbt_snap *s, struct kdbt_counts *c);
void kdbt_snap_totals(const struct kdbt_snap *s, struct kdbt_counts *c);
int kdbt_snap_delta(struct kdbt_snap *out, const struct kdbt_snap *older,
		    const struct kdbt_snap *newer, struct kdbt_err *err);
void kdbt_snap_zero_profile(struct kdbt_snap_header *h);

/*
 * The statistics (KDBT_STATS() in kdbt_abi.h), by enum kdbt_stat: what
 * each one is (libkdbt_stats.c).
 */
struct kdbt_stat_info {
	const char *name;	/* its /proc/kdbt/stats name */
	const char *label;	/* what kdbt-top calls it, or NULL */
	enum kdbt_stat_fmt fmt;
	enum kdbt_stat_kind kind;
};

const struct kdbt_stat_info *kdbt_stat_info(unsigned int i);
int kdbt_stat_find(const char *name);
int kdbt_snap_u64(const struct kdbt_snap_header *h, unsigned int i,
		  __u64 *v);

/* Buffers of this size hold any value of /proc/kdbt/stats. */
#define KDBT_STAT_TEXT	32

int kdbt_snap_stat(const struct kdbt_snap *s, unsigned int i, char *buf,
		   size_t len);

/* /proc/kdbt/stats, read: every value as the kernel wrote it, "" if none. */
struct kdbt_stat_values {
	char text[KDBT_STAT_NR][KDBT_STAT_TEXT];
};

int kdbt_stats_parse(struct kdbt_stat_values *sv, const char *buf,
		     size_t len, const char *name, struct kdbt_err *err);
int kdbt_stats_read(struct kdbt_stat_values *sv, const char *path,
		    struct kdbt_err *err);
const char *kdbt_stats_get(const struct kdbt_stat_values *sv,
			   unsigned int i);

/* A text symbol of the running kernel or of a module. */
struct kdbt_sym {
	__u64 start;
	__u64 size;		/* to the next symbol, or the end of text */
	const char *name;
	const char *module;	/* "kernel" for the core kernel (and BPF) */
};

/* A loaded module (/proc/modules), or a kallsyms tag such as "bpf". */
struct kdbt_module {
	char name[64];
	__u64 start;		/* 0 when unknown or hidden */
	__u64 size;
};

/* The symbol table: text symbols sorted by start address. */
struct kdbt_syms {
	struct kdbt_sym *syms;
	size_t nsyms;
	struct kdbt_module *mods;	/* mods[0] is the core kernel */
	size_t nmods;
	char *strings;			/* the symbol names */
};

int kdbt_syms_load(struct kdbt_syms *st, const char *kallsyms,
		   const char *modules, struct kdbt_err *err);
void kdbt_syms_free(struct kdbt_syms *st);
const struct kdbt_sym *kdbt_syms_find(const struct kdbt_syms *st, __u64 addr);

/* The blocks of one function, summed. */
struct kdbt_func {
	__u64 start;		/* symbol start, or the block's address */
	const struct kdbt_sym *sym;	/* NULL: no symbol covers @start */
	const char *module;	/* "kernel", a module's name, or "unknown" */
	struct kdbt_counts c;
	__u64 calls;		/* executions of the block at @start */
	__u32 blocks;
	__u32 first;		/* index of its first block in the snapshot */
};

int kdbt_funcs_build(const struct kdbt_snap *s, const struct kdbt_syms *st,
		     struct kdbt_func **funcs, size_t *nfuncs,
		     struct kdbt_err *err);
int kdbt_funcs_build_syms(const struct kdbt_snap *s,
			  const struct kdbt_syms *st,
			  const struct kdbt_sym *const *syms_of,
			  struct kdbt_func **funcs, size_t *nfuncs,
			  struct kdbt_err *err);
int kdbt_block_starts_func(const struct kdbt_sym *sym, __u64 native);

/*
 * Errors, for the tools too: kdbt_fail() fills @err (if any) from a
 * printf format and returns @code; kdbt_open_failed() words a failed
 * open() of @path (errno @e) as the library does (not loaded, root-only).
 */
__attribute__((format(printf, 3, 4)))
int kdbt_fail(struct kdbt_err *err, int code, const char *fmt, ...);
int kdbt_open_failed(const char *path, int e, struct kdbt_err *err);

/* Buffers of this size hold any kdbt_fmt_count() or kdbt_fmt_rate(). */
#define KDBT_FMT_LEN	24

char *kdbt_fmt_count(char *buf, size_t len, __u64 v);
char *kdbt_fmt_rate(char *buf, size_t len, __u64 hits, __u64 total);
char *kdbt_fmt_symbol(char *buf, size_t len, const struct kdbt_syms *st,
		      __u64 addr);

#endif /* LIBKDBT_H */
