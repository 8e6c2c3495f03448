// SPDX-License-Identifier: GPL-2.0
/*
 * sysinfo.c - facts about the running kernel that kdbt-record (and
 * kdbt-report --live) store beside the counts: its GNU build id and its
 * modules', uname()'s strings and the releases of kdbt.ko and of the
 * tool.
 *
 * Owns: parsing /sys/kernel/notes and /sys/module/NAME/notes (sequences
 * of ELF notes).
 * Must never: fail a recording: a fact it cannot find is left out.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "kdbt_data.h"
#include "libkdbt.h"
#include "sysinfo.h"

#define NOTES_MAX	8192
#define SYS_MODULE	"/sys/module/"
#define NOTE_FILE	"/notes/.note.gnu.build-id"

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/**
 * kdbt_notes_build_id() - the GNU build id among ELF notes
 * @notes: the notes (the contents of /sys/kernel/notes)
 * @len: their length
 * @id: receives the build id
 * @cap: its size
 *
 * Return: the length of the build id, or 0 if there is none (or it does
 * not fit in @cap).
 */
size_t kdbt_notes_build_id(const unsigned char *notes, size_t len,
			   unsigned char *id, size_t cap)
{
	Elf64_Nhdr nh;
	size_t off = 0, name, desc;

	while (len - off >= sizeof(nh)) {
		memcpy(&nh, notes + off, sizeof(nh));
		name = off + sizeof(nh);
		desc = name + align4(nh.n_namesz);
		if (nh.n_namesz > len || nh.n_descsz > len ||
		    desc > len || align4(nh.n_descsz) > len - desc)
			break;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp(notes + name, "GNU", 4)) {
			if (nh.n_descsz > cap)
				return 0;
			memcpy(id, notes + desc, nh.n_descsz);
			return nh.n_descsz;
		}
		off = desc + align4(nh.n_descsz);
	}
	return 0;
}

/* The GNU build id among the notes in the file @path; 0: none. */
static size_t notes_file_build_id(const char *path, unsigned char *id,
				  size_t cap)
{
	unsigned char buf[NOTES_MAX];
	ssize_t n, len = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (len < (ssize_t)sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	return kdbt_notes_build_id(buf, len, id, cap);
}

/**
 * kdbt_kernel_build_id() - the running kernel's GNU build id
 * @id: receives it
 * @cap: its size
 *
 * Return: its length, 0 if /sys/kernel/notes has none or cannot be read.
 */
size_t kdbt_kernel_build_id(unsigned char *id, size_t cap)
{
	return notes_file_build_id("/sys/kernel/notes", id, cap);
}

/**
 * kdbt_module_build_id() - a loaded module's GNU build id
 * @name: the module's name, as /proc/modules gives it
 * @id: receives it
 * @cap: its size
 *
 * The kernel shows each note section of a module as a file of
 * /sys/module/NAME/notes; the build id is in .note.gnu.build-id.
 *
 * Return: its length, 0 if the module has none (built without one, or
 * not a module: a kallsyms tag such as "bpf") or it cannot be read.
 */
size_t kdbt_module_build_id(const char *name, unsigned char *id, size_t cap)
{
	char path[sizeof(SYS_MODULE NOTE_FILE) + KDBT_DATA_MODNAME];

	if (!name[0] || name[0] == '.' || strchr(name, '/') ||
	    strlen(name) >= KDBT_DATA_MODNAME)
		return 0;
	snprintf(path, sizeof(path), SYS_MODULE "%s" NOTE_FILE, name);
	return notes_file_build_id(path, id, cap);
}

/**
 * kdbt_rec_set_module_build_ids() - the build ids of a recording's modules
 * @r: the recording, its modules (r->syms.mods) set
 *
 * Reads the build id of every module but the core kernel (index 0, whose
 * id is r->build_id); one without a build id gets none.
 *
 * Return: 0, or -ENOMEM.
 */
int kdbt_rec_set_module_build_ids(struct kdbt_rec *r)
{
	struct kdbt_build_id *ids;
	size_t i;

	ids = calloc(r->syms.nmods ? r->syms.nmods : 1, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (i = 1; i < r->syms.nmods; i++)
		ids[i].len = kdbt_module_build_id(r->syms.mods[i].name,
						  ids[i].id,
						  sizeof(ids[i].id));
	free(r->mod_build_ids);
	r->mod_build_ids = ids;
	return 0;
}

/**
 * kdbt_rec_set_system() - the info strings that say what ran: uname()'s
 * sysname, hostname, release, version and machine, kdbt.ko's release (as
 * /proc/kdbt/stats gives it, if it can be read) and the tool's.
 * @r: the recording.
 *
 * Return: 0, or non-zero if a string could not be stored (no memory).
 */
int kdbt_rec_set_system(struct kdbt_rec *r)
{
	struct kdbt_stat_values sv;
	const char *rel = NULL;
	struct utsname u;
	int ret = 0;

	if (!uname(&u)) {
		ret |= kdbt_rec_set_string(r, "sysname", u.sysname);
		ret |= kdbt_rec_set_string(r, "hostname", u.nodename);
		ret |= kdbt_rec_set_string(r, "release", u.release);
		ret |= kdbt_rec_set_string(r, "version", u.version);
		ret |= kdbt_rec_set_string(r, "machine", u.machine);
	}
	if (!kdbt_stats_read(&sv, NULL, NULL))
		rel = kdbt_stats_get(&sv, KDBT_STAT_release);
	if (rel)
		ret |= kdbt_rec_set_string(r, "kdbt_release", rel);
	ret |= kdbt_rec_set_string(r, "tool_release", KDBT_RELEASE);
	return ret;
}
