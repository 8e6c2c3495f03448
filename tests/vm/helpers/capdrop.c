// SPDX-License-Identifier: GPL-2.0
/*
 * capdrop.c - run a command as uid 0 with only some capabilities, or as
 * root of a new user namespace (a container's root), inside the test
 * guest.
 *
 * Usage: capdrop CAPS COMMAND [ARGS...]
 *        capdrop --userns COMMAND [ARGS...]
 * CAPS: "none" or a comma-separated list of capability numbers or of the
 * names sys_admin, perfmon, dac_override, dac_read_search, syslog.
 * The uid stays 0 (so the modes of root's files let it in); the command
 * runs with exactly CAPS, kept across execve() as ambient capabilities
 * while SECBIT_NOROOT stops execve() from granting root the full set.
 * With --userns it runs in a new user namespace where uid 0 maps to the
 * real uid 0: every capability there, none in the initial namespace.
 * Owns: setting up those credentials before exec.
 * Must never: run the command if they could not be set exactly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name;
	int cap;
} cap_names[] = {
	{ "sys_admin", CAP_SYS_ADMIN },
	{ "perfmon", CAP_PERFMON },
	{ "dac_override", CAP_DAC_OVERRIDE },
	{ "dac_read_search", CAP_DAC_READ_SEARCH },
	{ "syslog", CAP_SYSLOG },
};

static int cap_number(const char *s)
{
	char *end;
	long n;
	size_t i;

	for (i = 0; i < sizeof(cap_names) / sizeof(cap_names[0]); i++)
		if (!strcmp(s, cap_names[i].name))
			return cap_names[i].cap;
	n = strtol(s, &end, 10);
	if (*s && !*end && n >= 0 && n <= CAP_LAST_CAP)
		return (int)n;
	fprintf(stderr, "capdrop: unknown capability '%s'\n", s);
	exit(2);
}

/* The capability mask (two 32-bit words) CAPS names. */
static void parse_caps(char *caps, __u32 mask[2])
{
	char *tok, *save = NULL;
	int cap;

	mask[0] = mask[1] = 0;
	if (!strcmp(caps, "none"))
		return;
	for (tok = strtok_r(caps, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		cap = cap_number(tok);
		mask[cap / 32] |= 1u << (cap % 32);
	}
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* Keep exactly @mask, in this process and across execve(). */
static void keep_only(const __u32 mask[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int cap, i;

	if (prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
		  SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED))
		die("capdrop: PR_SET_SECUREBITS");
	for (i = 0; i < 2; i++) {
		data[i].effective = mask[i];
		data[i].permitted = mask[i];
		data[i].inheritable = mask[i];
	}
	if (syscall(SYS_capset, &hdr, data))
		die("capdrop: capset");
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
		die("capdrop: clearing ambient capabilities");
	for (cap = 0; cap <= CAP_LAST_CAP; cap++)
		if ((mask[cap / 32] >> (cap % 32)) & 1 &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0))
			die("capdrop: raising an ambient capability");
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

/* A new user namespace whose uid 0 and gid 0 are the real ones. */
static void enter_userns(void)
{
	if (unshare(CLONE_NEWUSER))
		die("capdrop: unshare(CLONE_NEWUSER)");
	write_file("/proc/self/uid_map", "0 0 1\n");
	write_file("/proc/self/gid_map", "0 0 1\n");
}

int main(int argc, char **argv)
{
	__u32 mask[2];

	if (argc < 3) {
		fprintf(stderr, "usage: capdrop CAPS|--userns COMMAND [ARGS...]\n");
		return 2;
	}
	if (!strcmp(argv[1], "--userns")) {
		enter_userns();
	} else {
		parse_caps(argv[1], mask);
		keep_only(mask);
	}
	execvp(argv[2], argv + 2);
	perror(argv[2]);
	return 127;
}
