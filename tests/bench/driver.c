/*
 * The benchmark driver: times nodeguard through its public API only.
 *
 *   ngbench load    POLICY MD                 one load: policy, metadata,
 *                                             engine, peak memory
 *   ngbench update  POLICY MD NEXT REPS       metadata swap: parse + engine
 *   ngbench decide  POLICY MD REQS REPS SECS THREADS [json]
 *   ngbench check   POLICY MD REQS EXPECTED   agreement with a peer workload
 *   ngbench count   POLICY MD REQS...         each file decided twice, the
 *                                             second pass in counted_pass:
 *                                             for valgrind's instruction
 *                                             counts (tests/bench/run.sh)
 *
 * Every command prints one JSON object on stdout. Timed figures are given
 * per repetition (`runs`), so that the report computes medians and spread.
 * A decision is timed from ng_decide to ng_decision_free: parsing the
 * request's path and body, resolving, deciding. With `json`, rendering
 * the decision JSON (ng_decision_json) is included.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "nodeguard.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void die(const char *what)
{
	const ng_error *e = ng_last_error();

	fprintf(stderr, "ngbench: %s: %s %s:%d\n", what, e->message, e->file,
		e->line);
	exit(2);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0)
		die(path);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die(path);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* The requests of an NDJSON file, parsed once, before any timing. */
typedef struct reqs {
	ng_request **v;
	size_t n;
	size_t bytes;          /* sum of the raw lines */
} reqs;

static reqs load_requests(const char *path)
{
	size_t len;
	char *buf = slurp(path, &len), *p = buf;
	reqs r = { 0 };

	while (p < buf + len) {
		char *nl = memchr(p, '\n', (size_t)(buf + len - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(buf + len - p);

		if (n) {
			r.v = realloc(r.v, (r.n + 1) * sizeof(*r.v));
			if (!r.v || ng_request_from_json(p, n, &r.v[r.n]) != 0)
				die(path);
			r.n++;
			r.bytes += n;
		}
		p += n + 1;
	}
	free(buf);
	return r;
}

static ng_engine *engine_of(const char *policy, const char *md)
{
	ng_policy *p;
	ng_metadata *m;
	ng_engine *e;

	if (ng_policy_load(policy, NULL, &p) != 0)
		die(policy);
	if (ng_metadata_load(md, &m) != 0)
		die(md);
	if (ng_engine_new(p, m, &e) != 0)
		die("engine");
	ng_policy_release(p);
	ng_metadata_release(m);
	return e;
}

static int cmd_load(char **av)
{
	long rss0 = maxrss_kb();
	double t0 = now_s(), t1, t2, t3;
	ng_policy *p;
	ng_metadata *m;
	ng_engine *e;

	if (ng_policy_load(av[0], NULL, &p) != 0)
		die(av[0]);
	t1 = now_s();
	if (ng_metadata_load(av[1], &m) != 0)
		die(av[1]);
	t2 = now_s();
	if (ng_engine_new(p, m, &e) != 0)
		die("engine");
	t3 = now_s();
	printf("{\"policy_ms\":%.3f,\"metadata_ms\":%.3f,\"engine_ms\":%.3f,"
	       "\"indices\":%zu,\"rss0_kb\":%ld,\"peak_kb\":%ld}\n",
	       (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3,
	       ng_metadata_index_count(m), rss0, maxrss_kb());
	ng_engine_release(e);
	ng_metadata_release(m);
	ng_policy_release(p);
	return 0;
}

/* Metadata update: what a node does on a cluster-state change. */
static int cmd_update(char **av)
{
	ng_node *node;
	ng_policy *p;
	size_t len[2];
	char *text[2] = { slurp(av[1], &len[0]), slurp(av[2], &len[1]) };
	int reps = atoi(av[3]);

	if (ng_node_new(&node) || ng_policy_load(av[0], NULL, &p) ||
	    ng_node_set_policy(node, p))
		die("node");
	printf("{\"runs\":[");
	for (int i = 0; i < reps; i++) {
		double t0 = now_s();
		ng_metadata *m;

		if (ng_metadata_parse(text[i % 2], len[i % 2], &m) ||
		    ng_node_set_metadata(node, m))
			die("metadata");
		ng_metadata_release(m);
		printf("%s%.3f", i ? "," : "", (now_s() - t0) * 1e3);
	}
	printf("],\"unit\":\"ms\"}\n");
	ng_policy_release(p);
	ng_node_free(node);
	free(text[0]);
	free(text[1]);
	return 0;
}

typedef struct job {
	const ng_engine *e;
	const reqs *r;
	double secs;
	int json;
	size_t done;           /* decisions made */
	size_t allowed;        /* of them, status 200 */
	double elapsed;
} job;

/* Decide the requests in order, round after round, for `secs`. */
static void *run_job(void *arg)
{
	job *j = arg;
	double t0 = now_s(), t;
	size_t k = 0;

	do {
		for (size_t i = 0; i < j->r->n; i++, k++) {
			ng_decision *d;

			if (ng_decide(j->e, j->r->v[i], &d) != 0)
				die("decide");
			if (j->json && !*ng_decision_json(d))
				die("json");
			j->allowed += ng_decision_status(d) == 200;
			ng_decision_free(d);
		}
		t = now_s();
	} while (t - t0 < j->secs);
	j->done = k;
	j->elapsed = t - t0;
	return NULL;
}

/* One repetition on `threads` threads: decisions per second, all threads
 * together, and the time of one decision on one thread. */
static void one_rep(const ng_engine *e, const reqs *r, double secs,
		    int threads, int json, double *rate, double *us)
{
	pthread_t tid[16];
	job jobs[16];
	size_t done = 0;
	double busy = 0;

	for (int t = 0; t < threads; t++) {
		jobs[t] = (job){ e, r, secs, json, 0, 0, 0 };
		pthread_create(&tid[t], NULL, run_job, &jobs[t]);
	}
	for (int t = 0; t < threads; t++) {
		pthread_join(tid[t], NULL);
		done += jobs[t].done;
		busy += jobs[t].elapsed;
		*rate += (double)jobs[t].done / jobs[t].elapsed;
	}
	*us = busy / (double)done * 1e6;
}

static int cmd_decide(int ac, char **av)
{
	ng_engine *e = engine_of(av[0], av[1]);
	reqs r = load_requests(av[2]);
	int reps = atoi(av[3]), threads = atoi(av[5]);
	double secs = atof(av[4]);
	int json = ac > 6 && strcmp(av[6], "json") == 0;
	job warm = { e, &r, 0.05, json, 0, 0, 0 };

	if (threads < 1 || threads > 16)
		threads = 1;
	run_job(&warm);
	printf("{\"requests\":%zu,\"bytes\":%zu,\"allowed\":%zu,\"threads\":%d,"
	       "\"rate\":[", r.n, r.bytes / (r.n ? r.n : 1),
	       warm.allowed * r.n / (warm.done ? warm.done : 1), threads);
	for (int i = 0; i < reps; i++) {
		double rate = 0, us;

		one_rep(e, &r, secs, threads, json, &rate, &us);
		printf("%s[%.1f,%.4f]", i ? "," : "", rate, us);
	}
	printf("]}\n");
	for (size_t i = 0; i < r.n; i++)
		ng_request_free(r.v[i]);
	free(r.v);
	ng_engine_release(e);
	return 0;
}

/* Agreement with a peer workload's expected.jsonl, line by line: the
 * request is allowed iff "allow": true. Prints counts. */
static int cmd_check(char **av)
{
	ng_engine *e = engine_of(av[0], av[1]);
	reqs r = load_requests(av[2]);
	size_t len, agree = 0, n = 0;
	char *exp = slurp(av[3], &len), *p = exp;

	for (size_t i = 0; i < r.n && p < exp + len; i++) {
		char *nl = strchr(p, '\n');
		bool want = strstr(p, "\"allow\":true") &&
			    (!nl || strstr(p, "\"allow\":true") < nl);
		ng_decision *d;

		if (ng_decide(e, r.v[i], &d) != 0)
			die("decide");
		agree += (ng_decision_status(d) == 200) == want;
		n++;
		ng_decision_free(d);
		p = nl ? nl + 1 : exp + len;
	}
	printf("{\"checked\":%zu,\"agree\":%zu}\n", n, agree);
	free(exp);
	return 0;
}

/* One pass over the requests, on this thread. Not inlined: run.sh counts
 * the instructions of each call with callgrind's --toggle-collect. */
__attribute__((noinline)) static void counted_pass(const ng_engine *e,
						   const reqs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		ng_decision *d;

		if (ng_decide(e, r->v[i], &d) != 0)
			die("decide");
		ng_decision_free(d);
	}
}

/* The steady state of each file: a first pass warms what is made once
 * (the route table, the thread's spare decision), the second is counted. */
static int cmd_count(int ac, char **av)
{
	ng_engine *e = engine_of(av[0], av[1]);

	printf("[");
	for (int k = 2; k < ac; k++) {
		reqs r = load_requests(av[k]);
		job warm = { e, &r, 0, 0, 0, 0, 0 };

		run_job(&warm);
		counted_pass(e, &r);
		printf("%s%zu", k > 2 ? "," : "", r.n);
		for (size_t i = 0; i < r.n; i++)
			ng_request_free(r.v[i]);
		free(r.v);
	}
	printf("]\n");
	ng_engine_release(e);
	return 0;
}

int main(int ac, char **av)
{
	if (ac >= 4 && strcmp(av[1], "load") == 0)
		return cmd_load(av + 2);
	if (ac >= 6 && strcmp(av[1], "update") == 0)
		return cmd_update(av + 2);
	if (ac >= 8 && strcmp(av[1], "decide") == 0)
		return cmd_decide(ac - 2, av + 2);
	if (ac >= 6 && strcmp(av[1], "check") == 0)
		return cmd_check(av + 2);
	if (ac >= 5 && strcmp(av[1], "count") == 0)
		return cmd_count(ac - 2, av + 2);
	fprintf(stderr, "usage: ngbench load|update|decide|check|count ...\n");
	return 2;
}
