# files.mk - the translator core's files, by name within kmod/core/.
#
# The one list of them: kmod/Kbuild reads it to build kdbt.ko and the
# top-level Makefile to build the unit tests (CORE_SRCS, CORE_HDRS) and to
# link the core into build/kmod-X/core/ (make module-for).  Plain make
# variables and nothing else, since kbuild includes this file too.
# tests/unit/core-freestanding.sh fails while a .c or .h in kmod/core/ is
# missing here or a name here has no file.

# Compiled into kdbt.ko and into the unit tests.
KDBT_CORE_SRCS := decode.c block.c emit.c translate.c dispatch.c maps.c \
	policy.c state.c
# Their headers: the glue includes them as "core/NAME.h", the unit tests
# as "NAME.h" (-Ikmod/core).
KDBT_CORE_HDRS := kdbt_env.h core.h decode.h block.h emit.h policy.h
