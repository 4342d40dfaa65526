# Hardening tests beyond the unit suites, included by the top-level Makefile.
#
#   make test-fault    every 7th allocation of the load, compile and decide
#                      paths fails in turn (ASan + UBSan, leaks checked)
#   make test-stress   reload under load, 1000 swaps, under ThreadSanitizer
#   make cases-san     the decision cases under ASan, UBSan and LeakSanitizer
#   make test-long     every allocation fails in turn, 20000 swaps, and the
#                      fuzz targets for FUZZ_SECONDS each
#
# GLib is not built with ThreadSanitizer: its slice allocator hands memory
# from one thread to another in ways TSan cannot see, so the stress test
# runs with G_SLICE=always-malloc, as GLib advises for such tools.
#
# Fault injection wraps the allocation functions at link time and links
# libyaml and PCRE2 statically, so that their allocations fail too
# (tests/faultinject/fault.c says what is and is not covered).

TSAN_CC      ?= clang
FAULT_STEP   ?= 7
STRESS_SWAPS ?= 1000
FAULT_WRAP   := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup \
                -Wl,--wrap=strndup,--wrap=aligned_alloc
TEST_SAN     := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1

.PHONY: test-fault test-stress test-long

# The sanitizer libraries are built by a sub-make with BUILD and SAN or
# TSAN_LIB set; the binaries then depend on them as plain files.
build/san/fault: tests/faultinject/fault.c build/san/libnodeguard.a
	$(CC) -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=address,undefined \
	  -fno-omit-frame-pointer -Iinclude $(shell pkg-config --cflags libcjson) \
	  -o $@ $< $(FAULT_WRAP) build/san/libnodeguard.a \
	  -Wl,-Bstatic -lyaml -lpcre2-8 -Wl,-Bdynamic \
	  $(shell pkg-config --libs libcjson glib-2.0) -lpthread -lm

build/tsan/reload: tests/stress/reload.c build/tsan/libnodeguard.a
	$(TSAN_CC) -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=thread -Iinclude \
	  -o $@ $< build/tsan/libnodeguard.a $(LDLIBS)

test-fault:
	$(MAKE) --no-print-directory BUILD=build/san SAN=1 build/san/libnodeguard.a
	$(MAKE) --no-print-directory build/san/fault
	$(TEST_SAN) LSAN_OPTIONS=suppressions=tests/faultinject/lsan.supp \
	  build/san/fault --step $(FAULT_STEP)

test-stress:
	$(MAKE) --no-print-directory BUILD=build/tsan CC=$(TSAN_CC) TSAN_LIB=1 \
	  build/tsan/libnodeguard.a
	$(MAKE) --no-print-directory build/tsan/reload
	G_SLICE=always-malloc \
	  TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	  build/tsan/reload $(STRESS_SWAPS) 4

test-long:
	$(MAKE) test-fault FAULT_STEP=1
	$(MAKE) test-stress STRESS_SWAPS=20000
	$(MAKE) fuzz

# Every decision case and the samples through the ASan + UBSan + LSan
# build of the command: any sanitizer report fails.
.PHONY: cases-san
cases-san:
	$(MAKE) --no-print-directory BUILD=build/san SAN=1 build/san/nodeguard
	@bad=0; for r in samples/requests.ndjson $$(find tests/cases -name requests.ndjson | sort); do \
	  d=$$(dirname $$r); \
	  $(TEST_SAN) build/san/nodeguard eval --policy $$d/policy \
	    --metadata $$d/metadata.json $$r >/dev/null 2>build/san/case.err; \
	  if grep -q Sanitizer build/san/case.err; then \
	    echo "FAIL $$r"; head -20 build/san/case.err; bad=1; fi; \
	done; [ $$bad = 0 ] && echo "cases-san: no sanitizer reports"
