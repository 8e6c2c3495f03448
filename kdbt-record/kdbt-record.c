// SPDX-License-Identifier: GPL-2.0
/*
 * kdbt-record.c - record kdbt's exact kernel counts while a command runs,
 * into a file that kdbt-report reads anywhere (man kdbt-record(1)).
 *
 * Usage: kdbt-record [-o FILE] [-F HZ | -i SECS] [-k] [-r] [-m MODE] [-q]
 *                    [-u USER] (-a | [--] COMMAND [ARGS...])
 *
 * Switches translation on if it is off (and off again at the end unless
 * --keep), takes a baseline snapshot of /proc/kdbt (or, with --reset,
 * resets the counters first), runs COMMAND (with -a: until SIGINT,
 * SIGTERM, SIGHUP or SIGQUIT, each of which ends the recording cleanly),
 * takes a snapshot every interval and a last one at the end, and writes the intervals, the blocks that counted, their
 * symbols, those functions' code (from /proc/kcore) and what the
 * recording ran on to FILE (default kdbt.data; the
 * previous one becomes kdbt.data.old).
 *
 * COMMAND runs as USER (-u), or, when kdbt-record runs as root under
 * sudo (SUDO_UID and SUDO_GID set), as the user who ran sudo; otherwise
 * as kdbt-record's own user.  kdbt-record itself keeps its privileges.
 *
 * Owns: the options, /proc/kdbt/control (on, off, reset, mode), the
 * command's process and its credentials (groups, gid, uid, set in the
 * child before exec), the sampling loop, the summary line, and its own
 * signals: SIGINT, SIGTERM, SIGHUP and SIGQUIT are blocked and waited
 * for, SIGPIPE is ignored (a closed stdout or stderr is an EPIPE error,
 * not a death); the command gets the mask and SIGPIPE action kdbt-record
 * started with.
 * Must never: leave translation on that it switched on (unless --keep),
 * or leave a partial file under FILE (data_write.c), whatever signal
 * it gets (SIGKILL aside); run the command if setting its user failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kcore.h"
#include "recorder.h"
#include "sysinfo.h"

#define PROG		"kdbt-record"
#define PROC_KDBT	"/proc/" KDBT_PROC_DIR "/"
#define CONTROL_PATH	PROC_KDBT KDBT_PROC_CONTROL
#define NSEC		1000000000ULL

struct opts {
	const char *output;
	__u64 interval_ns;
	int system_wide;	/* -a */
	int keep;		/* leave translation on */
	int reset;		/* reset instead of a baseline */
	const char *mode;	/* "fast", "transparent" or NULL */
	int quiet;
	const char *user;	/* -u: the command's user */
	char **cmd;		/* the command, NULL with -a alone */
	int argc;		/* kdbt-record's own command line */
	char **argv;
	int cmd_index;
};

/* Who the command runs as. */
struct cmd_user {
	int change;		/* set groups, gid and uid before exec */
	uid_t uid;
	gid_t gid;
	char *name;		/* for initgroups(); NULL: the gid alone */
};

/* One recording in progress. */
struct session {
	const struct opts *o;
	struct recorder rc;
	struct kdbt_snap prev;	/* where the last interval ended */
	struct kdbt_snap cur;	/* the reads since (recorder_gather()) */
	int snap_fd;		/* /proc/kdbt/changes (or snapshot) */
	const char *snap_path;
	int switched_on;	/* translation is on because of us */
	int turned_on;		/* ... was, at some point */
	struct cmd_user user;	/* the command's user */
	pid_t pid;		/* the command, 0 if none or reaped */
	int status;		/* its wait status */
	sigset_t waitset, oldmask;
	struct sigaction oldpipe;	/* SIGPIPE's action, for the command */
};

static const struct option long_opts[] = {
	{ "output",	required_argument,	NULL, 'o' },
	{ "freq",	required_argument,	NULL, 'F' },
	{ "interval",	required_argument,	NULL, 'i' },
	{ "all-cpus",	no_argument,		NULL, 'a' },
	{ "keep",	no_argument,		NULL, 'k' },
	{ "reset",	no_argument,		NULL, 'r' },
	{ "mode",	required_argument,	NULL, 'm' },
	{ "quiet",	no_argument,		NULL, 'q' },
	{ "user",	required_argument,	NULL, 'u' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 },
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [-o FILE] [-F HZ | -i SECS] [-k] [-r] [-m MODE] [-q]\n"
		"                   [-u USER] (-a | [--] COMMAND [ARGS...])\n"
		"Record kdbt's exact kernel counts while COMMAND runs.\n"
		"  -o, --output FILE    write FILE (default " KDBT_DATA_NAME "; the old one\n"
		"                       becomes FILE.old)\n"
		"  -F, --freq HZ        snapshots per second (default 1)\n"
		"  -i, --interval SECS  seconds between snapshots (default 1)\n"
		"  -a, --all-cpus       no command: record until SIGINT (Ctrl-C)\n"
		"  -k, --keep           leave translation on at the end\n"
		"  -r, --reset          reset the counters first (default: baseline)\n"
		"  -m, --mode MODE      fast or transparent, if switching on\n"
		"  -q, --quiet          no summary line\n"
		"  -u, --user USER      run COMMAND as USER (name or uid; default: under\n"
		"                       sudo, the user who ran it; -u root keeps root)\n"
		"  -h, --help           this text\n");
}

static int parse_period(const char *arg, int hz, __u64 *ns)
{
	char *end;
	double v = strtod(arg, &end);

	if (end == arg || *end || !(v > 0))
		return -1;
	if (hz)
		v = 1 / v;
	if (v < 0.001 || v > 3600)
		return -1;
	*ns = (__u64)(v * NSEC);
	return 0;
}

/* Return 0, 1 to exit with success (help) or -1 on a usage error. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	int c, period = 0;

	while ((c = getopt_long(argc, argv, "+o:F:i:akrm:qu:h", long_opts,
				NULL)) != -1) {
		switch (c) {
		case 'o':
			o->output = optarg;
			break;
		case 'F':
		case 'i':
			if (period++ || parse_period(optarg, c == 'F',
						     &o->interval_ns)) {
				fprintf(stderr, PROG ": %s: give one -F HZ (0.0003..1000) or -i SECS (0.001..3600)\n",
					optarg);
				return -1;
			}
			break;
		case 'a':
			o->system_wide = 1;
			break;
		case 'k':
			o->keep = 1;
			break;
		case 'r':
			o->reset = 1;
			break;
		case 'm':
			if (strcmp(optarg, "fast") && strcmp(optarg, "transparent")) {
				fprintf(stderr, PROG ": --mode %s: fast or transparent\n",
					optarg);
				return -1;
			}
			o->mode = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return 1;
		default:
			print_usage(stderr);
			return -1;
		}
	}
	o->cmd_index = optind;
	o->cmd = optind < argc ? argv + optind : NULL;
	if (!o->cmd && !o->system_wide) {
		fprintf(stderr, PROG ": no command (or -a to record until Ctrl-C)\n");
		print_usage(stderr);
		return -1;
	}
	if (o->user && !o->cmd) {
		fprintf(stderr, PROG ": --user %s: only for a command\n", o->user);
		return -1;
	}
	return 0;
}

static __u64 now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* /proc/kdbt                                                         */
/* ------------------------------------------------------------------ */

static int control(const char *word, struct kdbt_err *err)
{
	size_t len = strlen(word);
	ssize_t n;
	int fd;

	fd = open(CONTROL_PATH, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return kdbt_fail(err, -errno, "%s: %s", CONTROL_PATH,
				      strerror(errno));
	n = write(fd, word, len);
	if (n != (ssize_t)len) {
		n = n < 0 ? errno : EIO;
		close(fd);
		return kdbt_fail(err, -n,
				      "writing '%s' to %s: %s (dmesg says why)",
				      word, CONTROL_PATH, strerror(n));
	}
	close(fd);
	return 0;
}

/*
 * The next read of /proc/kdbt/changes into s->cur (recorder_gather()): a
 * reset racing with a read makes it fail with EAGAIN, and it is retried.
 */
static int snap(struct session *s, struct kdbt_err *err)
{
	struct kdbt_snap d = { 0 };
	int tries, ret;

	for (tries = 0; tries < 20; tries++) {
		ret = kdbt_changes_read_fd(&d, s->snap_fd, s->snap_path, err);
		if (ret != -EAGAIN)
			break;
		usleep(10000);
	}
	return ret ?: recorder_gather(&s->cur, &d, s->snap_path, err);
}

/* The interval from s->prev to s->cur, which becomes s->prev. */
static int commit(struct session *s, struct kdbt_err *err)
{
	return recorder_commit(&s->rc, &s->prev, &s->cur, s->snap_path, err);
}

/* A snapshot, and the interval since the previous one. */
static int take(struct session *s, struct kdbt_err *err)
{
	return snap(s, err) ?: commit(s, err);
}

/*
 * The counts once translation is off: CPUs may still finish a block or
 * two, so read until two snapshots 20 ms apart agree (1 s at most).
 */
static int settle(struct session *s, struct kdbt_err *err)
{
	__u64 last = s->prev.hdr.block_executions;
	int i, ret;

	for (i = 0; i < 50; i++) {
		ret = snap(s, err);
		if (ret)
			return ret;
		if (s->cur.hdr.block_executions == last)
			break;
		last = s->cur.hdr.block_executions;
		usleep(20000);
	}
	return 0;
}

/* Check /proc/kdbt, open its snapshot, set up translation and baseline. */
static int start(struct session *s, struct kdbt_err *err)
{
	const struct opts *o = s->o;
	char word[32];
	int ret, fast;

	ret = kdbt_snap_read(&s->prev, NULL, err);
	if (ret)
		return ret;
	if (s->prev.hdr.flags & KDBT_SNAP_HIDDEN)
		return kdbt_fail(err, -EPERM,
				      "%s hides kernel addresses (kptr_restrict): run as root with kernel.kptr_restrict below 2",
				      KDBT_SNAPSHOT_PATH);
	s->snap_path = KDBT_CHANGES_PATH;
	/* whole records: recorder_gather() merges reads by id */
	s->snap_fd = kdbt_changes_open(s->snap_path, false);
	if (s->snap_fd < 0 && errno == ENOENT) {	/* an older kdbt.ko */
		s->snap_path = KDBT_SNAPSHOT_PATH;
		s->snap_fd = open(s->snap_path, O_RDONLY | O_CLOEXEC);
	}
	if (s->snap_fd < 0)
		return kdbt_fail(err, -errno, "%s: %s", s->snap_path,
				      strerror(errno));
	ret = kdbt_data_create(&s->rc.w, o->output, err);
	if (ret)
		return ret;
	if (o->reset && (ret = control("reset", err)))
		return ret;
	if (!(s->prev.hdr.flags & KDBT_SNAP_COUNTERS))
		fprintf(stderr, PROG ": warning: the block counters are off (write 'counters on' to %s while translation is off): nothing will be counted\n",
			CONTROL_PATH);
	fast = !!(s->prev.hdr.flags & KDBT_SNAP_FAST);
	if (s->prev.hdr.flags & KDBT_SNAP_ON) {
		if (o->mode && fast != !strcmp(o->mode, "fast"))
			fprintf(stderr, PROG ": warning: translation is on in %s mode already: --mode %s ignored\n",
				fast ? "fast" : "transparent", o->mode);
	} else if (o->mode) {
		snprintf(word, sizeof(word), "mode %s", o->mode);
		ret = control(word, err);
		if (ret)
			return ret;
	}
	/* The baseline, before translation is on: nothing is lost. */
	ret = snap(s, err);
	if (ret)
		return ret;
	kdbt_snap_free(&s->prev);
	s->prev = s->cur;
	memset(&s->cur, 0, sizeof(s->cur));
	s->rc.rec.info.start_realtime_ns = now_ns(CLOCK_REALTIME);
	s->rc.rec.info.start_ns = s->prev.hdr.time_ns;
	if (!(s->prev.hdr.flags & KDBT_SNAP_ON)) {
		ret = control("on", err);
		if (ret)
			return ret;
		s->switched_on = 1;
		s->turned_on = 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The command's user                                                 */
/* ------------------------------------------------------------------ */

/* A decimal id (a uid or gid, not -1); 0, or -1 if @str is not one. */
static int parse_id(const char *str, unsigned int *id)
{
	unsigned long v;
	char *end;

	if (!str || *str < '0' || *str > '9')
		return -1;
	errno = 0;
	v = strtoul(str, &end, 10);
	if (errno || *end || v >= (unsigned int)-1)
		return -1;
	*id = v;
	return 0;
}

/* @u becomes @pw's user, with its groups. */
static int user_of(struct cmd_user *u, const struct passwd *pw,
		   struct kdbt_err *err)
{
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->name = strdup(pw->pw_name);
	if (!u->name)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	return 0;
}

/* -u USER: a name, or a uid with a password entry. */
static int user_by_option(struct cmd_user *u, const char *arg,
			  struct kdbt_err *err)
{
	struct passwd *pw = getpwnam(arg);
	unsigned int id;

	if (!pw && !parse_id(arg, &id))
		pw = getpwuid(id);
	if (!pw)
		return kdbt_fail(err, -ESRCH, "--user %s: no such user", arg);
	return user_of(u, pw, err);
}

/*
 * Under sudo: the user who ran it, from SUDO_UID and SUDO_GID; the
 * supplementary groups of SUDO_USER if that is the same user, else of
 * the uid's password entry, else none but SUDO_GID.
 */
static int user_from_sudo(struct cmd_user *u, const char *uid_str,
			  struct kdbt_err *err)
{
	const char *gid_str = getenv("SUDO_GID");
	const char *name = getenv("SUDO_USER");
	struct passwd *pw = NULL;
	unsigned int uid, gid;

	if (parse_id(uid_str, &uid) || parse_id(gid_str, &gid))
		return kdbt_fail(err, -EINVAL,
				 "SUDO_UID=%s, SUDO_GID=%s: not a uid and a gid (--user USER runs the command as USER, --user root as root)",
				 uid_str, gid_str ? gid_str : "");
	u->uid = uid;
	u->gid = gid;
	if (name)
		pw = getpwnam(name);
	if (!pw || pw->pw_uid != uid)
		pw = getpwuid(uid);
	if (pw && !(u->name = strdup(pw->pw_name)))
		return kdbt_fail(err, -ENOMEM, "out of memory");
	return 0;
}

/*
 * Who the command runs as: -u USER; else, for root under sudo, the user
 * who ran sudo; else kdbt-record's own user, unchanged.  Being that
 * user already (-u root as root) changes nothing either.
 */
static int choose_user(struct session *s, struct kdbt_err *err)
{
	struct cmd_user *u = &s->user;
	const char *sudo_uid = getenv("SUDO_UID");
	int ret;

	if (!s->o->cmd)
		return 0;
	if (s->o->user)
		ret = user_by_option(u, s->o->user, err);
	else if (!geteuid() && sudo_uid)
		ret = user_from_sudo(u, sudo_uid, err);
	else
		return 0;
	if (ret)
		return ret;
	u->change = u->uid != getuid() || u->uid != geteuid() ||
		u->gid != getgid() || u->gid != getegid();
	return 0;
}

/*
 * In the command's process, before exec: groups, gid, uid, in that
 * order (each needs the privileges the next one gives up).
 *
 * Return: NULL, or the name of the call that failed, with errno set.
 */
static const char *become_user(const struct cmd_user *u)
{
	if (!u->change)
		return NULL;
	if (u->name ? initgroups(u->name, u->gid) : setgroups(1, &u->gid))
		return "setgroups";
	if (setresgid(u->gid, u->gid, u->gid))
		return "setgid";
	if (setresuid(u->uid, u->uid, u->uid))
		return "setuid";
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The command and the sampling loop                                  */
/* ------------------------------------------------------------------ */

/* What the command's process tells its parent when it cannot exec. */
struct spawn_error {
	int err;		/* an errno */
	int step;		/* 0: exec, 1: setgroups, setgid or setuid */
	char what[12];		/* that call's name */
};

/* In the child: become the user, exec, or say why not and exit. */
static void __attribute__((noreturn)) run_command(struct session *s, int fd)
{
	struct spawn_error e = { 0 };
	const char *failed;

	sigaction(SIGPIPE, &s->oldpipe, NULL);
	sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
	failed = become_user(&s->user);
	if (!failed)
		execvp(s->o->cmd[0], s->o->cmd);
	e.err = errno;
	if (failed) {
		e.step = 1;
		snprintf(e.what, sizeof(e.what), "%s", failed);
	}
	if (write(fd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

/* The user the command was to run as, for a message. */
static void user_text(const struct cmd_user *u, char *buf, size_t len)
{
	if (u->name)
		snprintf(buf, len, "%s (uid %u)", u->name, (unsigned int)u->uid);
	else
		snprintf(buf, len, "uid %u", (unsigned int)u->uid);
}

/*
 * Run the command; a failure to become its user or to exec is reported
 * here, not by the child, and nothing runs.
 */
static int spawn(struct session *s, struct kdbt_err *err)
{
	char **cmd = s->o->cmd;
	struct spawn_error e;
	char who[96];
	int pfd[2];
	ssize_t n;

	if (pipe2(pfd, O_CLOEXEC))
		return kdbt_fail(err, -errno, "pipe: %s", strerror(errno));
	s->pid = fork();
	if (s->pid < 0) {
		s->pid = 0;
		close(pfd[0]);
		close(pfd[1]);
		return kdbt_fail(err, -errno, "fork: %s", strerror(errno));
	}
	if (!s->pid) {
		close(pfd[0]);
		run_command(s, pfd[1]);
	}
	close(pfd[1]);
	do {
		n = read(pfd[0], &e, sizeof(e));
	} while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n != sizeof(e))
		return 0;
	waitpid(s->pid, &s->status, 0);
	s->pid = 0;
	if (!e.step)
		return kdbt_fail(err, -e.err, "cannot run '%s': %s", cmd[0],
				 strerror(e.err));
	e.what[sizeof(e.what) - 1] = '\0';
	user_text(&s->user, who, sizeof(who));
	return kdbt_fail(err, -e.err, "cannot run '%s' as %s: %s: %s",
			 cmd[0], who, e.what, strerror(e.err));
}

/*
 * Snapshots every interval until the command exits (or, without one, a
 * signal asks to stop).  A signal sent to kdbt-record alone is passed on
 * to the command; one from the terminal reached the command already.
 */
static int sample(struct session *s, struct kdbt_err *err)
{
	__u64 next = now_ns(CLOCK_MONOTONIC) + s->o->interval_ns, now;
	struct timespec ts;
	siginfo_t info;
	int sig, ret;

	for (;;) {
		now = now_ns(CLOCK_MONOTONIC);
		if (now >= next) {
			ret = take(s, err);
			if (ret)
				return ret;
			next += s->o->interval_ns;
			if (next <= now)
				next = now + s->o->interval_ns;
			continue;
		}
		ts.tv_sec = (next - now) / NSEC;
		ts.tv_nsec = (next - now) % NSEC;
		sig = sigtimedwait(&s->waitset, &info, &ts);
		if (sig < 0)
			continue;	/* EAGAIN: time for a snapshot */
		if (sig == SIGCHLD) {
			if (s->pid && waitpid(s->pid, &s->status, WNOHANG) == s->pid) {
				s->pid = 0;
				return 0;
			}
			continue;
		}
		if (!s->pid)
			return 0;
		if (info.si_code != SI_KERNEL)
			kill(s->pid, sig);
	}
}

/* Stop the command after a failure, and switch translation off. */
static void cleanup(struct session *s)
{
	struct kdbt_err e = { 0 };

	if (s->pid) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, &s->status, 0);
		s->pid = 0;
	}
	if (s->switched_on && !s->o->keep && control("off", &e))
		fprintf(stderr, PROG ": %s\n", e.msg);
	s->switched_on = 0;
}

/* The last snapshot: after switching off, so that the counts are final. */
static int finish_sampling(struct session *s, struct kdbt_err *err)
{
	int ret;

	if (s->switched_on && !s->o->keep) {
		ret = control("off", err);
		s->switched_on = 0;
		if (ret)
			return ret;
		s->rc.rec.info.rec_flags |= KDBT_REC_SWITCHED_OFF;
		return settle(s, err) ?: commit(s, err);
	}
	return take(s, err);
}

/* ------------------------------------------------------------------ */
/* The file                                                           */
/* ------------------------------------------------------------------ */

/* What the recording ran on: the facts beside the counts. */
static int describe(struct session *s, struct kdbt_err *err)
{
	struct kdbt_rec *r = &s->rc.rec;
	const struct opts *o = s->o;
	int i, ret = 0;

	r->info.end_ns = s->prev.hdr.time_ns;
	if (r->info.end_ns < r->info.start_ns)
		r->info.end_ns = r->info.start_ns;
	r->info.interval_ns = o->interval_ns;
	r->info.ncpus = s->prev.hdr.ncpus;
	r->info.snap_flags = s->prev.hdr.flags;
	r->info.snap_version = s->prev.hdr.version;
	r->info.exit_status = s->status;
	r->info.rec_flags |= (s->turned_on ? KDBT_REC_SWITCHED_ON : 0) |
		(o->reset ? KDBT_REC_RESET : 0) |
		(o->cmd ? KDBT_REC_COMMAND : KDBT_REC_SYSTEM_WIDE) |
		(s->rc.untargeted ? 0 : KDBT_REC_TARGETS) |
		(s->rc.unedged ? 0 : KDBT_REC_EDGES);
	ret |= kdbt_rec_set_system(r);
	r->build_id_len = kdbt_kernel_build_id(r->build_id,
					       sizeof(r->build_id));
	r->argv = calloc(o->argc + 1, sizeof(*r->argv));
	for (i = 0; r->argv && i < o->argc; i++) {
		r->argv[i] = strdup(o->argv[i]);
		if (!r->argv[i])
			break;
		r->argc = i + 1;
	}
	r->command = o->cmd ? o->cmd_index : o->argc;
	if (ret || !r->argv || (int)r->argc != o->argc)
		return kdbt_fail(err, -ENOMEM, "out of memory");
	return 0;
}

/*
 * The symbols of the recorded blocks, from /proc/kallsyms and modules,
 * the modules' build ids and the functions' code (/proc/kcore).
 */
static int symbolize(struct session *s, struct kdbt_syms *st,
		     struct kdbt_err *err)
{
	struct stat sb;
	int ret;

	ret = kdbt_syms_load(st, NULL, stat(KDBT_MODULES_PATH, &sb) ? NULL :
			     KDBT_MODULES_PATH, err);
	if (ret) {
		fprintf(stderr, PROG ": warning: %s: the recording has no symbols\n",
			err->msg);
		st->mods = calloc(1, sizeof(*st->mods));
		if (!st->mods)
			return kdbt_fail(err, -ENOMEM, "out of memory");
		strcpy(st->mods[0].name, "kernel");
		st->nmods = 1;
	}
	ret = recorder_symbols(&s->rc, st, err);
	if (!ret && kdbt_rec_set_module_build_ids(&s->rc.rec))
		ret = kdbt_fail(err, -ENOMEM, "out of memory");
	if (!ret)
		ret = recorder_code(&s->rc, KDBT_KCORE_PATH, err);
	return ret;
}

static __u64 data_bytes(const char *path)
{
	struct stat sb;

	return stat(path, &sb) ? 0 : sb.st_size;
}

static void summary(const struct session *s, __u64 bytes, __u32 samples)
{
	const struct kdbt_data_info *in = &s->rc.rec.info;
	char cmd[64] = "";

	if (s->o->quiet)
		return;
	if (s->o->cmd && WIFEXITED(s->status) && WEXITSTATUS(s->status))
		snprintf(cmd, sizeof(cmd), "; the command exited %d",
			 WEXITSTATUS(s->status));
	else if (s->o->cmd && WIFSIGNALED(s->status))
		snprintf(cmd, sizeof(cmd), "; the command was killed by signal %d",
			 WTERMSIG(s->status));
	fprintf(stderr,
		"[ " PROG ": %.3f s, %llu instructions, %u samples; wrote %s (%.3f MB)%s ]\n",
		(in->end_ns - in->start_ns) / 1e9,
		(unsigned long long)s->rc.instructions, samples,
		s->o->output, bytes / 1e6, cmd);
}

static int record(struct session *s, struct kdbt_err *err)
{
	struct kdbt_syms st = { 0 };
	__u32 samples;
	int ret;

	ret = choose_user(s, err);
	if (!ret)
		ret = start(s, err);
	if (!ret && s->o->cmd)
		ret = spawn(s, err);
	if (!ret)
		ret = sample(s, err);
	if (!ret)
		ret = finish_sampling(s, err);
	cleanup(s);
	if (!ret)
		ret = describe(s, err);
	if (!ret)
		ret = symbolize(s, &st, err);
	if (!ret && !s->rc.w.nivls)
		ret = kdbt_fail(err, -ENODATA, "no samples recorded");
	samples = s->rc.w.nivls;
	if (!ret)
		ret = kdbt_data_finish(&s->rc.w, &s->rc.rec, err);
	if (!ret)
		summary(s, data_bytes(s->o->output), samples);
	kdbt_syms_free(&st);
	return ret;
}

/*
 * The signals that end a recording are blocked and taken by sample()'s
 * sigtimedwait(), so that each ends it cleanly; a closed stdout or
 * stderr must not kill kdbt-record with translation on.
 */
static void take_signals(struct session *s)
{
	static const int stop_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction ign = { .sa_handler = SIG_IGN };
	size_t i;

	signal(SIGCHLD, SIG_DFL);	/* the command's status, not auto-reaped */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &s->oldpipe);
	sigemptyset(&s->waitset);
	sigaddset(&s->waitset, SIGCHLD);
	for (i = 0; i < sizeof(stop_sigs) / sizeof(stop_sigs[0]); i++)
		sigaddset(&s->waitset, stop_sigs[i]);
	sigprocmask(SIG_BLOCK, &s->waitset, &s->oldmask);
}

int main(int argc, char **argv)
{
	struct opts o = { .output = KDBT_DATA_NAME, .interval_ns = NSEC,
			  .argc = argc, .argv = argv };
	struct session s = { .o = &o, .snap_fd = -1 };
	struct kdbt_err err = { 0 };
	int ret;

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	s.rc.w.fd = -1;
	take_signals(&s);
	ret = record(&s, &err);
	if (ret) {
		fprintf(stderr, PROG ": %s\n", err.msg);
		if (s.rc.w.fd >= 0 || s.rc.w.tmp)
			kdbt_data_abort(&s.rc.w);
	}
	kdbt_snap_free(&s.prev);
	kdbt_snap_free(&s.cur);
	recorder_free(&s.rc);
	free(s.user.name);
	if (s.snap_fd >= 0)
		close(s.snap_fd);
	return ret ? 1 : 0;
}
