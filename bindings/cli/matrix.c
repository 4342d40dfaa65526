/*
 * nodeguard matrix: who may do what on which index. Users (or roles) x
 * indices grouped by pattern x read, write, manage, with DLS and FLS
 * marked; as text for a terminal, or as a self-contained HTML page that
 * needs no network.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct matrix_opts {
	const char *policy, *metadata, *html;
	bool by_roles;
} matrix_opts;

/* Indices sharing a name up to a dated or numbered suffix. */
typedef struct ix_group {
	char label[256];
	const char **names;
	size_t n;
} ix_group;

/* One cell: a row (caller) x a group x an action group. */
typedef struct mcell {
	size_t allowed;      /* indices of the group allowed */
	bool dls, fls;
} mcell;

typedef struct matrix {
	const char **rows;
	size_t nrows;
	ix_group *groups;
	size_t ngroups;
	mcell *cells;        /* [row][group][action group] */
	ng_names *users;
} matrix;

static int parse_args(int argc, char **argv, matrix_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int k;

		if ((k = cli_option(argc, argv, &i, "matrix", "--policy",
				    &o->policy)) ||
		    (k = cli_option(argc, argv, &i, "matrix", "--metadata",
				    &o->metadata)) ||
		    (k = cli_option(argc, argv, &i, "matrix", "--html",
				    &o->html)) ||
		    (k = cli_flag(a, "matrix", "--by-roles", &o->by_roles))) {
			if (k < 0)
				return -1;
		} else if (!strcmp(a, "--")) {
			/* the end of options; matrix takes no argument */
			if (i + 1 < argc)
				return fprintf(stderr, "matrix: bad argument "
					       "%s\n", argv[i + 1]), -1;
		} else if (a[0] == '-' && a[1]) {
			return fprintf(stderr, "matrix: unknown option %s\n", a), -1;
		} else {
			return fprintf(stderr, "matrix: bad argument %s\n", a), -1;
		}
	}
	if (cli_given("matrix", "--policy", o->policy) &
	    cli_given("matrix", "--metadata", o->metadata))
		return 0;
	fprintf(stderr, "usage: nodeguard matrix --policy DIR --metadata FILE "
			"[--by-roles] [--html OUT]\n");
	return -1;
}

/* "logs-2026.03.21" -> "logs-*"; a name without such a suffix stays. */
static void group_label(const char *name, char *out, size_t cap)
{
	size_t n = strlen(name), k = n;

	while (k > 0 && (isdigit((unsigned char)name[k - 1]) ||
			 strchr(".-_", name[k - 1])))
		k--;
	if (k == n || k == 0 || !isdigit((unsigned char)name[n - 1]))
		snprintf(out, cap, "%s", name);
	else
		snprintf(out, cap, "%.*s*", (int)(k + (k < n && strchr(".-_",
			 name[k]) ? 1 : 0)), name);
}

/* -1 when out of memory. */
static int add_to_group(matrix *mx, const char *name)
{
	char label[256];
	ix_group *g;
	const char **names;

	group_label(name, label, sizeof(label));
	for (size_t i = 0; i < mx->ngroups; i++) {
		g = &mx->groups[i];
		if (!strcmp(g->label, label)) {
			names = realloc(g->names, (g->n + 1) * sizeof(char *));
			if (!names)
				return -1;
			g->names = names;
			g->names[g->n++] = name;
			return 0;
		}
	}
	g = realloc(mx->groups, (mx->ngroups + 1) * sizeof(ix_group));
	names = malloc(sizeof(char *));
	if (g)
		mx->groups = g;
	if (!g || !names) {
		free(names);
		return -1;
	}
	g = &mx->groups[mx->ngroups++];
	snprintf(g->label, sizeof(g->label), "%s", label);
	g->names = names;
	g->names[0] = name;
	g->n = 1;
	return 0;
}

/* A dated or numbered name alone in its group is shown as itself: as
 * "app-2025.12" it is not mistaken for a pattern over its neighbours. */
static void name_lone_groups(matrix *mx)
{
	for (size_t i = 0; i < mx->ngroups; i++)
		if (mx->groups[i].n == 1)
			snprintf(mx->groups[i].label, sizeof(mx->groups[i].label),
				 "%s", mx->groups[i].names[0]);
}

/* -1 when out of memory. */
static int collect_rows(matrix *mx, const ng_engine *e, bool by_roles)
{
	const ng_policy *p = ng_engine_policy(e);

	if (by_roles) {
		mx->nrows = ng_policy_role_count(p);
		mx->rows = calloc(mx->nrows + 1, sizeof(char *));
		for (size_t i = 0; mx->rows && i < mx->nrows; i++)
			mx->rows[i] = ng_policy_role_name(p, i);
		return mx->rows ? 0 : -1;
	}
	if (ng_policy_users(p, &mx->users) != 0)
		return -1;
	mx->nrows = ng_names_count(mx->users);
	mx->rows = calloc(mx->nrows + 1, sizeof(char *));
	for (size_t i = 0; mx->rows && i < mx->nrows; i++)
		mx->rows[i] = ng_names_get(mx->users, i);
	return mx->rows ? 0 : -1;
}

static mcell *cell_at(const matrix *mx, size_t row, size_t grp, size_t ag)
{
	return &mx->cells[(row * mx->ngroups + grp) * CLI_NGROUPS + ag];
}

/* -1 when out of memory. */
static int fill(matrix *mx, const ng_engine *e, bool by_roles)
{
	mx->cells = calloc(mx->nrows * mx->ngroups * CLI_NGROUPS + 1,
			   sizeof(mcell));
	if (!mx->cells)
		return -1;
	for (size_t r = 0; r < mx->nrows; r++)
		for (size_t g = 0; g < mx->ngroups; g++)
			for (size_t a = 0; a < CLI_NGROUPS; a++) {
				mcell *c = cell_at(mx, r, g, a);

				for (size_t i = 0; i < mx->groups[g].n; i++) {
					cli_cell one;

					if (cli_probe_group(e, mx->rows[r],
							    by_roles,
							    mx->groups[g].names[i],
							    &cli_groups[a], &one) ||
					    !one.allowed)
						continue;
					c->allowed++;
					c->dls = c->dls || one.dls;
					c->fls = c->fls || one.fls;
				}
			}
	return 0;
}

static void matrix_free(matrix *mx)
{
	for (size_t i = 0; i < mx->ngroups; i++)
		free(mx->groups[i].names);
	free(mx->groups);
	free(mx->rows);
	free(mx->cells);
	ng_names_free(mx->users);
}

/* ---------------------------------------------------------------------
 * Text: one letter per action group, capital when every index of the
 * group is allowed, small when some are, '.' when none; then d and f.
 */

static void cell_code(const matrix *mx, size_t r, size_t g, char *out)
{
	size_t k = 0;
	bool dls = false, fls = false;

	for (size_t a = 0; a < CLI_NGROUPS; a++) {
		const mcell *c = cell_at(mx, r, g, a);
		char letter = cli_groups[a].name[0];

		out[k++] = !c->allowed ? '.' : c->allowed == mx->groups[g].n ?
			   (char)toupper((unsigned char)letter) : letter;
		dls = dls || c->dls;
		fls = fls || c->fls;
	}
	out[k++] = dls ? 'd' : ' ';
	out[k++] = fls ? 'f' : ' ';
	out[k] = '\0';
}

static int width(const char *row)
{
	int n = (int)strlen(row);

	return n > 5 ? n : 5;
}

/* Indices down, callers across: a terminal has more lines than columns. */
static void print_text(const matrix *mx, bool by_roles)
{
	char code[8], buf[512];

	printf("%-28s", "index");
	for (size_t r = 0; r < mx->nrows; r++)
		printf(" %-*s", width(mx->rows[r]),
		       cli_oneline(mx->rows[r], buf, sizeof(buf)));
	printf("\n");
	for (size_t g = 0; g < mx->ngroups; g++) {
		printf("%-28s", cli_oneline(mx->groups[g].label, buf,
					    sizeof(buf)));
		for (size_t r = 0; r < mx->nrows; r++) {
			cell_code(mx, r, g, code);
			printf(" %-*s", width(mx->rows[r]), code);
		}
		printf("\n");
	}
	printf("\ncolumns are %s. R W M: read, write, manage on every index "
	       "of the line;\nr w m: on some; .: none; d: documents filtered "
	       "(dls); f: fields hidden or masked (fls)\n",
	       by_roles ? "roles" : "users");
}

/* ---------------------------------------------------------------------
 * HTML: one page, styles inline, no script and no network.
 */

static void html_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else
			fputc(*s, f);
	}
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	"<title>nodeguard access matrix</title>\n<style>\n"
	"body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}\n"
	"table{border-collapse:collapse;font-size:13px}\n"
	"th,td{border:1px solid #ccc;padding:3px 5px;text-align:center}\n"
	"thead th{background:#f0f0f0;position:sticky;top:0}\n"
	"th.row{text-align:left;background:#fafafa;white-space:nowrap}\n"
	"th.who{border-left:2px solid #999}\n"
	"td.all{background:#b7e4b0}td.some{background:#f7e3a1}"
	"td.none{background:#f3f3f3;color:#aaa}\n"
	".tag{font-size:10px;border-radius:3px;padding:0 3px;margin-left:2px;"
	"color:#fff}.dls{background:#7a4fb5}.fls{background:#2f6db5}\n"
	"caption{text-align:left;font-size:18px;margin-bottom:.5em}\n"
	"p.legend span{display:inline-block;padding:0 6px;margin-right:6px}\n"
	"</style>\n</head>\n<body>\n";

static void html_cell(FILE *f, const matrix *mx, size_t r, size_t g,
		      size_t a)
{
	const mcell *c = cell_at(mx, r, g, a);
	const char *cls = !c->allowed ? "none" :
			  c->allowed == mx->groups[g].n ? "all" : "some";

	fprintf(f, "<td class=\"%s\" title=\"%zu of %zu\">%s", cls, c->allowed,
		mx->groups[g].n, !c->allowed ? "&middot;" : "&#10003;");
	if (c->dls)
		fputs("<span class=\"tag dls\">DLS</span>", f);
	if (c->fls)
		fputs("<span class=\"tag fls\">FLS</span>", f);
	fputs("</td>", f);
}

/* Callers across, each with read, write and manage; indices down. */
static void html_header(FILE *f, const matrix *mx, bool by_roles)
{
	fprintf(f, "<thead><tr><th rowspan=\"2\">index</th>");
	for (size_t r = 0; r < mx->nrows; r++) {
		fprintf(f, "<th colspan=\"%d\" class=\"who\">", CLI_NGROUPS);
		html_text(f, mx->rows[r]);
		fputs("</th>", f);
	}
	fputs("</tr>\n<tr>", f);
	for (size_t r = 0; r < mx->nrows; r++)
		for (size_t a = 0; a < CLI_NGROUPS; a++)
			fprintf(f, "<th title=\"%s\">%c</th>", cli_groups[a].name,
				toupper((unsigned char)cli_groups[a].name[0]));
	fprintf(f, "</tr></thead>\n");
	(void)by_roles;
}

static void html_row(FILE *f, const matrix *mx, size_t g)
{
	fputs("<tr><th class=\"row\" title=\"", f);
	for (size_t i = 0; i < mx->groups[g].n; i++) {
		fputs(i ? " " : "", f);
		html_text(f, mx->groups[g].names[i]);
	}
	fputs("\">", f);
	html_text(f, mx->groups[g].label);
	if (mx->groups[g].n > 1)
		fprintf(f, " <small>(%zu)</small>", mx->groups[g].n);
	fputs("</th>", f);
	for (size_t r = 0; r < mx->nrows; r++)
		for (size_t a = 0; a < CLI_NGROUPS; a++)
			html_cell(f, mx, r, g, a);
	fputs("</tr>\n", f);
}

/* The page to `path`, or to stdout for "-" (main checks that stdout
 * was written). */
static int write_html(const matrix *mx, bool by_roles, const char *path)
{
	bool out = !strcmp(path, "-");
	FILE *f = out ? stdout : fopen(path, "w");

	if (!f) {
		perror(path);
		return CLI_USAGE;
	}
	fputs(html_head, f);
	fprintf(f, "<table>\n<caption>Who may do what on which index "
		"(%s across; R read, W write, M manage)</caption>\n",
		by_roles ? "roles" : "users");
	html_header(f, mx, by_roles);
	fputs("<tbody>\n", f);
	for (size_t g = 0; g < mx->ngroups; g++)
		html_row(f, mx, g);
	fputs("</tbody>\n</table>\n<p class=\"legend\">"
	      "<span style=\"background:#b7e4b0\">every index of the line</span>"
	      "<span style=\"background:#f7e3a1\">some indices</span>"
	      "<span style=\"background:#f3f3f3\">none</span>"
	      "<span class=\"tag dls\">DLS</span> documents filtered "
	      "<span class=\"tag fls\">FLS</span> fields hidden or masked</p>\n"
	      "</body>\n</html>\n", f);
	if (out)
		return CLI_OK;
	errno = 0;
	if ((fflush(f) != 0 || ferror(f)) | (fclose(f) != 0)) {
		fprintf(stderr, "%s: cannot write the page: %s\n", path,
			errno ? strerror(errno) : "write error");
		return CLI_USAGE;
	}
	return CLI_OK;
}

int cli_matrix(int argc, char **argv)
{
	matrix_opts o = { 0 };
	matrix mx = { 0 };
	ng_engine *e = NULL;
	const ng_metadata *m;
	int rc;

	if (parse_args(argc, argv, &o) != 0)
		return CLI_USAGE;
	rc = cli_open_engine(o.policy, o.metadata, &e);
	if (rc)
		return rc;
	m = ng_engine_metadata(e);
	for (size_t i = 0; !rc && i < ng_metadata_index_count(m); i++)
		rc = add_to_group(&mx, ng_metadata_index_name(m, i));
	if (!rc)
		name_lone_groups(&mx);
	if (!rc && o.by_roles)
		cli_warn_mapped_to_all(e, "matrix");
	if (rc || collect_rows(&mx, e, o.by_roles) || fill(&mx, e, o.by_roles)) {
		fprintf(stderr, "matrix: out of memory\n");
		rc = CLI_USAGE;
	} else if (o.html)
		rc = write_html(&mx, o.by_roles, o.html);
	else
		print_text(&mx, o.by_roles);
	matrix_free(&mx);
	ng_engine_release(e);
	return rc;
}
