# The two README commands. Both install missing Debian packages first (scripts/install-deps.sh).
#   make run   - build (Release) and run the default experiments, writing results/ and PNGs
#   make test  - build and run the whole test suite (doctest via ctest, plus the Python round trip)
#   make reproduce [PAPER=power] - every paper experiment with its checks; writes docs/reproduction.md
#   make bench - benchmarks: speed, scaling, memory, complexity, against NumPy (docs/performance.md)
#   make install [PREFIX=/usr/local] - the program, bash completion, docs and analysis/ (docs/cli.md)
BUILD ?= build
JOBS ?= $(shell nproc)
WERROR ?= OFF
CMAKE_FLAGS ?=

.PHONY: all deps build run reproduce test bench install clean format

all: build

deps:
	bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DFAIRMC_WERROR=$(WERROR) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

run: build
	bash scripts/run-default.sh $(BUILD)/fairmc

# make reproduce [PAPER=power|objective|persuasion|scf] [THREADS=N]: scripts/reproduce.sh, which
# runs the manifests reproduction/<scenario>.yaml into out/reproduce/ and writes docs/reproduction.md.
PAPER ?= all
THREADS ?= 0
reproduce: build
	bash scripts/reproduce.sh $(PAPER) -j $(THREADS) --fairmc $(BUILD)/fairmc

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# make bench [BENCH="micro table complexity peers drivers"]: see scripts/bench.sh and docs/performance.md.
# Installs Google Benchmark (libbenchmark-dev) and SciPy too; `make test` and CI never need them.
BENCH ?=
bench:
	bash scripts/install-deps.sh --bench
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	bash scripts/bench.sh $(BUILD) $(BENCH)

# make install [PREFIX=/usr/local] [DESTDIR=/staging]: PREFIX/bin/fairmc,
# PREFIX/share/bash-completion/completions/fairmc, PREFIX/share/doc/fairmc, PREFIX/share/fairmc
# (experiments, configs, analysis). -DFAIRMC_INSTALL_DOCS=OFF / -DFAIRMC_INSTALL_ANALYSIS=OFF in
# CMAKE_FLAGS leave the optional parts out.
PREFIX ?= /usr/local
install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD)
