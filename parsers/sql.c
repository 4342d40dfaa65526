/*
 * The indices named inside SQL and PPL query text.
 *
 * The SQL and PPL endpoints take the query as text, and the indices it
 * reads are named there: "SELECT * FROM a, b JOIN c" reads a, b and c;
 * "source=a,b | where x > 1" reads a and b. The scanner returns every
 * name in a source position, in order. It does not evaluate the query:
 * what it cannot place with certainty is a malformed request (400), never
 * a request that names fewer indices than it reads.
 *
 * SQL: every FROM and JOIN at the top level or directly inside a subquery
 * (a parenthesis opened before SELECT) starts a table list; a FROM inside
 * a function's parentheses (EXTRACT(YEAR FROM d)) is not one. A table is
 * a bare name (letters, digits and "_-.*:?%" as index names use them) or a
 * name in `backquotes` or "double quotes", optionally followed by an
 * alias. A list ends at a keyword or at ')' or ';'. A parenthesis in a
 * table's place must hold a subquery (or another such parenthesis); the
 * list goes on after it closes. SHOW TABLES LIKE p and
 * DESCRIBE TABLES LIKE p name the pattern p, its '%' and '_' read as the
 * wildcards '*' and '?'. Statements other than SELECT, SHOW and DESCRIBE
 * (DELETE, UPDATE, ...) are refused.
 *
 * PPL: the first command is "source=list" or "index=list", optionally
 * after "search", or "describe name", or "show datasources" (no index).
 * A subsearch ("[ search source=x ... ]") adds its sources, "lookup name"
 * adds its index. A join command is refused: its right side cannot be
 * placed without the whole grammar.
 *
 * Strings in 'single quotes' are skipped. Names are copied into the arena
 * as written, without their quotes.
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "parsers.h"

typedef struct qscan {
	const char *s;
	size_t n, i;
	ng_arena *a;
	const char **names;
	size_t nnames, cap;
	const char *why;        /* set on a malformed query */
	int paren;              /* sql_tables stopped at '(': SQL_TABLE_* */
} qscan;

/* Where a parenthesis opens: elsewhere, in place of the table after JOIN,
 * or in place of a table of the list after FROM. */
enum { SQL_TABLE_NONE, SQL_TABLE_JOIN, SQL_TABLE_LIST };

/* ---------------------------------------------------------------------
 * Tokens.
 */

static bool name_char(char ch)
{
	return isalnum((unsigned char)ch) || strchr("_-.*:?%@+<>{}/", ch) ||
	       (unsigned char)ch >= 0x80;
}

static bool word_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_';
}

static void skip_space(qscan *q)
{
	while (q->i < q->n && isspace((unsigned char)q->s[q->i]))
		q->i++;
}

/* Is the word `w` (any case) at position i, and not part of a longer
 * word? */
static bool word_at(const qscan *q, size_t i, const char *w)
{
	size_t k = strlen(w);

	if (i + k > q->n || strncasecmp(q->s + i, w, k) != 0)
		return false;
	if (i > 0 && word_char(q->s[i - 1]))
		return false;
	return i + k == q->n || !word_char(q->s[i + k]);
}

/* Consume the word `w` after spaces; false (nothing consumed) if absent. */
static bool take_word(qscan *q, const char *w)
{
	size_t save = q->i;

	skip_space(q);
	if (word_at(q, q->i, w)) {
		q->i += strlen(w);
		return true;
	}
	q->i = save;
	return false;
}

static int fail(qscan *q, const char *why)
{
	if (!q->why)
		q->why = why;
	return NG_EBADREQ;
}

/* Skip a quoted string starting at q->i ('...' with '' or \' inside). */
static int skip_string(qscan *q)
{
	char quote = q->s[q->i++];

	while (q->i < q->n) {
		char ch = q->s[q->i++];

		if (ch == '\\' && q->i < q->n)
			q->i++;
		else if (ch == quote && q->i < q->n && q->s[q->i] == quote)
			q->i++;
		else if (ch == quote)
			return 0;
	}
	return fail(q, "a quoted string is not closed");
}

static int add_name(qscan *q, const char *s, size_t n)
{
	char *d;

	if (n == 0)
		return fail(q, "an index name is empty");
	if (q->nnames == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 8;
		const char **v = ng_arena_alloc(q->a, cap * sizeof(*v));

		if (!v)
			return NG_ENOMEM;
		if (q->nnames)
			memcpy(v, q->names, q->nnames * sizeof(*v));
		q->names = v;
		q->cap = cap;
	}
	d = ng_arena_strndup(q->a, s, n);
	if (!d)
		return NG_ENOMEM;
	q->names[q->nnames++] = d;
	return 0;
}

/* One index name at q->i: quoted in `...` or "...", or bare. */
static int take_name(qscan *q)
{
	size_t start;

	skip_space(q);
	if (q->i < q->n && (q->s[q->i] == '`' || q->s[q->i] == '"')) {
		char quote = q->s[q->i];
		const char *end = memchr(q->s + q->i + 1, quote,
					 q->n - q->i - 1);

		if (!end)
			return fail(q, "a quoted index name is not closed");
		start = q->i + 1;
		q->i = (size_t)(end - q->s) + 1;
		return add_name(q, q->s + start, q->i - 1 - start);
	}
	start = q->i;
	while (q->i < q->n && name_char(q->s[q->i]))
		q->i++;
	if (q->i == start)
		return fail(q, "expected an index name");
	return add_name(q, q->s + start, q->i - start);
}

/* ---------------------------------------------------------------------
 * SQL.
 */

/* Words that end a table reference (where an alias could stand). */
static bool sql_keyword(const qscan *q, size_t i)
{
	static const char *const words[] = {
		"where", "group", "order", "limit", "having", "join", "inner",
		"left", "right", "full", "outer", "cross", "on", "union",
		"offset", "as", "using", "natural", "minus", "except",
		"intersect", "window", "fetch",
	};

	for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
		if (word_at(q, i, words[k]))
			return true;
	return false;
}

/* After a table name: an optional alias ("AS x" or "x"). */
static int sql_alias(qscan *q)
{
	bool as = take_word(q, "as");
	size_t start;

	skip_space(q);
	if (!as && (q->i >= q->n || sql_keyword(q, q->i) ||
		    !word_char(q->s[q->i])))
		return 0;
	if (q->i < q->n && (q->s[q->i] == '`' || q->s[q->i] == '"')) {
		const char *end = memchr(q->s + q->i + 1, q->s[q->i],
					 q->n - q->i - 1);

		if (!end)
			return fail(q, "a quoted alias is not closed");
		q->i = (size_t)(end - q->s) + 1;
		return 0;
	}
	start = q->i;
	while (q->i < q->n && word_char(q->s[q->i]))
		q->i++;
	return q->i == start ? fail(q, "expected an alias after as") : 0;
}

/* After a table of the list (or the table after JOIN), its alias read:
 * the next table of a list, or the end of the list. */
static int sql_table_end(qscan *q, bool list, bool *more)
{
	skip_space(q);
	*more = list && q->i < q->n && q->s[q->i] == ',';
	if (*more) {
		q->i++;
		return 0;
	}
	if (q->i < q->n && !strchr(");", q->s[q->i]) &&
	    !sql_keyword(q, q->i))
		return fail(q, "unexpected text after a table name");
	return 0;
}

/* The table list after FROM (or the one table after JOIN). A
 * parenthesis in a table's place is left to the scan (q->paren says
 * where it stands), which reads the subquery inside and comes back here,
 * through sql_table_end, when it closes. */
static int sql_tables(qscan *q, bool list)
{
	bool more = true;
	int rc = 0;

	while (rc == 0 && more) {
		skip_space(q);
		if (q->i < q->n && q->s[q->i] == '(') {
			q->paren = list ? SQL_TABLE_LIST : SQL_TABLE_JOIN;
			return 0;
		}
		rc = take_name(q);
		if (rc == 0)
			rc = sql_alias(q);
		if (rc == 0)
			rc = sql_table_end(q, list, &more);
	}
	return rc;
}

/* A parenthesis closed that stood in a table's place: its alias, then the
 * rest of the list it was part of. */
static int sql_table_closed(qscan *q, int where)
{
	bool list = where == SQL_TABLE_LIST, more;
	int rc = sql_alias(q);

	if (rc == 0)
		rc = sql_table_end(q, list, &more);
	return rc == 0 && more ? sql_tables(q, list) : rc;
}

/* SHOW TABLES LIKE p, DESCRIBE TABLES LIKE p: the pattern as a wildcard
 * expression. */
static int sql_like(qscan *q)
{
	size_t first;
	char *p;
	int rc;

	if (!take_word(q, "tables") || !take_word(q, "like"))
		return fail(q, "expected tables like after show or describe");
	skip_space(q);
	if (q->i < q->n && q->s[q->i] == '\'') {
		size_t start = q->i + 1;

		rc = skip_string(q);
		if (rc == 0)
			rc = add_name(q, q->s + start, q->i - 1 - start);
	} else {
		rc = take_name(q);
	}
	if (rc != 0)
		return rc;
	first = q->nnames - 1;
	for (p = (char *)q->names[first]; *p; p++)
		*p = *p == '%' ? '*' : *p == '_' ? '?' : *p;
	return 0;
}

#define SQL_MAX_DEPTH 64

/* The whole text: every FROM and JOIN outside strings and outside the
 * parentheses of a function call. A parenthesis in a table's place holds
 * a subquery or another parenthesis; anything else there (a table name in
 * parentheses, a join) is not read with certainty and refused. */
static int sql_scan(qscan *q)
{
	bool subq[SQL_MAX_DEPTH + 1] = { true };
	int table[SQL_MAX_DEPTH + 1] = { SQL_TABLE_NONE };
	size_t depth = 0;
	int rc = 0;

	while (rc == 0 && q->i < q->n) {
		char ch = q->s[q->i];

		if (ch == '\'' || ch == '"' || ch == '`') {
			rc = skip_string(q);
		} else if (ch == '(') {
			if (++depth > SQL_MAX_DEPTH)
				return fail(q, "parentheses nested too deep");
			q->i++;
			table[depth] = q->paren;
			q->paren = SQL_TABLE_NONE;
			subq[depth] = take_word(q, "select");
			skip_space(q);
			if (table[depth] != SQL_TABLE_NONE && !subq[depth]) {
				if (q->i >= q->n || q->s[q->i] != '(')
					return fail(q, "a table in parentheses "
						    "cannot be read; name it "
						    "without them");
				q->paren = SQL_TABLE_JOIN;
			}
		} else if (ch == ')') {
			q->i++;
			if (depth > 0 && table[depth] != SQL_TABLE_NONE)
				rc = sql_table_closed(q, table[depth]);
			depth -= depth > 0;
		} else if (subq[depth] && word_at(q, q->i, "from")) {
			q->i += 4;
			rc = sql_tables(q, true);
		} else if (subq[depth] && word_at(q, q->i, "join")) {
			q->i += 4;
			rc = sql_tables(q, false);
		} else {
			q->i++;
		}
	}
	return rc;
}

static int sql_sources(qscan *q)
{
	skip_space(q);
	while (q->i < q->n && q->s[q->i] == '(')
		q->i++;
	if (take_word(q, "show") || take_word(q, "describe"))
		return sql_like(q);
	if (!take_word(q, "select"))
		return fail(q, "only select, show and describe statements "
			    "can be read");
	return sql_scan(q);
}

/* ---------------------------------------------------------------------
 * PPL.
 */

/* "source=a, b" or "index=a": the list after '='. */
static int ppl_source_list(qscan *q)
{
	int rc;

	if (!take_word(q, "source") && !take_word(q, "index"))
		return fail(q, "expected source= or index=");
	skip_space(q);
	if (q->i >= q->n || q->s[q->i] != '=')
		return fail(q, "expected '=' after source");
	q->i++;
	for (;;) {
		rc = take_name(q);
		if (rc != 0)
			return rc;
		skip_space(q);
		if (q->i >= q->n || q->s[q->i] != ',')
			return 0;
		q->i++;
	}
}

/* The first command of a search: "[search] source=list". */
static int ppl_search(qscan *q)
{
	take_word(q, "search");
	return ppl_source_list(q);
}

/* After the first command: subsearches, lookup and join. */
static int ppl_rest(qscan *q)
{
	int rc = 0;

	while (rc == 0 && q->i < q->n) {
		char ch = q->s[q->i];

		if (ch == '\'' || ch == '"') {
			rc = skip_string(q);
		} else if (ch == '`') {
			const char *end = memchr(q->s + q->i + 1, '`',
						 q->n - q->i - 1);

			if (!end)
				return fail(q, "a quoted name is not closed");
			q->i = (size_t)(end - q->s) + 1;
		} else if (ch == '[') {
			q->i++;
			rc = ppl_search(q);
		} else if (ch == '|') {
			q->i++;
			if (take_word(q, "lookup"))
				rc = take_name(q);
		} else if (word_at(q, q->i, "join")) {
			return fail(q, "the join command cannot be read");
		} else {
			q->i++;
		}
	}
	return rc;
}

static int ppl_sources(qscan *q)
{
	int rc;

	if (take_word(q, "describe"))
		rc = take_name(q);
	else if (take_word(q, "show"))
		return take_word(q, "datasources") ? 0
			: fail(q, "expected datasources after show");
	else
		rc = ppl_search(q);
	return rc != 0 ? rc : ppl_rest(q);
}

/* ---------------------------------------------------------------------
 * Entry point.
 */

int prs_query_sources(ng_arena *a, bool ppl, const char *text, size_t n,
		      const char ***names, size_t *count, const char **why)
{
	qscan q = { text, n, 0, a, NULL, 0, 0, NULL, SQL_TABLE_NONE };
	int rc = ppl ? ppl_sources(&q) : sql_sources(&q);

	*names = q.names;
	*count = q.nnames;
	*why = q.why;
	return rc;
}
