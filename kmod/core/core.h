/* SPDX-License-Identifier: GPL-2.0 */
/*
 * core.h - the translator core's state: blocks, exits, indirect sites, the
 * jumptable and the native<->cache maps.
 *
 * Owns: every type shared by rules.c, block.c, emit.c, translate.c and
 * dispatch.c, and the contract with the environment (struct kdbt_config
 * and struct kdbt_mem: the kernel glue or a userspace test fills them).
 * Must never: include kernel or libc headers (kdbt_env.h only), allocate,
 * or touch memory it was not given.
 *
 * Concurrency: every function that changes a struct kdbt_tr must be
 * called with the environment's translation lock held (one lock, so cache
 * addresses grow monotonically).  Code running in the cache only reads the
 * jumptable and the counters, and follows exits that are patched with one
 * aligned 4-byte store.
 */
#ifndef KDBT_CORE_H
#define KDBT_CORE_H

#include "kdbt_env.h"
#include "decode.h"

/* A block ends after this many native instructions (a fall-through exit). */
#define KDBT_MAX_BLOCK_INSNS	64
/* Native bytes a block may span (maps keep 16-bit offsets). */
#define KDBT_MAX_BLOCK_BYTES	1024
/* cfg.thunk_alias: call-depth call thunks, jump thunks, ITS thunks. */
#define KDBT_THUNK_ALIASES	3

/* Cache bytes one translation (a chain of blocks) may take, stubs included. */
#define KDBT_MAX_BLOCK_CACHE	8192
/* Blocks one translation may chain (see translate.c). */
#define KDBT_MAX_CHAIN		16

/* What cfg.c_function() knows of the code at an address. */
enum kdbt_cfunc {
	KDBT_CFUNC_UNKNOWN,	/* may follow any register convention */
	KDBT_CFUNC_BODY,	/* inside a C function (SysV calling convention) */
	KDBT_CFUNC_ENTRY,	/* the first byte of a C function */
};

/* Jumptable: direct-mapped on the low 16 bits of the native target. */
#define KDBT_JT_BITS		16
#define KDBT_JT_SIZE		(1u << KDBT_JT_BITS)

enum kdbt_mode {
	KDBT_MODE_FAST,		/* calls push cache addresses; ret is ret */
	KDBT_MODE_TRANSPARENT,	/* calls push native addresses; ret looks up */
};

/* How a block ends (struct kdbt_block.end). */
enum kdbt_end {
	KDBT_END_FALL,		/* length cap: falls through to the next block */
	KDBT_END_JMP,		/* direct jmp */
	KDBT_END_JCC,		/* conditional branch: two exits */
	KDBT_END_CALL,		/* direct call */
	KDBT_END_JMP_IND,	/* indirect jmp through the jumptable */
	KDBT_END_CALL_IND,	/* indirect call through the jumptable */
	KDBT_END_RET,		/* ret: itself (fast) or through the jumptable */
	KDBT_END_NATIVE,	/* leaves the cache for the native instruction */
	KDBT_END_THUNK,		/* jmp to the native return thunk (fast mode) */
	KDBT_END_NR,
};

/*
 * The jumptable is an array of KDBT_JT_SIZE code addresses indexed by the
 * low 16 bits of a native target.  Each holds the *indirect entry* of some
 * translation, which checks for itself that the target is its own (lea and
 * jrcxz: no flag is touched) and goes to the dispatcher otherwise; an
 * empty slot holds the dispatcher.  A slot is therefore updated with one
 * aligned 8-byte store and a racing reader can never pair one target with
 * another target's translation.
 */

struct kdbt_bb;

struct kdbt_block {
	u64 native;		/* first native byte */
	u16 native_len;		/* native bytes */
	u16 ninsns;		/* native instructions (the counting unit) */
	u8 end;			/* enum kdbt_end */
	u8 flags_live;		/* arithmetic flags live at entry: slow counter */
	u16 cache_len;		/* bytes from cache_off, stubs included */
	u32 cache_off;		/* direct entry (counter); indirect entry is -2 */
	u32 map;		/* index of ninsns entries in kdbt_mem.maps */
	s32 site;		/* indirect-branch site, or -1 */
	u32 next;		/* chain of the native-address hash */
	u32 ientry;		/* cache offset of the indirect entry, or NONE */
	u16 ret_site;		/* fast-mode call: return site offset, or 0 */
	u8 invalid;		/* its native text changed: unreachable now */
	u8 chained;		/* runs on into block id + 1, which follows it
				 * in the cache, with no exit between them */
	u8 copy;		/* a private copy of its native block: only
				 * its chain's derived block enters it, it
				 * is not in the hash */
	u8 derived;		/* no counter of its own: it runs on into
				 * copies of its successors (id + 1 on the
				 * fall-through or jmp, @taken for a jcc),
				 * and its count is the sum of theirs
				 * (kdbt_block_count()) */
	u8 chain_pos;		/* its place in the chain it was made in:
				 * blocks id - chain_pos .. + chain_n - 1 */
	u8 chain_n;		/* blocks of that chain */
	u32 taken;		/* derived jcc: the taken successor's copy */
	u64 target;		/* end JMP or CALL: the native target of the
				 * direct jmp or call (kept for readers, the
				 * call arcs of kdbt(4)); else 0 */
	u32 slot_of;		/* a copy a site's slot jumps to: that
				 * site's block (it counts the site's
				 * executions that reach it); else 0 */
};

/*
 * kdbt_block_count() - block @id's executions from the counters: its own,
 * or a derived block's - its taken copy's (a jcc) plus block id + 1's,
 * the copy it runs on into, either of which may be derived in turn (a
 * chain of copies along the fall-through; a taken copy's own copies,
 * later in the same chain: the recursion is no deeper than a chain has
 * taken copies, KDBT_MAX_CHAIN).  @raw reads one block's own counter.
 */
static inline u64 kdbt_block_count(const struct kdbt_block *blocks, u32 id,
				   u64 (*raw)(u32 id))
{
	u64 c = 0;

	while (blocks[id].derived) {
		if (blocks[id].taken)
			c += kdbt_block_count(blocks, blocks[id].taken, raw);
		id++;
	}
	return c + raw(id);
}

#define KDBT_NO_IENTRY	0xffffffffu

/* A direct exit: a rel32 in the cache that leads to @target's translation. */
struct kdbt_exit {
	u64 target;		/* native target */
	u32 rel_off;		/* cache offset of the 4-aligned rel32 field */
	u32 block;		/* owning block */
	u32 stub_off;		/* cache offset of its dispatcher stub */
	u8 linked;		/* rel32 now points at the target's translation */
	u8 slot;		/* a site's slot i's exit: i + 1; else 0 */
};

/*
 * Value profiles: an indirect call or jump site (cfg.slots) checks its
 * target against KDBT_SLOTS slots before it probes the jumptable.  A
 * slot holds one native target the site reached, in the order they came,
 * and jumps straight to a private copy of that target's block (struct
 * kdbt_block.copy, .slot_of = the site's block), whose counter therefore
 * counts exactly the executions of the site that went there (without
 * counters: to the target's block, an inline cache).  While a
 * slot is free, a target no slot holds goes to the dispatcher
 * (KDBT_SITE_FILL in the pushed site word), which fills the next slot;
 * once all are taken the site probes the jumptable for the others, and
 * what the slots do not count of the site's executions is "other".
 *
 * The site's code, from slot_off (a cache offset), is KDBT_SLOTS times
 *	lea d32(%rdx),%rcx; jrcxz hit_i	(d32 = -target: 4-aligned field)
 * then `jmp rel32 (4-aligned)` to the fill stub, or past itself to the
 * probe once the slots are full.  hit_i is `lea 8(%rsp),%rsp` (entered
 * there from the dispatcher, which leaves the site word on the stack),
 * then `pop %rdx; pop %rcx; lea skip(%rsp),%rsp; jmp rel32`, the jmp an
 * exit (struct kdbt_exit, site.slot_exit + i) to the slot's target.
 * A transparent-mode ret of a C function checks slot 0's target first,
 * flags being dead at its return (rule_ret(), ret_check): `cmpq
 * $imm32,(%rsp)` (the target, or KDBT_SLOT_EMPTY: nothing), then `jne`
 * past `lea 8(%rsp),%rsp; jmp` to slot 0's exit.
 */
#define KDBT_SLOTS		4
#define KDBT_SITE_FILL		0x40000000u	/* in the site word: fill */
#define KDBT_SLOT_EMPTY		(~0ull)		/* an empty slot's target */

/* An indirect branch (or transparent-mode ret) site. */
struct kdbt_site {
	u64 misses;		/* dispatcher entries from this site */
	u32 block;
	u32 slot_off;		/* cache offset of its slots, or 0: none */
	u32 slot_exit;		/* exit id of slot 0's jmp (1..3 follow) */
	u16 fill_off;		/* from slot_off: the fill jmp's rel32 */
	u8 lea_off[KDBT_SLOTS];	/* from slot_off: slot i's d32 */
	u8 hit_off[KDBT_SLOTS];	/* from slot_off: hit_i (its site entry) */
	u8 nslots;		/* slots taken */
	u8 closed;		/* fills no more (full, or a target no slot
				 * can hold) */
	u32 ret_check;		/* cache offset of a ret's check of slot 0's
				 * target (its imm32), or 0: none */
};	/* slot i's target: exits[slot_exit + i].target (KDBT_SLOT_EMPTY) */

/* A native instruction's place in the cache, relative to its block. */
struct kdbt_map {
	u16 native_off;
	u16 cache_off;		/* from the block's direct entry */
};

/**
 * struct kdbt_config - what the environment tells the translator.
 * @mode: fast or transparent call/ret.
 * @counters: emit a counter increment at every block entry (but see
 *	@derive_counts).
 * @derive_counts: with @counters, a block that ends in a jcc has no
 *	counter: its two successors are translated again as private copies
 *	(struct kdbt_block.copy) that count the two edges, and its count is
 *	their sum (.derived, kdbt_block_count()); a fall-through copy may be
 *	derived in turn.  Readers must sum them.
 * @atomic_counters: make that increment lock-prefixed.
 * @slots: indirect call and jump sites, and transparent-mode returns,
 *	check their first KDBT_SLOTS targets inline before the jumptable
 *	(struct kdbt_site, kdbt_dispatch_indirect()); with @counters a call's
 *	or jump's slot leads to a private copy of its target, which counts
 *	it (a value profile), else (and a return's) to the target's block.
 * @dispatch_direct: code the exit stubs jump to, with the exit id pushed.
 * @dispatch_indirect: code jumptable misses jump to, with the site id
 *	pushed above the saved %rdx (the target) and %rcx.
 * @return_thunk: native __x86_return_thunk, or 0.
 * @indirect_thunk: native __x86_indirect_thunk_<reg> by Zydis register
 *	number - ZYDIS_REGISTER_RAX, or 0; calls and jumps to them are
 *	indirect branches through that register.
 * @thunk_alias: more thunks that stand for an indirect branch through a
 *	register, indexed the same way (0: none): 6.12's call-depth call
 *	and jump thunks (__x86_indirect_call_thunk_<reg>,
 *	__x86_indirect_jump_thunk_<reg>, which retbleed=stuff calls instead
 *	of the retpolines) and the ITS thunks (__x86_indirect_its_thunk_<reg>).
 *	The call thunk's depth accounting is not done for such a call (the
 *	counter's underflow then stuffs the return stack more often).
 * @call_depth: the %gs address of the kernel's call-depth counter
 *	(call-depth tracking: 6.12's retbleed=stuff), or 0.  A direct call
 *	then reaches the accounting thunk in its callee's padding, one
 *	`sarq $5, %gs:call_depth` right before the callee's first byte; that
 *	instruction ends its block, so that the callee starts a block of its
 *	own (its counts, and what cfg.c_function says of its entry).
 * @counters_addr: run-time address of kdbt_mem.counters (shared
 *	counters, when @counters_gs is 0).
 * @counters_gs: per-CPU counters: the %gs offset (sign-extended disp32) of
 *	a per-CPU pointer to this CPU's array of counters, indexed by block
 *	id.  The environment zeroes a new block's counter on every CPU from
 *	@published (kdbt_mem.counters is then unused).
 * @counters_windows: per-CPU counters reached directly (takes precedence
 *	over @counters_gs): block id's counter is at %gs:disp with disp =
 *	counters_windows[id >> @counters_window_shift] + 8 * (the low
 *	@counters_window_shift bits of id), every such disp a sign-extended
 *	disp32; the increment is one `incq %gs:disp32` and needs no scratch
 *	register.  The environment lays out each CPU's counters at its own
 *	%gs base plus those displacements.
 * @counters_window_shift: see @counters_windows.
 * @shadow_addr: run-time address of kdbt_mem.shadow, or 0: every block
 *	whose id is a multiple of 1 << @shadow_shift (a sentinel) also
 *	counts itself with a locked increment of shadow[id >> shadow_shift],
 *	from which the environment estimates what racing non-atomic
 *	increments lost.
 * @shadow_shift: see @shadow_addr.
 * @jt_addr: run-time address of kdbt_mem.jt; must fit a sign-extended
 *	disp32 (kernel and module addresses do).
 * @stack_skip: bytes below %rsp that translated code must not write: 0 in
 *	the kernel (built -mno-red-zone), 128 for SysV userspace code (its
 *	red zone).  Every push the translator adds first steps over them; the
 *	environment's direct dispatcher entry returns with `ret $stack_skip`.
 * @read_code: copy native code bytes; 0 or -EFAULT.
 * @may_translate: false for native code that must stay native (the
 *	dispatcher then leaves the cache for it).
 * @may_chain: optional; false for code that may_translate() allows but
 *	that must not be translated now as part of another block's
 *	translation (the kernel glue: text being patched).
 * @c_function: optional; what is known of the function holding @addr
 *	(enum kdbt_cfunc).  Only say C for code that keeps the SysV calling
 *	convention, in which %r11 carries nothing into a function or out of
 *	it: the counter increment may then use %r11 as scratch at a C
 *	function's entry and in a block that returns from one.
 * @has_fixup: optional; true if an exception fixup covers the instruction
 *	at @addr (a fault there may resume elsewhere, in code that reads
 *	registers the path without a fault overwrites).  Without it every
 *	memory access is taken to have one.
 * @returns_to_cache: optional; true for native code (may_translate() is
 *	false) that is called like a leaf helper - it returns with a plain
 *	ret and never looks at its return address (the kernel's entry-text
 *	and thunk helpers).  Calls to it push the cache return address, so
 *	the caller goes on in the cache.  Calls to other native code
 *	(ftrace and BPF trampolines, modules) push the native return
 *	address in both modes: trampolines find their caller by it.
 * @ibt: the kernel is built for CET indirect branch tracking
 *	(CONFIG_X86_KERNEL_IBT: 6.12): every cache address an indirect
 *	branch can reach starts with endbr64.  Those are the indirect entries
 *	(kdbt_indirect_entry(): jumptable slots, reached by the probe's
 *	`jmp *jt(,%rcx,8)` or the kernel's indirect thunk); the rest of the
 *	cache is reached by direct branches and by ret, which IBT does not
 *	check.  @dispatch_indirect, also in the jumptable, is the
 *	environment's to mark.
 * @published: optional; told of every new block once its code, maps and
 *	exits are final and before anything can branch to it (the kernel
 *	glue mirrors exception-table entries here).
 * @open_cache: optional; told before the core writes bytes [@off,
 *	@off + @len) of @mem.cache (kdbt_cache_open()), so that the
 *	environment may keep that view read-only but for what is being
 *	written.  When to close it again is the environment's (the kernel:
 *	when the translator's lock is released).
 * @ctx: passed to the callbacks.
 */
struct kdbt_config {
	enum kdbt_mode mode;
	bool counters;
	bool derive_counts;
	bool atomic_counters;
	bool slots;
	bool ibt;
	u64 dispatch_direct;
	u64 dispatch_indirect;
	u64 return_thunk;
	u64 indirect_thunk[16];
	u64 thunk_alias[KDBT_THUNK_ALIASES][16];
	u64 call_depth;
	u64 counters_addr;
	u32 counters_gs;
	const s32 *counters_windows;
	u32 counters_window_shift;
	u64 shadow_addr;
	u32 shadow_shift;
	u64 jt_addr;
	u32 stack_skip;
	int (*read_code)(void *ctx, u64 addr, u8 *buf, size_t len);
	bool (*may_translate)(void *ctx, u64 addr);
	bool (*may_chain)(void *ctx, u64 addr);
	enum kdbt_cfunc (*c_function)(void *ctx, u64 addr);
	bool (*has_fixup)(void *ctx, u64 addr);
	bool (*returns_to_cache)(void *ctx, u64 addr);
	void (*published)(void *ctx, const struct kdbt_block *b);
	void (*open_cache)(void *ctx, u32 off, u32 len);
	void *ctx;
};

/* Memory the environment preallocates for the translator. */
struct kdbt_mem {
	u8 *cache;		/* writable view of the code cache */
	u64 cache_addr;		/* where the cache executes */
	u32 cache_size;
	u64 *counters;		/* one per block (shared counters only) */
	u64 *shadow;		/* one per sentinel block, or NULL */
	struct kdbt_block *blocks;
	u32 max_blocks;
	u32 *hash;		/* heads of native-address chains, 0 = empty */
	u32 hash_size;		/* power of two */
	struct kdbt_exit *exits;
	u32 max_exits;
	struct kdbt_site *sites;
	u32 max_sites;
	struct kdbt_map *maps;
	u32 max_maps;
	u64 *jt;		/* KDBT_JT_SIZE indirect entries */
	struct kdbt_bb *scratch;	/* the block being built */
	/*
	 * Optional (NULL: kdbt_invalidate() examines every block): the page
	 * index, heads of chains of the blocks that start in a native page,
	 * by a hash of the page (page_hash_size, a power of two), linked
	 * through page_next[] (max_blocks entries).
	 */
	u32 *page_hash;
	u32 page_hash_size;
	u32 *page_next;
};

/* Why translation refused an instruction form (kdbt_tr.refused[]). */
enum kdbt_refusal {
	KDBT_REFUSE_DECODE,	/* bytes do not decode */
	KDBT_REFUSE_READ,	/* native bytes unreadable */
	KDBT_REFUSE_FORM,	/* no rule for this instruction form */
	KDBT_REFUSE_RANGE,	/* a displacement no longer fits in 32 bits */
	KDBT_REFUSE_ENCODE,	/* Zydis would not encode a rewritten form */
	KDBT_REFUSE_NR,
};

struct kdbt_tr {
	struct kdbt_config cfg;
	struct kdbt_mem mem;
	struct kdbt_decoder dec;
	u32 cache_used;
	u32 nblocks;		/* block ids start at 1; 0 means none */
	u32 nexits;
	u32 nsites;
	u32 nmaps;
	u64 dispatches;		/* dispatcher entries */
	bool detached;		/* leaving: resolve to native, link nothing */
	bool slots_closed;	/* slot checks match nothing (kdbt_tr_slots()) */
	bool flush_ready;	/* kdbt_tr_flush_step() emptied the tables */
	u32 flush_nblocks;	/* ... when nblocks was this */
	u64 refused[KDBT_REFUSE_NR];
	u64 refused_ip[KDBT_REFUSE_NR];	/* the latest, for messages */
	u64 native_stubs;	/* indirect entries that leave the cache */
	u64 invalidated;	/* blocks whose native text changed */
	u64 inval_examined;	/* blocks kdbt_invalidate() looked at */
	u32 inval_examined_max;	/* ... in one call at most */
	/* Mnemonics that ended a block with a native exit, by count. */
	u32 native_exits[ZYDIS_MNEMONIC_MAX_VALUE + 1];
	u64 native_exit_ip;	/* the latest native exit, for messages */
	u32 native_lkgs;	/* native exits at lkgs (Zydis has no mnemonic) */
	u32 unhandled[ZYDIS_MNEMONIC_MAX_VALUE + 1];
};

static inline void kdbt_refuse(struct kdbt_tr *tr, enum kdbt_refusal why,
			       u64 ip)
{
	tr->refused[why]++;
	tr->refused_ip[why] = ip;
}

/* Does block @id also count itself in a shadow counter? */
static inline bool kdbt_is_sentinel(const struct kdbt_tr *tr, u32 id)
{
	return tr->cfg.shadow_addr && tr->mem.shadow &&
	       !(id & ((1u << tr->cfg.shadow_shift) - 1));
}

/*
 * Register (Zydis number - ZYDIS_REGISTER_RAX, plus 1) of the indirect
 * thunk at @target (cfg.indirect_thunk, cfg.thunk_alias), or 0.
 */
static inline u8 kdbt_thunk_reg(const struct kdbt_config *cfg, u64 target)
{
	unsigned int r, a;

	for (r = 0; r < 16; r++) {
		if (cfg->indirect_thunk[r] && cfg->indirect_thunk[r] == target)
			return r + 1;
		for (a = 0; a < KDBT_THUNK_ALIASES; a++)
			if (cfg->thunk_alias[a][r] &&
			    cfg->thunk_alias[a][r] == target)
				return r + 1;
	}
	return 0;
}

/*
 * The %gs address that @zi (at @ip) shifts by 5 with @mnemonic (SAR: the
 * call-depth accounting of a call thunk; SHL: that of the return thunk),
 * or 0: `sarq $5, %gs:m(%rip)` or `sarq $5, %gs:m` (absolute disp32).
 */
static inline u64 kdbt_call_depth_ref(const ZydisDecodedInstruction *zi,
				      u64 ip, ZydisMnemonic mnemonic)
{
	if (zi->mnemonic != mnemonic || zi->operand_width != 64 ||
	    !(zi->attributes & ZYDIS_ATTRIB_HAS_SEGMENT_GS) ||
	    !(zi->attributes & ZYDIS_ATTRIB_HAS_MODRM) ||
	    zi->raw.modrm.mod != 0 || zi->raw.imm[0].size != 8 ||
	    zi->raw.imm[0].value.u != 5 || zi->raw.disp.size != 32)
		return 0;
	if (zi->raw.modrm.rm == 5)		/* RIP-relative */
		return ip + zi->length + zi->raw.disp.value;
	if (zi->raw.modrm.rm == 4 && zi->raw.sib.base == 5 &&
	    zi->raw.sib.index == 4)		/* absolute disp32 */
		return (u64)zi->raw.disp.value;
	return 0;
}

/* endbr64 itself: what an indirect branch must land on under IBT. */
static inline bool kdbt_is_endbr64(const u8 *p)
{
	return p[0] == 0xf3 && p[1] == 0x0f && p[2] == 0x1e && p[3] == 0xfa;
}

/*
 * The 4 bytes an IBT kernel (6.12) starts most functions with: endbr64,
 * or the `osp nopl (%rax)` the kernel seals an unused endbr64 with.  A C
 * function's ftrace site follows them.
 */
static inline bool kdbt_is_endbr(const u8 *p)
{
	return kdbt_is_endbr64(p) ||
	       (p[0] == 0x66 && p[1] == 0x0f && p[2] == 0x1f && p[3] == 0x00);
}

int kdbt_tr_init(struct kdbt_tr *tr, const struct kdbt_config *cfg,
		 const struct kdbt_mem *mem);
u32 kdbt_tr_flush(struct kdbt_tr *tr);
u32 kdbt_tr_flush_step(struct kdbt_tr *tr, u32 from, u32 count);
void kdbt_tr_detach(struct kdbt_tr *tr);
u32 kdbt_tr_unlink(struct kdbt_tr *tr, u32 from, u32 count);
u32 kdbt_tr_slots(struct kdbt_tr *tr, u32 from, u32 count, bool open);
void kdbt_slot_check_set(struct kdbt_tr *tr, const struct kdbt_site *s,
			 u32 i, u64 target);
u32 kdbt_invalidate(struct kdbt_tr *tr, u64 start, u64 end);
void *kdbt_cache_alloc(struct kdbt_tr *tr, u32 len, u64 *addr);
u8 *kdbt_cache_open(struct kdbt_tr *tr, u32 off, u32 len);
void kdbt_exit_patch(struct kdbt_tr *tr, const struct kdbt_exit *x, u64 dest);
int kdbt_translate(struct kdbt_tr *tr, u64 native, struct kdbt_block **out);
int kdbt_indirect_entry(struct kdbt_tr *tr, u64 native, u64 *entry);
int kdbt_slot_copy(struct kdbt_tr *tr, u64 native, u32 site_block,
		   struct kdbt_block **out);
struct kdbt_block *kdbt_find_block(const struct kdbt_tr *tr, u64 native);
struct kdbt_block *kdbt_block_at_cache(const struct kdbt_tr *tr, u64 cache);
bool kdbt_block_maps_fit(const struct kdbt_tr *tr, const struct kdbt_block *b);
u64 kdbt_cache_to_native(const struct kdbt_tr *tr, u64 cache);
u64 kdbt_native_to_cache(const struct kdbt_tr *tr, u64 native);
u64 kdbt_block_entry(const struct kdbt_tr *tr, const struct kdbt_block *b);

/* A little-endian u32 of the code at @p (any alignment): maps.c, state.c. */
static inline u32 kdbt_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/**
 * struct kdbt_regs_in - a context interrupted in the cache, for
 * kdbt_native_state() (state.c).
 * @ip: its instruction pointer.
 * @sp: its stack pointer.
 * @cx: its %rcx, if @cx_dx_known.
 * @dx: its %rdx, if @cx_dx_known.
 * @cx_dx_known: the two are known (a full register frame).
 * @read_word: reads the 8-aligned stack word at @addr (at or above @sp):
 *	0, or non-zero if it cannot.
 * @ctx: passed to @read_word.
 */
struct kdbt_regs_in {
	u64 ip, sp, cx, dx;
	bool cx_dx_known;
	int (*read_word)(void *ctx, u64 addr, u64 *val);
	void *ctx;
};

/* state.c: the native state an interrupted cache context stands for. */
bool kdbt_native_state(const struct kdbt_tr *tr, const struct kdbt_regs_in *in,
		       u64 *native, u64 *native_sp);

/* dispatch.c: the portable half of the dispatcher. */
u64 kdbt_dispatch_direct(struct kdbt_tr *tr, u32 exit_id);
u64 kdbt_dispatch_indirect(struct kdbt_tr *tr, u32 site_id, u64 target);

#endif /* KDBT_CORE_H */
