// SPDX-License-Identifier: GPL-2.0
/*
 * kcover.c - translate every function of the guest kernel, offline.
 *
 * Usage: kcover VMLINUX KALLSYMS [fast|transparent] [counters|nocounters]
 *		 [direct] [verbose] [mutate-ibt]
 * (direct: counters reached by incq %gs:disp32 and jcc blocks counted
 * through their successors' copies, as kdbt.ko emits them by default;
 * else through the per-CPU pointer, one counter per block).
 * On a kernel built with IBT (its kallsyms has ibt_selftest: 6.12)
 * the cache gets endbr64 landing pads as in kdbt.ko, and once every
 * function is translated, kcover makes the indirect entry of every block
 * (any block can be an indirect branch's target: a function called
 * through a pointer, a return site in transparent mode) and checks that
 * each starts with endbr64: "ibt_entries N" and "ibt_missing M" (M > 0
 * fails).  mutate-ibt overwrites the endbr64 of one entry before the
 * check, which must then find it.
 * Reads the kernel text from the vmlinux extracted from Debian's vmlinuz
 * and the function list from a nokaslr boot's /proc/kallsyms
 * (scripts/kernel-inputs.sh), translates from every function start every
 * block reachable by direct branches inside the function, into a cache
 * that is never executed (placed, on paper, in the module area), and
 * reports: translation speed, code expansion, and every instruction form
 * that no rule handles or that must run natively.
 * Output: "key value" lines and "unhandled MNEMONIC COUNT" /
 * "native MNEMONIC COUNT" lines; exit status 1 if anything was refused
 * for a reason other than a documented one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core.h"
#include "block.h"
#include "kimage.h"
#include "policy.h"

#define KC_BLOCKS	(1u << 22)
#define KC_EXITS	(12u << 20)
#define KC_SITES	(1u << 20)
#define KC_MAPS		(16u << 20)
#define KC_HASH		(1u << 22)
#define KC_CACHE	(1024u << 20)
#define KC_SEEN		(1u << 23)

/* Where the cache and tables would live in the module area. */
#define KC_CACHE_ADDR	0xffffffffc0000000ull
#define KC_CTR_ADDR	0xffffffffe0000000ull
#define KC_JT_ADDR	0xffffffffe8000000ull

static struct kdbt_tr tr;
static struct kimage *kimg;
static u64 *seen;		/* open-addressed set of attempted starts */
static u64 *work;
static u64 nwork;
static bool verbose;		/* also name every native exit */
static bool ibt;		/* the kernel has IBT: landing pads */
static bool mutate_ibt;		/* break one pad: the check must see it */
static bool ibt_failed;

static int read_code(void *ctx, u64 addr, u8 *buf, size_t len)
{
	(void)ctx;
	return kimage_read(kimg, addr, buf, len);
}

static struct kdbt_policy policy;

static bool may_translate(void *ctx, u64 addr)
{
	(void)ctx;
	return !kdbt_policy_refuses(&policy, addr);
}

/*
 * The ranges the kernel glue excludes, from the same symbols; a symbol's
 * range ends at the next text symbol.  Return: 0, or 2 after a message.
 */
static int setup_policy(const struct ksyms *ks)
{
	static const struct {
		const char *from, *to, *why;
		bool whole;		/* @to's own extent is excluded too */
	} r[] = {
		{ "_stext", "pvh_start_xen", "boot entry code", true },
		{ "srso_alias_untrain_ret", "__entry_text_end", "entry text",
		  false },
		{ "srso_alias_safe_ret", "srso_alias_safe_ret",
		  "entry text (SRSO safe ret)", true },
		/* in the thunk range on 6.1, after the safe ret on 6.12 */
		{ "srso_alias_return_thunk", "srso_alias_return_thunk",
		  "thunk (SRSO alias return thunk)", true },
		{ "__indirect_thunk_start", "__indirect_thunk_end",
		  "thunk range", false },
	};
	/* Boot code outside the range above on some kernels (6.12). */
	static const char *const boot_code[] = { "vc_boot_ghcb" };
	/* Kernels without the thunk range's markers (6.12): kdbt.ko's
	 * thunk_range(), from the first retpoline to the last return thunk.
	 */
	static const char *const thunks_first = "__x86_indirect_thunk_array",
		*const thunks_last = "__x86_return_thunk";
	unsigned long long s, e, s2, e2, stext, etext;
	unsigned int i;

	if (ksyms_range(ks, "_stext", &stext, &e) ||
	    ksyms_range(ks, "_etext", &etext, &e))
		return 2;
	kdbt_policy_init(&policy, stext, etext);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		const char *from = r[i].from, *to = r[i].to;
		bool whole = r[i].whole;

		if (!strcmp(from, "__indirect_thunk_start") &&
		    ksyms_range(ks, from, &s, &e)) {
			from = thunks_first;
			to = thunks_last;
			whole = true;
		}
		if (ksyms_range(ks, from, &s, &e) ||
		    ksyms_range(ks, to, &s2, &e2)) {
			fprintf(stderr, "kcover: no symbol %s or %s\n",
				from, to);
			return 2;
		}
		if (kdbt_policy_exclude(&policy, s, whole ? e2 : s2, r[i].why))
			return 2;
	}
	for (i = 0; i < sizeof(boot_code) / sizeof(boot_code[0]); i++)
		if (!ksyms_range(ks, boot_code[i], &s, &e) &&
		    kdbt_policy_exclude(&policy, s, e, "boot entry code"))
			return 2;
	return 0;
}

/* The instructions the kernel's exception table covers, sorted. */
static u64 *fixups;
static size_t nfixups;

static int by_value(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return (x > y) - (x < y);
}

/*
 * Read the exception table (entries of three s32: the instruction, the
 * fixup and data, the first two relative to themselves).  Return: 0, or
 * 2 after a message.
 */
static int load_extable(const struct ksyms *ks)
{
	unsigned long long s, e, a;
	s32 insn;

	if (ksyms_extable(ks, &s, &e)) {
		fprintf(stderr, "kcover: no __start___ex_table/__stop___ex_table\n");
		return 2;
	}
	fixups = calloc((e - s) / 12 + 1, sizeof(*fixups));
	if (!fixups)
		return 2;
	for (a = s; a + 12 <= e; a += 12) {
		if (kimage_read(kimg, a, &insn, sizeof(insn))) {
			fprintf(stderr, "kcover: exception table at %#llx unreadable\n",
				a);
			return 2;
		}
		fixups[nfixups++] = a + insn;
	}
	qsort(fixups, nfixups, sizeof(*fixups), by_value);
	return 0;
}

static bool has_fixup(void *ctx, u64 addr)
{
	(void)ctx;
	return bsearch(&addr, fixups, nfixups, sizeof(*fixups), by_value);
}

/*
 * C functions: those whose first instruction is `call __fentry__`, which
 * the kernel turns into a 5-byte nop at boot (ftrace) - so does kcover,
 * in its copy of the image; on IBT kernels (6.12) the call follows the
 * function's endbr64 (or the nop the kernel seals an unused one with).
 * Their starts, in ascending order.
 */
static struct ksyms *ks;
static u64 fentry;
static u64 *cfuncs;
static size_t ncfuncs, cfuncs_cap;

/* Return: 0, or -errno (ksyms_functions() stops and returns it). */
static int nop_fentry(unsigned long long start, unsigned long long size,
		      const char *name, void *ctx)
{
	static const u8 nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };
	u8 insn[9];
	u64 site = start;
	s32 rel;
	u64 *more;

	(void)name;
	(void)ctx;
	if (size < 5 || kimage_read(kimg, start, insn, 5))
		return 0;
	if (kdbt_is_endbr(insn)) {
		if (size < 9 || kimage_read(kimg, start, insn, 9))
			return 0;
		site = start + 4;
		memmove(insn, insn + 4, 5);
	}
	if (insn[0] != 0xe8)
		return 0;
	memcpy(&rel, insn + 1, sizeof(rel));
	if (site + 5 + rel != fentry)
		return 0;
	if (ncfuncs == cfuncs_cap) {
		cfuncs_cap = cfuncs_cap ? 2 * cfuncs_cap : 65536;
		more = realloc(cfuncs, cfuncs_cap * sizeof(*cfuncs));
		if (!more)
			return -ENOMEM;
		cfuncs = more;
	}
	cfuncs[ncfuncs++] = start;
	return kimage_write(kimg, site, nop5, sizeof(nop5));
}

/* Return: 0, or 2 after a message. */
static int setup_cfuncs(void)
{
	unsigned long long s, e;

	if (ksyms_range(ks, "__fentry__", &s, &e)) {
		fprintf(stderr, "kcover: no __fentry__ symbol\n");
		return 2;
	}
	fentry = s;
	if (ksyms_functions(ks, nop_fentry, NULL) < 0) {
		fprintf(stderr, "kcover: cannot make the ftrace sites nops (out of memory, or outside the image)\n");
		return 2;
	}
	return 0;
}

/* kdbt.ko's c_function(): the same rule, on the same kind of text. */
static enum kdbt_cfunc c_function(void *ctx, u64 addr)
{
	unsigned long long start;
	u64 key;

	(void)ctx;
	if (ksyms_start(ks, addr, &start))
		return KDBT_CFUNC_UNKNOWN;
	key = start;
	if (!bsearch(&key, cfuncs, ncfuncs, sizeof(*cfuncs), by_value))
		return KDBT_CFUNC_UNKNOWN;
	return addr == start ? KDBT_CFUNC_ENTRY : KDBT_CFUNC_BODY;
}

/* Insert @a into the seen set; false if it was there already. */
static bool first_time(u64 a)
{
	u64 h = (a * 0x9e3779b97f4a7c15ull) >> 41;

	for (;; h = (h + 1) & (KC_SEEN - 1)) {
		if (seen[h] == a)
			return false;
		if (!seen[h]) {
			seen[h] = a;
			return true;
		}
	}
}

struct totals {
	u64 functions, excluded, padding, bytes, insns, refused_blocks;
	u64 ctr_scratch, ctr_push, ctr_flags;	/* counter forms */
	u64 ctr_derived, copies;	/* no counter; private copies */
};

/* Direct counters (option "direct"): windows of 1 << KC_WIN_SHIFT ids. */
#define KC_WIN_SHIFT	15
static bool direct;
static s32 kc_windows[KC_BLOCKS >> KC_WIN_SHIFT];

/*
 * Which form the counter at @b's entry took (emit_counter_inc(), no
 * stack skip): pushfq first where the flags are live; push %rax where no
 * register is free; else straight to the load of the counter array, or
 * (direct counters) the incq, which needs no register.
 */
static void count_counter_form(struct totals *t, const struct kdbt_block *b)
{
	const u8 *code = tr.mem.cache + b->cache_off;

	t->copies += b->copy;
	if (b->derived) {
		t->ctr_derived++;
		return;
	}

	if (code[0] == 0x9c) {
		t->ctr_flags++;
		code++;
	}
	if (code[0] == 0x50)
		t->ctr_push++;
	else
		t->ctr_scratch++;
}

static const char *const refusal_name[KDBT_REFUSE_NR] = {
	[KDBT_REFUSE_DECODE] = "decode", [KDBT_REFUSE_READ] = "read",
	[KDBT_REFUSE_FORM] = "form", [KDBT_REFUSE_RANGE] = "range",
	[KDBT_REFUSE_ENCODE] = "encode",
};

static u32 native_total(void)
{
	u32 n = tr.native_lkgs;
	int m;

	for (m = 0; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++)
		n += tr.native_exits[m];
	return n;
}

/* Native exits by form: mnemonic, and whether a branch is far. */
static u32 native_forms[ZYDIS_MNEMONIC_MAX_VALUE + 1][2];

static void note_native_form(u64 ip, u64 start, const char *name)
{
	struct kdbt_full_insn fi;
	u8 bytes[KDBT_MAX_INSN_LEN];
	bool far;

	if (kimage_read(kimg, ip, bytes, sizeof(bytes)))
		return;
	if (kdbt_is_lkgs(bytes, sizeof(bytes))) {
		printf("native_exit %#llx %s+%#llx lkgs\n",
		       (unsigned long long)ip, name,
		       (unsigned long long)(ip - start));
		return;
	}
	if (kdbt_decode_full(&tr.dec, bytes, sizeof(bytes), &fi))
		return;
	far = fi.zi.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR;
	native_forms[fi.zi.mnemonic][far]++;
	printf("native_exit %#llx %s+%#llx %s%s\n", (unsigned long long)ip,
	       name, (unsigned long long)(ip - start), far ? "far-" : "",
	       ZydisMnemonicGetString(fi.zi.mnemonic));
}

static void print_native_forms(void)
{
	int m, far;

	for (m = 0; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++)
		for (far = 0; far < 2; far++)
			if (native_forms[m][far])
				printf("native_form %s%s %u\n",
				       far ? "far-" : "",
				       ZydisMnemonicGetString((ZydisMnemonic)m),
				       native_forms[m][far]);
	if (tr.native_lkgs)
		printf("native_form lkgs %u\n", tr.native_lkgs);
}

/* Name every refusal and native exit the last translation made. */
static void report_new(const u64 *before, u32 native_before, u64 start,
		       const char *name)
{
	int why;

	for (why = 0; why < KDBT_REFUSE_NR; why++)
		if (tr.refused[why] != before[why])
			printf("refusal %s %#llx %s+%#llx\n", refusal_name[why],
			       (unsigned long long)tr.refused_ip[why], name,
			       (unsigned long long)(tr.refused_ip[why] - start));
	if (verbose && native_total() != native_before)
		note_native_form(tr.native_exit_ip, start, name);
}

static int one_function(unsigned long long start, unsigned long long size,
			const char *name, void *ctx)
{
	struct totals *t = ctx;
	u64 end = start + size;
	u64 before[KDBT_REFUSE_NR];
	u32 native_before = 0;

	if (kdbt_policy_refuses(&policy, start)) {
		t->excluded++;
		return 0;
	}
	/* A function's padding (CONFIG_CALL_PADDING: 6.12), not a function:
	 * only call-depth tracking runs code there, in place of the nops.
	 */
	if (!strncmp(name, "__pfx_", 6)) {
		t->padding++;
		return 0;
	}
	t->functions++;
	nwork = 0;
	if (first_time(start))
		work[nwork++] = start;
	while (nwork) {
		u64 a = work[--nwork];
		u32 x0 = tr.nexits, b0 = tr.nblocks, x, id;
		struct kdbt_block *b;
		int err;

		memcpy(before, tr.refused, sizeof(before));
		if (verbose)
			native_before = native_total();
		err = kdbt_translate(&tr, a, &b);
		report_new(before, native_before, start, name);

		if (err == -ENOSPC)
			return -ENOSPC;
		if (err) {
			t->refused_blocks++;
			continue;
		}
		for (x = x0; x < tr.nexits; x++) {
			u64 tgt = tr.mem.exits[x].target;

			if (tgt >= start && tgt < end && first_time(tgt))
				work[nwork++] = tgt;
		}
		/* Every block of the translation (a chain: translate.c). */
		for (id = b0; id < tr.nblocks; id++) {
			b = &tr.mem.blocks[id];
			t->bytes += b->native_len;
			t->insns += b->ninsns;
			if (tr.cfg.counters)
				count_counter_form(t, b);
			first_time(b->native);
			/* A return site: an exit in fast mode, a jumptable
			 * target in transparent mode; either way the rest of
			 * the function.
			 */
			if (b->end == KDBT_END_CALL ||
			    b->end == KDBT_END_CALL_IND) {
				u64 ret = b->native + b->native_len;

				if (ret < end && first_time(ret))
					work[nwork++] = ret;
			}
		}
	}
	return 0;
}

static void *zalloc(size_t n)
{
	void *p = calloc(1, n);

	if (!p) {
		perror("kcover: calloc");
		exit(2);
	}
	return p;
}

static int setup(enum kdbt_mode mode, bool counters)
{
	struct kdbt_config cfg = {
		.mode = mode, .counters = counters,
		.dispatch_direct = KC_CACHE_ADDR - 0x1000,
		.dispatch_indirect = KC_CACHE_ADDR - 0x800,
		.counters_addr = KC_CTR_ADDR, .jt_addr = KC_JT_ADDR,
		/* per-CPU counters, as kdbt.ko emits them */
		.counters_gs = 0x2f000,
		.counters_windows = direct ? kc_windows : NULL,
		.derive_counts = direct,
		.slots = true,
		.counters_window_shift = KC_WIN_SHIFT,
		.read_code = read_code, .may_translate = may_translate,
		.has_fixup = has_fixup, .c_function = c_function,
		.ibt = ibt,
	};
	struct kdbt_mem mem = {
		.cache = zalloc(KC_CACHE), .cache_addr = KC_CACHE_ADDR,
		.cache_size = KC_CACHE,
		.counters = zalloc(KC_BLOCKS * sizeof(u64)),
		.blocks = zalloc(KC_BLOCKS * sizeof(struct kdbt_block)),
		.max_blocks = KC_BLOCKS,
		.hash = zalloc(KC_HASH * sizeof(u32)), .hash_size = KC_HASH,
		.exits = zalloc(KC_EXITS * sizeof(struct kdbt_exit)),
		.max_exits = KC_EXITS,
		.sites = zalloc(KC_SITES * sizeof(struct kdbt_site)),
		.max_sites = KC_SITES,
		.maps = zalloc(KC_MAPS * sizeof(struct kdbt_map)),
		.max_maps = KC_MAPS,
		.jt = zalloc(KDBT_JT_SIZE * sizeof(u64)),
		.scratch = zalloc(sizeof(struct kdbt_bb)),
	};

	u32 w;

	for (w = 0; w < KC_BLOCKS >> KC_WIN_SHIFT; w++)	/* as in a guest */
		kc_windows[w] = 0x40000000 + (s32)(w << (KC_WIN_SHIFT + 5));
	return kdbt_tr_init(&tr, &cfg, &mem);
}

/*
 * The IBT check: the indirect entry of every block starts with endbr64
 * (blocks of one native address share one entry, checked for each).
 * Return: the entries without one (the mutated one included).
 */
static u64 check_ibt(u64 *entries)
{
	u32 id, nblocks = tr.nblocks;
	u64 missing = 0, e;

	*entries = 0;
	for (id = 1; id < nblocks; id++) {
		const struct kdbt_block *b = &tr.mem.blocks[id];

		if (b->invalid)
			continue;
		/* made once per native address, then found again */
		if (kdbt_indirect_entry(&tr, b->native, &e))
			continue;	/* not reachable by disp32 or full */
		if (mutate_ibt && !*entries)
			tr.mem.cache[e - tr.mem.cache_addr] = 0x90;
		++*entries;
		if (!kdbt_is_endbr64(tr.mem.cache + (e - tr.mem.cache_addr))) {
			if (!missing)
				printf("ibt_first_missing %#llx (block %u at %#llx)\n",
				       (unsigned long long)e, id,
				       (unsigned long long)b->native);
			missing++;
		}
	}
	return missing;
}

static void print_forms(const char *what, const u32 *counts)
{
	int m;

	for (m = 0; m <= ZYDIS_MNEMONIC_MAX_VALUE; m++)
		if (counts[m])
			printf("%s %s %u\n", what,
			       ZydisMnemonicGetString((ZydisMnemonic)m), counts[m]);
}

int main(int argc, char **argv)
{
	enum kdbt_mode mode = KDBT_MODE_FAST;
	struct totals t = { 0 };
	struct timespec t0, t1;
	bool counters = true;
	double secs;
	long n;
	int i;

	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "transparent"))
			mode = KDBT_MODE_TRANSPARENT;
		else if (!strcmp(argv[i], "nocounters"))
			counters = false;
		else if (!strcmp(argv[i], "verbose"))
			verbose = true;
		else if (!strcmp(argv[i], "direct"))
			direct = true;
		else if (!strcmp(argv[i], "mutate-ibt"))
			mutate_ibt = true;
		else if (strcmp(argv[i], "fast") && strcmp(argv[i], "counters"))
			argc = 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: kcover VMLINUX KALLSYMS [fast|transparent] [counters|nocounters] [direct] [verbose] [mutate-ibt]\n");
		return 2;
	}
	kimg = kimage_open(argv[1]);
	ks = ksyms_load(argv[2]);
	if (!kimg || !ks || setup_policy(ks) || load_extable(ks) ||
	    setup_cfuncs())
		return 2;
	{
		unsigned long long a, z;

		ibt = !ksyms_range(ks, "ibt_selftest", &a, &z);
	}
	seen = zalloc(KC_SEEN * sizeof(u64));
	work = zalloc(KC_SEEN * sizeof(u64));
	if (setup(mode, counters)) {
		fprintf(stderr, "kcover: translator setup failed\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = ksyms_functions(ks, one_function, &t);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (n < 0 || !n) {
		fprintf(stderr, "kcover: %s: error %ld\n", argv[2], n);
		return 2;
	}
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("mode %s\ncounters %s\ncounter_form %s\n",
	       mode == KDBT_MODE_FAST ? "fast" : "transparent",
	       counters ? "on" : "off", direct ? "direct" : "pointer");
	printf("functions %llu\nexcluded_functions %llu\npadding_symbols %llu\n"
	       "blocks %u\ninstructions %llu\n",
	       (unsigned long long)t.functions,
	       (unsigned long long)t.excluded, (unsigned long long)t.padding,
	       tr.nblocks - 1,
	       (unsigned long long)t.insns);
	printf("native_bytes %llu\ncache_bytes %u\nexpansion %.2f\n",
	       (unsigned long long)t.bytes, tr.cache_used,
	       (double)tr.cache_used / (double)t.bytes);
	printf("seconds %.3f\nnative_bytes_per_sec %.0f\nblocks_per_sec %.0f\n",
	       secs, t.bytes / secs, (tr.nblocks - 1) / secs);
	printf("refused_blocks %llu\n", (unsigned long long)t.refused_blocks);
	printf("c_functions %zu\nfixups %zu\ncounters_scratch %llu\ncounters_push %llu\n"
	       "counters_flags %llu\ncounters_derived %llu\ncopies %llu\n",
	       ncfuncs, nfixups, (unsigned long long)t.ctr_scratch,
	       (unsigned long long)t.ctr_push,
	       (unsigned long long)t.ctr_flags,
	       (unsigned long long)t.ctr_derived,
	       (unsigned long long)t.copies);
	printf("refused_decode %llu\nrefused_read %llu\nrefused_form %llu\n"
	       "refused_range %llu\nrefused_encode %llu\n",
	       (unsigned long long)tr.refused[KDBT_REFUSE_DECODE],
	       (unsigned long long)tr.refused[KDBT_REFUSE_READ],
	       (unsigned long long)tr.refused[KDBT_REFUSE_FORM],
	       (unsigned long long)tr.refused[KDBT_REFUSE_RANGE],
	       (unsigned long long)tr.refused[KDBT_REFUSE_ENCODE]);
	printf("ibt %s\n", ibt ? "on" : "off");
	if (ibt) {
		u64 entries, missing = check_ibt(&entries);

		printf("ibt_entries %llu\nibt_missing %llu\n",
		       (unsigned long long)entries,
		       (unsigned long long)missing);
		if (missing)
			ibt_failed = true;
	}
	print_forms("unhandled", tr.unhandled);
	print_forms("native", tr.native_exits);
	if (tr.native_lkgs)
		printf("native lkgs %u\n", tr.native_lkgs);
	if (verbose)
		print_native_forms();
	kimage_close(kimg);
	ksyms_free(ks);
	return tr.refused[KDBT_REFUSE_RANGE] || tr.refused[KDBT_REFUSE_ENCODE] ||
	       ibt_failed;
}
