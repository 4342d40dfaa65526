/*
 * rest_corpus: measure the REST decomposition against a corpus of recorded
 * requests (reference/rest-api/corpus.jsonl).
 *
 *   rest_corpus [-v] corpus.jsonl
 *   rest_corpus -p corpus-plugins.jsonl
 *
 * Each line gives method, path, query (an object of strings), body (JSON,
 * or a string holding NDJSON), expected_action and expected_indices. A line
 * agrees on the action when prs_request.action equals expected_action, and
 * on the indices when the index elements of its ops (in op order, without
 * duplicates, leaving out alias names, the documents query clauses read
 * (terms lookups and the like) and the source of a reindex from a remote
 * cluster) equal expected_indices as sets; lines whose expected_indices is
 * null are not counted for indices. -v prints every disagreement, and every request
 * refused as malformed, to stdout.
 *
 * With -p (plugin corpus, whose lines expect nothing) each line is only
 * decomposed: the tool counts, per plugin (the line's api up to its first
 * '.'), the lines routed to a known action, the unknown apis (refused with
 * 403) and the malformed requests (400), and checks that every line got
 * one of these outcomes.
 *
 * Exit status: 0 when the action and index shares reach 97% and 95% (with
 * -p: when every line got a decision), 1 when not, 2 on bad usage or
 * input.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers.h"

#define TARGET_ACTION 0.97
#define TARGET_INDICES 0.95

typedef struct buf {
	char *s;
	size_t len, cap;
} buf;

typedef struct tally {
	size_t lines, action_ok, idx_total, idx_ok, idx_ordered;
	size_t alias_total, alias_ok, unknown, bad, errors;
	size_t known, undecided;
} tally;

/* Per plugin, with -p. */
#define MAX_PLUGINS 64

typedef struct plugin {
	char name[48];
	size_t known, unknown, bad;
} plugin;

static plugin plugins[MAX_PLUGINS];
static size_t nplugins;
static bool plugin_mode;

static void buf_add(buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			fprintf(stderr, "rest_corpus: out of memory\n");
			exit(2);
		}
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Percent-encode what would change the meaning of a query component. */
static void add_component(buf *b, const char *s)
{
	for (; *s; s++) {
		char esc[4];

		if (strchr("&=#%+ ", *s) || (unsigned char)*s < 0x20) {
			snprintf(esc, sizeof(esc), "%%%02X", (unsigned char)*s);
			buf_add(b, esc, 3);
		} else {
			buf_add(b, s, 1);
		}
	}
}

static void build_path(buf *b, const cJSON *line)
{
	const cJSON *path = cJSON_GetObjectItem(line, "path");
	const cJSON *q = cJSON_GetObjectItem(line, "query"), *kv;
	char sep = '?';

	b->len = 0;
	buf_add(b, "", 0);
	if (cJSON_IsString(path))
		buf_add(b, path->valuestring, strlen(path->valuestring));
	cJSON_ArrayForEach(kv, q) {
		buf_add(b, &sep, 1);
		add_component(b, kv->string);
		if (cJSON_IsString(kv)) {
			buf_add(b, "=", 1);
			add_component(b, kv->valuestring);
		}
		sep = '&';
	}
}

static bool excluded(const prs_op *op)
{
	return op->flags & (PRS_ALIAS_NAMES | PRS_REMOTE_SRC | PRS_LOOKUP);
}

static bool alias_op(const prs_op *op)
{
	return op->flags & PRS_ALIAS_NAMES;
}

/* The distinct elements of the chosen ops, in order, into out[]. */
static size_t collect(const prs_request *r, bool (*want)(const prs_op *),
		      bool invert, const char **out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nops; i++) {
		const prs_op *op = &r->ops[i];

		if (want(op) == invert)
			continue;
		for (size_t k = 0; k < op->nexprs; k++) {
			bool seen = false;

			for (size_t j = 0; j < n && !seen; j++)
				seen = strcmp(out[j], op->exprs[k]) == 0;
			if (!seen && n < cap)
				out[n++] = op->exprs[k];
		}
	}
	return n;
}

/* Same set (and, through *ordered, same order) as the JSON array? */
static bool same(const char **got, size_t n, const cJSON *exp, bool *ordered)
{
	size_t m = (size_t)cJSON_GetArraySize(exp), i = 0;
	const cJSON *e;
	bool all = true;

	*ordered = n == m;
	cJSON_ArrayForEach(e, exp) {
		bool found = false;

		for (size_t j = 0; j < n && !found; j++)
			found = cJSON_IsString(e) &&
				strcmp(got[j], e->valuestring) == 0;
		all = all && found;
		if (*ordered && (i >= n || !cJSON_IsString(e) ||
				 strcmp(got[i], e->valuestring) != 0))
			*ordered = false;
		i++;
	}
	return all && n == m;
}

static void print_list(const char **v, size_t n)
{
	printf("[");
	for (size_t i = 0; i < n; i++)
		printf("%s\"%s\"", i ? ", " : "", v[i]);
	printf("]");
}

static void report(const cJSON *line, const char *path,
		   const prs_request *r, const char *what, const char **got,
		   size_t n)
{
	const cJSON *m = cJSON_GetObjectItem(line, "method");
	const cJSON *ea = cJSON_GetObjectItem(line, "expected_action");
	char *exp = cJSON_PrintUnformatted(
		cJSON_GetObjectItem(line, "expected_indices"));

	printf("%s\t%s %s\t%s\texpected %s %s\tgot %s ", what,
	       cJSON_IsString(m) ? m->valuestring : "?", path, r->api,
	       cJSON_IsString(ea) ? ea->valuestring : "null", exp,
	       r->action ? r->action : "null");
	print_list(got, n);
	if (r->status)
		printf(" status %d: %s", r->status, r->error);
	printf("\n");
	free(exp);
}

static const char *body_of(const cJSON *line, char **owned, size_t *len)
{
	const cJSON *b = cJSON_GetObjectItem(line, "body");

	*owned = NULL;
	*len = 0;
	if (!b || cJSON_IsNull(b))
		return NULL;
	if (cJSON_IsString(b)) {
		*len = strlen(b->valuestring);
		return b->valuestring;
	}
	*owned = cJSON_PrintUnformatted(b);
	*len = *owned ? strlen(*owned) : 0;
	return *owned;
}

/* False when the line names aliases and they differ. */
static bool check_aliases(tally *t, const cJSON *line, const prs_request *r)
{
	const cJSON *ea = cJSON_GetObjectItem(line, "expected_aliases");
	const char *got[256];
	size_t n;
	bool ordered, ok;

	if (!cJSON_IsArray(ea))
		return true;
	n = collect(r, alias_op, false, got, 256);
	ok = same(got, n, ea, &ordered);
	t->alias_total++;
	t->alias_ok += ok;
	return ok;
}

/* Compare one decomposed request with the line's expectations. */
static void compare(tally *t, const cJSON *line, const char *path,
		    const prs_request *r, bool verbose)
{
	const cJSON *ea = cJSON_GetObjectItem(line, "expected_action");
	const cJSON *ei = cJSON_GetObjectItem(line, "expected_indices");
	const char *got[1024];
	size_t n = collect(r, excluded, true, got, 1024);
	bool act_ok, ordered;

	act_ok = cJSON_IsString(ea) ? r->action &&
				      strcmp(r->action, ea->valuestring) == 0
				    : r->action == NULL && r->status == 0;
	t->action_ok += act_ok;
	if (verbose && !act_ok)
		report(line, path, r, "action", got, n);
	if (cJSON_IsArray(ei)) {
		bool ok = same(got, n, ei, &ordered);

		t->idx_total++;
		t->idx_ok += ok;
		t->idx_ordered += ok && ordered;
		if (verbose && act_ok && !ok)
			report(line, path, r, "indices", got, n);
	}
	if (verbose && act_ok && r->status)
		report(line, path, r, "status", got, n);
	if (!check_aliases(t, line, r) && verbose)
		report(line, path, r, "aliases", got, n);
}

static plugin *plugin_of(const cJSON *line)
{
	const cJSON *api = cJSON_GetObjectItem(line, "api");
	const char *s = cJSON_IsString(api) ? api->valuestring : "?";
	size_t n = strcspn(s, ".");

	n = n < sizeof(plugins[0].name) ? n : sizeof(plugins[0].name) - 1;
	for (size_t i = 0; i < nplugins; i++)
		if (strlen(plugins[i].name) == n &&
		    strncmp(plugins[i].name, s, n) == 0)
			return &plugins[i];
	if (nplugins == MAX_PLUGINS)
		return &plugins[MAX_PLUGINS - 1];
	memcpy(plugins[nplugins].name, s, n);
	return &plugins[nplugins++];
}

/* A decision is a known action (status 0), an unknown api (403) or a
 * malformed request (400); nothing else may come out. */
static void count_plugin(tally *t, const cJSON *line, const prs_request *r,
			 const char *path, bool verbose)
{
	plugin *p = plugin_of(line);
	const cJSON *m = cJSON_GetObjectItem(line, "method");

	if (r->status == 0 && r->action) {
		t->known++;
		p->known++;
	} else if (r->status == 403 && r->code == NG_EUNKNOWNAPI) {
		p->unknown++;
	} else if (r->status == 400) {
		p->bad++;
	} else {
		t->undecided++;
	}
	if (verbose && (r->status || !r->action))
		printf("%s\t%s %s\t%s\n", r->status == 400 ? "400" : "unknown",
		       cJSON_IsString(m) ? m->valuestring : "?", path,
		       r->error ? r->error : "no action");
}

static void print_plugins(const tally *t)
{
	printf("%-22s %7s %7s %7s\n", "plugin", "known", "unknown", "400");
	for (size_t i = 0; i < nplugins; i++)
		printf("%-22s %7zu %7zu %7zu\n", plugins[i].name,
		       plugins[i].known, plugins[i].unknown, plugins[i].bad);
	printf("lines %zu: known action %zu, unknown api %zu, 400 %zu, "
	       "without a decision %zu, errors %zu\n", t->lines, t->known,
	       t->unknown, t->bad, t->undecided, t->errors);
}

static void check_line(tally *t, const cJSON *line, ng_arena *a,
		       buf *path, bool verbose)
{
	const prs_limits lim = PRS_LIMITS_DEFAULT;
	const cJSON *m = cJSON_GetObjectItem(line, "method");
	const char *meth = cJSON_IsString(m) ? m->valuestring : "";
	const char *body;
	char *owned;
	size_t blen;
	prs_request r;

	build_path(path, line);
	body = body_of(line, &owned, &blen);
	ng_arena_reset(a);
	if (prs_rest(&r, a, &lim, meth, strlen(meth), path->s, path->len,
		     body, blen) != 0)
		t->errors++;
	t->lines++;
	t->unknown += r.code == NG_EUNKNOWNAPI;
	t->bad += r.status == 400;
	if (plugin_mode)
		count_plugin(t, line, &r, path->s, verbose);
	else
		compare(t, line, path->s, &r, verbose);
	cJSON_free(owned);
}

static double share(size_t a, size_t b)
{
	return b ? (double)a / (double)b : 1.0;
}

static void print_tally(const tally *t)
{
	printf("lines %zu: action %zu (%.1f%%), indices %zu of %zu (%.1f%%, "
	       "%zu in the same order), aliases %zu of %zu; unknown api %zu, "
	       "400 %zu, errors %zu\n",
	       t->lines, t->action_ok, 100 * share(t->action_ok, t->lines),
	       t->idx_ok, t->idx_total, 100 * share(t->idx_ok, t->idx_total),
	       t->idx_ordered, t->alias_ok, t->alias_total, t->unknown, t->bad,
	       t->errors);
}

static int run(FILE *f, bool verbose)
{
	ng_arena a;
	tally t = { 0 };
	buf path = { NULL, 0, 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	ng_arena_init(&a);
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		cJSON *j = cJSON_ParseWithLength(line, (size_t)len);

		if (!j) {
			fprintf(stderr, "rest_corpus: line %zu: bad json\n",
				t.lines + 1);
			rc = 2;
			continue;
		}
		check_line(&t, j, &a, &path, verbose);
		cJSON_Delete(j);
	}
	free(line);
	free(path.s);
	ng_arena_free(&a);
	if (rc)
		return rc;
	if (plugin_mode) {
		print_plugins(&t);
		return t.undecided || t.errors ? 1 : 0;
	}
	print_tally(&t);
	return share(t.action_ok, t.lines) >= TARGET_ACTION &&
			       share(t.idx_ok, t.idx_total) >= TARGET_INDICES
		       ? 0
		       : 1;
}

int main(int argc, char **argv)
{
	bool verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	const char *file;
	FILE *f;
	int rc;

	plugin_mode = argc > 1 && strcmp(argv[1], "-p") == 0;
	verbose = verbose || (argc > 2 && strcmp(argv[2], "-v") == 0);
	if (argc != 2 + (int)plugin_mode + (int)verbose) {
		fprintf(stderr, "usage: rest_corpus [-v] corpus.jsonl\n"
				"       rest_corpus -p [-v] corpus-plugins.jsonl\n");
		return 2;
	}
	file = argv[argc - 1];
	f = fopen(file, "r");
	if (!f) {
		perror(file);
		return 2;
	}
	rc = run(f, verbose);
	fclose(f);
	return rc;
}
