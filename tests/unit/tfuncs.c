// SPDX-License-Identifier: GPL-2.0
/*
 * tfuncs.c - real C functions, compiled at -O2, that translate_run.c runs
 * from the code cache: loops, recursion, jump-table switches, calls
 * through function pointers (qsort, bsearch), tail calls, computed goto,
 * string and memory routines of the static libc (IFUNC-selected SIMD
 * versions), libgcc helpers, variadic calls and hand-placed instruction
 * forms (loop, jrcxz, rep movs/stos, flags live across a jump).
 *
 * Owns: the test functions and the table of them.
 * Must never: keep state between calls, allocate, or make system calls:
 * each function's result and instruction count depend on its argument
 * alone, so the ptrace reference and the translated runs agree.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "tfuncs.h"

#define NOINLINE __attribute__((noinline))

/* A 64-bit LCG: the same pseudo-random numbers from the same seed. */
static inline unsigned long lcg(unsigned long *s)
{
	*s = *s * 6364136223846793005ul + 1442695040888963407ul;
	return *s >> 17;
}

static long t_sum_squares(long n)
{
	long i, s = 0;

	for (i = 0; i < n; i++)
		s += i * i;
	return s;
}

static NOINLINE long fib(long n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static long t_fib(long n)
{
	return fib(n);
}

static NOINLINE long ackermann(long m, long n)
{
	if (!m)
		return n + 1;
	if (!n)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

static long t_ackermann(long n)
{
	return ackermann(2, n);
}

/* A dense switch: -O2 compiles it to an indirect jmp through a table. */
static NOINLINE long op(long k, long x)
{
	switch (k) {
	case 0: return x + 1;
	case 1: return x * 3;
	case 2: return x ^ 0x55;
	case 3: return x - 7;
	case 4: return x << 2;
	case 5: return x >> 1;
	case 6: return ~x;
	case 7: return x * x;
	case 8: return x | 0x100;
	case 9: return x & 0xfff;
	case 10: return -x;
	default: return x + k;
	}
}

static long t_switch_table(long n)
{
	long i, x = 1;

	for (i = 0; i < n; i++)
		x = op(i % 13, x) & 0xffffff;
	return x;
}

/* A sparse switch: a tree of compares. */
static long t_sparse_switch(long n)
{
	long i, s = 0;

	for (i = 0; i < n; i++) {
		switch (i * 37 % 1000) {
		case 3: s += 1; break;
		case 111: s += 10; break;
		case 222: s -= 3; break;
		case 500: s *= 2; break;
		case 777: s ^= 0x1234; break;
		case 999: s += i; break;
		default: s++;
		}
	}
	return s;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* qsort calls the comparator through a function pointer. */
static long t_qsort(long seed)
{
	unsigned long s = seed;
	long a[100], r = 0;
	int i;

	for (i = 0; i < 100; i++)
		a[i] = lcg(&s) % 1000;
	qsort(a, 100, sizeof(a[0]), cmp_long);
	for (i = 0; i < 100; i++)
		r = r * 31 + a[i];
	return r;
}

static long t_bsearch(long n)
{
	long a[64], i, found = 0;

	for (i = 0; i < 64; i++)
		a[i] = i * 3;
	for (i = 0; i < n; i++)
		found += bsearch(&i, a, 64, sizeof(a[0]), cmp_long) != NULL;
	return found;
}

static NOINLINE long add3(long x) { return x + 3; }
static NOINLINE long mul5(long x) { return x * 5; }
static NOINLINE long xor9(long x) { return x ^ 9; }

static long (*const volatile fn_table[3])(long) = { add3, mul5, xor9 };

/* Indirect calls through a table the compiler cannot see into. */
static long t_fnptr_table(long n)
{
	long i, x = 1;

	for (i = 0; i < n; i++)
		x = fn_table[i % 3](x) & 0xfffff;
	return x;
}

/*
 * Value profiles (struct kdbt_site): one call site whose targets come
 * 1000, 200 and 7 times (t_value_mix(1207)), and one that reaches six
 * targets in turn, more than a site has slots (t_value_many(60)).
 * translate_run.c's check_slots() knows these names.
 */
NOINLINE long vp_a(long x) { return x + 1; }
NOINLINE long vp_b(long x) { return x * 3; }
NOINLINE long vp_c(long x) { return x ^ 0x55; }
NOINLINE long vp_d(long x) { return x - 7; }
NOINLINE long vp_e(long x) { return x << 1; }
NOINLINE long vp_f(long x) { return x | 1; }

static long (*const volatile vp_table[6])(long) = {
	vp_a, vp_b, vp_c, vp_d, vp_e, vp_f
};

long t_value_mix(long n)
{
	long i, x = 0;

	for (i = 0; i < n; i++)
		x = vp_table[i < 1000 ? 0 : i < 1200 ? 1 : 2](x) & 0xffff;
	return x;
}

long t_value_many(long n)
{
	long i, x = 0;

	for (i = 0; i < n; i++)
		x = vp_table[i % 6](x) & 0xffff;
	return x;
}

static NOINLINE long is_odd(long n);

/* Mutual recursion that -O2 turns into tail calls (jmp). */
static NOINLINE long is_even(long n)
{
	return n == 0 ? 1 : is_odd(n - 1);
}

static NOINLINE long is_odd(long n)
{
	return n == 0 ? 0 : is_even(n - 1);
}

static long t_tail_calls(long n)
{
	return is_even(n) * 10 + is_odd(n + 1);
}

static NOINLINE long tail_indirect(long n)
{
	return fn_table[n % 3](n);	/* jmp *fn_table(...) */
}

static long t_tail_indirect(long n)
{
	long i, s = 0;

	for (i = 0; i < n; i++)
		s += tail_indirect(i);
	return s;
}

static long t_volatile_recursion(long n);
static long (*volatile self)(long) = t_volatile_recursion;

/* Recursion through a function pointer: many indirect calls and returns. */
static long t_volatile_recursion(long n)
{
	return n <= 1 ? 1 : n + self(n - 1);
}

/* A carry (CF) produced before a jmp and consumed after it. */
static long t_flags_across_jump(long n)
{
	unsigned long lo = 0, hi = 0, i;

	for (i = 0; i < (unsigned long)n; i++) {
		asm("addq %2, %0\n\t"
		    "jmp 1f\n"
		    "1:\tadcq $0, %1"
		    : "+r" (lo), "+r" (hi)
		    : "r" (0xfedcba9876543210ul));
	}
	return (long)(hi ^ lo);
}

/* A compare before a taken jcc whose target reads the flags (setcc). */
static long t_flags_jcc(long n)
{
	long i, s = 0;
	unsigned char b;

	for (i = 0; i < n; i++) {
		asm("cmpq $50, %1\n\t"
		    "jne 1f\n\t"
		    "nop\n"
		    "1:\tsetl %0"
		    : "=r" (b) : "r" (i) : "cc");
		s += b;
	}
	return s;
}

/*
 * The libc routines take paths that depend on where their buffers lie in
 * a page; aligned buffers make the path, and so the count, independent of
 * the stack depth at which the function runs.
 */
#define PAGE_ALIGNED __attribute__((aligned(4096)))

static long t_string(long n)
{
	char buf[256] PAGE_ALIGNED, other[256] PAGE_ALIGNED;
	long s = 0;
	int i;

	for (i = 0; i < 200; i++)
		buf[i] = 'a' + (i * 7 + n) % 26;
	buf[200] = 0;
	memcpy(other, buf, 201);
	s += strlen(buf);
	s += memcmp(buf, other, 201) == 0;
	s += strchr(buf, 'q') ? strchr(buf, 'q') - buf : -1;
	other[150] = 0;
	s += strcmp(buf, other) > 0;
	s += strncmp(buf, other, 100) == 0;
	s += strrchr(buf, 'z') - buf;
	return s;
}

static long t_memory(long n)
{
	unsigned char a[4096] PAGE_ALIGNED, b[4096] PAGE_ALIGNED;
	long s = 0;
	int i;

	memset(a, (int)n, sizeof(a));
	memcpy(b, a, sizeof(b));
	memmove(b + 3, b, 2000);
	b[100] = 7;
	for (i = 0; i < 4096; i += 64)
		s += b[i];
	return s + (memchr(b, 7, sizeof(b)) ? 1 : 0);
}

static long t_strtol(long n)
{
	const char *nums[] = { "123", "-77", "0x1f", "077", "  42xyz", "9999" };
	long s = n;
	char *end;
	int i;

	for (i = 0; i < 6; i++)
		s += strtol(nums[i], &end, 0) + (end - nums[i]);
	return s;
}

/* rep movsb and rep stosb, written out (one instruction, many iterations). */
static long t_rep_string(long n)
{
	char src[512], dst[512];
	long s = 0;
	void *d = dst, *p = src;
	unsigned long c = 300;
	int i;

	for (i = 0; i < 512; i++) {
		src[i] = (char)(i + n);
		dst[i] = 0;
	}
	asm volatile("rep movsb" : "+D" (d), "+S" (p), "+c" (c) : : "memory");
	d = dst + 300;
	c = 100;
	asm volatile("rep stosb" : "+D" (d), "+c" (c) : "a" (0x11) : "memory");
	for (i = 0; i < 512; i += 8)
		s += dst[i];
	return s;
}

/* A threaded interpreter: goto *label (indirect jmp through a register). */
static long t_computed_goto(long n)
{
	static const unsigned char prog[] = { 0, 1, 2, 0, 3, 1, 4 };
	static void *const labels[] = { &&inc, &&dbl, &&dec, &&loop, &&end };
	long acc = 1, pc = 0, left = n;

	goto *labels[prog[pc]];
inc:
	acc++;
	goto *labels[prog[++pc]];
dbl:
	acc = (acc * 2) & 0xffffff;
	goto *labels[prog[++pc]];
dec:
	acc--;
	goto *labels[prog[++pc]];
loop:
	if (--left > 0) {
		pc = 0;
		goto *labels[prog[pc]];
	}
	goto *labels[prog[++pc]];
end:
	return acc;
}

/* Branch-free selections (cmov) and bit operations. */
static long t_cmov_bits(long n)
{
	unsigned long s = n, acc = 0;
	int i;

	for (i = 0; i < 500; i++) {
		unsigned long x = lcg(&s) | 1;
		long a = (long)x, b = (long)(x >> 3);

		acc += a > b ? a - b : b - a;
		acc ^= __builtin_ctzl(x) + __builtin_clzl(x);
		acc += __builtin_bswap64(x) >> 60;
	}
	return (long)acc;
}

/* __builtin_popcountl is a libgcc call without -mpopcnt. */
static long t_popcount(long n)
{
	unsigned long s = n;
	long c = 0;
	int i;

	for (i = 0; i < 300; i++)
		c += __builtin_popcountl(lcg(&s));
	return c;
}

/* 128-bit division: libgcc's __divti3 and __umodti3. */
static long t_int128(long n)
{
	__int128 a = (__int128)n << 70 | 12345, s = 0;
	unsigned __int128 u = (unsigned __int128)a * 977;
	int i;

	for (i = 1; i < 50; i++) {
		s += a / (i * 1000003 + n);
		s ^= (__int128)(u % (unsigned)(i * 7919));
	}
	return (long)(s ^ (s >> 64));
}

/* The x86 loop instruction (rel8 only). */
static long t_loop_insn(long n)
{
	long r = 0, c = n;

	asm("1:\taddq %%rcx, %0\n\t"
	    "loop 1b" : "+r" (r), "+c" (c));
	return r;
}

/* jrcxz (rel8 only): count down with an early exit on zero. */
static long t_jrcxz(long n)
{
	long r = 0, c = n;

	asm("1:\tjrcxz 2f\n\t"
	    "addq $2, %0\n\t"
	    "decq %%rcx\n\t"
	    "jmp 1b\n"
	    "2:" : "+r" (r), "+c" (c));
	return r;
}

/* Ten arguments: four on the stack. */
static NOINLINE long many_args(long a, long b, long c, long d, long e,
			       long f, long g, long h, long i, long j)
{
	return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h +
	       9 * i + 10 * j;
}

static long t_many_args(long n)
{
	long i, s = 0;

	for (i = 0; i < n; i++)
		s += many_args(i, i + 1, i + 2, i + 3, i + 4, i + 5, i + 6,
			       i + 7, i + 8, s & 0xff);
	return s;
}

static NOINLINE long vsum(int count, ...)
{
	va_list ap;
	long s = 0;

	va_start(ap, count);
	while (count--)
		s += va_arg(ap, long);
	va_end(ap);
	return s;
}

static long t_varargs(long n)
{
	return vsum(3, n, 2L, 3L) + vsum(8, 1L, 2L, 3L, 4L, 5L, 6L, 7L, n);
}

struct big {
	long v[40];
};

static NOINLINE long sum_big(struct big b)
{
	long s = 0;
	int i;

	for (i = 0; i < 40; i++)
		s += b.v[i];
	return s;
}

/* A large struct passed by value (block copies on the stack). */
static long t_struct_by_value(long n)
{
	struct big b;
	int i;

	for (i = 0; i < 40; i++)
		b.v[i] = n + i;
	return sum_big(b) + sum_big(b);
}

static long t_sieve(long n)
{
	unsigned char comp[2000] = { 0 };
	long i, j, c = 0;

	if (n > 2000)
		n = 2000;
	for (i = 2; i < n; i++) {
		if (comp[i])
			continue;
		c++;
		for (j = i * i; j < n; j += i)
			comp[j] = 1;
	}
	return c;
}

static long t_crc32(long n)
{
	unsigned int crc = ~0u;
	long i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= (unsigned char)(i * 13);
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

/* Vectorisable loops (SSE at -O2) and floating point. */
static long t_matrix(long n)
{
	int a[8][8], b[8][8], c[8][8] = { { 0 } };
	long s = 0;
	int i, j, k;

	for (i = 0; i < 8; i++)
		for (j = 0; j < 8; j++) {
			a[i][j] = i + j + (int)n;
			b[i][j] = i - j;
		}
	for (i = 0; i < 8; i++)
		for (k = 0; k < 8; k++)
			for (j = 0; j < 8; j++)
				c[i][j] += a[i][k] * b[k][j];
	for (i = 0; i < 8; i++)
		for (j = 0; j < 8; j++)
			s += c[i][j] * (i + 1);
	return s;
}

static long t_float(long n)
{
	double x = (double)n, r = x;
	int i;

	for (i = 0; i < 30; i++)
		r = 0.5 * (r + x / r);
	return (long)(r * 1000.0);
}

struct node {
	struct node *next;
	long v;
};

static long t_linked_list(long n)
{
	struct node nodes[100], *head = NULL, *p;
	long s = 0;
	int i;

	for (i = 0; i < 100; i++) {
		nodes[i].v = i * n;
		nodes[i].next = head;
		head = &nodes[i];
	}
	for (p = head; p; p = p->next)
		s = s * 3 + p->v;
	return s;
}

static NOINLINE long depth(long n)
{
	volatile long pad = n;

	return n ? depth(n - 1) + pad : 0;
}

/* A deep call chain: returns unwinding far. */
static long t_deep_chain(long n)
{
	return depth(n);
}

#define T(f, a) { #f + 2, f, a }
const struct tfunc tfuncs[] = {
	T(t_sum_squares, 1000),
	T(t_fib, 15),
	T(t_ackermann, 3),
	T(t_switch_table, 500),
	T(t_sparse_switch, 1000),
	T(t_qsort, 42),
	T(t_bsearch, 150),
	T(t_fnptr_table, 300),
	T(t_value_mix, 1207),
	T(t_value_many, 60),
	T(t_tail_calls, 300),
	T(t_tail_indirect, 200),
	T(t_volatile_recursion, 200),
	T(t_flags_across_jump, 300),
	T(t_flags_jcc, 100),
	T(t_string, 5),
	T(t_memory, 9),
	T(t_strtol, 1),
	T(t_rep_string, 3),
	T(t_computed_goto, 100),
	T(t_cmov_bits, 7),
	T(t_popcount, 11),
	T(t_int128, 3),
	T(t_loop_insn, 200),
	T(t_jrcxz, 100),
	T(t_many_args, 200),
	T(t_varargs, 4),
	T(t_struct_by_value, 2),
	T(t_sieve, 1000),
	T(t_crc32, 100),
	T(t_matrix, 3),
	T(t_float, 2),
	T(t_linked_list, 5),
	T(t_deep_chain, 500),
};
const unsigned int n_tfuncs = sizeof(tfuncs) / sizeof(tfuncs[0]);
