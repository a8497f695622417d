# install.cmake — what `cmake --install` puts where, and how consumers find
# it again:
#   include/smx.h
#   lib/libsmx.so.0.1.0 (+ .so.0, .so), lib/libsmx.a
#   lib/pkgconfig/smx.pc                 pkg-config --cflags --libs smx
#   lib/cmake/smx/smxConfig.cmake ...    find_package(smx) then
#                                        smx::smx (shared) or smx::smx_static
# Components (the Debian packages of cmake/package.cmake): runtime (the
# shared library), dev (the rest).
# The .pc file is relocatable (paths relative to ${pcfiledir}), so an install
# tree can be moved or installed with --prefix after configuring.
include(CMakePackageConfigHelpers)

set(SMX_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/smx)

install(FILES ${PROJECT_SOURCE_DIR}/include/smx.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)

# The shared library is smx::smx to consumers, the static one smx::smx_static.
set_target_properties(smx_shared PROPERTIES EXPORT_NAME smx)
set_target_properties(smx_static PROPERTIES EXPORT_NAME smx_static)
install(TARGETS smx_shared smx_static
    EXPORT smxTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        COMPONENT runtime NAMELINK_COMPONENT dev
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
install(EXPORT smxTargets
    NAMESPACE smx::
    FILE smxTargets.cmake
    DESTINATION ${SMX_CMAKE_DIR} COMPONENT dev)

configure_package_config_file(
    ${PROJECT_SOURCE_DIR}/cmake/smxConfig.cmake.in
    ${PROJECT_BINARY_DIR}/smxConfig.cmake
    INSTALL_DESTINATION ${SMX_CMAKE_DIR})
# 0.x: a new minor version may change the API, so only the same minor
# version (and a later patch) is compatible.
write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/smxConfigVersion.cmake
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY SameMinorVersion)
install(FILES
    ${PROJECT_BINARY_DIR}/smxConfig.cmake
    ${PROJECT_BINARY_DIR}/smxConfigVersion.cmake
    DESTINATION ${SMX_CMAKE_DIR} COMPONENT dev)

# pkg-config: prefix relative to the .pc file's own directory when the
# install dirs are relative (the usual case), absolute otherwise.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
    set(SMX_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
    set(SMX_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
    set(SMX_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
    file(RELATIVE_PATH _smx_up "/root/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/root")
    string(REGEX REPLACE "/$" "" _smx_up "${_smx_up}")
    set(SMX_PC_PREFIX "\${pcfiledir}/${_smx_up}")
    set(SMX_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
    set(SMX_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/smx.pc.in ${PROJECT_BINARY_DIR}/smx.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/smx.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)
