// SPDX-License-Identifier: GPL-2.0
/*
 * decode_check.c - compare kdbt's instruction boundaries with objdump's.
 *
 * Usage: decode_check RANGES OBJDUMP_ADDRS
 *   RANGES: "start size" per line (hex), functions of this very binary;
 *   OBJDUMP_ADDRS: the address of every instruction objdump -d found (hex).
 * Decodes every range in place with the translator core's decode.c (the
 * file compiled into kdbt.ko), then checks that the set of instruction
 * starts inside the ranges is exactly objdump's.  Prints a summary line;
 * exit status 0 if they agree, 1 otherwise (with the first differences).
 */
#include <stdio.h>
#include <stdlib.h>
#include "decode.h"

struct vec {
	u64 *v;
	size_t n, cap;
};

static void push(struct vec *a, u64 x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 4096;
		a->v = realloc(a->v, a->cap * sizeof(*a->v));
		if (!a->v) {
			perror("realloc");
			exit(2);
		}
	}
	a->v[a->n++] = x;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Sort and drop duplicates (aliases decode the same bytes twice). */
static void sort_unique(struct vec *a)
{
	size_t i, j = 0;

	qsort(a->v, a->n, sizeof(*a->v), cmp_u64);
	for (i = 0; i < a->n; i++)
		if (!j || a->v[j - 1] != a->v[i])
			a->v[j++] = a->v[i];
	a->n = j;
}

static int decode_range(const struct kdbt_decoder *dec, u64 start, u64 size,
			struct vec *out)
{
	const u8 *code = (const u8 *)(uintptr_t)start;
	struct kdbt_insn insn;
	u64 off = 0;
	int err;

	while (off < size) {
		err = kdbt_decode_one(dec, code + off, size - off, start + off,
				      &insn);
		if (err) {
			printf("decode error %d at %#llx\n", err,
			       (unsigned long long)(start + off));
			return 1;
		}
		push(out, start + off);
		off += insn.len;
	}
	return 0;
}

/* Is @x inside one of the ranges (starts sorted, in @lo/@hi)? */
static int in_ranges(const struct vec *lo, const struct vec *hi, u64 x)
{
	size_t a = 0, b = lo->n;

	while (a < b) {		/* first range starting above x */
		size_t m = (a + b) / 2;

		if (lo->v[m] <= x)
			a = m + 1;
		else
			b = m;
	}
	for (; a > 0; a--)	/* ranges may nest: look back while needed */
		if (x < hi->v[a - 1])
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct vec lo = {0}, hi = {0}, ours = {0}, theirs = {0};
	unsigned long long s, z;
	struct kdbt_decoder dec;
	size_t i, shown = 0;
	FILE *f;
	int bad = 0;

	if (argc != 3 || kdbt_decoder_init(&dec))
		return 2;
	f = fopen(argv[1], "r");
	if (!f)
		return 2;
	while (fscanf(f, "%llx %llx", &s, &z) == 2) {
		push(&lo, s);
		push(&hi, s + z);
		bad |= decode_range(&dec, s, z, &ours);
	}
	fclose(f);
	f = fopen(argv[2], "r");
	if (!f)
		return 2;
	while (fscanf(f, "%llx", &s) == 1)
		if (in_ranges(&lo, &hi, s))
			push(&theirs, s);
	fclose(f);
	sort_unique(&ours);
	sort_unique(&theirs);
	printf("%zu functions, kdbt %zu instructions, objdump %zu\n", lo.n,
	       ours.n, theirs.n);
	for (i = 0; i < ours.n && i < theirs.n && shown < 5; i++)
		if (ours.v[i] != theirs.v[i]) {
			printf("first difference: kdbt %#llx, objdump %#llx\n",
			       (unsigned long long)ours.v[i],
			       (unsigned long long)theirs.v[i]);
			shown++;
			break;
		}
	return bad || ours.n != theirs.n || shown;
}
