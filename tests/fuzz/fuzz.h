/*
 * Shared helpers of the libFuzzer targets. Each target is one small file
 * defining LLVMFuzzerTestOneInput; some are built several times with a
 * -D selecting the file kind or the route (see tests/fuzz/targets.mk).
 *
 * NG_ROOT is the source tree, set by the Makefile, so that a target can
 * load the sample organisation's policy and metadata once.
 */
#ifndef NG_FUZZ_H
#define NG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodeguard.h"

#ifndef NG_ROOT
#define NG_ROOT "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The sample engine, built on first use; aborts (a finding) if the
 * shipped samples no longer load. */
static ng_engine *fz_engine(void)
{
	static ng_engine *e;
	ng_policy *p = NULL;
	ng_metadata *m = NULL;

	if (e)
		return e;
	if (ng_policy_load(NG_ROOT "/samples/policy", NULL, &p) ||
	    ng_metadata_load(NG_ROOT "/samples/metadata.json", &m) ||
	    ng_engine_new(p, m, &e)) {
		fprintf(stderr, "fuzz: samples: %s\n", ng_last_error()->message);
		abort();
	}
	ng_policy_release(p);
	ng_metadata_release(m);
	return e;
}

/* Decide `r` and check the invariants every decision keeps: an allow
 * never carries an error status, and there is a JSON text. Any break
 * aborts, which libFuzzer reports as a finding. */
static void fz_decide(ng_request *r)
{
	ng_decision *d = NULL;
	int st;

	if (ng_decide(fz_engine(), r, &d) != 0)
		return;
	st = ng_decision_status(d);
	if (ng_decision_verdict(d) != NG_DENY && (st == 400 || st == 403))
		abort();
	if (!ng_decision_json(d)[0])
		abort();
	ng_decision_free(d);
}

/* Split data at the first '\n': the head (method, DN...) and the rest. */
static size_t fz_head(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);

	return nl ? (size_t)(nl - data) : size;
}

#endif
