/* SPDX-License-Identifier: GPL-2.0 */
/*
 * format.h - the text of kdbt-top's screen and of its batch output: the
 * header lines, the status line, the column titles and the rows.
 *
 * Owns: the column table (title, width, sort key) and every string the
 * two views print, so that both say the same thing.
 * Must never: include curses, or print (it fills caller buffers).
 */
#ifndef KDBT_TOP_FORMAT_H
#define KDBT_TOP_FORMAT_H

#include <stddef.h>
#include "model.h"

/* A buffer of this size holds any line format.c makes (then truncated). */
#define TOP_LINE	1024

/* Lines of format_header(), notices excluded. */
#define TOP_HEADER_LINES	4

struct top_column {
	const char *title;
	int width;		/* characters; 0: the rest of the line */
	enum top_sort key;	/* the key that sorts by this column */
	void (*fmt)(char *buf, size_t len, const struct top_model *m,
		    const struct top_row *r);
};

extern const struct top_column top_columns[TOP_SORT_NR];

void format_header(const struct top_model *m,
		   char lines[TOP_HEADER_LINES][TOP_LINE]);
int format_notices(const struct top_model *m, char lines[][TOP_LINE],
		   int max);
char *format_status(const struct top_model *m, char *buf, size_t len);
char *format_titles(char *buf, size_t len);
int format_column_x(enum top_sort key, int *width);
char *format_row(const struct top_model *m, const struct top_row *r,
		 char *buf, size_t len);

#endif /* KDBT_TOP_FORMAT_H */
