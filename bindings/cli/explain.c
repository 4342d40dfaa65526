/*
 * nodeguard explain: why a request is allowed or denied. The roles the
 * caller maps to and by which mapping rule, the indices resolved, a table
 * of index x action with the role and permission entry granting each cell
 * (or MISSING), the reduction applied, and DLS and FLS.
 */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define MAX_LIST 64

typedef struct explain_opts {
	const char *policy, *metadata, *user, *format;
	const char *request, *body_file;
	const char *backend[MAX_LIST], *roles[MAX_LIST], *attrs[MAX_LIST];
	size_t nbackend, nroles, nattrs;
} explain_opts;

static bool push(const char **v, size_t *n, const char *s)
{
	if (*n == MAX_LIST)
		return false;
	v[(*n)++] = s;
	return true;
}

/* One option at argv[*i]: 1 read, 0 not an option, -1 bad (printed). */
static int parse_option(explain_opts *o, int argc, char **argv, int *i)
{
	static const char cmd[] = "explain";
	const char *v = NULL, *a = argv[*i];
	int k;

	if ((k = cli_option(argc, argv, i, cmd, "--policy", &o->policy)) ||
	    (k = cli_option(argc, argv, i, cmd, "--metadata", &o->metadata)) ||
	    (k = cli_option(argc, argv, i, cmd, "--user", &o->user)) ||
	    (k = cli_option(argc, argv, i, cmd, "--format", &o->format)))
		return k;
	if ((k = cli_option(argc, argv, i, cmd, "--backend-role", &v)) > 0)
		k = push(o->backend, &o->nbackend, v) ? 1 : -1;
	else if (!k && (k = cli_option(argc, argv, i, cmd, "--role", &v)) > 0)
		k = push(o->roles, &o->nroles, v) ? 1 : -1;
	else if (!k && (k = cli_option(argc, argv, i, cmd, "--attr", &v)) > 0)
		k = strchr(v, '=') && v[0] != '=' &&
		    push(o->attrs, &o->nattrs, v) ? 1 : -1;
	else if (!k && a[0] == '-' && a[1] == '-')
		return fprintf(stderr, "explain: unknown option %s\n", a), -1;
	if (k < 0 && v)
		fprintf(stderr, "explain: bad value %s for %s\n", v, a);
	return k;
}

static int parse_args(int argc, char **argv, explain_opts *o)
{
	bool rest = false;         /* after "--": arguments only */

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int k;

		if (!rest && !strcmp(a, "--")) {
			rest = true;
			continue;
		}
		k = rest ? 0 : parse_option(o, argc, argv, &i);
		if (k < 0)
			return -1;
		if (k > 0)
			continue;
		if (!o->request) {
			o->request = a;
		} else if (!o->body_file) {
			o->body_file = a;
		} else {
			return fprintf(stderr, "explain: too many arguments\n"), -1;
		}
	}
	if (!o->format)
		o->format = "text";
	if (strcmp(o->format, "text") && strcmp(o->format, "json"))
		return fprintf(stderr, "explain: --format is text or json\n"), -1;
	if ((cli_given("explain", "--policy", o->policy) &
	     cli_given("explain", "--metadata", o->metadata) &
	     cli_given("explain", "--user", o->user) &
	     cli_given("explain", "the request (\"METHOD /path\")",
		       o->request)) &&
	    strchr(o->request, ' '))
		return 0;
	if (o->request && !strchr(o->request, ' '))
		fprintf(stderr, "explain: the request is \"METHOD /path\", "
				"one argument\n");
	fprintf(stderr, "usage: nodeguard explain --policy DIR --metadata FILE "
			"--user NAME [--backend-role R ...] [--role R ...]\n"
			"       [--attr KEY=VALUE ...] [--format text|json] "
			"'METHOD /path' [BODY-FILE]\n");
	return -1;
}

/* A body is at most what the library takes (100 MiB); one byte more
 * tells a larger file, an endless device or a pipe that goes on. */
#define MAX_BODY ((size_t)100 << 20)

/* The body file whole, regular file or pipe; NULL when it cannot be read,
 * is a directory, or holds more than MAX_BODY bytes (*why says which). */
static char *read_all(const char *path, size_t *len, const char **why)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, got;
	char *buf = NULL, *nb;
	struct stat st;

	*why = "cannot be read";
	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) != 0 || S_ISDIR(st.st_mode)) {
		*why = "is a directory, not a body file";
		fclose(f);
		return NULL;
	}
	while ((nb = realloc(buf, cap + 1)) != NULL) {
		buf = nb;
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap || n > MAX_BODY)
			break;
		cap *= 2;
	}
	if (!nb || ferror(f) || n > MAX_BODY) {
		*why = n > MAX_BODY ? "holds more than 100 MiB" : "cannot be read";
		free(buf);
		buf = NULL;
	} else {
		buf[n] = '\0';
		*len = n;
	}
	fclose(f);
	return buf;
}

static int set_caller(ng_request *r, const explain_opts *o)
{
	int rc = ng_request_set_user(r, o->user, strlen(o->user));

	for (size_t i = 0; !rc && i < o->nbackend; i++)
		rc = ng_request_add_backend_role(r, o->backend[i],
						 strlen(o->backend[i]));
	for (size_t i = 0; !rc && i < o->nroles; i++)
		rc = ng_request_add_role(r, o->roles[i], strlen(o->roles[i]));
	for (size_t i = 0; !rc && i < o->nattrs; i++) {
		const char *eq = strchr(o->attrs[i], '=');

		rc = ng_request_add_attribute(r, o->attrs[i],
					      (size_t)(eq - o->attrs[i]), eq + 1,
					      strlen(eq + 1));
	}
	return rc;
}

static int build_request(const explain_opts *o, ng_request **out)
{
	const char *sp = strchr(o->request, ' ');
	char *body = NULL;
	const char *why;
	size_t blen = 0;
	int rc;

	if (o->body_file && !(body = read_all(o->body_file, &blen, &why))) {
		fprintf(stderr, "%s: the body file %s\n", o->body_file, why);
		return CLI_USAGE;
	}
	rc = ng_request_new(out);
	if (!rc)
		rc = set_caller(*out, o);
	if (!rc)
		rc = ng_request_set_rest(*out, o->request,
					 (size_t)(sp - o->request), sp + 1,
					 strlen(sp + 1), body, blen);
	free(body);
	if (rc) {
		cli_print_error("request");
		return CLI_USAGE;
	}
	return CLI_OK;
}

/* ---------------------------------------------------------------------
 * The text form.
 */

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static void print_strings(const char *label, const cJSON *arr)
{
	const cJSON *el;

	printf("%s", label);
	if (!cJSON_GetArraySize(arr))
		printf(" (none)");
	cJSON_ArrayForEach(el, arr)
		printf(" %s", cJSON_IsString(el) ? el->valuestring : "?");
	printf("\n");
}

static void print_header(const cJSON *x, const explain_opts *o)
{
	const cJSON *dec = cJSON_GetObjectItem(x, "decision");
	const cJSON *r;
	char req[1024], body[1024];

	/* as typed, but for control characters: the user's are escaped
	 * (cli_json_oneline) and so are these */
	printf("request   %s%s%s\n", cli_oneline(o->request, req, sizeof(req)),
	       o->body_file ? " < " : "",
	       o->body_file ? cli_oneline(o->body_file, body, sizeof(body))
			    : "");
	printf("user      %s\n", str(cJSON_GetObjectItem(x, "user"), "name"));
	print_strings("backend  ", cJSON_GetObjectItem(
			cJSON_GetObjectItem(x, "user"), "backend_roles"));
	printf("\nroles mapped:\n");
	if (!cJSON_GetArraySize(cJSON_GetObjectItem(x, "roles")))
		printf("  (none)\n");
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(x, "roles"))
		printf("  %-32s via %s\n", str(r, "role"), str(r, "via"));
	printf("\ndecision  %s, status %d: %s\n", str(dec, "decision"),
	       cJSON_GetObjectItem(dec, "status")->valueint, str(dec, "reason"));
}

static void grant_text(const cJSON *g, char *buf, size_t cap)
{
	if (!cJSON_IsObject(g))
		snprintf(buf, cap, "MISSING");
	else if (cJSON_GetObjectItem(g, "line"))
		snprintf(buf, cap, "%s (%s:%d)", str(g, "role"), str(g, "file"),
			 cJSON_GetObjectItem(g, "line")->valueint);
	else
		snprintf(buf, cap, "%s", str(g, "role"));
}

static void print_cells(const cJSON *x)
{
	const cJSON *c;
	char grant[512];

	printf("\n%-5s %-28s %-40s %-7s %s\n", "item", "index", "action",
	       "allowed", "granted by");
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(x, "cells")) {
		const cJSON *item = cJSON_GetObjectItem(c, "item");
		const cJSON *ix = cJSON_GetObjectItem(c, "index");
		char no[16] = "-";

		if (cJSON_IsNumber(item))
			snprintf(no, sizeof(no), "%d", item->valueint);
		grant_text(cJSON_GetObjectItem(c, "grant"), grant, sizeof(grant));
		printf("%-5s %-28s %-40s %-7s %s\n", no,
		       cJSON_IsString(ix) ? ix->valuestring : "(cluster)",
		       str(c, "action"),
		       cJSON_IsTrue(cJSON_GetObjectItem(c, "allowed")) ? "yes" :
		       "no", grant);
	}
}

static void print_restrictions(const cJSON *dec)
{
	const cJSON *k;
	size_t reduced = 0;

	printf("\nindices resolved and reduction:\n");
	cJSON_ArrayForEach(k, cJSON_GetObjectItem(dec, "checks")) {
		if (strcmp(str(k, "scope"), "index"))
			continue;
		printf("  %s\n", str(k, "action"));
		print_strings("    requested", cJSON_GetObjectItem(k, "requested"));
		print_strings("    allowed  ", cJSON_GetObjectItem(k, "indices"));
		print_strings("    denied   ", cJSON_GetObjectItem(k, "denied"));
		reduced += cJSON_GetArraySize(cJSON_GetObjectItem(k, "denied"));
	}
	printf("  reduction: %s\n", reduced && !strcmp(str(dec, "decision"),
		"partial") ? "denied indices removed from the request" :
		reduced ? "none: the request is refused" : "none needed");
	for (const char *key = "dls"; key; key = !strcmp(key, "dls") ? "fls" :
	     !strcmp(key, "fls") ? "masked" : NULL) {
		char *t = cJSON_PrintUnformatted(cJSON_GetObjectItem(dec, key));

		printf("%-6s    %s\n", key, t && strcmp(t, "{}") ? t : "(none)");
		cJSON_free(t);
	}
}

static int print_explanation(const char *json, const explain_opts *o)
{
	cJSON *x;

	if (!strcmp(o->format, "json")) {
		puts(json);
		return CLI_OK;
	}
	x = cJSON_Parse(json);
	if (!x)
		return CLI_USAGE;
	cli_json_oneline(x);
	print_header(x, o);
	print_cells(x);
	print_restrictions(cJSON_GetObjectItem(x, "decision"));
	cJSON_Delete(x);
	return CLI_OK;
}

int cli_explain(int argc, char **argv)
{
	explain_opts o = { 0 };
	ng_engine *e = NULL;
	ng_request *r = NULL;
	char *json = NULL;
	int rc;

	if (parse_args(argc, argv, &o) != 0)
		return CLI_USAGE;
	rc = cli_open_engine(o.policy, o.metadata, &e);
	if (!rc)
		rc = build_request(&o, &r);
	if (!rc && ng_explain(e, r, &json) != 0) {
		cli_print_error("explain");
		rc = CLI_USAGE;
	}
	if (!rc)
		rc = print_explanation(json, &o);
	ng_free(json);
	ng_request_free(r);
	ng_engine_release(e);
	return rc;
}
