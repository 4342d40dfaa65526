/*
 * nodeguard diff: what a policy change does before it ships.
 *
 * With recorded requests, every decision that changes, grouped by user
 * and kind of change. Without them, the static difference: for each role
 * and each user the policies name, the index x action-group cells that
 * become allowed or denied (or change their DLS/FLS restrictions). Exit
 * status 1 when anything changes.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct diff_opts {
	const char *old_dir, *new_dir, *metadata, *input;
} diff_opts;

/* A decision that changed. */
typedef struct change {
	char *user, *kind, *line;
	size_t seq;                  /* input order */
} change;

typedef struct changes {
	change *v;
	size_t n, cap;
	bool lost;                   /* a change could not be kept */
	size_t nrules;               /* of them, rules of the role mapping */
} changes;

static int parse_args(int argc, char **argv, diff_opts *o)
{
	bool rest = false;         /* after "--": arguments only */

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int k = 0;

		if (!rest && !strcmp(a, "--"))
			rest = true;
		else if (!rest &&
			 ((k = cli_option(argc, argv, &i, "diff", "--old",
					  &o->old_dir)) ||
			  (k = cli_option(argc, argv, &i, "diff", "--new",
					  &o->new_dir)) ||
			  (k = cli_option(argc, argv, &i, "diff", "--metadata",
					  &o->metadata)))) {
			if (k < 0)
				return -1;
		} else if (!rest && a[0] == '-' && a[1])
			return fprintf(stderr, "diff: unknown option %s\n", a), -1;
		else if (!o->input)
			o->input = a;
		else
			return fprintf(stderr, "diff: more than one input\n"), -1;
	}
	if (cli_given("diff", "--old", o->old_dir) &
	    cli_given("diff", "--new", o->new_dir) &
	    cli_given("diff", "--metadata", o->metadata))
		return 0;
	fprintf(stderr, "usage: nodeguard diff --old DIR --new DIR "
			"--metadata FILE [REQUESTS.ndjson|-]\n");
	return -1;
}

/* Out of memory, the change is lost and cs->lost says so: the run must
 * then fail rather than report fewer changes than there are. */
static void add_change(changes *cs, const char *user, const char *kind,
		       const char *line)
{
	change c = { strdup(user), strdup(kind), strdup(line), cs->n };

	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 64;
		change *v = realloc(cs->v, cap * sizeof(*v));

		if (v) {
			cs->v = v;
			cs->cap = cap;
		}
	}
	if (cs->n == cs->cap || !c.user || !c.kind || !c.line) {
		free(c.user);
		free(c.kind);
		free(c.line);
		cs->lost = true;
		return;
	}
	cs->v[cs->n++] = c;
}

static void free_changes(changes *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->v[i].user);
		free(cs->v[i].kind);
		free(cs->v[i].line);
	}
	free(cs->v);
	*cs = (changes){ 0 };
}

static int cmp_change(const void *pa, const void *pb)
{
	const change *a = pa, *b = pb;
	int d = strcmp(a->user, b->user);

	if (!d)
		d = strcmp(a->kind, b->kind);
	return d ? d : a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Grouped by user, then by kind, in input order within a kind. */
static void print_changes(changes *cs, const char *what)
{
	const char *user = NULL, *kind = NULL;

	if (cs->n)
		qsort(cs->v, cs->n, sizeof(change), cmp_change);
	for (size_t i = 0; i < cs->n; i++) {
		const change *c = &cs->v[i];

		if (!user || strcmp(user, c->user)) {
			printf("%s%s\n", i ? "\n" : "", c->user);
			kind = NULL;
		}
		if (!kind || strcmp(kind, c->kind))
			printf("  %s\n", c->kind);
		printf("    %s\n", c->line);
		user = c->user;
		kind = c->kind;
	}
	printf("%s%zu %s", cs->n ? "\n" : "", cs->n - cs->nrules, what);
	if (cs->nrules)
		printf(" and %zu mapping rule%s", cs->nrules,
		       cs->nrules == 1 ? "" : "s");
	printf(" changed\n");
}

/* ---------------------------------------------------------------------
 * Recorded requests.
 */

static const char *verdict_name(ng_verdict v)
{
	return v == NG_ALLOW ? "allow" : v == NG_PARTIAL ? "partial" : "deny";
}

static bool has_name(const cJSON *arr, const char *s)
{
	const cJSON *el;

	cJSON_ArrayForEach(el, arr)
		if (!strcmp(el->valuestring, s))
			return true;
	return false;
}

/* The allowed top-level indices, comma-separated in decision order. */
static char *index_set(const ng_decision *d)
{
	cJSON *dec = cJSON_Parse(ng_decision_json(d));
	cJSON *names = cJSON_CreateArray();
	const cJSON *k, *ix;
	char *text, *out;

	cJSON_ArrayForEach(k, cJSON_GetObjectItem(dec, "checks")) {
		if (!cJSON_IsNull(cJSON_GetObjectItem(k, "item")))
			continue;
		cJSON_ArrayForEach(ix, cJSON_GetObjectItem(k, "indices"))
			if (!has_name(names, ix->valuestring))
				cJSON_AddItemToArray(names,
					cJSON_CreateString(ix->valuestring));
	}
	text = cJSON_PrintUnformatted(names);
	out = strdup(text ? text : "[]");
	cJSON_free(text);
	cJSON_Delete(names);
	cJSON_Delete(dec);
	return out;
}

/* "id: METHOD /path" and the user's name, from the request line. */
static void describe(const char *json, size_t len, char *what, size_t cap,
		     char *user, size_t ucap)
{
	cJSON *req = cJSON_ParseWithLength(json, len);
	const cJSON *rest = cJSON_GetObjectItem(req, "rest");
	const cJSON *tr = cJSON_GetObjectItem(req, "transport");
	const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(req, "id"));
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(
		cJSON_GetObjectItem(req, "user"), "name"));
	const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(rest, "method"));
	const char *p = cJSON_GetStringValue(cJSON_GetObjectItem(rest, "path"));
	const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(tr, "action"));

	snprintf(user, ucap, "user %s", name ? name : "(anonymous)");
	if (rest)
		snprintf(what, cap, "%s: %s %s", id ? id : "?", m ? m : "?",
			 p ? p : "?");
	else
		snprintf(what, cap, "%s: %s", id ? id : "?", a ? a : "?");
	cJSON_Delete(req);
}

static void compare(const ng_decision *a, const ng_decision *b,
		    const char *user, const char *what, changes *cs)
{
	char *ia = index_set(a), *ib = index_set(b);
	char kind[64] = "", line[2048];

	if (ng_decision_verdict(a) != ng_decision_verdict(b) ||
	    ng_decision_status(a) != ng_decision_status(b))
		snprintf(kind, sizeof(kind), "%s -> %s",
			 verdict_name(ng_decision_verdict(a)),
			 verdict_name(ng_decision_verdict(b)));
	else if (strcmp(ia, ib))
		snprintf(kind, sizeof(kind), "indices changed");
	if (kind[0]) {
		snprintf(line, sizeof(line), "%s: %d %s -> %d %s", what,
			 ng_decision_status(a), ia, ng_decision_status(b), ib);
		add_change(cs, user, kind, line);
	}
	free(ia);
	free(ib);
}

/* Is the line a JSON object with a request in it? A line that is not
 * cannot be compared: it is decided 400 by both policies alike. */
static bool recorded_request(const char *json, size_t len)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	bool ok = cJSON_IsObject(j) &&
		  (cJSON_GetObjectItem(j, "rest") ||
		   cJSON_GetObjectItem(j, "transport"));

	cJSON_Delete(j);
	return ok;
}

/* Compares the two decisions of one line; false when the line is not a
 * recorded request or could not be decided. */
static bool diff_line(ng_engine *const eng[2], const char *json, size_t len,
		      changes *cs)
{
	ng_request *r = NULL;
	ng_decision *d[2] = { NULL, NULL };
	char what[1024], user[256];
	bool ok = recorded_request(json, len) &&
		  ng_request_from_json(json, len, &r) == 0 &&
		  ng_decide(eng[0], r, &d[0]) == 0 &&
		  ng_decide(eng[1], r, &d[1]) == 0;

	if (ok) {
		describe(json, len, what, sizeof(what), user, sizeof(user));
		compare(d[0], d[1], user, what, cs);
	}
	ng_decision_free(d[0]);
	ng_decision_free(d[1]);
	ng_request_free(r);
	return ok;
}

/* A deploy guard must not pass on input it could not read: every line
 * that is not a recorded request is named, and the run fails. */
static int diff_requests(ng_engine *const eng[2], const char *input,
			 changes *cs)
{
	FILE *in = cli_open_input(input);
	char *line = NULL;
	size_t cap = 0, no = 0, bad = 0;
	ssize_t len;

	if (!in)
		return CLI_USAGE;
	errno = 0;
	while ((len = getline(&line, &cap, in)) >= 0) {
		no++;
		if (len <= 1 || diff_line(eng, line, (size_t)len, cs))
			continue;
		if (bad++ < 10)
			fprintf(stderr, "%s:%zu: not a recorded request\n",
				input, no);
	}
	free(line);
	if (cli_close_input(in, input) != CLI_OK)
		return CLI_USAGE;
	if (bad)
		fprintf(stderr, "%s: %zu of %zu lines are not recorded requests\n",
			input, bad, no);
	return bad ? CLI_USAGE : CLI_OK;
}

/* ---------------------------------------------------------------------
 * The static difference.
 */

static const char *cell_text(const cli_cell *c)
{
	if (!c->allowed)
		return "denied";
	if (c->dls && c->fls)
		return "allowed with dls and fls";
	return c->dls ? "allowed with dls" : c->fls ? "allowed with fls" :
	       "allowed";
}

/* Every action of the group on the index (NULL: the cluster), each one
 * that the change affects a line of its own. */
static void diff_group(ng_engine *const eng[2], const char *who,
		       bool is_role, const char *ix, const cli_group *g,
		       const char *label, changes *cs)
{
	char kind[64], line[600];

	for (const char *const *act = g->actions; *act; act++) {
		cli_cell a, b;

		if (cli_probe(eng[0], who, is_role, ix, *act, &a) ||
		    cli_probe(eng[1], who, is_role, ix, *act, &b))
			continue;
		if (a.allowed == b.allowed && a.dls == b.dls && a.fls == b.fls)
			continue;
		snprintf(kind, sizeof(kind), "%s",
			 a.allowed == b.allowed ? "restrictions changed" :
			 b.allowed ? "becomes allowed" : "becomes denied");
		if (ix)
			snprintf(line, sizeof(line), "%s %s %s: %s -> %s", ix,
				 g->name, *act, cell_text(&a), cell_text(&b));
		else
			snprintf(line, sizeof(line), "(cluster) %s: %s -> %s",
				 *act, cell_text(&a), cell_text(&b));
		add_change(cs, label, kind, line);
	}
}

static void diff_who(ng_engine *const eng[2], const char *who, bool is_role,
		     changes *cs)
{
	const ng_metadata *m = ng_engine_metadata(eng[1]);
	char label[300];

	snprintf(label, sizeof(label), "%s %s", is_role ? "role" : "user", who);
	diff_group(eng, who, is_role, NULL, &cli_cluster_group, label, cs);
	for (size_t i = 0; i < ng_metadata_index_count(m); i++)
		for (size_t g = 0; g < CLI_NGROUPS; g++)
			diff_group(eng, who, is_role,
				   ng_metadata_index_name(m, i), &cli_groups[g],
				   label, cs);
}

/* Where the role ends in a rule "ROLE: KEY value": at the first of the
 * keys' markers (a role's name may hold ": " itself). */
static const char *rule_key(const char *r)
{
	static const char *const markers[] = {
		": users ", ": backend_roles ", ": hosts ",
		": and_backend_roles ",
	};
	const char *at = NULL;

	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		const char *m = strstr(r, markers[i]);

		if (m && (!at || m < at))
			at = m;
	}
	return at;
}

static void add_rule(changes *cs, const char *r, bool added)
{
	const char *key = rule_key(r);
	char label[300];

	if (!key)
		return;
	snprintf(label, sizeof(label), "role %.*s", (int)(key - r), r);
	add_change(cs, label, added ? "mapping added" : "mapping removed",
		   key + 2);
	cs->nrules++;
}

/* The rules of the role mapping added or removed. The probes ask as a
 * user by name, or as a role; a rule on hosts or on backend roles no
 * internal user has maps callers no probe stands for, so every changed
 * rule is a change of its own. */
static void diff_mapping(ng_engine *const eng[2], changes *cs)
{
	ng_names *rules[2] = { NULL, NULL };
	size_t i = 0, j = 0, n[2];

	for (int k = 0; k < 2; k++)
		if (ng_policy_mapping_rules(ng_engine_policy(eng[k]),
					    &rules[k]) != 0)
			cs->lost = true;
	n[0] = ng_names_count(rules[0]);
	n[1] = ng_names_count(rules[1]);
	/* both lists sorted: one walk */
	while (!cs->lost && (i < n[0] || j < n[1])) {
		int d = i == n[0] ? 1 : j == n[1] ? -1 :
			strcmp(ng_names_get(rules[0], i),
			       ng_names_get(rules[1], j));

		if (d < 0)
			add_rule(cs, ng_names_get(rules[0], i++), false);
		else if (d > 0)
			add_rule(cs, ng_names_get(rules[1], j++), true);
		else
			i++, j++;
	}
	ng_names_free(rules[0]);
	ng_names_free(rules[1]);
}

/* Each name of both lists once: the old list, then what only the new has. */
static void diff_static(ng_engine *const eng[2], changes *cs)
{
	ng_names *users[2] = { NULL, NULL };

	for (int k = 0; k < 2; k++) {
		const ng_policy *p = ng_engine_policy(eng[k]);
		const ng_policy *other = ng_engine_policy(eng[0]);

		for (size_t i = 0; i < ng_policy_role_count(p); i++) {
			const char *r = ng_policy_role_name(p, i);
			bool seen = false;

			for (size_t j = 0; k && j < ng_policy_role_count(other); j++)
				seen = seen || !strcmp(r, ng_policy_role_name(other, j));
			if (!seen)
				diff_who(eng, r, true, cs);
		}
		ng_policy_users(p, &users[k]);
	}
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < ng_names_count(users[k]); i++) {
			const char *u = ng_names_get(users[k], i);
			bool seen = false;

			for (size_t j = 0; k && j < ng_names_count(users[0]); j++)
				seen = seen || !strcmp(u, ng_names_get(users[0], j));
			if (!seen)
				diff_who(eng, u, false, cs);
		}
	ng_names_free(users[0]);
	ng_names_free(users[1]);
	diff_mapping(eng, cs);
}

int cli_diff(int argc, char **argv)
{
	diff_opts o = { 0 };
	ng_engine *eng[2] = { NULL, NULL };
	changes cs = { 0 };
	size_t n;
	int rc;

	if (parse_args(argc, argv, &o) != 0)
		return CLI_USAGE;
	rc = cli_open_engine(o.old_dir, o.metadata, &eng[0]);
	if (!rc)
		rc = cli_open_engine(o.new_dir, o.metadata, &eng[1]);
	if (!rc && o.input)
		rc = diff_requests(eng, o.input, &cs);
	else if (!rc) {
		cli_warn_mapped_to_all(eng[0], "diff (old policy)");
		cli_warn_mapped_to_all(eng[1], "diff (new policy)");
		diff_static(eng, &cs);
	}
	if (!rc && cs.lost) {
		fprintf(stderr, "diff: out of memory: changes were lost\n");
		rc = CLI_USAGE;
	}
	n = cs.n;
	if (!rc)
		print_changes(&cs, o.input ? "decisions" : "cells");
	free_changes(&cs);
	ng_engine_release(eng[0]);
	ng_engine_release(eng[1]);
	return rc ? rc : n ? CLI_FAILED : CLI_OK;
}
