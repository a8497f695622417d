# Makefile — a thin front for CMake; the build itself is in CMakeLists.txt.
#   make                 configure into $(BUILD_DIR) and build
#   make test            install missing packages (scripts/bootstrap), build, ctest
#   make demo            train on the embedded Iris data, then explain the derivative
#   make pictures        draw docs/images/ (the pictures of smx train and explain)
#   make sanitize        build with ASan + UBSan into $(ASAN_BUILD_DIR)
#   make test-sanitize   ... and run the tests there
#   make bench           softmax speed against memcpy, exp and the peers (build-bench/)
#   make bench-train     training speed on Iris, against PyTorch when installed
#   make test-aarch64    the suite on AArch64 (NEON) under qemu-user, cross-built in build-aarch64/
#   make test-avx512-emulated  the suite on the AVX-512 path of a CPU without it (SIMDe), in build-avx512emu/
#   make python          the Python module smx in $(BUILD_DIR)/python (PYTHONPATH=$(BUILD_DIR)/python)
#   make bench-python    smx from Python against SciPy and PyTorch, 1 thread
#   make deb             Debian packages (CPack) in $(DEB_BUILD_DIR)/packages
#   make install PREFIX=/usr/local
#   make clean
# CMAKE_FLAGS passes options to the configure step, e.g.
#   make test CMAKE_FLAGS=-DSMX_WERROR=ON
BUILD_DIR ?= build
ASAN_BUILD_DIR ?= build-asan
AVX512EMU_BUILD_DIR ?= build-avx512emu
DEB_BUILD_DIR ?= build-deb
PREFIX ?= /usr/local
JOBS ?= 2
CMAKE ?= cmake
CTEST ?= ctest
CPACK ?= cpack
CMAKE_FLAGS ?=
# The sanitizer build keeps asserts on (no NDEBUG) and debug info.
ASAN_FLAGS = -DSMX_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	"-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g"
SAN_ENV = ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The build tree's own makes need not announce their directories.
MAKEFLAGS += --no-print-directory

# $(call cmake_build,DIR,FLAGS): configure DIR (cheap when it exists), build.
cmake_build = $(CMAKE) -S . -B $(1) $(2) && $(CMAKE) --build $(1) -j$(JOBS)

.PHONY: all build test demo sanitize test-sanitize install clean bootstrap bench bench-train test-aarch64 test-avx512-emulated
.PHONY: python bench-python deb pictures

all: build

bootstrap:
	bash scripts/bootstrap

build:
	$(call cmake_build,$(BUILD_DIR),$(CMAKE_FLAGS))

test: bootstrap
	$(call cmake_build,$(BUILD_DIR),$(CMAKE_FLAGS))
	$(CTEST) --test-dir $(BUILD_DIR) --output-on-failure -j$(JOBS)

# The main job: train a classifier on the embedded Iris data, then walk
# through the SoftMax derivative on one flower's raw outputs.
IRIS_SCORES = 1.43 -0.40 0.23 --labels setosa,versicolor,virginica --target setosa
demo: bootstrap
	$(call cmake_build,$(BUILD_DIR),$(CMAKE_FLAGS))
	$(BUILD_DIR)/cli/smx train
	@echo
	$(BUILD_DIR)/cli/smx explain $(IRIS_SCORES)

# The pictures in docs/images/: the embedded Iris data, the default seed
# (42), the demo's scores.  PNG is byte for byte the same on every run
# with the same cairo and fonts.
PICTURES = docs/images
pictures: bootstrap
	$(call cmake_build,$(BUILD_DIR),$(CMAKE_FLAGS))
	mkdir -p $(PICTURES)
	$(BUILD_DIR)/cli/smx train --quiet --seed 42 --plot $(PICTURES)/train-curves.png \
		--plot-regions $(PICTURES)/train-regions.png >/dev/null
	$(BUILD_DIR)/cli/smx explain $(IRIS_SCORES) --plot $(PICTURES)/explain.png >/dev/null
	@ls -l $(PICTURES)/*.png

sanitize: bootstrap
	$(call cmake_build,$(ASAN_BUILD_DIR),$(ASAN_FLAGS) $(CMAKE_FLAGS))

test-sanitize: sanitize
	$(SAN_ENV) $(CTEST) --test-dir $(ASAN_BUILD_DIR) --output-on-failure -j$(JOBS)

# Softmax speed: its own Release build with the bench-only peers.
bench:
	bash scripts/bench

# Training speed: 1000 full-batch Adam epochs on Iris, smx and (when
# python3-torch is installed) PyTorch side by side.
bench-train: build
	$(BUILD_DIR)/bench/train_iris
	python3 bench/train_iris_torch.py $(BUILD_DIR)/bench/train_iris

test-aarch64:
	bash scripts/test-aarch64

# The AVX-512 kernels on a CPU without AVX-512: compiled against SIMDe's
# definitions of the intrinsics (src/CMakeLists.txt), where the best path
# is then avx512.  The plain-named tests run that path; their @scalar and
# @avx2 copies are `make test`'s.
test-avx512-emulated: bootstrap
	$(call cmake_build,$(AVX512EMU_BUILD_DIR),-DSMX_EMULATE_AVX512=ON $(CMAKE_FLAGS))
	$(CTEST) --test-dir $(AVX512EMU_BUILD_DIR) --output-on-failure -j$(JOBS) -E '@'

# The Python module, importable from the build tree, for the interpreter
# the build found (python/CMakeLists.txt).
BUILD_PYTHON = $$(sed -n 's/^Python3_EXECUTABLE:FILEPATH=//p' $(BUILD_DIR)/CMakeCache.txt)
python: bootstrap
	$(CMAKE) -S . -B $(BUILD_DIR) $(CMAKE_FLAGS)
	$(CMAKE) --build $(BUILD_DIR) -j$(JOBS) --target smx_python
	@echo "smx for Python: PYTHONPATH=$(BUILD_DIR)/python $(BUILD_PYTHON) -c 'import smx'"

# smx against scipy.special.softmax, torch.softmax and F.cross_entropy, 1
# thread.  BENCH_PYTHON_ARGS: e.g. --budget 1 --smx-tsv smx-bench.tsv (the
# C library's times beside them, from `smx-bench --tsv smx-bench.tsv`).
bench-python: python
	PYTHONPATH=$(BUILD_DIR)/python $(BUILD_PYTHON) bench/bench_python.py $(BENCH_PYTHON_ARGS)

# Debian packages (cmake/package.cmake): a Release build for /usr, then CPack.
# The packaged smx links cairo's shared libraries, which the distribution
# updates (security fixes in freetype, libpng, expat) without a rebuild.
deb: bootstrap
	$(call cmake_build,$(DEB_BUILD_DIR),-DCMAKE_INSTALL_PREFIX=/usr -DSMX_BUILD_TESTS=OFF -DSMX_CAIRO_STATIC=OFF $(CMAKE_FLAGS))
	cd $(DEB_BUILD_DIR) && $(CPACK) -G DEB
	@ls $(DEB_BUILD_DIR)/packages/*.deb

install: build
	$(CMAKE) --install $(BUILD_DIR) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) $(AVX512EMU_BUILD_DIR) build-clang build-bench build-aarch64
	rm -rf $(DEB_BUILD_DIR)
