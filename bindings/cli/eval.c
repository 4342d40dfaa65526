/*
 * nodeguard eval: decide recorded requests (NDJSON, one per line) and
 * print one decision per line, in input order.
 *
 * With --check, each decision is compared with the line's "expect" the way
 * the conformance scorer compares them: the status class, the allowed
 * top-level index set when "indices" is given, and the per-item status
 * classes when "items" is given. The run ends with "N passed, N failed".
 *
 * --threads N decides with N threads (the engine is shared, read-only);
 * output stays in input order. --summary counts decisions by verdict,
 * status and kind (the first action checked). On a terminal, a large input
 * gets a progress line on stderr.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

typedef struct eval_opts {
	const char *policy;
	const char *metadata;
	const char *input;
	bool check;
	bool summary;
	bool help;
	int threads;
} eval_opts;

enum { MAX_KINDS = 64, MAX_THREADS = 64, BATCH = 4096,
       PROGRESS_FROM = 10000 };

/* A request line holds at most a body at the library's limit (100 MiB)
 * and the request around it: a longer line is no request file at all
 * (an endless device, a binary), and the run stops there. */
#define MAX_LINE ((size_t)128 << 20)

/* Requests counted by kind: the first action a decision checks. */
typedef struct kind_count {
	char name[96];
	size_t n;
} kind_count;

typedef struct eval_stats {
	size_t lines, passed, failed;
	size_t requests;              /* lines not blank */
	size_t skipped;               /* --check: lines without "expect" */
	size_t allow, partial, deny;
	size_t by_status[6];          /* 2xx 400 403 404 other 5xx */
	kind_count kinds[MAX_KINDS];
	size_t nkinds;
	bool progress;                /* a progress line is on stderr */
	const char *policy;           /* the policy's id, for bad lines */
} eval_stats;

void cli_print_error(const char *what)
{
	const ng_error *e = ng_last_error();

	if (e->file[0] && e->line)
		fprintf(stderr, "%s:%d:%d: %s\n", e->file, e->line, e->column,
			e->message);
	else if (e->file[0])
		fprintf(stderr, "%s: %s\n", e->file, e->message);
	else if (what && *what)
		fprintf(stderr, "%s: %s\n", what, e->message);
	else
		fprintf(stderr, "nodeguard: %s\n", e->message);
}

/* A policy error names the file inside the directory (the library gives
 * its path, dir included, when that fits in ng_error.file). */
void cli_print_policy_error(const char *dir)
{
	const ng_error *e = ng_last_error();
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (!e->file[0] || e->file[0] == '/' || strcmp(e->file, dir) == 0 ||
	    (strncmp(e->file, dir, n) == 0 && e->file[n] == '/')) {
		cli_print_error(dir);
		return;
	}
	if (e->line)
		fprintf(stderr, "%s/%s:%d:%d: %s\n", dir, e->file, e->line,
			e->column, e->message);
	else
		fprintf(stderr, "%s/%s: %s\n", dir, e->file, e->message);
}

int cli_open_engine(const char *policy, const char *metadata,
		    ng_engine **out)
{
	ng_policy *p = NULL;
	ng_metadata *m = NULL;
	int rc;

	*out = NULL;
	rc = ng_policy_load(policy, NULL, &p);
	if (rc) {
		cli_print_policy_error(policy);
		return CLI_USAGE;
	}
	for (size_t i = 0; i < ng_policy_warning_count(p); i++) {
		const char *w = ng_policy_warning(p, i);
		const char *sep = strstr(w, ": ");

		if (sep)
			fprintf(stderr, "%s/%.*s: warning: %s\n", policy,
				(int)(sep - w), w, sep + 2);
		else
			fprintf(stderr, "%s: warning: %s\n", policy, w);
	}
	rc = ng_metadata_load(metadata, &m);
	if (rc) {
		cli_print_error(metadata);
		ng_policy_release(p);
		return CLI_USAGE;
	}
	rc = ng_engine_new(p, m, out);
	ng_policy_release(p);
	ng_metadata_release(m);
	if (rc) {
		cli_print_error("engine");
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* 1..MAX_THREADS, or -1 for anything else. */
static int parse_threads(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	return *s && !*end && n >= 1 && n <= MAX_THREADS ? (int)n : -1;
}

static int parse_args(int argc, char **argv, eval_opts *o)
{
	const char *threads = NULL;

	bool rest = false;         /* after "--": arguments only */

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int k = 0;

		if (!rest && !strcmp(a, "--"))
			rest = true;
		else if (!rest &&
			 ((k = cli_option(argc, argv, &i, "eval", "--policy",
				    &o->policy)) ||
		    (k = cli_option(argc, argv, &i, "eval", "--metadata",
				    &o->metadata)) ||
		    (k = cli_option(argc, argv, &i, "eval", "--threads",
				    &threads)) ||
		    (k = cli_flag(a, "eval", "--check", &o->check)) ||
		    (k = cli_flag(a, "eval", "--summary", &o->summary)))) {
			if (k < 0)
				return -1;
		} else if (!rest && (!strcmp(a, "--help") || !strcmp(a, "-h")))
			return o->help = true, -1;
		else if (!rest && a[0] == '-' && a[1])
			return fprintf(stderr, "eval: unknown option %s\n", a), -1;
		else if (!o->input)
			o->input = a;
		else
			return fprintf(stderr, "eval: more than one input\n"), -1;
	}
	if (threads)
		o->threads = parse_threads(threads);
	if (o->threads < 0)
		fprintf(stderr, "eval: --threads takes a number from 1 to %d\n",
			MAX_THREADS);
	if (!(cli_given("eval", "--policy", o->policy) &
	      cli_given("eval", "--metadata", o->metadata)) ||
	    o->threads < 0 || o->threads > MAX_THREADS) {
		fprintf(stderr, "usage: nodeguard eval --policy DIR --metadata FILE "
				"[--check] [--summary] [--threads N (1-%d)]\n"
				"       [REQUESTS.ndjson|-]\n", MAX_THREADS);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Comparing with "expect".
 */

static int status_class(int s)
{
	if (s >= 200 && s < 300)
		return 200;
	return s;
}

static bool has_string(const cJSON *arr, const char *s)
{
	const cJSON *el;

	cJSON_ArrayForEach(el, arr)
		if (cJSON_IsString(el) && strcmp(el->valuestring, s) == 0)
			return true;
	return false;
}

/* The union of allowed top-level index-scope check indices. */
static cJSON *top_indices(const cJSON *dec)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *k, *ix;

	cJSON_ArrayForEach(k, cJSON_GetObjectItem(dec, "checks")) {
		const cJSON *scope = cJSON_GetObjectItem(k, "scope");

		if (!cJSON_IsNull(cJSON_GetObjectItem(k, "item")) ||
		    !cJSON_IsTrue(cJSON_GetObjectItem(k, "allowed")) ||
		    !cJSON_IsString(scope) ||
		    strcmp(scope->valuestring, "index") != 0)
			continue;
		cJSON_ArrayForEach(ix, cJSON_GetObjectItem(k, "indices"))
			if (!has_string(out, ix->valuestring))
				cJSON_AddItemToArray(out,
					cJSON_CreateString(ix->valuestring));
	}
	return out;
}

static bool same_set(const cJSON *a, const cJSON *b)
{
	const cJSON *el;

	if (cJSON_GetArraySize(a) != cJSON_GetArraySize(b))
		return false;
	cJSON_ArrayForEach(el, a)
		if (!cJSON_IsString(el) || !has_string(b, el->valuestring))
			return false;
	return true;
}

static int item_status(const cJSON *items, int n)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, items) {
		const cJSON *no = cJSON_GetObjectItem(it, "item");

		if (cJSON_IsNumber(no) && no->valueint == n)
			return cJSON_GetObjectItem(it, "status")->valueint;
	}
	return -1;
}

static bool items_match(const cJSON *want, const cJSON *dec, char *why,
			size_t cap)
{
	const cJSON *items = cJSON_GetObjectItem(dec, "items");
	const cJSON *el;
	int i = 0;

	cJSON_ArrayForEach(el, want) {
		const cJSON *st = cJSON_GetObjectItem(el, "status");
		int got = item_status(items, i);

		if (cJSON_IsNumber(st) &&
		    status_class(got) != status_class(st->valueint)) {
			snprintf(why, cap, "item %d: status %d, expected %d", i,
				 got, st->valueint);
			return false;
		}
		i++;
	}
	return true;
}

static bool string_list(const cJSON *expect, const char *key, char *why,
			size_t cap)
{
	const cJSON *l = cJSON_GetObjectItem(expect, key), *el;

	if (!l)
		return true;
	if (!cJSON_IsArray(l))
		return snprintf(why, cap, "expect.%s is not a list", key), false;
	cJSON_ArrayForEach(el, l)
		if (!cJSON_IsString(el))
			return snprintf(why, cap, "expect.%s holds a value that "
					"is not a string", key), false;
	return true;
}

/* expect.items: a list of objects whose status, when given, is a
 * number and whose indices, when given, are strings. */
static bool item_list(const cJSON *expect, char *why, size_t cap)
{
	const cJSON *l = cJSON_GetObjectItem(expect, "items"), *el, *st;

	if (!l)
		return true;
	if (!cJSON_IsArray(l))
		return snprintf(why, cap, "expect.items is not a list"), false;
	cJSON_ArrayForEach(el, l) {
		st = cJSON_GetObjectItem(el, "status");
		if (!cJSON_IsObject(el) || (st && !cJSON_IsNumber(st)) ||
		    !string_list(el, "indices", why, cap))
			return snprintf(why, cap, "expect.items holds an item "
					"that is not {\"status\": N}"), false;
	}
	return true;
}

/* An expectation this tool cannot read fails the line rather than pass
 * it unchecked. */
static bool valid_expect(const cJSON *expect, char *why, size_t cap)
{
	static const char *const known[] = {
		"status", "indices", "items", "decision", "indices_raw",
		"status_peer",
	};
	const cJSON *el;

	if (!cJSON_IsObject(expect))
		return snprintf(why, cap, "expect is not an object"), false;
	if (!expect->child)
		return snprintf(why, cap, "expect is empty: it names nothing "
				"to compare"), false;
	cJSON_ArrayForEach(el, expect) {
		size_t i = 0;

		while (i < sizeof(known) / sizeof(known[0]) &&
		       strcmp(known[i], el->string) != 0)
			i++;
		if (i == sizeof(known) / sizeof(known[0]))
			return snprintf(why, cap, "unknown key \"%s\" in expect",
					el->string), false;
	}
	el = cJSON_GetObjectItem(expect, "status");
	if (el && !cJSON_IsNumber(el))
		return snprintf(why, cap, "expect.status is not a number"), false;
	el = cJSON_GetObjectItem(expect, "decision");
	if (el && !cJSON_IsString(el))
		return snprintf(why, cap, "expect.decision is not a string"), false;
	return string_list(expect, "indices", why, cap) &&
	       string_list(expect, "indices_raw", why, cap) &&
	       item_list(expect, why, cap);
}

static bool items_count_match(const cJSON *want, const cJSON *dec, int got,
			      char *why, size_t cap)
{
	int n = cJSON_GetArraySize(want);
	int have = cJSON_GetArraySize(cJSON_GetObjectItem(dec, "items"));

	if (status_class(got) != 200 || n == have)
		return true;
	snprintf(why, cap, "%d items, expected %d", have, n);
	return false;
}

static bool compare(const cJSON *expect, const cJSON *dec, char *why,
		    size_t cap)
{
	const cJSON *st = cJSON_GetObjectItem(expect, "status");
	const cJSON *verdict = cJSON_GetObjectItem(expect, "decision");
	const cJSON *ix = cJSON_GetObjectItem(expect, "indices");
	const cJSON *items = cJSON_GetObjectItem(expect, "items");
	const char *have_verdict = cJSON_GetObjectItem(dec, "decision")->valuestring;
	int got = cJSON_GetObjectItem(dec, "status")->valueint;
	bool ok = true;

	if (!valid_expect(expect, why, cap))
		return false;
	if (cJSON_IsNumber(st) && status_class(got) != status_class(st->valueint)) {
		snprintf(why, cap, "status %d, expected %d", got, st->valueint);
		return false;
	}
	if (verdict && strcmp(verdict->valuestring, have_verdict) != 0) {
		snprintf(why, cap, "decision %s, expected %s", have_verdict,
			 verdict->valuestring);
		return false;
	}
	if (cJSON_IsArray(ix)) {
		cJSON *have = top_indices(dec);
		char *text = cJSON_PrintUnformatted(have);

		ok = same_set(ix, have);
		if (!ok)
			snprintf(why, cap, "indices %s", text ? text : "?");
		cJSON_free(text);
		cJSON_Delete(have);
		if (!ok)
			return false;
	}
	if (cJSON_IsArray(items))
		return items_count_match(items, dec, got, why, cap) &&
		       items_match(items, dec, why, cap);
	return true;
}

/* ---------------------------------------------------------------------
 * The run.
 */

static void count_kind(eval_stats *s, const ng_decision *d)
{
	cJSON *dec = cJSON_Parse(ng_decision_json(d));
	const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(dec, "checks"), 0);
	const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(first, "action"));
	size_t i;

	if (!kind)
		kind = "(no check)";
	for (i = 0; i < s->nkinds; i++)
		if (!strcmp(s->kinds[i].name, kind))
			break;
	if (i == s->nkinds && s->nkinds < MAX_KINDS)
		snprintf(s->kinds[s->nkinds++].name, sizeof(s->kinds[0].name),
			 "%s", kind);
	else if (i == s->nkinds)
		i = MAX_KINDS - 1;     /* the last slot takes the rest */
	s->kinds[i].n++;
	cJSON_Delete(dec);
}

static void count(eval_stats *s, const ng_decision *d, bool kinds)
{
	int st = ng_decision_status(d);
	ng_verdict v = ng_decision_verdict(d);

	s->allow += v == NG_ALLOW;
	s->partial += v == NG_PARTIAL;
	s->deny += v == NG_DENY;
	s->by_status[st < 300 ? 0 : st == 400 ? 1 : st == 403 ? 2 :
		     st == 404 ? 3 : st >= 500 ? 5 : 4]++;
	if (kinds)
		count_kind(s, d);
}

static void check_line(const char *input, eval_stats *s, const char *line,
		       size_t len, const ng_decision *d, size_t lineno)
{
	cJSON *req = cJSON_ParseWithLength(line, len);
	cJSON *dec = cJSON_Parse(ng_decision_json(d));
	const cJSON *expect = cJSON_GetObjectItem(req, "expect");
	char why[512] = "";

	if (!expect) {
		s->skipped++;
	} else if (dec && compare(expect, dec, why, sizeof(why))) {
		s->passed++;
	} else {
		const cJSON *id = cJSON_GetObjectItem(req, "id");

		s->failed++;
		fprintf(stderr, "%s:%zu: %s: %s\n", input, lineno,
			cJSON_IsString(id) ? id->valuestring : "?", why);
	}
	cJSON_Delete(req);
	cJSON_Delete(dec);
}

/* The input as diagnostics name it. */
static const char *input_name(const eval_opts *o)
{
	return o->input && strcmp(o->input, "-") ? o->input : "<stdin>";
}

/* A line that is no request still gets its answer, in order: a 400
 * named after the line, with every member of a decision, as JSON (the
 * message may hold quotes). The diagnostic names the file and line. */
static void answer_bad_line(const eval_opts *o, eval_stats *s, size_t lineno,
			    const char *msg)
{
	cJSON *d = cJSON_CreateObject();
	char id[32], reason[600], *text;

	snprintf(id, sizeof(id), "line %zu", lineno);
	snprintf(reason, sizeof(reason), "line %zu: %s", lineno, msg);
	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddNumberToObject(d, "status", 400);
	cJSON_AddStringToObject(d, "decision", "deny");
	cJSON_AddStringToObject(d, "reason", reason);
	cJSON_AddNullToObject(d, "user");
	cJSON_AddArrayToObject(d, "roles");
	cJSON_AddArrayToObject(d, "checks");
	cJSON_AddArrayToObject(d, "items");
	cJSON_AddObjectToObject(d, "dls");
	cJSON_AddObjectToObject(d, "fls");
	cJSON_AddObjectToObject(d, "masked");
	cJSON_AddStringToObject(d, "policy", s->policy ? s->policy : "");
	text = cJSON_PrintUnformatted(d);
	puts(text ? text : "{\"status\":400,\"decision\":\"deny\"}");
	cJSON_free(text);
	cJSON_Delete(d);
	fprintf(stderr, "%s:%zu: %s\n", input_name(o), lineno, msg);
	s->deny++;
	s->by_status[1]++;
	if (o->check)
		s->failed++;
}

static bool blank(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
		    line[i] != '\n')
			return false;
	return true;
}

/* ---------------------------------------------------------------------
 * Batches: lines are decided by worker threads, then printed, counted
 * and checked in input order by the main thread.
 */

typedef struct slot {
	char *line;
	size_t len;
	ng_decision *d;               /* NULL when the line failed */
	char error[512];
} slot;

typedef struct batch {
	const ng_engine *e;
	slot *slots;
	size_t n;
	int nthreads;
} batch;

typedef struct worker {
	batch *b;
	int k;
} worker;

static void decide_slot(const ng_engine *e, slot *sl)
{
	ng_request *r = NULL;

	sl->d = NULL;
	if (blank(sl->line, sl->len))
		return;
	if (ng_request_from_json(sl->line, sl->len, &r) != 0 ||
	    ng_decide(e, r, &sl->d) != 0)
		snprintf(sl->error, sizeof(sl->error), "%s",
			 ng_last_error()->message);
	ng_request_free(r);
}

static void *work(void *arg)
{
	worker *w = arg;

	for (size_t i = (size_t)w->k; i < w->b->n; i += (size_t)w->b->nthreads)
		decide_slot(w->b->e, &w->b->slots[i]);
	return NULL;
}

static void decide_batch(batch *b)
{
	pthread_t tid[MAX_THREADS];
	worker w[MAX_THREADS];
	int started = 0;

	for (int k = 1; k < b->nthreads; k++) {
		w[k] = (worker){ b, k };
		if (pthread_create(&tid[k], NULL, work, &w[k]) != 0)
			break;
		started = k;
	}
	/* the main thread takes slot 0's share, and any share not started */
	for (int k = 0; k < b->nthreads; k++)
		if (k == 0 || k > started) {
			w[k] = (worker){ b, k };
			work(&w[k]);
		}
	for (int k = 1; k <= started; k++)
		pthread_join(tid[k], NULL);
}

static void emit_slot(const eval_opts *o, eval_stats *s, slot *sl)
{
	s->lines++;
	if (blank(sl->line, sl->len))
		return;
	s->requests++;
	if (!sl->d) {
		answer_bad_line(o, s, s->lines, sl->error);
		return;
	}
	puts(ng_decision_json(sl->d));
	count(s, sl->d, o->summary);
	if (o->check)
		check_line(input_name(o), s, sl->line, sl->len, sl->d,
			   s->lines);
	ng_decision_free(sl->d);
	sl->d = NULL;
}

static void progress(eval_stats *s)
{
	if (s->lines < PROGRESS_FROM || !isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\r%zu requests decided: %zu allow, %zu partial, "
		"%zu deny", s->lines, s->allow, s->partial, s->deny);
	s->progress = true;
}

/* One line, newline included, into a malloc'd *out; its length, -1 at
 * the end of the input, or -2 when it is longer than MAX_LINE. */
static ssize_t read_line(FILE *in, char **out)
{
	size_t cap = 256, n = 0;
	char *b = malloc(cap), *nb;
	int ch = 0;

	while (b && (ch = getc_unlocked(in)) != EOF) {
		if (n + 2 > cap) {
			nb = cap < MAX_LINE ? realloc(b, cap * 2) : NULL;
			if (!nb) {
				free(b);
				return -2;
			}
			b = nb;
			cap *= 2;
		}
		b[n++] = (char)ch;
		if (ch == '\n')
			break;
	}
	if (!b || (n == 0 && ch == EOF)) {
		free(b);
		return b ? -1 : -2;
	}
	b[n] = '\0';
	*out = b;
	return (ssize_t)n;
}

/* Read up to BATCH lines; returns how many. *stop is set when a line
 * was too long: the lines before it are still decided, none after. */
static size_t read_batch(FILE *in, const char *name, slot *slots,
			 size_t first_line, bool *stop)
{
	size_t n = 0;

	while (n < BATCH) {
		ssize_t len = read_line(in, &slots[n].line);

		if (len == -2) {
			fprintf(stderr, "%s:%zu: longer than %zu bytes, or out "
				"of memory; not a request file\n", name,
				first_line + n, MAX_LINE);
			*stop = true;
			break;
		}
		if (len < 0)
			break;
		slots[n++].len = (size_t)len;
	}
	return n;
}

static void print_summary(const eval_stats *s)
{
	fprintf(stderr,
		"summary: %zu requests: %zu allow, %zu partial, %zu deny; "
		"status 2xx %zu, 400 %zu, 403 %zu, 404 %zu, other %zu\n",
		s->requests, s->allow, s->partial, s->deny, s->by_status[0],
		s->by_status[1], s->by_status[2], s->by_status[3],
		s->by_status[4] + s->by_status[5]);
	for (size_t i = 0; i < s->nkinds; i++)
		fprintf(stderr, "  %8zu  %s\n", s->kinds[i].n, s->kinds[i].name);
}

static int run(const ng_engine *e, const eval_opts *o, FILE *in)
{
	eval_stats s = { .policy = ng_policy_id(ng_engine_policy(e)) };
	slot *slots = calloc(BATCH, sizeof(slot));
	batch b = { e, slots, 0, o->threads > 0 ? o->threads : 1 };

	bool stop = false;

	if (!slots)
		return fprintf(stderr, "eval: out of memory\n"), CLI_USAGE;
	while (!stop && (b.n = read_batch(in, input_name(o), slots,
					   s.lines + 1, &stop)) > 0) {
		decide_batch(&b);
		for (size_t i = 0; i < b.n; i++) {
			emit_slot(o, &s, &slots[i]);
			free(slots[i].line);
		}
		progress(&s);
	}
	free(slots);
	if (stop)
		return CLI_USAGE;
	if (s.progress)
		fputs("\n", stderr);
	fflush(stdout);
	if (o->summary)
		print_summary(&s);
	if (!o->check)
		return CLI_OK;
	if (s.skipped)
		printf("%zu passed, %zu failed, %zu skipped\n", s.passed,
		       s.failed, s.skipped);
	else
		printf("%zu passed, %zu failed\n", s.passed, s.failed);
	return s.failed ? CLI_FAILED : CLI_OK;
}

FILE *cli_open_input(const char *path)
{
	bool std = !path || strcmp(path, "-") == 0;
	const char *name = std ? "standard input" : path;
	FILE *in = std ? stdin : fopen(path, "r");
	struct stat st;

	if (!in) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(in), &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "%s: is a directory, not a request file\n", name);
		if (!std)
			fclose(in);
		return NULL;
	}
	return in;
}

int cli_close_input(FILE *in, const char *path)
{
	bool failed = ferror(in);

	if (failed)
		fprintf(stderr, "%s: cannot read the requests: %s\n",
			!path || strcmp(path, "-") == 0 ? "standard input" : path,
			errno ? strerror(errno) : "read error");
	if (in != stdin)
		fclose(in);
	return failed ? CLI_USAGE : CLI_OK;
}

int cli_eval(int argc, char **argv)
{
	eval_opts o = { 0 };
	ng_engine *e;
	FILE *in;
	int rc;

	if (parse_args(argc, argv, &o) != 0) {
		if (!o.help)
			return CLI_USAGE;
		printf("usage: nodeguard eval --policy DIR --metadata FILE [--check] "
		       "[--summary] [--threads N]\n       [REQUESTS.ndjson|-]\n");
		return CLI_OK;
	}
	in = cli_open_input(o.input);
	if (!in)
		return CLI_USAGE;
	rc = cli_open_engine(o.policy, o.metadata, &e);
	if (rc) {
		cli_close_input(in, o.input);
		return rc;
	}
	errno = 0;
	rc = run(e, &o, in);
	if (cli_close_input(in, o.input) != CLI_OK)
		rc = CLI_USAGE;
	ng_engine_release(e);
	return rc;
}
