#!/bin/sh
# objtool-cache.sh - run objtool on the linked kdbt.o with the code cache
# hidden from it (Kbuild uses it where objtool checks the linked module,
# not each object: kernels with IBT, such as Debian's 6.12).
#
# Usage: objtool-cache.sh OBJCOPY OBJTOOL ARGS... FILE
#
# The cache (cache.S) is a 32 MiB executable NOBITS section, .kdbt_cache:
# objtool decodes every executable section and reads a NOBITS one's
# missing bytes (it crashed with SIGSEGV), and would have nothing to say
# about generated code anyway.  So the section is made non-executable for
# the run and executable again after it, whatever objtool's verdict.
# Must never: change anything else in FILE.
set -u
objcopy=$1 objtool=$2
shift 2
for file; do :; done
"$objcopy" --set-section-flags .kdbt_cache=alloc,readonly "$file" || exit 1
"$objtool" "$@"
rc=$?
"$objcopy" --set-section-flags .kdbt_cache=alloc,readonly,code "$file" ||
	exit 1
exit $rc
