#!/usr/bin/env bash
# Fails when an executable would load, at every start, a library that `modal` must only open when a
# command needs it: Foundation (and its internationalisation), ICU, OpenSSL, libcurl, the gRPC core,
# Dispatch's Swift overlay, or one it never needs: the string-processing libraries (_StringProcessing,
# _RegexParser; Package.swift's `startupLinkage`). Each costs time in dynamic loading and relocation
# before `main` runs (issue 19: `modal profile current` within 1.2x of a Swift hello world); the
# SDK opens libcrypto, libcurl and libgrpc with dlopen on first use instead, and reaches libdispatch
# through its C interface (docs/rpc.md).
#
# Reads what the dynamic loader reads: the ELF DT_NEEDED entries of the executable and, through
# the libraries `ldd` resolves, of everything they need in turn, so a forbidden library reached
# through another one is named with the library that needs it. Build flags are not consulted:
# stale objects of an incremental build can keep a link flag that a clean build no longer has.
#
# Usage: scripts/check-startup-libraries.sh [EXECUTABLE]   (default .build/release/modal)
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-.build/release/modal}
forbidden='^(libFoundation|lib_Foundation|libicu|libcrypto|libssl|libcurl|libgrpc|libswiftDispatch|libswift_StringProcessing|libswift_RegexParser)'
# Loaded anyway (by Swift's concurrency runtime), but never named by the executable itself: the
# dynamic loader would then search them before the C library for every symbol it binds at start.
not_direct='^(libdispatch|libswiftGlibc)\.'

if [ "$(uname -s)" != Linux ]; then
  echo "check-startup-libraries: skipped (reads ELF files; this is $(uname -s))"
  exit 0
fi
[ -f "$binary" ] || { echo "check-startup-libraries: no $binary; build it first (swift build -c release --product modal)" >&2; exit 2; }
command -v readelf >/dev/null || { echo "check-startup-libraries: readelf is missing: apt-get install -y binutils" >&2; exit 2; }

# The DT_NEEDED names of one ELF file.
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p'; }

# Every file in the executable's load closure, with its path (ldd resolves the search rules).
files=("$binary")
while read -r path; do files+=("$path"); done < <(ldd "$binary" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p')

found=0
named=0
while read -r name; do
  if [[ $name =~ $not_direct ]]; then
    echo "check-startup-libraries: $(basename "$binary") names $name among its own libraries (CShims reaches" \
      "libdispatch with dlsym; errno, open and the like come from CShims, not the Glibc overlay): find the" \
      "linkedLibrary or the module without Package.swift's startupLinkage that brought it" >&2
    named=1
  fi
done < <(needed "$binary")
for file in "${files[@]}"; do
  while read -r name; do
    if [[ $name =~ $forbidden ]]; then
      echo "check-startup-libraries: $(basename "$file") needs $name, so $(basename "$binary") loads it at every start" >&2
      found=1
    fi
  done < <(needed "$file")
done
if [ "$found" = 1 ]; then
  echo "check-startup-libraries: $(basename "$binary") must start without these (start-up time, issue 19): find the" \
    "import that brought one in (Foundation: an 'import Foundation' or FoundationEssentials in a module the command" \
    "line links; libswiftDispatch: an 'import Dispatch', see RPC's LibDispatch) or the target that links it, and" \
    "open it with dlopen on first use instead. The string-processing libraries: give every module modal links" \
    "Package.swift's startupLinkage, and search text with TextSearch." >&2
  exit 1
fi
[ "$named" = 0 ] || exit 1
echo "check-startup-libraries: $(basename "$binary") needs none of Foundation, ICU, libcrypto, libssl, libcurl, libgrpc, libswiftDispatch," \
  "libswift_StringProcessing, libswift_RegexParser at start, and does not name libdispatch or libswiftGlibc itself"
