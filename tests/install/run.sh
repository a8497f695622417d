#!/usr/bin/env bash
# run.sh — the install test: `cmake --install` the build tree into a
# temporary prefix, then build and run tests/install/consumer.c two ways:
#   (a) pkg-config:    cc consumer.c $(pkg-config --cflags --libs smx)
#   (b) CMake:         find_package(smx) -> smx::smx and smx::smx_static
# Usage: run.sh BUILD_DIR LIBDIR CC CMAKE
#   LIBDIR is CMAKE_INSTALL_LIBDIR (lib, or lib/<multiarch> for /usr).
#   SMX_CONSUMER_FLAGS (environment): extra compile and link flags for the
#   consumers, the sanitizer flags when libsmx was built with them.
# Needs no network; cleans up its prefix.
set -euo pipefail

if [ $# -ne 4 ]; then
    echo "usage: $0 BUILD_DIR LIBDIR CC CMAKE" >&2
    exit 2
fi
build=$1 libdir=$2 cc=$3 cmake=$4
here=$(cd "$(dirname "$0")" && pwd)
flags=${SMX_CONSUMER_FLAGS:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/smx-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

step() { printf '\n== %s\n' "$*"; }

step "cmake --install $build --prefix $prefix"
"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" || {
    cat "$tmp/install.log"
    exit 1
}
for f in include/smx.h "$libdir/libsmx.a" "$libdir/libsmx.so" \
    "$libdir/pkgconfig/smx.pc" "$libdir/cmake/smx/smxConfig.cmake" \
    "$libdir/cmake/smx/smxConfigVersion.cmake" "$libdir/cmake/smx/smxTargets.cmake"; do
    if [ ! -e "$prefix/$f" ]; then
        echo "FAIL: not installed: $f" >&2
        exit 1
    fi
done
echo "installed: headers, libsmx.so, libsmx.a, smx.pc, smxConfig.cmake"

step "(a) pkg-config"
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
pc_cflags=$(pkg-config --cflags smx)
pc_libs=$(pkg-config --libs smx)
echo "pkg-config --modversion smx: $(pkg-config --modversion smx)"
echo "pkg-config --cflags --libs smx: $pc_cflags $pc_libs"
# shellcheck disable=SC2086 # the flags are word lists
"$cc" -std=c11 $flags $pc_cflags "$here/consumer.c" -o "$tmp/consumer_pc" $pc_libs -lm
LD_LIBRARY_PATH=$prefix/$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} "$tmp/consumer_pc"
# The shared library really is the one that was used.
# (grep without -q: an early exit would break ldd's pipe under pipefail.)
if ! LD_LIBRARY_PATH=$prefix/$libdir ldd "$tmp/consumer_pc" | grep -F "$prefix/$libdir/libsmx.so" >/dev/null; then
    echo "FAIL: consumer_pc is not linked with $prefix/$libdir/libsmx.so" >&2
    exit 1
fi

step "(b) CMake find_package(smx)"
"$cmake" -S "$here/consumer" -B "$tmp/consumer-build" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
    >"$tmp/configure.log" 2>&1 || {
    cat "$tmp/configure.log"
    exit 1
}
"$cmake" --build "$tmp/consumer-build" >"$tmp/build.log" 2>&1 || {
    cat "$tmp/build.log"
    exit 1
}
# consumer_shared finds libsmx.so through the build RPATH CMake gives it.
"$tmp/consumer-build/consumer_shared"
"$tmp/consumer-build/consumer_static"

printf '\ninstall test: all consumers passed\n'
