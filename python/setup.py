"""Builds smx._core for pip: libsmx's static library first, through the
project's own CMake build (its kernels need per-file compiler flags), then
the extension against it.  The project's root is this directory's parent.
"""
import os
import re
import subprocess

import numpy
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def version():
    with open(os.path.join(ROOT, "include", "smx.h")) as f:
        return re.search(r'#define SMX_VERSION_STRING "([^"]+)"', f.read()).group(1)


class build_ext_with_libsmx(build_ext):
    def run(self):
        lib_build = os.path.join(os.path.abspath(self.build_temp), "libsmx")
        subprocess.check_call([
            "cmake", "-S", ROOT, "-B", lib_build, "-DCMAKE_BUILD_TYPE=Release",
            "-DSMX_BUILD_CLI=OFF", "-DSMX_BUILD_TESTS=OFF", "-DSMX_BUILD_PYTHON=OFF",
        ])
        subprocess.check_call([
            "cmake", "--build", lib_build, "--target", "smx_static",
            "-j", os.environ.get("JOBS", "2"),
        ])
        for ext in self.extensions:
            ext.extra_objects.append(os.path.join(lib_build, "src", "libsmx.a"))
        super().run()


setup(
    version=version(),
    packages=["smx"],
    package_data={"smx": ["__init__.pyi", "py.typed"]},
    ext_modules=[
        Extension(
            "smx._core",
            sources=["smxmodule.c"],
            include_dirs=[os.path.join(ROOT, "include"), numpy.get_include()],
            define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
            libraries=["m"],
            extra_compile_args=["-std=c11"],
            # libsmx's symbols stay inside the module.
            extra_link_args=["-Wl,--exclude-libs,ALL"],
        )
    ],
    cmdclass={"build_ext": build_ext_with_libsmx},
)
