/* SPDX-License-Identifier: GPL-2.0 */
/*
 * data_int.h - what data.c, data_read.c and data_write.c share and the
 * tools do not see: the table of section operations.
 *
 * Owns: struct kdbt_data_secops, one entry per section type, in the
 * order a reader processes them (a section only refers to those before
 * it: MODULE_BUILD_IDS and SYMBOLS to MODULES, CODE to SYMBOLS,
 * INTERVALS to BLOCKS).
 * Must never: be included by a tool (they use kdbt_data.h).
 */
#ifndef KDBT_DATA_INT_H
#define KDBT_DATA_INT_H

#include "kdbt_data.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Sizes of records and tables as version 1 writes them. */
#define KDBT_DATA_ALIGN	8

/*
 * One section type: @read checks and copies the @size bytes at @p into
 * the recording; @write appends it to the file (NULL: INTERVALS, which
 * kdbt-record writes while recording); @print shows it for --header;
 * @present says whether a recording has the section to write (NULL:
 * always).
 */
struct kdbt_data_secops {
	__u32 type;
	const char *name;
	int required;
	__u32 version;
	int (*read)(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		    const char *file, struct kdbt_err *err);
	int (*write)(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		     struct kdbt_err *err);
	void (*print)(const struct kdbt_rec *r, FILE *f);
	int (*present)(const struct kdbt_rec *r);
};

extern const struct kdbt_data_secops kdbt_data_secops[];
extern const unsigned int kdbt_data_nsecops;

const struct kdbt_data_secops *kdbt_data_secops_of(__u32 type);

/* data_read.c */
int kdbt_rd_info(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		 const char *file, struct kdbt_err *err);
int kdbt_rd_strings(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		    const char *file, struct kdbt_err *err);
int kdbt_rd_build_id(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		     const char *file, struct kdbt_err *err);
int kdbt_rd_cmdline(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		    const char *file, struct kdbt_err *err);
int kdbt_rd_modules(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		    const char *file, struct kdbt_err *err);
int kdbt_rd_module_build_ids(struct kdbt_rec *r, const unsigned char *p,
			     __u64 size, const char *file,
			     struct kdbt_err *err);
int kdbt_rd_symbols(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		    const char *file, struct kdbt_err *err);
int kdbt_rd_blocks(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		   const char *file, struct kdbt_err *err);
int kdbt_rd_code(struct kdbt_rec *r, const unsigned char *p, __u64 size,
		 const char *file, struct kdbt_err *err);
int kdbt_rd_intervals(struct kdbt_rec *r, const unsigned char *p,
		      __u64 size, const char *file, struct kdbt_err *err);
void kdbt_pr_info(const struct kdbt_rec *r, FILE *f);
void kdbt_pr_strings(const struct kdbt_rec *r, FILE *f);
void kdbt_pr_build_id(const struct kdbt_rec *r, FILE *f);
void kdbt_pr_cmdline(const struct kdbt_rec *r, FILE *f);
void kdbt_pr_modules(const struct kdbt_rec *r, FILE *f);
void kdbt_pr_module_build_ids(const struct kdbt_rec *r, FILE *f);
void kdbt_pr_symbols(const struct kdbt_rec *r, FILE *f);
void kdbt_pr_blocks(const struct kdbt_rec *r, FILE *f);
void kdbt_pr_code(const struct kdbt_rec *r, FILE *f);
void kdbt_pr_intervals(const struct kdbt_rec *r, FILE *f);

/* data_write.c */
int kdbt_wr_info(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		 struct kdbt_err *err);
int kdbt_wr_strings(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		    struct kdbt_err *err);
int kdbt_wr_build_id(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		     struct kdbt_err *err);
int kdbt_wr_cmdline(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		    struct kdbt_err *err);
int kdbt_wr_modules(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		    struct kdbt_err *err);
int kdbt_wr_module_build_ids(struct kdbt_data_writer *w,
			     const struct kdbt_rec *r, struct kdbt_err *err);
int kdbt_wr_symbols(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		    struct kdbt_err *err);
int kdbt_wr_blocks(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		   struct kdbt_err *err);
int kdbt_wr_code(struct kdbt_data_writer *w, const struct kdbt_rec *r,
		 struct kdbt_err *err);

#endif /* KDBT_DATA_INT_H */
