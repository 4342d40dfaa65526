# libFuzzer targets, included by the top-level Makefile.
#
#   make fuzz FUZZ_SECONDS=600   every target for that long, one after another
#   make fuzz-ci                 every target briefly (FUZZ_SECONDS=10)
#   make fuzz-build              the targets only, in build/fuzz
#
# The library is rebuilt with clang into build/fuzz with the fuzzer's
# coverage instrumentation, ASan and UBSan. Seeds come from the tests, the
# samples and, when present, ../shared/reference (tests/fuzz/seeds.py).

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 600
FUZZ_BUILD   := build/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -g -O1 -fno-omit-frame-pointer -std=c11 -D_GNU_SOURCE \
                -Iinclude -Ipolicy -Iparsers -Iengine -Itests/fuzz \
                -DNG_ROOT='"$(CURDIR)"' \
                $(shell pkg-config --cflags $(PKGS) 2>/dev/null)

# name : source : defines
FUZZ_TABLE := \
  policy_roles:fuzz_policy:-DFZ_KIND='"roles.yml"' \
  policy_roles_mapping:fuzz_policy:-DFZ_KIND='"roles_mapping.yml"' \
  policy_action_groups:fuzz_policy:-DFZ_KIND='"action_groups.yml"' \
  policy_internal_users:fuzz_policy:-DFZ_KIND='"internal_users.yml"' \
  policy_tenants:fuzz_policy:-DFZ_KIND='"tenants.yml"' \
  policy_nodes_dn:fuzz_policy:-DFZ_KIND='"nodes_dn.yml"' \
  policy_config:fuzz_policy:-DFZ_KIND='"config.yml"' \
  policy_node_settings:fuzz_policy:-DFZ_KIND='"opensearch.yml"' \
  metadata:fuzz_metadata: \
  rest:fuzz_rest: \
  body_msearch:fuzz_body:-DFZ_PATH='"/_msearch"' \
  body_mget:fuzz_body:-DFZ_PATH='"/_mget"' \
  body_bulk:fuzz_body:-DFZ_PATH='"/_bulk"' \
  body_aliases:fuzz_body:-DFZ_PATH='"/_aliases"' \
  body_reindex:fuzz_body:-DFZ_PATH='"/_reindex"' \
  body_by_query:fuzz_body:-DFZ_PATH='"/logs-*/_update_by_query"' \
  body_terms_lookup:fuzz_body:-DFZ_PATH='"/logs-*/_search"' \
  json_plain:fuzz_json_plain: \
  expr:fuzz_expr: \
  dn:fuzz_dn: \
  request:fuzz_request:

fz_field = $(word $(2),$(subst :, ,$(1)))
FUZZ_NAMES := $(foreach t,$(FUZZ_TABLE),$(call fz_field,$(t),1))
FUZZ_BINS  := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)

define fz_rule
$(FUZZ_BUILD)/fuzz_$(call fz_field,$(1),1): \
		tests/fuzz/$(call fz_field,$(1),2).c tests/fuzz/fuzz.h \
		$(FUZZ_BUILD)/libnodeguard.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(call fz_field,$(1),3) \
	  -fsanitize=fuzzer $(FUZZ_SAN) -o $$@ $$< $(FUZZ_BUILD)/libnodeguard.a \
	  $(LDLIBS)
endef
$(foreach t,$(FUZZ_TABLE),$(eval $(call fz_rule,$(t))))

.PHONY: fuzz fuzz-ci fuzz-build fuzz-seeds

# The library first (a sub-make with FUZZ_LIB=1, see the Makefile), then
# the targets, which depend on it as a plain file.
fuzz-build:
	$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) FUZZ_LIB=1 \
	  $(FUZZ_BUILD)/libnodeguard.a
	$(MAKE) --no-print-directory $(FUZZ_BINS)

fuzz-seeds:
	python3 tests/fuzz/seeds.py $(FUZZ_BUILD)/corpus $(FUZZ_NAMES)

fuzz: fuzz-build fuzz-seeds
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-ci:
	$(MAKE) fuzz FUZZ_SECONDS=$(or $(FUZZ_CI_SECONDS),10)
