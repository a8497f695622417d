# aarch64-linux-gnu.cmake — a toolchain file for building smx for 64-bit
# Arm Linux on a Debian host of another architecture, and running its tests
# there under qemu-user.  scripts/test-aarch64 (`make test-aarch64`) uses it:
#
#   cmake -S . -B build-aarch64 \
#       -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DSMX_BUILD_CLI=OFF
#
# Needs Debian's cross compilers (gcc-aarch64-linux-gnu, and
# g++-aarch64-linux-gnu for the C++ header test), qemu-user, and the arm64
# builds of the libraries the tests link, installed through multiarch
# (dpkg --add-architecture arm64; libcmocka-dev:arm64 ...): their
# libraries are in /usr/lib/aarch64-linux-gnu, their headers in /usr/include,
# and they bring the arm64 C library the test programs run with.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# CTest runs every test program built here through this.  The programs
# load the arm64 multiarch C library (libc6:arm64, which the arm64
# libraries above depend on) with its own loader, /lib/ld-linux-aarch64.so.1.
# Not `-L /usr/aarch64-linux-gnu`: that takes the cross toolchain's loader,
# which then finds libc.so.6 through the host's ld.so.cache in
# /lib/aarch64-linux-gnu, a different build of glibc whenever the two
# packages' versions differ (2.36-8cross1 against 2.36-9+deb12u14 on
# Debian 12), and the mismatched pair hangs in pthread_create.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)

# find_library and find_path: the arm64 multiarch directories and the
# cross toolchain's C library (libm is there: libc6-dev-arm64-cross), never
# the host's libraries; headers in /usr/include are arch-independent (the
# arch-dependent ones are in /usr/include/aarch64-linux-gnu, which the
# cross compiler searches by itself).  Programs (pkg-config, python3) are
# the host's.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_LIBRARY_PATH
    /usr/lib/aarch64-linux-gnu /lib/aarch64-linux-gnu /usr/aarch64-linux-gnu/lib)
set(CMAKE_INCLUDE_PATH /usr/include/aarch64-linux-gnu /usr/include)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# pkg-config: the arm64 .pc files, and the arch-independent ones, only.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
