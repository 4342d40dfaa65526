/*
 * Fault injection: fail the N-th allocation of a path, for every N over the
 * load, compile and decide paths, and check that each run ends in an error
 * or a denial (or, when the failure was absorbed, in exactly the decision
 * of the run without a failure), never in an allow it should not give, a
 * crash or a leak.
 *
 *   fault [--step K] [--requests N]
 *
 * --step K tries every K-th N only (the quick run of `make test`); the
 * default, 1, is every N (`make test-long`). Run from the source tree.
 *
 * The binary is linked with -Wl,--wrap for malloc, calloc, realloc, strdup,
 * strndup and aligned_alloc, and with libyaml and PCRE2 linked statically, so the
 * allocations of nodeguard, libyaml and PCRE2 all pass through the
 * counter below; cJSON's go through it by cJSON_InitHooks. GLib's do not:
 * GLib aborts when its own allocations fail (docs/limitations.md), so
 * allocations made inside GLib are never failed. Leaks are reported by
 * LeakSanitizer when the process ends.
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodeguard.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);

static bool armed;
static long fail_at;   /* the allocation to fail, counted from 1 */
static long calls;     /* allocations since arming */

/* Should this allocation fail? */
static bool fail_now(void)
{
	return armed && ++calls == fail_at;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	return fail_now() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
	return fail_now() ? NULL : __real_aligned_alloc(align, n);
}

static void *cjson_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

static void arm(long n)
{
	calls = 0;
	fail_at = n;
	armed = true;
}

/* Disarm; true when the armed failure happened. */
static bool disarm(void)
{
	armed = false;
	return calls >= fail_at;
}

/* ---------------------------------------------------------------------
 * The inputs and the decisions of a run without failures.
 */
#define POLICY "samples/policy"
#define METADATA "samples/metadata.json"
#define REQUESTS "samples/requests.ndjson"
#define MAX_REQ 256

static ng_policy *pol0;
static ng_metadata *md0;
static ng_engine *eng0;
static char *lines[MAX_REQ];
static char *base[MAX_REQ];       /* decision JSON per line */
static size_t nreq;
static long step = 1;
static int violations;

typedef struct tally {
	const char *path;
	long allocs, runs, errors, denials, absorbed;
} tally;

static char *decide_json(const ng_engine *e, const ng_request *r)
{
	ng_decision *d = NULL;
	char *s = NULL;

	if (ng_decide(e, r, &d) == 0)
		s = __real_strdup(ng_decision_json(d));
	ng_decision_free(d);
	return s;
}

static char *decide_line(const ng_engine *e, size_t i)
{
	ng_request *r = NULL;
	char *s = NULL;

	if (ng_request_from_json(lines[i], strlen(lines[i]), &r) == 0)
		s = decide_json(e, r);
	ng_request_free(r);
	return s;
}

static int read_lines(void)
{
	FILE *f = fopen(REQUESTS, "r");
	char buf[1 << 16];

	if (!f)
		return -1;
	while (nreq < MAX_REQ && fgets(buf, sizeof(buf), f))
		if (buf[0] == '{')
			lines[nreq++] = __real_strdup(buf);
	fclose(f);
	return nreq ? 0 : -1;
}

static int baseline(void)
{
	if (read_lines() || ng_policy_load(POLICY, NULL, &pol0) ||
	    ng_metadata_load(METADATA, &md0) ||
	    ng_engine_new(pol0, md0, &eng0))
		return -1;
	for (size_t i = 0; i < nreq; i++)
		if (!(base[i] = decide_line(eng0, i)))
			return -1;
	return 0;
}

static void violation(const tally *t, long n, const char *what,
		      const char *detail)
{
	violations++;
	fprintf(stderr, "fault: %s: allocation %ld failed: %s%s%s\n", t->path, n,
		what, detail ? ": " : "", detail ? detail : "");
}

/* An engine built after an absorbed failure must decide every line as the
 * baseline does. */
static bool decides_as_baseline(ng_policy *p, ng_metadata *m)
{
	ng_engine *e = NULL;
	bool same = ng_engine_new(p, m, &e) == 0;

	for (size_t i = 0; same && i < nreq; i++) {
		char *s = decide_line(e, i);

		same = s && strcmp(s, base[i]) == 0;
		free(s);
	}
	ng_engine_release(e);
	return same;
}

/* ---------------------------------------------------------------------
 * The paths. Each runs once with allocation n failing and returns false
 * when the path made fewer than n allocations (the run was complete).
 */
typedef bool (*path_fn)(tally *t, long n, size_t i);

/* The outcome of a load that succeeded although an allocation failed. */
static void loaded(tally *t, long n, ng_policy *p, ng_metadata *m)
{
	if (decides_as_baseline(p, m))
		t->absorbed++;
	else
		violation(t, n, "loaded something else", NULL);
}

static bool path_policy(tally *t, long n, size_t i)
{
	ng_policy *p = NULL;
	int rc;

	arm(n);
	rc = ng_policy_load(POLICY, NULL, &p);
	if (!disarm()) {
		ng_policy_release(p);
		return false;
	}
	if (rc)
		t->errors++;
	else
		loaded(t, n, p, md0);
	ng_policy_release(p);
	return true;
}

static bool path_metadata(tally *t, long n, size_t i)
{
	ng_metadata *m = NULL;
	int rc;

	arm(n);
	rc = ng_metadata_load(METADATA, &m);
	if (!disarm()) {
		ng_metadata_release(m);
		return false;
	}
	if (rc)
		t->errors++;
	else
		loaded(t, n, pol0, m);
	ng_metadata_release(m);
	return true;
}

static bool path_engine(tally *t, long n, size_t i)
{
	ng_engine *e = NULL;
	int rc;

	bool same = true;

	arm(n);
	rc = ng_engine_new(pol0, md0, &e);
	if (!disarm()) {
		ng_engine_release(e);
		return false;
	}
	for (size_t i = 0; !rc && same && i < nreq; i++) {
		char *s = decide_line(e, i);

		same = s && strcmp(s, base[i]) == 0;
		free(s);
	}
	ng_engine_release(e);
	if (rc)
		t->errors++;
	else if (same)
		t->absorbed++;
	else
		violation(t, n, "built an engine that decides otherwise", NULL);
	return true;
}

static bool path_request(tally *t, long n, size_t i)
{
	ng_request *r = NULL;
	char *s = NULL;
	int rc;

	arm(n);
	rc = ng_request_from_json(lines[i], strlen(lines[i]), &r);
	if (!disarm()) {
		ng_request_free(r);
		return false;
	}
	if (rc)
		t->errors++;
	else if ((s = decide_json(eng0, r)) && strcmp(s, base[i]) == 0)
		t->absorbed++;
	else
		violation(t, n, "parsed another request", lines[i]);
	free(s);
	ng_request_free(r);
	return true;
}

/* A decision that grants nothing: no top-level index check allowed on an
 * index, and every item refused. */
static bool grants_nothing(const char *json)
{
	cJSON *d = cJSON_Parse(json);
	const cJSON *el;
	bool none = d != NULL;

	cJSON_ArrayForEach(el, cJSON_GetObjectItem(d, "checks"))
		if (cJSON_IsNull(cJSON_GetObjectItem(el, "item")) &&
		    cJSON_IsTrue(cJSON_GetObjectItem(el, "allowed")) &&
		    cJSON_GetArraySize(cJSON_GetObjectItem(el, "indices")) &&
		    !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(el, "scope")),
			    "index"))
			none = false;
	cJSON_ArrayForEach(el, cJSON_GetObjectItem(d, "items"))
		if (cJSON_GetNumberValue(cJSON_GetObjectItem(el, "status")) < 300)
			none = false;
	cJSON_Delete(d);
	return none;
}

/* An allocation failing while deciding: an error, a denial (a decision
 * granting no index counts as one), or exactly the decision of the run
 * without a failure. */
static bool path_decide(tally *t, long n, size_t i)
{
	ng_request *r = NULL;
	ng_decision *d = NULL;
	int rc;

	if (ng_request_from_json(lines[i], strlen(lines[i]), &r))
		return false;
	arm(n);
	rc = ng_decide(eng0, r, &d);
	if (!disarm()) {
		ng_decision_free(d);
		ng_request_free(r);
		return false;
	}
	if (rc)
		t->errors++;
	else if (ng_decision_verdict(d) == NG_DENY ||
		 grants_nothing(ng_decision_json(d)))
		t->denials++;
	else if (strcmp(ng_decision_json(d), base[i]) == 0)
		t->absorbed++;
	else
		violation(t, n, "allowed", ng_decision_json(d));
	ng_decision_free(d);
	ng_request_free(r);
	return true;
}

/* Every step-th n from 1 until a run completes, for input i. */
static void sweep(tally *t, path_fn fn, size_t i)
{
	long n;

	for (n = 1; fn(t, n, i); n += step)
		t->runs++;
	if (calls > t->allocs)
		t->allocs = calls;
}

static void report(const tally *t)
{
	printf("fault: %-9s %6ld allocations (most in one run), %6ld runs: "
	       "%ld errors, %ld denials, %ld absorbed\n", t->path, t->allocs,
	       t->runs, t->errors, t->denials, t->absorbed);
}

static void free_all(void)
{
	for (size_t i = 0; i < nreq; i++) {
		free(lines[i]);
		free(base[i]);
	}
	ng_engine_release(eng0);
	ng_policy_release(pol0);
	ng_metadata_release(md0);
}

int main(int argc, char **argv)
{
	tally t[] = { { "policy" }, { "metadata" }, { "engine" },
		      { "request" }, { "decide" } };
	size_t maxreq = MAX_REQ;

	for (int a = 1; a + 1 < argc; a += 2) {
		if (!strcmp(argv[a], "--step"))
			step = atol(argv[a + 1]);
		else if (!strcmp(argv[a], "--requests"))
			maxreq = (size_t)atol(argv[a + 1]);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);   /* LeakSanitizer ends with _exit */
	cJSON_InitHooks(&(cJSON_Hooks){ cjson_malloc, free });
	if (step < 1 || baseline()) {
		fprintf(stderr, "fault: setup: %s\n", ng_last_error()->message);
		return 2;
	}
	sweep(&t[0], path_policy, 0);
	sweep(&t[1], path_metadata, 0);
	sweep(&t[2], path_engine, 0);
	for (size_t i = 0; i < nreq && i < maxreq; i++) {
		sweep(&t[3], path_request, i);
		sweep(&t[4], path_decide, i);
	}
	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++)
		report(&t[k]);
	free_all();
	printf("fault: %d violations\n", violations);
	return violations ? 1 : 0;
}
