# nodeguard: build, test, run.
#
#   make deps     install the Debian packages the build needs (as root)
#   make          library and the nodeguard command
#   make run      decide the shipped sample requests with --check
#   make test     unit suites (plain and under ASan+UBSan) and data cases
#   make bench    the benchmark (see docs/performance.md)
#   make rest-coverage  the REST surface against the reference corpus
#                 (see docs/rest-coverage.md)

CC      ?= cc
PKGS    := libpcre2-8 libcjson yaml-0.1 glib-2.0
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wno-unused-parameter \
           -fvisibility=hidden -fPIC -Iinclude -Ipolicy -Iparsers -Iengine \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
BUILD   ?= build

ifeq ($(SAN),1)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
           -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# The library for ThreadSanitizer (tests/stress/stress.mk).
ifeq ($(TSAN_LIB),1)
CFLAGS  += -O1 -fsanitize=thread -fno-omit-frame-pointer
endif

# The library as the fuzz targets link it (tests/fuzz/fuzz.mk).
ifeq ($(FUZZ_LIB),1)
CFLAGS  += -O1 -fsanitize=fuzzer-no-link,address,undefined \
           -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

LIB_SRC := $(wildcard policy/*.c parsers/*.c engine/*.c)
CLI_SRC := $(wildcard bindings/cli/*.c)
TEST_SRC := $(wildcard tests/unit/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)

DEB_PKGS := build-essential pkg-config libpcre2-dev libcjson-dev libyaml-dev \
            libglib2.0-dev libcunit1-dev python3 default-jdk-headless \
            clang libclang-rt-14-dev chromium valgrind

.PHONY: all deps run test unit-test unit-test-san cases cli-test matrix-png check-header bench clean \
        python-test java-test java-test-run \
        rest-coverage

all: $(BUILD)/nodeguard $(BUILD)/libnodeguard.a $(BUILD)/libnodeguard.so

$(BUILD)/%.o: %.c $(wildcard include/*.h policy/*.h parsers/*.h engine/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libnodeguard.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/libnodeguard.so: $(LIB_OBJ)
	$(CC) -shared $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/nodeguard: $(CLI_OBJ) $(BUILD)/libnodeguard.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
	@[ "$(BUILD)" != build ] || ln -sf build/nodeguard nodeguard

$(BUILD)/unit-tests: $(TEST_OBJ) $(BUILD)/libnodeguard.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcunit

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	else echo "all build dependencies are installed"; fi

run: $(BUILD)/nodeguard
	@$(BUILD)/nodeguard eval --check --summary --policy samples/policy \
	  --metadata samples/metadata.json samples/requests.ndjson \
	  > $(BUILD)/samples-eval.out; rc=$$?; \
	  sed '$$d' $(BUILD)/samples-eval.out > $(BUILD)/samples-decisions.ndjson; \
	  echo "decisions: $(BUILD)/samples-decisions.ndjson"; \
	  tail -n 1 $(BUILD)/samples-eval.out; rm -f $(BUILD)/samples-eval.out; \
	  exit $$rc

unit-test: $(BUILD)/unit-tests
	cd tests && ../$(BUILD)/unit-tests

unit-test-san:
	$(MAKE) BUILD=build/san SAN=1 build/san/unit-tests build/san/nodeguard
	cd tests && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ../build/san/unit-tests

cases: $(BUILD)/nodeguard
	tests/run-cases.sh $(BUILD)/nodeguard

# The subcommands end to end; the matrix is rendered in headless Chromium
# when it is installed.
cli-test: $(BUILD)/nodeguard
	tests/cli-tests.sh $(BUILD)/nodeguard

# The screenshot of the samples' matrix in docs/.
matrix-png: $(BUILD)/nodeguard
	tests/browser-test.sh $(BUILD)/nodeguard docs/matrix.png

check-header:
	$(CC) -std=c11 -Wall -Wextra -Werror -fsyntax-only -x c include/nodeguard.h
	c++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -x c++ include/nodeguard.h

test: all check-header unit-test unit-test-san cases run cli-test python-test java-test \
      rest-coverage test-fault test-stress cases-san

# Language bindings (bindings/python, bindings/java). The JDK is found from
# javac on the PATH (or JDK_HOME=...); without one, java-test says so and skips.
JAVAC      ?= javac
JDK_HOME   ?= $(shell p=$$(command -v $(JAVAC) 2>/dev/null) && \
                dirname "$$(dirname "$$(readlink -f "$$p")")")
JNI_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Wshadow -Wno-unused-parameter -fPIC \
              -Iinclude -I$(JDK_HOME)/include -I$(JDK_HOME)/include/linux
JAVA_SRC   := $(wildcard bindings/java/src/org/nodeguard/*.java \
                         bindings/java/test/org/nodeguard/*.java)

python-test: $(BUILD)/libnodeguard.so
	NODEGUARD_LIB=$(abspath $(BUILD))/libnodeguard.so python3 bindings/python/tests/run.py

$(BUILD)/libnodeguard_jni.so: bindings/java/jni/nodeguard_jni.c include/nodeguard.h \
                              $(BUILD)/libnodeguard.a
	$(CC) $(JNI_CFLAGS) -shared -o $@ $< $(BUILD)/libnodeguard.a $(LDLIBS) \
	  -Wl,--exclude-libs,ALL -Wl,-z,defs

$(BUILD)/java/.stamp: $(JAVA_SRC)
	rm -rf $(BUILD)/java && mkdir -p $(BUILD)/java
	$(JDK_HOME)/bin/javac -Xlint:all -d $(BUILD)/java $(JAVA_SRC)
	@touch $@

java-test:
	@if [ ! -f "$(JDK_HOME)/include/jni.h" ]; then \
	  echo "java-test: SKIPPED: no JDK (javac and jni.h) found;" \
	       "install default-jdk-headless or set JDK_HOME"; \
	else $(MAKE) --no-print-directory java-test-run; fi

java-test-run: $(BUILD)/libnodeguard_jni.so $(BUILD)/java/.stamp
	$(JDK_HOME)/bin/java -Dnodeguard.jni=$(abspath $(BUILD))/libnodeguard_jni.so \
	  -cp $(BUILD)/java org.nodeguard.NodeguardTest .

# The benchmark (tests/bench): seeded data into $(BUILD)/bench, the driver
# linked against the static library, the report in docs/performance.md and
# docs/bench-scaling.svg. bench-peers adds the comparison with the engines
# of ../shared/bench/peers (needs node and npm; skipped without them).
.PHONY: bench-peers
BENCH_DIR := $(BUILD)/bench

$(BENCH_DIR)/.data: tests/bench/gen.py
	@mkdir -p $(BENCH_DIR)
	python3 tests/bench/gen.py --out $(BENCH_DIR) --seed 42
	@touch $@

$(BENCH_DIR)/ngbench: tests/bench/driver.c include/nodeguard.h $(BUILD)/libnodeguard.a
	@mkdir -p $(BENCH_DIR)
	$(CC) -std=c11 -O2 -g -D_GNU_SOURCE -Wall -Wextra -Iinclude -o $@ $< \
	  $(BUILD)/libnodeguard.a $(LDLIBS)

bench: $(BENCH_DIR)/.data $(BENCH_DIR)/ngbench
	tests/bench/run.sh $(BUILD)
	python3 tests/bench/report.py $(BENCH_DIR) docs

bench-peers: $(BENCH_DIR)/ngbench
	tests/bench/peers.sh $(BUILD)
	@if [ -f $(BENCH_DIR)/results.tsv ]; then \
	  python3 tests/bench/report.py $(BENCH_DIR) docs; fi

# The REST surface against the recorded requests of ../shared/reference
# (tests/tools/rest_corpus.c, docs/rest-coverage.md): the shares of core
# requests whose action and index list agree with the reference, and the
# decision on every plugin request. Skipped when ../shared is absent.
REST_REF := ../shared/reference/rest-api

$(BUILD)/rest_corpus: tests/tools/rest_corpus.c $(BUILD)/libnodeguard.a
	$(CC) -std=c11 -O2 -g -D_GNU_SOURCE -Wall -Wextra -Iinclude -Iparsers \
	  $(shell pkg-config --cflags libcjson) -o $@ $< $(BUILD)/libnodeguard.a $(LDLIBS)

rest-coverage: $(BUILD)/rest_corpus
	@if [ ! -f $(REST_REF)/corpus.jsonl ]; then \
	  echo "rest-coverage: SKIPPED: $(REST_REF) not found"; \
	else \
	  echo "core requests ($(REST_REF)/corpus.jsonl):" && \
	  $(BUILD)/rest_corpus $(REST_REF)/corpus.jsonl && \
	  echo "plugin requests ($(REST_REF)/corpus-plugins.jsonl):" && \
	  $(BUILD)/rest_corpus -p $(REST_REF)/corpus-plugins.jsonl; fi

clean:
	rm -rf build nodeguard

# Hardening: fuzz targets, fault injection, reload stress.
include tests/fuzz/fuzz.mk
include tests/stress/stress.mk
