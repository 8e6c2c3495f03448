// SPDX-License-Identifier: GPL-2.0
/*
 * text.c - the names a recording carries (symbols, modules, the command
 * line, the host's strings), made safe to print.
 *
 * A kdbt.data file may come from anywhere, and its strings are printed
 * to terminals: a name with an escape sequence in it could drive the
 * terminal (clear the screen, retitle the window, rewrite what was
 * printed).  Every text output therefore prints a name's printable
 * UTF-8 characters as they are and every other byte, that of a control
 * character (C0, DEL, C1) or of a sequence that is not UTF-8, as \xNN.
 * Backslashes are printed as they are: the escapes are for safety, not
 * for a round trip.
 *
 * Owns: what "printable" means (kdbt_text_char_len()) and the \xNN form.
 * Must never: write a control byte or a byte that is not UTF-8 from a
 * name to the output.
 */
#include <stdlib.h>
#include <string.h>
#include "kdbt_data.h"

/* The length of the UTF-8 character at @p (1 to 4), 0 if it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned int c;
	size_t n, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xc2)		/* a continuation byte, or overlong */
		return 0;
	if (p[0] < 0xe0)
		n = 2, c = p[0] & 0x1f;
	else if (p[0] < 0xf0)
		n = 3, c = p[0] & 0x0f;
	else if (p[0] < 0xf5)
		n = 4, c = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {	/* stops at the NUL, too */
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

/**
 * kdbt_text_char_len() - whether the character at @s prints as it is
 * @s: a position in a NUL-terminated string, not at its end
 *
 * Return: the length in bytes (1 to 4) of the printable UTF-8 character
 * at @s; 0 if its first byte is to be escaped: a control character
 * (below 0x20, 0x7f, or U+0080 to U+009F) or not UTF-8.
 */
size_t kdbt_text_char_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (p[0] < 0x20 || p[0] == 0x7f)
		return 0;
	n = utf8_len(p);
	if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)	/* C1 controls */
		return 0;
	return n;
}

/* Where text_put() puts its bytes: a stream, a buffer, or neither. */
struct sink {
	FILE *f;
	char *buf;		/* large enough (text_put() measured it) */
	size_t len;		/* bytes put so far */
};

static void sink_put(struct sink *k, const char *p, size_t n)
{
	if (k->f)
		fwrite(p, 1, n, k->f);
	if (k->buf)
		memcpy(k->buf + k->len, p, n);
	k->len += n;
}

/* @s escaped, into @k. */
static void text_put(struct sink *k, const char *s)
{
	char esc[8];
	size_t n;

	while (*s) {
		n = kdbt_text_char_len(s);
		if (n) {
			sink_put(k, s, n);
			s += n;
		} else {
			snprintf(esc, sizeof(esc), "\\x%02x", (unsigned char)*s++);
			sink_put(k, esc, 4);
		}
	}
}

/**
 * kdbt_text_print() - print a name from a recording, escaped
 * @f: where to
 * @s: the name
 * @width: then spaces up to this many bytes, as printf's "%-*s" (0: none)
 */
void kdbt_text_print(FILE *f, const char *s, int width)
{
	struct sink k = { .f = f };

	text_put(&k, s);
	if (width > 0 && k.len < (size_t)width)
		fprintf(f, "%*s", (int)(width - k.len), "");
}

/**
 * kdbt_text_dup() - a name from a recording, escaped, in a new string
 * @s: the name
 *
 * Return: the string, to free(), or NULL out of memory.
 */
char *kdbt_text_dup(const char *s)
{
	struct sink k = { 0 };

	text_put(&k, s);
	k.buf = malloc(k.len + 1);
	if (!k.buf)
		return NULL;
	k.len = 0;
	text_put(&k, s);
	k.buf[k.len] = '\0';
	return k.buf;
}
