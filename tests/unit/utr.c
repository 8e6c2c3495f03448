// SPDX-License-Identifier: GPL-2.0
/*
 * utr.c - the userspace environment of the translator core (see utr.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "utr.h"
#include "block.h"

#define UTR_CACHE	(64u << 20)
#define UTR_BLOCKS	(1u << 18)
#define UTR_EXITS	(1u << 19)
#define UTR_SITES	(1u << 16)
#define UTR_MAPS	(1u << 22)
#define UTR_HASH	(1u << 18)
#define UTR_PAGE_HASH	(1u << 12)

struct kdbt_tr utr;
/*
 * Counters are per CPU, as in the kernel, in one of two forms.  Pointer:
 * %gs:counters_ptr (the GS base is set to utr_gs) holds the address of
 * this thread's counter array.  Direct: block id's counter is at
 * %gs:(utr_windows[id >> UTR_WINDOW_SHIFT] + 8 * low bits), the windows
 * being consecutive slices of counters_all[cpu] for "CPU" cpu, whose GS
 * base is utr_gs plus cpu rows of counters (utr_set_cpu()).
 */
#define UTR_WINDOW_SHIFT 10
static u64 counters_all[2][UTR_BLOCKS];
static u64 *const counters = counters_all[0];
static struct {
	u64 unused;
	u64 *counters_ptr;
	u64 call_depth;		/* %gs:16, rules_asm.S's call-depth counter */
} utr_gs = { .counters_ptr = counters_all[0] };
static s32 utr_windows[UTR_BLOCKS >> UTR_WINDOW_SHIFT];
static bool direct_counters, derive_counts, ibt, slots = true;
/* Every block is a sentinel with a shadow counter (core.h). */
#define UTR_SHADOW_SHIFT 0
static u64 shadow[UTR_BLOCKS >> UTR_SHADOW_SHIFT];
static u64 jt[KDBT_JT_SIZE];
static struct kdbt_block blocks[UTR_BLOCKS];
static u32 hash[UTR_HASH];
static u32 page_hash[UTR_PAGE_HASH], page_next[UTR_BLOCKS];
static struct kdbt_exit exits[UTR_EXITS];
static struct kdbt_site sites[UTR_SITES];
static struct kdbt_map maps[UTR_MAPS];
static struct kdbt_bb scratch;
static u8 *cache;		/* where the cache runs: read and execute */
/*
 * The core's writable view of the same pages (mem.cache), kept read-only
 * as kdbt.ko keeps its alias: open_cache() opens what the core is about
 * to write, and utr_seal() - at every return from the core to translated
 * code - closes it again.  A write that did not go through
 * kdbt_cache_open() faults.
 */
static u8 *cache_rw;
static u8 *open_lo, *open_hi;	/* the span opened since the last seal */

extern char __executable_start[], etext[];
extern char kdbt_user_call_end[];
extern char kdbt_user_dispatch_direct[], kdbt_user_dispatch_indirect[];
extern char kdbt_test_thunk_rax[], kdbt_test_return_thunk[];
extern char kdbt_test_call_thunk_rax[], kdbt_test_jump_thunk_rax[];
extern char kdbt_test_its_thunk_rax[];
extern char kdbt_user_leave_indirect[];
extern char kdbt_test_native_helper[], kdbt_test_native_helper_end[];
long kdbt_user_call(u64 entry, long arg);
u64 kdbt_user_direct(u32 exit_id);
u64 kdbt_user_indirect(u32 site, u64 target);

static bool in_text(u64 a)
{
	return a >= (u64)__executable_start && a < (u64)etext;
}

/* Extra code a test writes and patches itself (utr_allow_code()). */
static u64 extra_start, extra_end;

static bool in_extra(u64 a)
{
	return a >= extra_start && a < extra_end;
}

/**
 * utr_allow_code() - let the translator read and translate @len bytes of
 * test-made code at @p (it must lie below 2 GiB, like the cache).
 */
void utr_allow_code(void *p, size_t len)
{
	extra_start = (u64)p;
	extra_end = (u64)p + len;
}

static int read_code(void *ctx, u64 addr, u8 *buf, size_t len)
{
	(void)ctx;
	if ((!in_text(addr) || !in_text(addr + len - 1)) &&
	    (!in_extra(addr) || !in_extra(addr + len - 1)))
		return -EFAULT;
	memcpy(buf, (const void *)addr, len);
	return 0;
}

static bool may_translate(void *ctx, u64 addr)
{
	(void)ctx;
	if (in_extra(addr))
		return true;
	return in_text(addr) && !(addr >= (u64)&kdbt_user_call &&
				  addr < (u64)kdbt_user_call_end) &&
	       !(addr >= (u64)kdbt_test_native_helper &&
		 addr < (u64)kdbt_test_native_helper_end);
}

/* The stand-in for the kernel's native leaf helpers (rules_asm.S). */
/* rules_asm.S: the functions it says keep the C calling convention. */
extern char rt_cfuncs_start[], rt_cfuncs_end[];
extern char rt_asm_start[], rt_asm_end[];
long rt_c_entry(long), rt_c_ret_r11(long), rt_c_ret_free(long);

/*
 * The code compiled from C (tfuncs.c and the rest of the program, libc
 * included: the SysV convention, no flag live across a call or return)
 * is a C function's body (where it starts is not known here: never an
 * entry); rules_asm.S is not, but for the functions it marks, and
 * neither is user_glue.S's trampoline.
 */
static enum kdbt_cfunc c_function(void *ctx, u64 addr)
{
	(void)ctx;
	if ((addr < (u64)rt_asm_start || addr >= (u64)rt_asm_end) &&
	    in_text(addr) && !(addr >= (u64)&kdbt_user_call &&
			       addr < (u64)kdbt_user_call_end))
		return KDBT_CFUNC_BODY;
	if (addr < (u64)rt_cfuncs_start || addr >= (u64)rt_cfuncs_end)
		return KDBT_CFUNC_UNKNOWN;
	if (addr == (u64)rt_c_entry || addr == (u64)rt_c_ret_r11 ||
	    addr == (u64)rt_c_ret_free)
		return KDBT_CFUNC_ENTRY;
	return KDBT_CFUNC_BODY;
}

/* The one instruction with an "exception fixup" (rules_asm.S). */
extern char rt_scratch_fixup_insn[];

static bool has_fixup(void *ctx, u64 addr)
{
	(void)ctx;
	return addr == (u64)rt_scratch_fixup_insn;
}

static bool returns_to_cache(void *ctx, u64 addr)
{
	(void)ctx;
	return addr >= (u64)kdbt_test_native_helper &&
	       addr < (u64)kdbt_test_native_helper_end;
}

static void protect(u8 *lo, u8 *hi, int prot)
{
	if (mprotect(lo, hi - lo, prot)) {
		perror("utr: mprotect of the cache's writable view");
		abort();
	}
}

static void open_cache(void *ctx, u32 off, u32 len)
{
	u8 *lo = cache_rw + (off & ~4095u);
	u8 *hi = cache_rw + ((off + len + 4095ull) & ~4095ull);

	(void)ctx;
	protect(lo, hi, PROT_READ | PROT_WRITE);
	if (!open_hi || lo < open_lo)
		open_lo = lo;
	if (hi > open_hi)
		open_hi = hi;
}

/* Close what the core opened: the writable view is read-only again. */
void utr_seal(void)
{
	if (!open_hi)
		return;
	protect(open_lo, open_hi, PROT_READ);
	open_lo = open_hi = NULL;
}

/**
 * utr_cache_writable() - how many bytes of the cache's writable view are
 * writable now, from /proc/self/maps.
 *
 * Return: the bytes, or -1 if the maps cannot be read.
 */
long utr_cache_writable(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi, a = (unsigned long)cache_rw;
	char perms[8];
	long n = 0;

	if (!f)
		return -1;
	while (fscanf(f, "%lx-%lx %7s%*[^\n]", &lo, &hi, perms) == 3)
		if (lo < a + UTR_CACHE && hi > a && perms[1] == 'w')
			n += (long)((hi < a + UTR_CACHE ? hi : a + UTR_CACHE) -
				    (lo > a ? lo : a));
	fclose(f);
	return n;
}

/* The cache, mapped twice from one memfd: to run (below 2 GiB), to write. */
static int map_cache(void)
{
	int fd = memfd_create("utr-cache", 0);

	if (fd < 0 || ftruncate(fd, UTR_CACHE))
		goto fail;
	cache = mmap(NULL, UTR_CACHE, PROT_READ | PROT_EXEC,
		     MAP_SHARED | MAP_32BIT, fd, 0);
	cache_rw = mmap(NULL, UTR_CACHE, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (cache != MAP_FAILED && cache_rw != MAP_FAILED)
		return 0;
fail:
	if (fd >= 0)
		close(fd);
	cache = cache_rw = NULL;
	return -ENOMEM;
}

u64 kdbt_user_direct(u32 exit_id)
{
	u64 r = kdbt_dispatch_direct(&utr, exit_id);

	if (!r) {
		fprintf(stderr, "utr: bad exit id %u\n", exit_id);
		abort();
	}
	utr_seal();
	return r;
}

u64 kdbt_user_indirect(u32 site, u64 target)
{
	u64 r = kdbt_dispatch_indirect(&utr, site, target);

	if (!r && utr.detached) {
		utr_seal();
		return (u64)kdbt_user_leave_indirect;
	}
	if (!r) {
		fprintf(stderr, "utr: no indirect entry for %#llx\n",
			(unsigned long long)target);
		abort();
	}
	utr_seal();
	return r;
}

/* A new block counts from zero (the kernel zeroes it on every CPU). */
static void published(void *ctx, const struct kdbt_block *b)
{
	(void)ctx;
	counters_all[0][b - blocks] = 0;
	counters_all[1][b - blocks] = 0;
}

/* Direct counters: each window's %gs displacement (a disp32). */
static int set_windows(void)
{
	u32 w;

	for (w = 0; w < UTR_BLOCKS >> UTR_WINDOW_SHIFT; w++) {
		s64 d = (s64)((u64)&counters_all[0][w << UTR_WINDOW_SHIFT] -
			      (u64)&utr_gs);

		if (d < INT32_MIN || d + (8 << UTR_WINDOW_SHIFT) > INT32_MAX)
			return -ERANGE;
		utr_windows[w] = (s32)d;
	}
	return 0;
}

/**
 * utr_counter_form() - reach counters directly (`incq %gs:disp32`) or
 * through the per-CPU pointer, from the next utr_setup() on.
 */
void utr_counter_form(bool direct)
{
	direct_counters = direct;
}

/**
 * utr_derive_counts() - from the next utr_setup() on, count a block that
 * ends in a jcc through copies of its successors (core.h).
 */
void utr_derive_counts(bool on)
{
	derive_counts = on;
}

/**
 * utr_slots() - from the next utr_setup() on, keep value profiles at
 * indirect call and jump sites (core.h, kdbt_config.slots); on by
 * default, as in the kernel.
 */
void utr_slots(bool on)
{
	slots = on;
}

/**
 * utr_ibt() - from the next utr_setup() on, give every indirect entry an
 * endbr64 (core.h, kdbt_config.ibt), as for an IBT kernel.
 */
void utr_ibt(bool on)
{
	ibt = on;
}

/**
 * utr_set_cpu() - play "CPU" @cpu (0 or 1): move the GS base so that
 * direct counters land in that CPU's row (the pointer form stays CPU 0's).
 *
 * Return: 0 or -1 with errno set.
 */
int utr_set_cpu(int cpu)
{
	u64 base = (u64)&utr_gs + (u64)cpu * sizeof(counters_all[0]);

	if (cpu < 0 || cpu > 1 || (cpu && !direct_counters)) {
		errno = EINVAL;
		return -1;
	}
	return syscall(SYS_arch_prctl, ARCH_SET_GS, base) ? -1 : 0;
}

/* Block @id's count on "CPU" @cpu. */
unsigned long long utr_counter(int cpu, u32 id)
{
	return counters_all[cpu][id];
}

/* Direct counters: block @id's %gs displacement. */
s32 utr_counter_disp(u32 id)
{
	return utr_windows[id >> UTR_WINDOW_SHIFT] +
	       (s32)(8 * (id & ((1u << UTR_WINDOW_SHIFT) - 1)));
}

/**
 * utr_setup() - (re)start the translator with an empty cache.
 * @mode: fast or transparent.
 * @counters: instrument blocks with counters.
 *
 * Return: 0 or -errno.
 */
int utr_setup(enum kdbt_mode mode, bool counters_on)
{
	struct kdbt_config cfg = {
		.mode = mode,
		.counters = counters_on,
		.derive_counts = derive_counts,
		.slots = slots,
		.ibt = ibt,
		.dispatch_direct = (u64)kdbt_user_dispatch_direct,
		.dispatch_indirect = (u64)kdbt_user_dispatch_indirect,
		.return_thunk = (u64)kdbt_test_return_thunk,
		.indirect_thunk[0] = (u64)kdbt_test_thunk_rax,
		.thunk_alias[0][0] = (u64)kdbt_test_call_thunk_rax,
		.thunk_alias[1][0] = (u64)kdbt_test_jump_thunk_rax,
		.thunk_alias[2][0] = (u64)kdbt_test_its_thunk_rax,
		.call_depth = offsetof(typeof(utr_gs), call_depth),
		.counters_addr = (u64)counters,
		.counters_gs = offsetof(typeof(utr_gs), counters_ptr),
		.counters_windows = direct_counters ? utr_windows : NULL,
		.counters_window_shift = UTR_WINDOW_SHIFT,
		.shadow_addr = (u64)shadow,
		.shadow_shift = UTR_SHADOW_SHIFT,
		.jt_addr = (u64)jt,
		.stack_skip = 128,
		.read_code = read_code,
		.may_translate = may_translate,
		.returns_to_cache = returns_to_cache,
		.c_function = c_function,
		.has_fixup = has_fixup,
		.published = published,
		.open_cache = open_cache,
	};
	struct kdbt_mem mem = {
		.cache_size = UTR_CACHE,
		.counters = counters,
		.shadow = shadow,
		.blocks = blocks, .max_blocks = UTR_BLOCKS,
		.hash = hash, .hash_size = UTR_HASH,
		.page_hash = page_hash, .page_hash_size = UTR_PAGE_HASH,
		.page_next = page_next,
		.exits = exits, .max_exits = UTR_EXITS,
		.sites = sites, .max_sites = UTR_SITES,
		.maps = maps, .max_maps = UTR_MAPS,
		.jt = jt,
		.scratch = &scratch,
	};

	if (direct_counters && set_windows())
		return -ERANGE;
	if (utr_set_cpu(0))
		return -errno;
	if (!cache && map_cache())
		return -ENOMEM;
	open_cache(NULL, 0, UTR_CACHE);
	memset(cache_rw, 0xcc, UTR_CACHE);
	utr_seal();
	mem.cache = cache_rw;
	mem.cache_addr = (u64)cache;
	memset(&utr, 0, sizeof(utr));
	return kdbt_tr_init(&utr, &cfg, &mem);
}

/**
 * utr_run() - run fn(arg) from the code cache.
 * @fn: a native function of this binary.
 * @arg: its argument.
 * @err: receives 0 or the error that prevented translation.
 *
 * Return: fn's result.
 */
long utr_run(long (*fn)(long), long arg, int *err)
{
	struct kdbt_block *b;

	*err = kdbt_translate(&utr, (u64)fn, &b);
	utr_seal();
	if (*err)
		return 0;
	return kdbt_user_call(kdbt_block_entry(&utr, b), arg);
}

static u64 raw_counter(u32 id)
{
	return counters[id];
}

/* Executions of block @id: its counter, or a derived block's copies'. */
unsigned long long utr_block_count(u32 id)
{
	return kdbt_block_count(blocks, id, raw_counter);
}

/**
 * utr_insns() - native instructions executed in the cache since the last
 * utr_zero_counters(): the sum over blocks of executions x instructions.
 *
 * Return: the count.
 */
unsigned long long utr_insns(void)
{
	unsigned long long n = 0;
	u32 i;

	for (i = 1; i < utr.nblocks; i++)
		n += utr_block_count(i) * blocks[i].ninsns;
	return n;
}

void utr_zero_counters(void)
{
	memset(counters_all, 0, sizeof(counters_all));
	memset(shadow, 0, sizeof(shadow));
}

/**
 * utr_shadow_mismatches() - sentinel blocks whose shadow (locked) count
 * differs from their counter: none, in a single thread.
 *
 * Return: how many differ; @sentinels receives how many were compared.
 */
unsigned int utr_shadow_mismatches(unsigned int *sentinels)
{
	unsigned int bad = 0;
	u32 i;

	*sentinels = 0;
	for (i = 1; i < utr.nblocks; i++) {
		if (!kdbt_is_sentinel(&utr, i))
			continue;
		++*sentinels;
		if (shadow[i >> UTR_SHADOW_SHIFT] != counters[i])
			bad++;
	}
	return bad;
}

/* Jumptable misses over every indirect site. */
unsigned long long utr_site_misses(void)
{
	unsigned long long n = 0;
	u32 i;

	for (i = 0; i < utr.nsites; i++)
		n += sites[i].misses;
	return n;
}
