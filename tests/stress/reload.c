/*
 * Reload under load: reader threads decide through an ng_node while a
 * writer swaps policies and metadata (and tries a reload that fails). Every
 * decision must equal the decision of one of the four policy x metadata
 * combinations, computed beforehand on engines of their own; a failed
 * reload must leave the engine in force.
 *
 *   reload [swaps] [readers]      (defaults 1000 and 4)
 *
 * Run from the source tree. Built plain, and with ThreadSanitizer for
 * `make test-stress`. Exit status 0 when every decision matched.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodeguard.h"

#define DIR "tests/stress/"
#define NREST 6
#define NREQ (NREST + 2)
#define NCOMBO 4

static const char *const paths[NREST] = {
	"/logs-*/_search", "/logs/_search", "/logs-1,secret-1/_search",
	"/*/_search?expand_wildcards=all", "/secret-*/_count", "/logs-3/_doc/1",
};

/* Then transport requests naming indices (engine/direct.c). */
static const char *const named[NREQ - NREST][2] = {
	{ "logs-1", NULL }, { "logs-1", "secret-1" },
};

static ng_node *node;
static ng_policy *pol[2];
static ng_metadata *md[2];
static char *expected[NCOMBO][NREQ];   /* decision JSON per combination */
static atomic_bool done;
static atomic_long decisions, mismatches;

static int set_call(ng_request *r, int i)
{
	static const char search[] = "indices:data/read/search";
	int rc;

	if (i < NREST)
		return ng_request_set_rest(r, "GET", 3, paths[i],
					   strlen(paths[i]), NULL, 0);
	rc = ng_request_set_transport(r, search, sizeof(search) - 1, NULL, 0);
	for (int k = 0; k < 2 && !rc && named[i - NREST][k]; k++)
		rc = ng_request_add_transport_index(r, named[i - NREST][k],
						    strlen(named[i - NREST][k]));
	return rc;
}

static ng_request *request(int i)
{
	ng_request *r = NULL;

	if (ng_request_new(&r) || ng_request_set_user(r, "lena", 4) ||
	    ng_request_set_time(r, 1774260000000) || set_call(r, i)) {
		ng_request_free(r);
		return NULL;
	}
	return r;
}

/* The decision JSON of request i on engine e, or NULL. Caller frees. */
static char *decide_json(const ng_engine *e, int i)
{
	ng_request *r = request(i);
	ng_decision *d = NULL;
	char *s = NULL;

	if (r && ng_decide(e, r, &d) == 0)
		s = strdup(ng_decision_json(d));
	ng_decision_free(d);
	ng_request_free(r);
	return s;
}

static int expect_all(void)
{
	for (int c = 0; c < NCOMBO; c++) {
		ng_engine *e = NULL;

		if (ng_engine_new(pol[c / 2], md[c % 2], &e))
			return -1;
		for (int i = 0; i < NREQ; i++)
			if (!(expected[c][i] = decide_json(e, i)))
				return -1;
		ng_engine_release(e);
	}
	/* the combinations must differ, or the test shows nothing */
	return strcmp(expected[0][0], expected[3][0]) ? 0 : -1;
}

static bool known(int i, const char *json)
{
	for (int c = 0; c < NCOMBO; c++)
		if (strcmp(expected[c][i], json) == 0)
			return true;
	return false;
}

static void *reader(void *arg)
{
	unsigned i = (unsigned)(size_t)arg;

	while (!atomic_load(&done)) {
		ng_engine *e = ng_node_acquire(node);
		char *json;

		i = (i + 1) % NREQ;
		json = e ? decide_json(e, (int)i) : NULL;
		if (!json || !known((int)i, json)) {
			atomic_fetch_add(&mismatches, 1);
			fprintf(stderr, "reload: unexpected decision: %s\n",
				json ? json : ng_last_error()->message);
		}
		free(json);
		ng_engine_release(e);
		atomic_fetch_add(&decisions, 1);
	}
	return NULL;
}

/* One swap: policy or metadata in turn; every 50th a reload from disk,
 * and every 100th one that fails and must change nothing. */
static int swap(int k)
{
	if (k % 100 == 99)
		return ng_node_load_policy(node, DIR "no-such-dir", NULL) ? 0 : -1;
	if (k % 50 == 49)
		return ng_node_load_policy(node, k % 4 < 2 ? DIR "policy-a" :
					   DIR "policy-b", NULL);
	if (k % 2)
		return ng_node_set_policy(node, pol[(k / 2) % 2]);
	return ng_node_set_metadata(node, md[(k / 2) % 2]);
}

static int load_inputs(void)
{
	return ng_policy_load(DIR "policy-a", NULL, &pol[0]) ||
	       ng_policy_load(DIR "policy-b", NULL, &pol[1]) ||
	       ng_metadata_load(DIR "metadata-1.json", &md[0]) ||
	       ng_metadata_load(DIR "metadata-2.json", &md[1]) ||
	       ng_node_new(&node) || ng_node_set_policy(node, pol[0]) ||
	       ng_node_set_metadata(node, md[0]) ? -1 : 0;
}

static void cleanup(void)
{
	for (int c = 0; c < NCOMBO; c++)
		for (int i = 0; i < NREQ; i++)
			free(expected[c][i]);
	for (int k = 0; k < 2; k++) {
		ng_policy_release(pol[k]);
		ng_metadata_release(md[k]);
	}
	ng_node_free(node);
}

int main(int argc, char **argv)
{
	int swaps = argc > 1 ? atoi(argv[1]) : 1000;
	int nreaders = argc > 2 ? atoi(argv[2]) : 4;
	pthread_t th[64];
	int bad = 0;

	if (nreaders < 1 || nreaders > 64 || load_inputs() || expect_all()) {
		fprintf(stderr, "reload: setup: %s\n", ng_last_error()->message);
		return 2;
	}
	for (int t = 0; t < nreaders; t++)
		pthread_create(&th[t], NULL, reader, (void *)(size_t)t);
	for (int k = 0; k < swaps; k++)
		if (swap(k)) {
			fprintf(stderr, "reload: swap %d failed: %s\n", k,
				ng_last_error()->message);
			bad = 1;
		}
	atomic_store(&done, true);
	for (int t = 0; t < nreaders; t++)
		pthread_join(th[t], NULL);
	cleanup();
	printf("reload: %d swaps, %ld decisions, %ld unexpected\n", swaps,
	       atomic_load(&decisions), atomic_load(&mismatches));
	return bad || atomic_load(&mismatches) ? 1 : 0;
}
