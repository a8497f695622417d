# package.cmake — Debian packages with CPack (`make deb`, from a build
# configured with -DCMAKE_INSTALL_PREFIX=/usr), one per install component:
#   libsmx0      runtime  the shared library
#   libsmx-dev   dev      smx.h, libsmx.so, libsmx.a, smx.pc, the CMake package
#   smx          command  the smx command and its man page
#   python3-smx  python   the Python module (when built)
# Dependencies: dpkg-shlibdeps reads them off the binaries (libc6, libcjson1,
# ...); libsmx-dev needs the same libsmx0, python3-smx this Python and
# NumPy's C ABI.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME smx)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package's description below starts with its own synopsis line;
# CPack prepends the project's summary to it unless that is CPack's
# default, which this sets it to.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_CONTACT "smx maintainers <smx@invalid>")
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(SMX_DEB_VERSION ${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE})

set(CPACK_COMPONENTS_ALL runtime dev)
if(TARGET smx_cli)
    list(APPEND CPACK_COMPONENTS_ALL command)
endif()
if(TARGET smx_python)
    list(APPEND CPACK_COMPONENTS_ALL python)
endif()

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libsmx0)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "SoftMax and its derivatives, in C: shared library
libsmx computes softmax, log-softmax, their backward passes, Jacobians and
JVPs, and the fused cross-entropy and NLL losses, in float and double, on
any axis, within 2 ulp, with SIMD kernels chosen at run time.")
# ldconfig after the shared library comes or goes.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/cmake/debian/triggers)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libsmx-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libsmx0 (= ${SMX_DEB_VERSION})")
set(CPACK_DEBIAN_DEV_DESCRIPTION "SoftMax and its derivatives, in C: development files
The header smx.h, the static library, and the files that find libsmx:
pkg-config (smx.pc) and CMake (find_package(smx)).")

set(CPACK_DEBIAN_COMMAND_PACKAGE_NAME smx)
set(CPACK_DEBIAN_COMMAND_PACKAGE_SECTION science)
set(CPACK_DEBIAN_COMMAND_DESCRIPTION "SoftMax and its derivatives: the smx command
Computes and explains softmax and its derivatives from the command line,
checks gradients, and trains and runs small classifiers from CSV files
(models in safetensors).")

if(TARGET smx_python)
    # This Python and NumPy's C ABI, from python/CMakeLists.txt.
    get_property(SMX_PYTHON_DEB_DEPENDS GLOBAL PROPERTY SMX_PYTHON_DEB_DEPENDS)
    set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-smx)
    set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
    set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "${SMX_PYTHON_DEB_DEPENDS}")
    set(CPACK_DEBIAN_PYTHON_DESCRIPTION "SoftMax and its derivatives on NumPy arrays
The Python module smx: libsmx's functions (softmax, log-softmax, their
derivatives, cross-entropy and NLL with PyTorch's options) on float32 and
float64 NumPy arrays, with libsmx built in.")
endif()

include(CPack)
