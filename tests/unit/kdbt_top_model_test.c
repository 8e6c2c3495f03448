// SPDX-License-Identifier: GPL-2.0
/*
 * kdbt_top_model_test.c - unit tests of kdbt-top's model, formats and
 * snapshot source (kdbt-top/), and of its batch output.
 *
 * Usage: kdbt_top_model_test [KDBT_TOP_BINARY]
 *        kdbt_top_model_test --fixtures DIR [N]
 * The first form builds snapshots in memory whose every count is worked
 * out by hand below, and checks deltas, rates, shares, calls, the sort
 * orders, the filters, the blocks and cumulative views, resets and
 * flushes, the formats of large numbers, the notices, replay order and
 * reset; given the kdbt-top binary, also its batch output against golden
 * text (and -s calls) and its errors.  Prints "PASS name" or "FAIL name: why"; exit status 1 if any
 * failed.
 * The second form writes the fixtures of the screen test
 * (kdbt-top-screen.sh): DIR/kallsyms, DIR/modules, DIR/kcore (the core
 * functions' code, for the annotated view), N (default 300)
 * snapshots DIR/snaps/snap.1.. one second apart, and the short replays
 * DIR/off (translation off) and DIR/reset (a reset before the last).
 * Owns: nothing outside its temporary directory, which it removes.
 * Must never: read /proc/kdbt, or depend on the host's kallsyms.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "format.h"
#include "model.h"
#include "source.h"
#include "xorshift.h"

static char why[20480];
static char tmpdir[64];
static const char *tool;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			snprintf(why, sizeof(why), __VA_ARGS__);	\
			return -1;					\
		}							\
	} while (0)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define CORE	0xffffffff81000000ULL
#define LOOP	0xffffffffc0123000ULL
#define NOSYM	0xffffffff90000000ULL
#define SEC	1000000000ULL

/* ------------------------------------------------------------------ */
/* Fixtures: a small kernel, two snapshots half a second apart        */
/* ------------------------------------------------------------------ */

static const char kallsyms_text[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000100 T alpha\n"
	"ffffffff81000200 T beta\n"
	"ffffffff81000300 t gamma\n"
	"ffffffff81000400 T delta_fn\n"
	"ffffffff81001000 T _etext\n"
	"ffffffffc0123000 t loop_queue\t[loop]\n"
	"ffffffffc0123100 t loop_done\t[loop]\n";

static const char modules_text[] =
	"loop 8192 0 - Live 0xffffffffc0123000\n";

/* A block of the fixture: where, how long, how it ends. */
struct fx {
	__u64 addr;
	__u16 insns;
	__u8 kind;
};

static const struct fx small[] = {
	{ CORE + 0x100, 5, KDBT_KIND_JCC },	/* alpha */
	{ CORE + 0x120, 3, KDBT_KIND_RET },	/* alpha: indirect */
	{ CORE + 0x200, 2, KDBT_KIND_CALL_IND },	/* beta */
	{ CORE + 0x300, 4, KDBT_KIND_JMP_IND },	/* gamma */
	{ CORE + 0x400, 10, KDBT_KIND_CALL },	/* delta_fn */
	{ LOOP + 0x000, 6, KDBT_KIND_CALL_IND },	/* loop_queue */
	{ NOSYM, 1, KDBT_KIND_NATIVE },		/* no symbol */
};

/* Executions and misses in snapshots 1 and 2 (worked out in tests). */
static const __u64 execs1[] = { 100, 100, 50, 10, 0, 20, 7 };
static const __u64 execs2[] = { 300, 200, 450, 10, 150, 70, 9 };
static const __u64 misses1[] = { 0, 5, 0, 1, 0, 5, 0 };
static const __u64 misses2[] = { 0, 5, 4, 1, 0, 30, 0 };

/* Header totals as the kernel keeps them: from the blocks. */
static void header_totals(struct kdbt_snap *s)
{
	struct kdbt_snap_header *h = &s->hdr;
	const struct kdbt_snap_block *b;

	h->instructions = h->block_executions = 0;
	h->indirect_calls = h->indirect_jumps = h->returns = 0;
	h->jumptable_misses = 0;
	kdbt_snap_for_each_block(s, b) {
		h->instructions += b->executions * b->insns;
		h->block_executions += b->executions;
		h->jumptable_misses += b->misses;
		if (b->kind == KDBT_KIND_CALL_IND)
			h->indirect_calls += b->executions;
		if (b->kind == KDBT_KIND_JMP_IND)
			h->indirect_jumps += b->executions;
		if (b->kind == KDBT_KIND_RET && !(h->flags & KDBT_SNAP_FAST))
			h->returns += b->executions;
	}
}

/* A snapshot of @n blocks of @fx with these counts, taken at @t_ns. */
static void make_snap(struct kdbt_snap *s, const struct fx *fx, size_t n,
		      const __u64 *execs, const __u64 *misses, __u64 t_ns)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->hdr.magic = KDBT_SNAP_MAGIC;
	s->hdr.version = KDBT_SNAP_VERSION;
	s->hdr.header_size = sizeof(s->hdr);
	s->hdr.block_size = sizeof(struct kdbt_snap_block);
	s->hdr.flags = KDBT_SNAP_ON | KDBT_SNAP_COUNTERS;
	s->hdr.ncpus = 2;
	s->hdr.time_ns = t_ns;
	s->hdr.on_ns = t_ns;
	s->hdr.cache_bytes_used = 3 << 20;
	s->hdr.cache_bytes_total = 32 << 20;
	s->hdr.nblocks = n;
	s->blocks = calloc(n, sizeof(*s->blocks));
	if (!s->blocks)
		abort();
	for (i = 0; i < n; i++) {
		s->blocks[i].native = fx[i].addr;
		s->blocks[i].insns = fx[i].insns;
		s->blocks[i].kind = fx[i].kind;
		s->blocks[i].native_len = fx[i].insns * 3;
		s->blocks[i].id = i + 1;
		s->blocks[i].executions = execs[i];
		s->blocks[i].misses = misses ? misses[i] : 0;
	}
	header_totals(s);
}

static void small_snap(struct kdbt_snap *s, int which)
{
	if (which == 1) {
		make_snap(s, small, ARRAY_SIZE(small), execs1, misses1, SEC);
		s->hdr.samples_cache = 90;
		s->hdr.samples_native = 10;
	} else {
		make_snap(s, small, ARRAY_SIZE(small), execs2, misses2,
			  SEC + SEC / 2);
		s->hdr.samples_cache = 185;
		s->hdr.samples_native = 20;
	}
}

/* A file in the temporary directory; returns its path (static buffer). */
static const char *write_file(const char *name, const void *data, size_t len)
{
	static char path[4][256];
	static int slot;
	char *p = path[slot++ % 4];
	int fd;

	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		perror(p);
		exit(2);
	}
	close(fd);
	return p;
}

/* The bytes of @s as /proc/kdbt/snapshot gives them, into @path. */
static void save_snap(const char *path, const struct kdbt_snap *s)
{
	size_t blen = (size_t)s->hdr.nblocks * sizeof(*s->blocks);
	FILE *f = fopen(path, "w");

	if (!f || fwrite(&s->hdr, sizeof(s->hdr), 1, f) != 1 ||
	    (blen && fwrite(s->blocks, blen, 1, f) != 1) || fclose(f)) {
		perror(path);
		exit(2);
	}
}

static struct kdbt_syms syms;

static int load_syms(void)
{
	const char *k = write_file("kallsyms", kallsyms_text,
				   strlen(kallsyms_text));
	const char *m = write_file("modules", modules_text,
				   strlen(modules_text));
	struct kdbt_err err = { 0 };

	if (kdbt_syms_load(&syms, k, m, &err)) {
		fprintf(stderr, "fixture symbols: %s\n", err.msg);
		exit(2);
	}
	return 0;
}

/* A model with symbols that has seen snapshots 1 and 2. */
static int model_12(struct top_model *m)
{
	struct kdbt_err err = { 0 };
	struct kdbt_snap s = { 0 };

	model_init(m);
	model_set_syms(m, &syms, NULL);
	small_snap(&s, 1);
	CHECK(!model_push(m, &s, &err), "push 1: %s", err.msg);
	CHECK(m->event == TOP_EV_FIRST && !m->have_delta,
	      "after one snapshot: event %d, delta %d", m->event,
	      m->have_delta);
	small_snap(&s, 2);
	CHECK(!model_push(m, &s, &err), "push 2: %s", err.msg);
	CHECK(m->event == TOP_EV_NONE && m->have_delta,
	      "after two: event %d, delta %d", m->event, m->have_delta);
	return 0;
}

/* The shown rows' symbols, joined with spaces. */
static const char *order(const struct top_model *m)
{
	static char buf[4096];
	char sym[256];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < m->nshown && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
				i ? " " : "",
				model_row_symbol(m, m->shown[i], sym,
						 sizeof(sym)));
	return buf;
}

static const struct top_row *row_named(const struct top_model *m,
				       const char *name)
{
	char sym[256];
	size_t i;

	for (i = 0; i < m->nshown; i++)
		if (!strcmp(model_row_symbol(m, m->shown[i], sym, sizeof(sym)),
			    name))
			return m->shown[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Deltas, rates, shares                                              */
/* ------------------------------------------------------------------ */

struct want {
	const char *name;
	__u64 insns, execs, indirect, misses, recent;
};

static int expect_row(const struct top_model *m, const struct want *w)
{
	const struct top_row *r = row_named(m, w->name);

	CHECK(r, "no row %s in '%s'", w->name, order(m));
	CHECK(r->c.instructions == w->insns && r->c.executions == w->execs &&
	      r->c.indirect == w->indirect && r->c.misses == w->misses &&
	      r->recent_insns == w->recent,
	      "%s: insns %llu execs %llu indirect %llu misses %llu recent %llu, want %llu %llu %llu %llu %llu",
	      w->name, r->c.instructions, r->c.executions, r->c.indirect,
	      r->c.misses, r->recent_insns, w->insns, w->execs, w->indirect,
	      w->misses, w->recent);
	return 0;
}

/*
 * Over the 0.5 s between the snapshots: alpha 200 * 5 + 100 * 3 = 1300
 * instructions (its return is indirect in transparent mode: 100, no new
 * misses), beta 400 * 2 = 800 (400 indirect calls, 4 misses), delta_fn
 * 150 * 10 = 1500, loop_queue 50 * 6 = 300 (50 indirect, 25 misses),
 * the block without a symbol 2; gamma did not run.  3902 in all.
 */
static const struct want delta_rows[] = {
	{ "alpha", 1300, 300, 100, 0, 1300 },
	{ "beta", 800, 400, 400, 4, 800 },
	{ "delta_fn", 1500, 150, 0, 0, 1500 },
	{ "loop_queue", 300, 50, 50, 25, 300 },
	{ "0xffffffff90000000", 2, 2, 0, 0, 2 },
};

static int test_delta_rows(void)
{
	struct top_model m;
	size_t i;

	if (model_12(&m))
		return -1;
	CHECK(m.delta.interval_ns == SEC / 2, "interval %llu",
	      m.delta.interval_ns);
	CHECK(m.nrows == 5 && m.nshown == 5, "%zu rows, %zu shown: %s",
	      m.nrows, m.nshown, order(&m));
	for (i = 0; i < ARRAY_SIZE(delta_rows); i++)
		if (expect_row(&m, &delta_rows[i]))
			return -1;
	CHECK(!row_named(&m, "gamma"), "gamma did not run: %s", order(&m));
	CHECK(m.sum_insns == 3902, "sum %llu", m.sum_insns);
	CHECK(model_row_rate(&m, row_named(&m, "delta_fn")) == 3000,
	      "delta_fn rate %llu",
	      model_row_rate(&m, row_named(&m, "delta_fn")));
	model_free(&m);
	return 0;
}

static void dup_snap(struct kdbt_snap *d, const struct kdbt_snap *s)
{
	size_t len = (size_t)s->hdr.nblocks * sizeof(*s->blocks);

	*d = *s;
	d->blocks = malloc(len ? len : 1);
	if (!d->blocks)
		abort();
	memcpy(d->blocks, s->blocks, len);
}

/* The model's delta of @o to @n is the library's, byte for byte. */
static int same_delta(const struct kdbt_snap *o, const struct kdbt_snap *n,
		      const char *what)
{
	struct kdbt_snap want = { 0 }, a, b;
	struct top_model m;
	int ret;

	ret = kdbt_snap_delta(&want, o, n, NULL);
	CHECK(!ret, "%s: library: %d", what, ret);
	model_init(&m);
	dup_snap(&a, o);
	dup_snap(&b, n);
	model_push(&m, &a, NULL);
	model_push(&m, &b, NULL);
	CHECK(m.have_delta, "%s: no delta", what);
	CHECK(!memcmp(&m.delta.hdr, &want.hdr, sizeof(want.hdr)) &&
	      m.delta.interval_ns == want.interval_ns, "%s: headers differ",
	      what);
	CHECK(m.delta.hdr.nblocks == want.hdr.nblocks &&
	      !memcmp(m.delta.blocks, want.blocks,
		      want.hdr.nblocks * sizeof(*want.blocks)),
	      "%s: blocks differ", what);
	kdbt_snap_free(&want);
	model_free(&m);
	return 0;
}

/*
 * Blocks in their places (the one-pass delta), with new blocks appended,
 * counts that went down (clamped), blocks moved, and a block that changed
 * its address under its id (the library's delta): all as the library.
 */
static int test_delta_paths(void)
{
	struct kdbt_snap o, n;
	struct kdbt_snap_block t;
	int ret = 0;

	small_snap(&o, 1);
	small_snap(&n, 2);
	n.hdr.nblocks = 5;		/* the older has two blocks more */
	ret |= same_delta(&n, &o, "appended");
	n.hdr.nblocks = 7;
	ret |= same_delta(&n, &o, "went down");
	t = n.blocks[1];
	n.blocks[1] = n.blocks[4];
	n.blocks[4] = t;
	ret |= same_delta(&o, &n, "moved");
	n.blocks[4] = n.blocks[1];
	n.blocks[1] = t;
	n.blocks[2].native += 0x10;
	ret |= same_delta(&o, &n, "new address");
	kdbt_snap_free(&o);
	kdbt_snap_free(&n);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Changes: model_push_changes() against model_push()                 */
/* ------------------------------------------------------------------ */

static __u64 rng = 88172645463325252ULL;

static __u64 next_rand(void)
{
	return xorshift64(&rng);
}

/* Block @i of the random fixtures: inside the fixture's functions. */
static __u64 rand_addr(__u32 i)
{
	static const __u64 base[] = { CORE + 0x100, CORE + 0x200,
				      CORE + 0x300, CORE + 0x400,
				      LOOP, LOOP + 0x100, NOSYM };

	return base[i % ARRAY_SIZE(base)] + (i / ARRAY_SIZE(base)) * 4 % 0xf0;
}

/*
 * The next snapshot after @o (NULL: the first, of @n blocks): @grow
 * blocks more, a few counts up, the time 1 s on; @reset: every count
 * restarts from a few (a reset).
 */
static void rand_next(struct kdbt_snap *s, const struct kdbt_snap *o, __u32 n,
		      __u32 grow, bool reset)
{
	static const __u8 kinds[] = { KDBT_KIND_JCC, KDBT_KIND_RET,
				      KDBT_KIND_CALL_IND, KDBT_KIND_JMP_IND,
				      KDBT_KIND_CALL };
	__u32 i, had = o ? o->hdr.nblocks : 0;
	struct kdbt_snap_block *b;

	memset(s, 0, sizeof(*s));
	if (o)
		s->hdr = o->hdr;
	else
		make_snap(s, small, 0, NULL, NULL, SEC);
	n = had + (o ? grow : n);
	s->hdr.nblocks = n;
	s->hdr.time_ns += o ? SEC : 0;
	s->hdr.samples_cache += next_rand() % 100;
	s->hdr.resets += reset;
	s->blocks = calloc(n, sizeof(*s->blocks));
	if (!s->blocks)
		abort();
	for (i = 0; i < n; i++) {
		b = &s->blocks[i];
		if (i < had) {
			*b = o->blocks[i];
		} else {
			b->id = i + 1;
			b->native = rand_addr(i);
			b->insns = 1 + next_rand() % 9;
			b->native_len = b->insns * 3;
			b->kind = kinds[next_rand() % ARRAY_SIZE(kinds)];
		}
		if (reset)
			b->executions = b->misses = 0;
		if (next_rand() % 4 == 0 || i >= had) {
			b->executions += next_rand() % 1000;
			if (b->kind == KDBT_KIND_CALL_IND ||
			    b->kind == KDBT_KIND_JMP_IND)
				b->misses += next_rand() % 3;
		}
	}
	header_totals(s);
}

/* What /proc/kdbt/changes sends after @o was read, to bring it to @n. */
static void changes_of(struct kdbt_snap *d, const struct kdbt_snap *o,
		       const struct kdbt_snap *n)
{
	__u32 i, k = 0;

	*d = *n;
	d->hdr.flags |= KDBT_SNAP_DELTA;
	d->blocks = calloc(n->hdr.nblocks + 1, sizeof(*d->blocks));
	if (!d->blocks)
		abort();
	for (i = 0; i < n->hdr.nblocks; i++)
		if (i >= o->hdr.nblocks ||
		    n->blocks[i].executions != o->blocks[i].executions ||
		    n->blocks[i].misses != o->blocks[i].misses)
			d->blocks[k++] = n->blocks[i];
	d->hdr.nblocks = k;
}

/* Every row of @a is @b's, in the same order. */
static int same_rows(const struct top_model *a, const struct top_model *b,
		     const char *what)
{
	const struct top_row *x, *y;
	size_t i;

	CHECK(a->have_delta == b->have_delta && a->event == b->event,
	      "%s: delta %d/%d, event %d/%d", what, a->have_delta,
	      b->have_delta, a->event, b->event);
	CHECK(a->nshown == b->nshown && a->sum_insns == b->sum_insns,
	      "%s: %zu/%zu rows, %llu/%llu instructions", what, a->nshown,
	      b->nshown, (unsigned long long)a->sum_insns,
	      (unsigned long long)b->sum_insns);
	CHECK(!a->have_delta ||
	      (!memcmp(&a->delta.hdr.instructions, &b->delta.hdr.instructions,
		       sizeof(a->delta.hdr) -
		       offsetof(struct kdbt_snap_header, instructions)) &&
	       a->delta.interval_ns == b->delta.interval_ns),
	      "%s: the deltas' headers differ", what);
	for (i = 0; i < a->nshown; i++) {
		x = a->shown[i];
		y = b->shown[i];
		CHECK(x->addr == y->addr && x->sym == y->sym &&
		      !memcmp(&x->c, &y->c, sizeof(x->c)) &&
		      x->calls == y->calls &&
		      x->recent_insns == y->recent_insns,
		      "%s: row %zu: %#llx %llu %llu against %#llx %llu %llu",
		      what, i, (unsigned long long)x->addr,
		      (unsigned long long)x->c.executions,
		      (unsigned long long)x->recent_insns,
		      (unsigned long long)y->addr,
		      (unsigned long long)y->c.executions,
		      (unsigned long long)y->recent_insns);
	}
	return 0;
}

/* Both models in every view: the same rows. */
static int same_views(struct top_model *a, struct top_model *b, int step)
{
	static const char *const names[] = { "functions", "blocks",
					     "cumulative functions",
					     "cumulative blocks" };
	char what[64];
	int v;

	for (v = 0; v < 4; v++) {
		model_set_view(a, v & 1 ? TOP_VIEW_BLOCKS : TOP_VIEW_FUNCTIONS,
			       NULL);
		model_set_view(b, v & 1 ? TOP_VIEW_BLOCKS : TOP_VIEW_FUNCTIONS,
			       NULL);
		model_set_cumulative(a, v & 2, NULL);
		model_set_cumulative(b, v & 2, NULL);
		snprintf(what, sizeof(what), "step %d, %s", step, names[v]);
		if (same_rows(a, b, what))
			return -1;
	}
	model_set_view(a, TOP_VIEW_FUNCTIONS, NULL);
	model_set_view(b, TOP_VIEW_FUNCTIONS, NULL);
	model_set_cumulative(a, false, NULL);
	model_set_cumulative(b, false, NULL);
	return 0;
}

/*
 * Twelve refreshes of random snapshots, blocks appended, a reset at the
 * sixth and a cache flush (a complete read: ids from 1 again) at the
 * ninth: a model fed the changes shows what one fed complete snapshots
 * shows, in every view.  Then changes that do not fit are refused.
 */
static int test_changes(void)
{
	struct kdbt_snap prev = { 0 }, cur, full, d;
	struct top_model a, b;
	struct kdbt_err err = { 0 };
	int step, ret = 0;
	__u32 i;

	model_init(&a);
	model_init(&b);
	model_set_syms(&a, &syms, NULL);
	model_set_syms(&b, &syms, NULL);
	for (step = 1; step <= 12 && !ret; step++) {
		if (step == 1 || step == 9) {
			rand_next(&cur, NULL, 300, 0, false);
			if (step == 9) {	/* a flush: new blocks */
				for (i = 0; i < cur.hdr.nblocks; i++)	/* ids again */
					cur.blocks[i].native = rand_addr(i + 3);
				cur.hdr.flushes = 1;
				cur.hdr.resets = prev.hdr.resets;
				cur.hdr.time_ns = prev.hdr.time_ns + SEC;
			}
			dup_snap(&d, &cur);	/* complete */
		} else {
			rand_next(&cur, &prev, 0, step % 3 ? 20 : 0, step == 6);
			changes_of(&d, &prev, &cur);
		}
		dup_snap(&full, &cur);
		ret = model_push(&a, &full, &err);
		CHECK(!ret, "step %d: push: %s", step, err.msg);
		ret = model_push_changes(&b, &d, &err);
		CHECK(!ret, "step %d: changes: %s", step, err.msg);
		CHECK(!d.blocks && !full.blocks, "step %d: not taken", step);
		CHECK(b.cur.hdr.nblocks == cur.hdr.nblocks &&
		      !memcmp(b.cur.blocks, cur.blocks,
			      cur.hdr.nblocks * sizeof(*cur.blocks)),
		      "step %d: the changes did not make the snapshot", step);
		CHECK(step != 6 || b.event == TOP_EV_RESET,
		      "step 6: event %d, not a reset", b.event);
		CHECK(step != 9 || b.event == TOP_EV_FLUSH,
		      "step 9: event %d, not a flush", b.event);
		ret = same_views(&a, &b, step);
		kdbt_snap_free(&prev);
		prev = cur;
	}
	/* a record past the blocks' end: refused, the model unchanged */
	if (!ret) {
		rand_next(&cur, &prev, 0, 2, false);
		changes_of(&d, &prev, &cur);
		d.blocks[d.hdr.nblocks - 1].id += 5;
		CHECK(model_push_changes(&b, &d, &err) == -EBADMSG &&
		      strstr(err.msg, "do not fit"), "bad changes: %d %s",
		      err.code, err.msg);
		CHECK(b.cur.hdr.nblocks == prev.hdr.nblocks,
		      "bad changes: the snapshot changed");
		kdbt_snap_free(&cur);
	}
	kdbt_snap_free(&prev);
	model_free(&a);
	model_free(&b);
	return ret;
}

/* The first @n rows of @a and @b are the same rows. */
static int same_first(const struct top_model *a, const struct top_model *b,
		      size_t n, const char *what)
{
	size_t i;

	CHECK(a->nshown == b->nshown && b->nsorted >= n,
	      "%s: %zu/%zu rows, %zu sorted", what, a->nshown, b->nshown,
	      b->nsorted);
	for (i = 0; i < n; i++)
		CHECK(a->shown[i]->addr == b->shown[i]->addr &&
		      !memcmp(&a->shown[i]->c, &b->shown[i]->c,
			      sizeof(a->shown[i]->c)),
		      "%s: row %zu: %#llx against %#llx", what, i,
		      (unsigned long long)a->shown[i]->addr,
		      (unsigned long long)b->shown[i]->addr);
	return 0;
}

/*
 * model_set_want(): a model that sorts only the first 7 rows of each
 * refresh (kdbt-top's screen) shows them as one that sorts every row
 * does, in every sort order and view, over random refreshes of a few
 * hundred blocks; model_sort_upto() then gives every row in order.
 */
static int test_want(void)
{
	struct kdbt_snap prev = { 0 }, cur, x, y;
	struct top_model a, b;
	struct kdbt_err err = { 0 };
	char what[64];
	int step, key, ret = 0;

	model_init(&a);
	model_init(&b);
	model_set_syms(&a, &syms, NULL);
	model_set_syms(&b, &syms, NULL);
	model_set_want(&b, 7);
	for (step = 1; step <= 6 && !ret; step++) {
		rand_next(&cur, step == 1 ? NULL : &prev, 300, 10, false);
		dup_snap(&x, &cur);
		dup_snap(&y, &cur);
		CHECK(!model_push(&a, &x, &err) && !model_push(&b, &y, &err),
		      "step %d: push: %s", step, err.msg);
		for (key = 0; key < TOP_SORT_NR && !ret && step > 1; key++) {
			model_set_sort(&a, key);
			model_set_sort(&b, key);
			model_set_view(&a, step & 1 ? TOP_VIEW_BLOCKS :
				       TOP_VIEW_FUNCTIONS, NULL);
			model_set_view(&b, step & 1 ? TOP_VIEW_BLOCKS :
				       TOP_VIEW_FUNCTIONS, NULL);
			snprintf(what, sizeof(what), "step %d, sort %s",
				 step, model_sort_name(key));
			CHECK(b.nshown > 7, "%s: only %zu rows", what,
			      b.nshown);
			ret = same_first(&a, &b, 7, what);
		}
		kdbt_snap_free(&prev);
		prev = cur;
	}
	if (!ret) {
		CHECK(b.nsorted == 7, "%zu rows sorted, want 7", b.nsorted);
		model_sort_upto(&b, 8);
		ret = same_rows(&a, &b, "after model_sort_upto()");
	}
	kdbt_snap_free(&prev);
	model_free(&a);
	model_free(&b);
	return ret;
}

static int test_per_sec(void)
{
	CHECK(model_per_sec(1300, SEC / 2) == 2600, "1300 in 0.5 s");
	CHECK(model_per_sec(7, 3 * SEC) == 2, "7 in 3 s");
	CHECK(model_per_sec(5, 0) == 0, "no interval");
	CHECK(model_per_sec(~0ULL, SEC) == ~0ULL, "u64 max in 1 s: %llu",
	      model_per_sec(~0ULL, SEC));
	CHECK(model_per_sec(~0ULL, 1) == ~0ULL, "saturates");
	CHECK(model_per_sec(123456789012345ULL, 2 * SEC) ==
	      61728394506172ULL, "large count: %llu",
	      model_per_sec(123456789012345ULL, 2 * SEC));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sorting and filtering                                              */
/* ------------------------------------------------------------------ */

static const char *const sorted[TOP_SORT_NR] = {
	[TOP_SORT_INSNS] = "delta_fn alpha beta loop_queue 0xffffffff90000000",
	[TOP_SORT_RATE] = "delta_fn alpha beta loop_queue 0xffffffff90000000",
	[TOP_SORT_EXECS] = "beta alpha delta_fn loop_queue 0xffffffff90000000",
	[TOP_SORT_CALLS] = "beta alpha delta_fn loop_queue 0xffffffff90000000",
	/* ties (no indirect branch) by instructions */
	[TOP_SORT_INDIRECT] = "beta alpha loop_queue delta_fn 0xffffffff90000000",
	/* 100%, 99%, 50%, then rows without indirect branches */
	[TOP_SORT_HITRATE] = "alpha beta loop_queue delta_fn 0xffffffff90000000",
	[TOP_SORT_SYMBOL] = "alpha beta delta_fn loop_queue 0xffffffff90000000",
};

static int test_sort_keys(void)
{
	struct top_model m;
	int k;

	if (model_12(&m))
		return -1;
	for (k = 0; k < TOP_SORT_NR; k++) {
		model_set_sort(&m, k);
		CHECK(!strcmp(order(&m), sorted[k]), "by %s: '%s', want '%s'",
		      model_sort_name(k), order(&m), sorted[k]);
		CHECK(model_sort_parse(model_sort_name(k)) == k,
		      "name of %d", k);
	}
	CHECK(model_sort_parse("bogus") == -1, "bogus key parsed");
	model_free(&m);
	return 0;
}

/* Equal keys: instructions, then the address decide. */
static int test_sort_ties(void)
{
	static const struct fx fx[] = {
		{ CORE + 0x300, 1, KDBT_KIND_JMP },	/* gamma */
		{ CORE + 0x100, 1, KDBT_KIND_JMP },	/* alpha */
		{ CORE + 0x200, 2, KDBT_KIND_JMP },	/* beta */
	};
	static const __u64 e0[] = { 0, 0, 0 }, e1[] = { 10, 10, 10 };
	struct top_model m;
	struct kdbt_snap s;

	model_init(&m);
	model_set_syms(&m, &syms, NULL);
	make_snap(&s, fx, 3, e0, NULL, SEC);
	model_push(&m, &s, NULL);
	make_snap(&s, fx, 3, e1, NULL, 2 * SEC);
	model_push(&m, &s, NULL);
	model_set_sort(&m, TOP_SORT_EXECS);
	CHECK(!strcmp(order(&m), "beta alpha gamma"), "execs: %s", order(&m));
	model_set_sort(&m, TOP_SORT_CALLS);
	CHECK(!strcmp(order(&m), "beta alpha gamma"), "calls: %s", order(&m));
	model_set_sort(&m, TOP_SORT_HITRATE);
	CHECK(!strcmp(order(&m), "beta alpha gamma"), "hitrate: %s",
	      order(&m));
	model_free(&m);
	return 0;
}

static int test_filter_regex(void)
{
	struct kdbt_err err = { 0 };
	struct top_model m;

	if (model_12(&m))
		return -1;
	CHECK(!model_set_filter(&m, "^(alpha|BETA)$", &err), "%s", err.msg);
	CHECK(!strcmp(order(&m), "alpha beta"), "symbols: %s", order(&m));
	CHECK(m.nrows == 5, "filter dropped rows: %zu", m.nrows);
	CHECK(!model_set_filter(&m, "^loop$", &err), "%s", err.msg);
	CHECK(!strcmp(order(&m), "loop_queue"), "module: %s", order(&m));
	CHECK(!model_set_filter(&m, "unknown", &err), "%s", err.msg);
	CHECK(!strcmp(order(&m), "0xffffffff90000000"), "unknown: %s",
	      order(&m));
	CHECK(model_set_filter(&m, "(", &err) == -EINVAL &&
	      strstr(err.msg, "filter '('"), "bad regex: %s", err.msg);
	CHECK(m.has_re && !strcmp(m.re_text, "unknown") &&
	      !strcmp(order(&m), "0xffffffff90000000"),
	      "a bad regex changed the filter: %s", order(&m));
	CHECK(!model_set_filter(&m, "", &err) && !m.has_re && m.nshown == 5,
	      "clearing: %zu shown", m.nshown);
	/* the filter outlives new snapshots and view changes */
	model_set_filter(&m, "a$", NULL);
	model_set_view(&m, TOP_VIEW_BLOCKS, NULL);
	model_set_view(&m, TOP_VIEW_FUNCTIONS, NULL);
	CHECK(!strcmp(order(&m), "alpha beta"), "after view changes: %s",
	      order(&m));
	model_free(&m);
	return 0;
}

static int test_filter_module(void)
{
	char status[TOP_LINE];
	struct top_model m;

	if (model_12(&m))
		return -1;
	model_set_module(&m, "kernel");
	CHECK(!strcmp(order(&m), "delta_fn alpha beta"), "kernel: %s",
	      order(&m));
	model_set_module(&m, "loop");
	CHECK(!strcmp(order(&m), "loop_queue"), "loop: %s", order(&m));
	model_set_filter(&m, "beta", NULL);
	CHECK(m.nshown == 0, "loop and beta: %s", order(&m));
	format_status(&m, status, sizeof(status));
	CHECK(!strcmp(status, "Functions, last interval, by insns: 0 of 5 shown, filter 'beta', module loop"),
	      "status: %s", status);
	model_set_module(&m, "");
	CHECK(!strcmp(order(&m), "beta"), "all modules: %s", order(&m));
	model_free(&m);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Views                                                              */
/* ------------------------------------------------------------------ */

static int test_blocks_view(void)
{
	struct top_model m;
	const struct top_row *r;

	if (model_12(&m))
		return -1;
	CHECK(!model_set_view(&m, TOP_VIEW_BLOCKS, NULL), "blocks view");
	CHECK(!strcmp(order(&m),
		      "delta_fn+0x0/0xc00 alpha+0x0/0x100 beta+0x0/0x100 alpha+0x20/0x100 loop_queue+0x0/0x100 0xffffffff90000000"),
	      "blocks: %s", order(&m));
	r = row_named(&m, "alpha+0x20/0x100");
	CHECK(r && r->c.instructions == 300 && r->c.indirect == 100 &&
	      r->recent_insns == 300 && !strcmp(r->module, "kernel"),
	      "alpha+0x20");
	CHECK(m.sum_insns == 3902, "sum %llu", m.sum_insns);
	model_free(&m);
	return 0;
}

/* Since the reset: snapshot 2's own counts; rates still of the interval. */
static const struct want cumulative_rows[] = {
	{ "alpha", 2100, 500, 200, 5, 1300 },
	{ "beta", 900, 450, 450, 4, 800 },
	{ "gamma", 40, 10, 10, 1, 0 },
	{ "delta_fn", 1500, 150, 0, 0, 1500 },
	{ "loop_queue", 420, 70, 70, 30, 300 },
	{ "0xffffffff90000000", 9, 9, 0, 0, 2 },
};

static int test_cumulative_view(void)
{
	struct kdbt_snap s = { 0 };
	struct top_model m;
	size_t i;

	if (model_12(&m))
		return -1;
	CHECK(!model_set_cumulative(&m, true, NULL), "cumulative");
	for (i = 0; i < ARRAY_SIZE(cumulative_rows); i++)
		if (expect_row(&m, &cumulative_rows[i]))
			return -1;
	CHECK(m.sum_insns == 4969, "sum %llu", m.sum_insns);
	CHECK(!strcmp(order(&m),
		      "alpha delta_fn beta loop_queue gamma 0xffffffff90000000"),
	      "by insns: %s", order(&m));
	model_set_sort(&m, TOP_SORT_RATE);
	CHECK(!strcmp(order(&m),
		      "delta_fn alpha beta loop_queue 0xffffffff90000000 gamma"),
	      "by rate: %s", order(&m));
	model_free(&m);

	/* cumulative from the first snapshot: rows, but no rates */
	model_init(&m);
	model_set_syms(&m, &syms, NULL);
	m.cumulative = true;
	small_snap(&s, 1);
	model_push(&m, &s, NULL);
	CHECK(m.nshown == 5 && !m.have_delta, "first, cumulative: %s",
	      order(&m));
	model_free(&m);
	return 0;
}

/* A row's calls: its function's first block's executions. */
static int expect_calls(const struct top_model *m, const char *name,
			__u64 want)
{
	const struct top_row *r = row_named(m, name);

	CHECK(r, "no row %s in '%s'", name, order(m));
	CHECK(r->calls == want, "%s: %llu calls, want %llu", name, r->calls,
	      want);
	return 0;
}

/*
 * Calls, the executions of the block where the function starts: in the
 * interval alpha ran its first block 200 times (and its second 100),
 * beta 400, delta_fn 150, loop_queue 50, the block without a symbol (a
 * function of its own) 2.  Since the reset alpha has 300 calls of 500
 * executions, so by calls beta (450) comes first, by execs alpha.  Per
 * block, only the first blocks have calls, and they add up to the
 * functions'.
 */
static int test_calls(void)
{
	static const char *const names[] = { "alpha", "beta", "delta_fn",
					     "loop_queue",
					     "0xffffffff90000000" };
	static const __u64 delta[] = { 200, 400, 150, 50, 2 };
	struct top_model m;
	__u64 sum = 0, bsum = 0;
	size_t i;

	if (model_12(&m))
		return -1;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (expect_calls(&m, names[i], delta[i]))
			return -1;
		sum += delta[i];
	}
	model_set_view(&m, TOP_VIEW_BLOCKS, NULL);
	if (expect_calls(&m, "alpha+0x0/0x100", 200) ||
	    expect_calls(&m, "alpha+0x20/0x100", 0) ||
	    expect_calls(&m, "0xffffffff90000000", 2))
		return -1;
	for (i = 0; i < m.nshown; i++)
		bsum += m.shown[i]->calls;
	CHECK(bsum == sum, "blocks' calls %llu, functions' %llu", bsum, sum);
	model_set_view(&m, TOP_VIEW_FUNCTIONS, NULL);
	model_set_cumulative(&m, true, NULL);
	if (expect_calls(&m, "alpha", 300) || expect_calls(&m, "gamma", 10))
		return -1;
	model_set_sort(&m, TOP_SORT_CALLS);
	CHECK(!strcmp(order(&m),
		      "beta alpha delta_fn loop_queue gamma 0xffffffff90000000"),
	      "by calls: %s", order(&m));
	model_set_sort(&m, TOP_SORT_EXECS);
	CHECK(!strcmp(order(&m),
		      "alpha beta delta_fn loop_queue gamma 0xffffffff90000000"),
	      "by execs: %s", order(&m));
	model_free(&m);
	return 0;
}

static int test_first_snapshot(void)
{
	char notes[4][TOP_LINE], hdr[TOP_HEADER_LINES][TOP_LINE];
	struct kdbt_snap s = { 0 };
	struct top_model m;
	int n;

	model_init(&m);
	format_header(&m, hdr);
	CHECK(strstr(hdr[0], "no snapshot yet"), "empty: %s", hdr[0]);
	small_snap(&s, 1);
	model_push(&m, &s, NULL);
	CHECK(m.nshown == 0, "delta view before an interval: %zu",
	      m.nshown);
	n = format_notices(&m, notes, 4);
	CHECK(n == 1 && strstr(notes[0], "first interval"), "notice: %s",
	      n ? notes[0] : "none");
	format_header(&m, hdr);
	CHECK(!strcmp(hdr[1], "Last -             - insns/s       - execs/s       - indirect/s       - JT hits"),
	      "'%s'", hdr[1]);
	model_free(&m);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Resets and flushes                                                 */
/* ------------------------------------------------------------------ */

static int test_reset(void)
{
	static const __u64 e3[] = { 4, 0, 0, 0, 0, 0, 0 };
	struct kdbt_err err = { 0 };
	struct kdbt_snap s = { 0 };
	struct top_model m;
	char notes[4][TOP_LINE];

	if (model_12(&m))
		return -1;
	make_snap(&s, small, ARRAY_SIZE(small), e3, NULL, 2 * SEC);
	s.hdr.resets = 1;
	s.hdr.dispatches = 50;
	CHECK(!model_push(&m, &s, &err), "push: %s", err.msg);
	CHECK(m.event == TOP_EV_RESET && m.have_delta, "event %d", m.event);
	CHECK(m.delta.interval_ns == SEC / 2, "interval %llu",
	      m.delta.interval_ns);
	CHECK(m.delta.hdr.instructions == 20 &&
	      m.delta.hdr.block_executions == 4,
	      "header since the reset: %llu %llu", m.delta.hdr.instructions,
	      m.delta.hdr.block_executions);
	CHECK(!strcmp(order(&m), "alpha") && m.shown[0]->c.instructions == 20,
	      "rows: %s", order(&m));
	CHECK(format_notices(&m, notes, 4) == 1 &&
	      strstr(notes[0], "reset"), "notice");
	model_free(&m);
	return 0;
}

/* A flush: new blocks (ids restart), the header's totals go on. */
static int test_flush(void)
{
	static const struct fx fx[] = {
		{ CORE + 0x400, 10, KDBT_KIND_CALL },
		{ CORE + 0x100, 5, KDBT_KIND_JCC },
	};
	static const __u64 e3[] = { 7, 1 };
	struct kdbt_err err = { 0 };
	struct kdbt_snap s = { 0 };
	struct top_model m;
	__u64 before;

	if (model_12(&m))
		return -1;
	before = m.cur.hdr.instructions;
	make_snap(&s, fx, 2, e3, NULL, 3 * SEC);
	s.hdr.flushes = 1;
	s.hdr.retired_instructions = before;
	s.hdr.instructions += before;
	CHECK(!model_push(&m, &s, &err), "push: %s", err.msg);
	CHECK(m.event == TOP_EV_FLUSH && m.have_delta, "event %d", m.event);
	CHECK(m.delta.hdr.instructions == 75, "header delta %llu",
	      m.delta.hdr.instructions);
	CHECK(!strcmp(order(&m), "delta_fn alpha"), "rows: %s", order(&m));
	CHECK(m.shown[0]->c.executions == 7, "delta_fn: %llu",
	      m.shown[0]->c.executions);
	model_free(&m);
	return 0;
}

/* Symbols swapped under the model: rows follow the new table. */
static int test_symbols_swap(void)
{
	struct top_model m;

	if (model_12(&m))
		return -1;
	model_set_syms(&m, NULL, NULL);
	CHECK(m.nshown == 6, "without symbols every block that ran is a function: %zu",
	      m.nshown);
	CHECK(!strcmp(m.shown[0]->module, "unknown"), "module %s",
	      m.shown[0]->module);
	model_set_syms(&m, &syms, NULL);
	CHECK(m.nshown == 5, "with symbols: %zu", m.nshown);
	model_free(&m);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Formats                                                            */
/* ------------------------------------------------------------------ */

static int test_format_rows(void)
{
	char line[TOP_LINE], want[TOP_LINE];
	struct top_model m;

	if (model_12(&m))
		return -1;
	format_titles(line, sizeof(line));
	CHECK(!strcmp(line, " Insns%   Insns/s   Execs   Calls  Indirect  JT hit%  Symbol [module]"),
	      "titles '%s'", line);
	/* 1500 / 3902 = 38.44%; 3000/s */
	format_row(&m, m.shown[0], line, sizeof(line));
	CHECK(!strcmp(line, " 38.44%     3.00k     150     150         0        -  delta_fn [kernel]"),
	      "delta_fn '%s'", line);
	format_row(&m, row_named(&m, "loop_queue"), line, sizeof(line));
	CHECK(!strcmp(line, "  7.68%       600      50      50        50   50.00%  loop_queue [loop]"),
	      "loop_queue '%s'", line);
	format_row(&m, row_named(&m, "0xffffffff90000000"), line,
		   sizeof(line));
	snprintf(want, sizeof(want), "%s",
		 "  0.05%         4       2       2         0        -  0xffffffff90000000 [unknown]");
	CHECK(!strcmp(line, want), "unknown '%s'", line);
	model_free(&m);
	return 0;
}

/* Large counts: 3 significant digits and a unit, rates per second. */
static int test_format_large(void)
{
	static const struct fx fx[] = {
		{ CORE + 0x100, 1000, KDBT_KIND_CALL_IND },
		{ CORE + 0x200, 1, KDBT_KIND_JMP },
	};
	static const __u64 e0[] = { 0, 0 };
	static const __u64 e1[] = { 123456789012ULL, 999 };
	static const __u64 m1[] = { 1234567, 0 };
	char line[TOP_LINE], hdr[TOP_HEADER_LINES][TOP_LINE];
	struct kdbt_snap s;
	struct top_model m;

	model_init(&m);
	model_set_syms(&m, &syms, NULL);
	make_snap(&s, fx, 2, e0, NULL, SEC);
	model_push(&m, &s, NULL);
	make_snap(&s, fx, 2, e1, m1, 3 * SEC);
	model_push(&m, &s, NULL);
	/* alpha: 123456789012000 instructions in 2 s */
	format_row(&m, m.shown[0], line, sizeof(line));
	CHECK(!strcmp(line, " 99.99%     61.7T    123G    123G      123G   99.99%  alpha [kernel]"),
	      "alpha '%s'", line);
	format_row(&m, m.shown[1], line, sizeof(line));
	CHECK(!strcmp(line, "  0.00%       499     999     999         0        -  beta [kernel]"),
	      "beta '%s'", line);
	format_header(&m, hdr);
	CHECK(!strcmp(hdr[1], "Last 2.00 s    61.7T insns/s   61.7G execs/s   61.7G indirect/s  99.99% JT hits"),
	      "'%s'", hdr[1]);
	CHECK(!strcmp(hdr[2], "Since reset     123T insns      123G execs      123G indirect    99.99% JT hits"),
	      "'%s'", hdr[2]);
	model_free(&m);
	return 0;
}

static int test_format_header(void)
{
	char hdr[TOP_HEADER_LINES][TOP_LINE];
	struct top_model m;

	if (model_12(&m))
		return -1;
	format_header(&m, hdr);
	CHECK(!strcmp(hdr[0], "kdbt-top " KDBT_RELEASE " - translation on, transparent mode, counters on, 2 CPUs"),
	      "'%s'", hdr[0]);
	/* 3902 instructions, 902 executions, 550 indirect, 29 misses in 0.5 s */
	CHECK(!strcmp(hdr[1], "Last 0.50 s    7.80k insns/s   1.80k execs/s   1.10k indirect/s  94.72% JT hits"),
	      "'%s'", hdr[1]);
	CHECK(!strcmp(hdr[2], "Since reset    4.97k insns     1.19k execs       730 indirect    94.52% JT hits"),
	      "'%s'", hdr[2]);
	/* coverage: 95 of 105 last, 185 of 205 in all */
	CHECK(!strcmp(hdr[3], "Coverage 90.47% last, 90.24% since reset   Blocks 7   Cache 3.15M of 33.6M (9.37%)"),
	      "'%s'", hdr[3]);
	model_free(&m);
	return 0;
}

static int test_notices(void)
{
	char notes[8][TOP_LINE], hdr[TOP_HEADER_LINES][TOP_LINE];
	struct top_model m;
	int n;

	if (model_12(&m))
		return -1;
	CHECK(format_notices(&m, notes, 8) == 0, "notices while on");
	m.cur.hdr.flags = KDBT_SNAP_FAST | KDBT_SNAP_HIDDEN;
	m.cur.hdr.ncpus = 1;
	n = format_notices(&m, notes, 8);
	CHECK(n == 3, "%d notices", n);
	CHECK(strstr(notes[0], "Translation is off") &&
	      strstr(notes[0], "echo on > /proc/kdbt/control"), "'%s'",
	      notes[0]);
	CHECK(strstr(notes[1], "Counters are off") &&
	      strstr(notes[1], "counters on"), "'%s'", notes[1]);
	CHECK(strstr(notes[2], "kptr_restrict"), "'%s'", notes[2]);
	format_header(&m, hdr);
	CHECK(strstr(hdr[0], "translation off, fast mode, counters off, 1 CPU") &&
	      !strstr(hdr[0], "CPUs"), "'%s'", hdr[0]);
	model_free(&m);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Source: replay order, reset                                        */
/* ------------------------------------------------------------------ */

static int test_replay_order(void)
{
	static const char *const names[] = { "snap.10", "snap.2", "snap.1",
					     ".hidden" };
	static const __u64 want_t[] = { 2, 3, 11 };
	struct kdbt_err err = { 0 };
	struct top_source src;
	struct kdbt_snap s = { 0 }, got = { 0 };
	char dir[256], path[300];
	size_t i;
	int ret;

	snprintf(dir, sizeof(dir), "%s/replay", tmpdir);
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/subdir", dir);
	mkdir(path, 0700);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		small_snap(&s, 1);
		s.hdr.time_ns = atoi(names[i] + 5) + 1;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		save_snap(path, &s);
		kdbt_snap_free(&s);
	}
	source_init(&src);
	CHECK(!source_add_replay(&src, dir, &err), "%s", err.msg);
	CHECK(!source_open(&src, &err), "%s", err.msg);
	CHECK(src.nfiles == 3, "%zu files", src.nfiles);
	for (i = 0; i < 3; i++) {
		ret = source_next(&src, &got, &err);
		CHECK(!ret, "file %zu: %s", i, err.msg);
		CHECK(got.hdr.time_ns == want_t[i],
		      "file %zu is %llu", i, got.hdr.time_ns);
	}
	CHECK(source_next(&src, &got, &err) == 1, "end of the replay");
	CHECK(!source_can_reset(&src) &&
	      source_reset(&src, &err) == -EOPNOTSUPP, "reset in a replay");
	kdbt_snap_free(&got);
	source_close(&src);
	source_init(&src);
	CHECK(source_add_replay(&src, "/nonexistent/x", &err) == -ENOENT &&
	      strstr(err.msg, "/nonexistent/x"), "missing: %s", err.msg);
	source_close(&src);
	return 0;
}

static int test_reset_control(void)
{
	struct kdbt_err err = { 0 };
	struct top_source src;
	char buf[64] = "";
	const char *path;
	int fd;
	ssize_t n;

	path = write_file("control", "", 0);
	source_init(&src);
	source_add_replay(&src, path, NULL);
	src.control = path;
	CHECK(source_can_reset(&src), "--control allows reset");
	CHECK(!source_reset(&src, &err), "%s", err.msg);
	CHECK(!source_reset(&src, &err), "%s", err.msg);
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CHECK(n == 12 && !strcmp(buf, "reset\nreset\n"), "wrote '%s'", buf);
	src.control = "/nonexistent/control";
	CHECK(source_reset(&src, &err) == -ENOENT &&
	      strstr(err.msg, "/nonexistent/control"), "%s", err.msg);
	source_close(&src);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The binary: batch output and errors                                */
/* ------------------------------------------------------------------ */

static const char golden_batch[] =
	"kdbt-top " KDBT_RELEASE " - translation on, transparent mode, counters on, 2 CPUs - refresh 1 of 3\n"
	"Last 0.50 s    7.80k insns/s   1.80k execs/s   1.10k indirect/s  94.72% JT hits\n"
	"Since reset    4.97k insns     1.19k execs       730 indirect    94.52% JT hits\n"
	"Coverage 90.47% last, 90.24% since reset   Blocks 7   Cache 3.15M of 33.6M (9.37%)\n"
	"Functions, last interval, by insns: 5 of 5 shown\n"
	" Insns%   Insns/s   Execs   Calls  Indirect  JT hit%  Symbol [module]\n"
	" 38.44%     3.00k     150     150         0        -  delta_fn [kernel]\n"
	" 33.31%     2.60k     300     200       100  100.00%  alpha [kernel]\n"
	" 20.50%     1.60k     400     400       400   99.00%  beta [kernel]\n"
	"  7.68%       600      50      50        50   50.00%  loop_queue [loop]\n"
	"  0.05%         4       2       2         0        -  0xffffffff90000000 [unknown]\n"
	"\n";

/* Run "@tool @args" (shell words); its output into @out; exit status. */
static int run_tool(const char *args, char *out, size_t len)
{
	char cmd[2048];
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", tool, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	return pclose(p);
}

static int exit_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Snapshots 1 and 2 as files, and the symbol files. */
static void tool_fixtures(char *syms_args, size_t len)
{
	struct kdbt_snap s = { 0 };
	char path[300];

	snprintf(path, sizeof(path), "%s/tool", tmpdir);
	mkdir(path, 0700);
	small_snap(&s, 1);
	snprintf(path, sizeof(path), "%s/tool/1.snap", tmpdir);
	save_snap(path, &s);
	kdbt_snap_free(&s);
	small_snap(&s, 2);
	snprintf(path, sizeof(path), "%s/tool/2.snap", tmpdir);
	save_snap(path, &s);
	kdbt_snap_free(&s);
	snprintf(syms_args, len, "--kallsyms %1$s/kallsyms --modules %1$s/modules",
		 tmpdir);
}

static int test_tool_batch(void)
{
	char args[1024], symargs[512], out[16384], *second;
	int st;

	tool_fixtures(symargs, sizeof(symargs));
	/* not a terminal: batch without -b; two files give one refresh */
	snprintf(args, sizeof(args), "-n 3 --replay %s/tool %s", tmpdir,
		 symargs);
	st = run_tool(args, out, sizeof(out));
	CHECK(st == 0 && !strcmp(out, golden_batch), "(%d):\n%s", st, out);
	/* files after the options, cumulative, blocks, a filter, -E */
	snprintf(args, sizeof(args),
		 "-b --cumulative --blocks -s execs --filter 'alpha|beta' -E 2 --replay %1$s/tool/1.snap %1$s/tool/2.snap %2$s",
		 tmpdir, symargs);
	st = run_tool(args, out, sizeof(out));
	second = strstr(out, "refresh 2\n");
	CHECK(st == 0 && strstr(out, "refresh 1\n") && second &&
	      strstr(second, "Blocks, since reset, by execs: 3 of 7 shown, filter 'alpha|beta'\n") &&
	      strstr(second, " beta+0x0/0x100 [kernel]\n") &&
	      strstr(second, "  alpha+0x0/0x100 [kernel]\n\n") &&
	      !strstr(second, "alpha+0x20"),
	      "(%d):\n%s", st, out);
	/* -s calls: beta's 450 calls before alpha's 300 (500 executions) */
	snprintf(args, sizeof(args),
		 "-b --cumulative -s calls -E 2 --replay %1$s/tool/2.snap %2$s",
		 tmpdir, symargs);
	st = run_tool(args, out, sizeof(out));
	CHECK(st == 0 &&
	      strstr(out, "Functions, since reset, by calls: 6 of 6 shown\n") &&
	      strstr(out, "\n 18.11%         -     450     450       450   99.11%  beta [kernel]\n"
			  " 42.26%         -     500     300       200   97.50%  alpha [kernel]\n\n"),
	      "-s calls (%d):\n%s", st, out);
	/* without --kallsyms a replay has no symbols */
	snprintf(args, sizeof(args), "-b --module unknown --replay %s/tool",
		 tmpdir);
	st = run_tool(args, out, sizeof(out));
	CHECK(st == 0 && strstr(out, "6 of 6 shown") &&
	      strstr(out, "[unknown]"), "no symbols (%d):\n%s", st, out);
	return 0;
}

static int test_tool_errors(void)
{
	char args[1024], out[16384], path[300];
	struct kdbt_snap s = { 0 };
	struct stat sb;
	int st;

	small_snap(&s, 1);
	s.hdr.version = KDBT_SNAP_VERSION + 1;
	snprintf(path, sizeof(path), "%s/newer.snap", tmpdir);
	save_snap(path, &s);
	kdbt_snap_free(&s);
	snprintf(args, sizeof(args), "-b --cumulative --replay %s", path);
	st = run_tool(args, out, sizeof(out));
	CHECK(exit_code(st) == 1 && strstr(out, "snapshot version 2") &&
	      strstr(out, "version 1"), "ABI mismatch (%d): %s", st, out);
	snprintf(args, sizeof(args), "-b --replay %s/tool/1.snap", tmpdir);
	st = run_tool(args, out, sizeof(out));
	CHECK(exit_code(st) == 1 && strstr(out, "--cumulative"),
	      "one file (%d): %s", st, out);
	if (stat("/proc/kdbt", &sb)) {
		st = run_tool("-b -n 1", out, sizeof(out));
		CHECK(exit_code(st) == 1 &&
		      strstr(out, "kdbt.ko is not loaded") &&
		      strstr(out, "insmod"), "not loaded (%d): %s", st, out);
	}
	st = run_tool("-d 0", out, sizeof(out));
	CHECK(exit_code(st) == 1 && strstr(out, "-d '0'"), "-d 0: %s", out);
	st = run_tool("-s bogus", out, sizeof(out));
	CHECK(exit_code(st) == 1 && strstr(out, "hitrate"), "-s: %s", out);
	st = run_tool("-n 0", out, sizeof(out));
	CHECK(exit_code(st) == 1, "-n 0: %s", out);
	st = run_tool("--filter '(' --replay /dev/null", out, sizeof(out));
	CHECK(exit_code(st) == 1 && strstr(out, "filter '('"), "regex: %s",
	      out);
	st = run_tool("stray", out, sizeof(out));
	CHECK(exit_code(st) == 1 && strstr(out, "'stray'"), "stray: %s", out);
	st = run_tool("--bogus", out, sizeof(out));
	CHECK(exit_code(st) == 1 && strstr(out, "Usage:"), "--bogus: %s", out);
	st = run_tool("--version", out, sizeof(out));
	CHECK(st == 0 && strstr(out, "kdbt-top " KDBT_RELEASE), "--version");
	return 0;
}

/* --help names every option that the man page must document. */
static int test_tool_help(void)
{
	static const char *const opts[] = {
		"-d, --delay <SECS>", "-n, --iterations <N>",
		"-s, --sort <KEY>", "--functions", "--blocks", "--cumulative",
		"-b, --batch", "-E, --entries <N>", "--filter <REGEX>",
		"--module <NAME>", "--replay <DIR|FILE>",
		"--kallsyms <FILE>", "--modules <FILE>", "--control <FILE>",
		"--no-colour", "-h, --help", "--version",
	};
	char out[16384];
	size_t i;
	int st;

	st = run_tool("--help", out, sizeof(out));
	CHECK(st == 0, "--help: %d", st);
	for (i = 0; i < ARRAY_SIZE(opts); i++)
		CHECK(strstr(out, opts[i]), "--help lacks '%s':\n%s", opts[i],
		      out);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Fixtures for the screen test                                       */
/* ------------------------------------------------------------------ */

/*
 * 60 core functions and 4 in module loop, two blocks each.  Function i
 * of the list runs (64 - i)^3 times a second, so the list is the
 * order by instructions too (blocks of 5 and 3 instructions); every 7th
 * ends in an indirect call with misses; snapshot k is at k seconds.
 */
static const char *const screen_names[] = {
	"__do_sys_getppid", "do_syscall_64", "syscall_exit_to_user_mode",
	"__task_pid_nr_ns", "entry_SYSCALL_64_after_hwframe", "ksys_read",
	"vfs_read", "tcp_sendmsg", "tcp_recvmsg", "ext4_file_read_iter",
	"filemap_read", "copy_page_to_iter", "__schedule", "pick_next_task",
	"update_curr", "enqueue_task_fair", "dequeue_task_fair",
	"try_to_wake_up", "select_task_rq_fair", "native_sched_clock",
};

static void screen_name(char *buf, size_t len, int i)
{
	if (i < (int)ARRAY_SIZE(screen_names))
		snprintf(buf, len, "%s", screen_names[i]);
	else if (i < 60)
		snprintf(buf, len, "kfunc_%02d", i);
	else
		snprintf(buf, len, "loop_fn_%d", i - 60);
}

/* The screen test's kernel: DIR/kallsyms, DIR/modules and @fx. */
static int write_screen_syms(const char *dir, struct fx *fx)
{
	char path[4096], name[64];
	__u64 addr;
	FILE *k;
	int i, j;

	snprintf(path, sizeof(path), "%s/kallsyms", dir);
	k = fopen(path, "w");
	if (!k)
		return -1;
	fprintf(k, "ffffffff81000000 T _stext\n");
	for (i = 0; i < 64; i++) {
		screen_name(name, sizeof(name), i);
		addr = i < 60 ? CORE + 0x1000 + i * 0x100ULL :
			LOOP + (i - 60) * 0x100ULL;
		fprintf(k, i < 60 ? "%016llx T %s\n" : "%016llx t %s\t[loop]\n",
			addr, name);
		for (j = 0; j < 2; j++) {
			fx[2 * i + j].addr = addr + j * 0x40;
			fx[2 * i + j].insns = j ? 3 : 5;
			fx[2 * i + j].kind = j && i % 7 == 3 ?
				KDBT_KIND_CALL_IND : KDBT_KIND_JCC;
		}
	}
	fprintf(k, "%016llx T _etext\n", CORE + 0x1000 + 60 * 0x100ULL);
	if (fclose(k))
		return -1;
	snprintf(path, sizeof(path), "%s/modules", dir);
	k = fopen(path, "w");
	if (!k)
		return -1;
	fprintf(k, "loop 4096 0 - Live 0x%llx\n", LOOP);
	return fclose(k);
}

/* Snapshot @j (counts j seconds' worth) of @fx into DIR/SUB/snap.@n. */
static int write_screen_snap(const char *dir, const char *sub, int n,
			     const struct fx *fx, int j, __u32 flags,
			     __u64 resets)
{
	__u64 execs[128], misses[128];
	struct kdbt_snap s;
	char path[4096];
	int i;

	for (i = 0; i < 128; i++) {
		execs[i] = (__u64)(64 - i / 2) * (64 - i / 2) * (64 - i / 2) * j;
		misses[i] = fx[i].kind == KDBT_KIND_CALL_IND ?
			execs[i] / (i + 2) : 0;
	}
	make_snap(&s, fx, 128, execs, misses, (__u64)n * SEC);
	s.hdr.flags = flags;
	s.hdr.resets = resets;
	s.hdr.samples_cache = 99 * j;
	s.hdr.samples_native = j;
	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0755) && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s/snap.%d", dir, sub, n);
	save_snap(path, &s);
	kdbt_snap_free(&s);
	return 0;
}

/*
 * The code of the core functions, for the annotated view (--kcore): each
 * function's 0x100 bytes are 21 3-byte nops (nopl (%rax)) and a nop,
 * then, from its second block at +0x40, 64 more 3-byte nops, so that each
 * block decodes to its instructions (3 bytes each, as make_snap() says).
 */
static void screen_code(__u8 *code, size_t nfuncs)
{
	static const __u8 nopl[3] = { 0x0f, 0x1f, 0x00 };
	size_t f, off;

	for (f = 0; f < nfuncs; f++) {
		for (off = 0; off + 3 <= 0x40; off += 3)
			memcpy(code + f * 0x100 + off, nopl, 3);
		code[f * 0x100 + 0x3f] = 0x90;
		for (off = 0x40; off < 0x100; off += 3)
			memcpy(code + f * 0x100 + off, nopl, 3);
	}
}

/* DIR/kcore: an x86-64 ELF core with the code of the 60 core functions. */
static int write_screen_kcore(const char *dir)
{
	struct {
		Elf64_Ehdr e;
		Elf64_Phdr p;
		__u8 code[60 * 0x100];
	} k = { 0 };
	char path[4096];
	FILE *f;

	memcpy(k.e.e_ident, ELFMAG, SELFMAG);
	k.e.e_ident[EI_CLASS] = ELFCLASS64;
	k.e.e_ident[EI_DATA] = ELFDATA2LSB;
	k.e.e_ident[EI_VERSION] = EV_CURRENT;
	k.e.e_type = ET_CORE;
	k.e.e_machine = EM_X86_64;
	k.e.e_version = EV_CURRENT;
	k.e.e_phoff = sizeof(k.e);
	k.e.e_ehsize = sizeof(k.e);
	k.e.e_phentsize = sizeof(k.p);
	k.e.e_phnum = 1;
	k.p.p_type = PT_LOAD;
	k.p.p_offset = sizeof(k.e) + sizeof(k.p);
	k.p.p_vaddr = CORE + 0x1000;
	k.p.p_filesz = k.p.p_memsz = sizeof(k.code);
	screen_code(k.code, 60);
	snprintf(path, sizeof(path), "%s/kcore", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	if (fwrite(&k, sizeof(k), 1, f) != 1) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/*
 * DIR/snaps: @nsnaps snapshots one second apart while on; DIR/off: three
 * while translation is off (the counts stand still); DIR/reset: three,
 * the counters reset before the third.
 */
static int write_screen_fixtures(const char *dir, int nsnaps)
{
	const __u32 on = KDBT_SNAP_ON | KDBT_SNAP_COUNTERS;
	struct fx fx[128];
	int j, ret = 0;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	if (write_screen_syms(dir, fx) || write_screen_kcore(dir))
		return -1;
	for (j = 1; !ret && j <= nsnaps; j++)
		ret = write_screen_snap(dir, "snaps", j, fx, j, on, 0);
	for (j = 1; !ret && j <= 3; j++)
		ret = write_screen_snap(dir, "off", j, fx, 5,
					KDBT_SNAP_COUNTERS, 0);
	for (j = 1; !ret && j <= 3; j++)
		ret = write_screen_snap(dir, "reset", j, fx, j < 3 ? 10 * j : 1,
					on, j < 3 ? 0 : 1);
	return ret;
}

/* ------------------------------------------------------------------ */

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

struct test {
	const char *name;
	int (*fn)(void);
	bool needs_tool;
};

#define T(name) { #name, test_##name, false }
#define TT(name) { #name, test_##name, true }

static const struct test tests[] = {
	T(delta_rows), T(delta_paths), T(changes), T(want), T(per_sec),
	T(sort_keys), T(sort_ties),
	T(filter_regex), T(filter_module), T(blocks_view),
	T(cumulative_view), T(calls), T(first_snapshot), T(reset), T(flush),
	T(symbols_swap), T(format_rows), T(format_large), T(format_header),
	T(notices), T(replay_order), T(reset_control), TT(tool_batch),
	TT(tool_errors), TT(tool_help),
};

int main(int argc, char **argv)
{
	int failed = 0;
	size_t i;

	if (argc > 2 && !strcmp(argv[1], "--fixtures")) {
		if (write_screen_fixtures(argv[2], argc > 3 ? atoi(argv[3]) :
					  300)) {
			perror(argv[2]);
			return 2;
		}
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);	/* lines out before a crash */
	strcpy(tmpdir, "/tmp/kdbt_top_test.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	tool = argc > 1 ? argv[1] : NULL;
	load_syms();
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		if (tests[i].needs_tool && !tool)
			continue;
		why[0] = '\0';
		if (tests[i].fn()) {
			printf("FAIL kdbt-top_%s: %s\n", tests[i].name, why);
			failed++;
		} else {
			printf("PASS kdbt-top_%s\n", tests[i].name);
		}
	}
	kdbt_syms_free(&syms);
	nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return failed ? 1 : 0;
}
