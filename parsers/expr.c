/*
 * Index expressions as text: percent decoding, splitting on commas, the
 * rules of a valid index name, and the operations a request decomposes
 * into. Nothing here looks at cluster metadata.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "parsers.h"

/* The longest index name OpenSearch creates, in bytes of UTF-8. */
#define NAME_MAX_BYTES 255

/* How much of a bad expression an error message quotes. */
#define QUOTE_MAX 80

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "%00" is refused too: a NUL inside a name would cut it short. */
long prs_percent_decode(char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] != '%') {
			s[w++] = s[i];
			continue;
		}
		if (i + 2 >= n)
			return -1;
		hi = hex_value(s[i + 1]);
		lo = hex_value(s[i + 2]);
		if (hi < 0 || lo < 0 || (hi | lo) == 0)
			return -1;
		s[w++] = (char)(hi << 4 | lo);
		i += 2;
	}
	if (w < n)
		s[w] = '\0';
	return (long)w;
}

/* The reason a character may not appear in a name, or NULL. */
static const char *forbidden_char(char c)
{
	switch (c) {
	case '\\': return "must not contain '\\'";
	case '/': return "must not contain '/'";
	case '*': return "must not contain '*'";
	case '?': return "must not contain '?'";
	case '"': return "must not contain '\"'";
	case '<': return "must not contain '<'";
	case '>': return "must not contain '>'";
	case '|': return "must not contain '|'";
	case ' ': return "must not contain a space";
	case ',': return "must not contain ','";
	case '#': return "must not contain '#'";
	case ':': return "must not contain ':'";
	default: return NULL;
	}
}

/* OpenSearch compares the name with its lowercase form: any character
 * that lowercases to another one is refused, not only A to Z. */
static const char *check_case(const char *name, size_t n)
{
	const char *p = name, *end = name + n;

	while (p < end) {
		gunichar c = g_utf8_get_char_validated(p, end - p);

		if (c == (gunichar)-1 || c == (gunichar)-2)
			return "is not valid UTF-8";
		if (g_unichar_tolower(c) != c)
			return "must be lowercase";
		p = g_utf8_next_char(p);
	}
	return NULL;
}

bool prs_valid_index_name(const char *name, size_t n, const char **why)
{
	const char *reason = NULL;

	if (n == 0)
		reason = "must not be empty";
	for (size_t i = 0; i < n && !reason; i++)
		reason = forbidden_char(name[i]);
	if (!reason && memchr(name, '\0', n))
		reason = "must not contain a NUL character";
	if (!reason && (name[0] == '_' || name[0] == '-' || name[0] == '+'))
		reason = "must not start with '_', '-' or '+'";
	if (!reason && n > NAME_MAX_BYTES)
		reason = "is longer than 255 bytes";
	if (!reason && ((n == 1 && name[0] == '.') ||
			(n == 2 && name[0] == '.' && name[1] == '.')))
		reason = "must not be '.' or '..'";
	if (!reason)
		reason = check_case(name, n);
	if (why)
		*why = reason;
	return reason == NULL;
}

bool prs_has_wildcard(const char *s)
{
	return s && strchr(s, '*') != NULL;
}

long prs_remote_sep(const char *s, size_t n)
{
	const char *colon;

	/* date math, with or without an exclusion: a ':' in it belongs to
	 * a time zone, and a remote name cannot start with '<' anyway */
	if (n == 0 || s[0] == '<' || (n > 1 && s[0] == '-' && s[1] == '<'))
		return -1;
	colon = memchr(s, ':', n);
	if (!colon || colon == s || (colon == s + 1 && s[0] == '-'))
		return -1;
	return (long)(colon - s);
}

/* ---------------------------------------------------------------------
 * Splitting.
 */

/* `s` quoted for a one-line message: control characters and quotes
 * escaped, cut with "..." past QUOTE_MAX bytes. */
static void quote_expr(char *buf, size_t cap, const char *s, size_t n)
{
	size_t w = 0;

	for (size_t i = 0; i < n && i < QUOTE_MAX && w + 5 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			w += snprintf(buf + w, cap - w, "\\x%02x", c);
		else if (c == '"' || c == '\\')
			w += snprintf(buf + w, cap - w, "\\%c", c);
		else
			buf[w++] = (char)c;
	}
	if (n > QUOTE_MAX && w + 4 < cap)
		w += snprintf(buf + w, cap - w, "...");
	buf[w < cap ? w : cap - 1] = '\0';
}

/* Mark the request malformed: 400 with `code` and a message naming the
 * expression. Returns 0, or NG_ENOMEM. */
static int expr_fail(prs_request *r, ng_arena *a, const prs_op *op,
		     int code, const char *s, size_t n, const char *why)
{
	char q[QUOTE_MAX * 4 + 8], msg[QUOTE_MAX * 4 + 128];

	quote_expr(q, sizeof(q), s, n);
	snprintf(msg, sizeof(msg), "index expression \"%s\": %s", q, why);
	r->error = ng_arena_strdup(a, msg);
	if (!r->error)
		return NG_ENOMEM;
	r->status = 400;
	r->code = code;
	r->error_item = op ? op->item : -1;
	return 0;
}

/* Past the element starting at s[i]: up to a ',' outside any "{...}"
 * group, where '\' quotes the next character (date math escapes). */
static size_t element_end(const char *s, size_t n, size_t i)
{
	int depth = 0;

	/* without a comma the rest is one element, whatever groups and
	 * escapes it holds: only a comma ends one */
	if (!memchr(s + i, ',', n - i))
		return n;
	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '{')
			depth++;
		else if (s[i] == '}' && depth > 0)
			depth--;
		else if (s[i] == ',' && depth == 0)
			break;
	}
	return i;
}

static size_t count_elements(const char *s, size_t n)
{
	size_t count = 1;

	for (size_t i = element_end(s, n, 0); i < n;
	     i = element_end(s, n, i + 1))
		count++;
	return count;
}

/* An empty element or a lone '-' is malformed, never "everything" (B10). */
static const char *check_element(const char *e, size_t len)
{
	if (len == 0)
		return "empty element";
	if (len == 1 && e[0] == '-')
		return "'-' without a name to exclude";
	return NULL;
}

/* Room for `more` elements after op's current ones. */
static int grow_exprs(ng_arena *a, prs_op *op, size_t more)
{
	const char **v = ng_arena_alloc(a, (op->nexprs + more) * sizeof(*v));

	if (!v)
		return NG_ENOMEM;
	if (op->nexprs)
		memcpy(v, op->exprs, op->nexprs * sizeof(*v));
	op->exprs = v;
	return 0;
}

/* The element count, or 0 with the request marked 400 past a limit. */
static size_t check_limits(prs_request *r, ng_arena *a,
			   const prs_limits *lim, const char *s, size_t n,
			   const prs_op *op, int *rc)
{
	size_t count;
	char why[64];

	if (n > lim->max_expr_len) {
		snprintf(why, sizeof(why), "longer than %zu bytes",
			 lim->max_expr_len);
		*rc = expr_fail(r, a, op, NG_ELIMIT, s, n, why);
		return 0;
	}
	count = count_elements(s, n);
	if (count > lim->max_expr_parts) {
		snprintf(why, sizeof(why), "more than %zu elements",
			 lim->max_expr_parts);
		*rc = expr_fail(r, a, op, NG_ELIMIT, s, n, why);
		return 0;
	}
	return count;
}

/* The usual expression, one name without a comma: its element takes one
 * allocation, with room for the elements already there. */
static int split_one(prs_request *r, ng_arena *a, const char *s, size_t n,
		     prs_op *op)
{
	const char *bad = check_element(s, n);
	size_t head = (op->nexprs + 1) * sizeof(*op->exprs);
	const char **v;
	char *e;

	if (bad)
		return expr_fail(r, a, op, NG_EBADREQ, s, n, bad);
	v = ng_arena_alloc(a, head + n + 1);
	if (!v)
		return NG_ENOMEM;
	e = (char *)v + head;
	memcpy(e, s, n);
	e[n] = '\0';
	if (op->nexprs)
		memcpy(v, op->exprs, op->nexprs * sizeof(*v));
	v[op->nexprs++] = e;
	op->exprs = v;
	return 0;
}

/* Malformed input sets r->status and still returns 0: the caller checks
 * r->status, as after prs_rest. */
int prs_split_expr(prs_request *r, ng_arena *a, const prs_limits *lim,
		   const char *s, size_t n, prs_op *op)
{
	size_t count, i = 0;
	int rc = 0;

	if (n == 0)
		return 0;
	if (n <= lim->max_expr_len && lim->max_expr_parts > 0 &&
	    !memchr(s, ',', n))
		return split_one(r, a, s, n, op);
	count = check_limits(r, a, lim, s, n, op, &rc);
	if (count == 0)
		return rc;
	if (grow_exprs(a, op, count))
		return NG_ENOMEM;

	for (size_t k = 0; k < count; k++) {
		size_t end = element_end(s, n, i);
		const char *bad = check_element(s + i, end - i);
		char *e;

		if (bad)
			return expr_fail(r, a, op, NG_EBADREQ, s, n, bad);
		if (!(e = ng_arena_strndup(a, s + i, end - i)))
			return NG_ENOMEM;
		op->exprs[op->nexprs++] = e;
		i = end + 1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Operations.
 */

prs_op *prs_add_op(prs_request *r, ng_arena *a, int item, const char *action)
{
	prs_op *op;

	if (r->nops == r->capops) {
		size_t cap = r->capops ? 2 * r->capops : 4;
		prs_op *ops = ng_arena_alloc(a, cap * sizeof(*ops));

		if (!ops)
			return NULL;
		if (r->nops)
			memcpy(ops, r->ops, r->nops * sizeof(*ops));
		r->ops = ops;
		r->capops = cap;
	}
	op = &r->ops[r->nops++];
	memset(op, 0, sizeof(*op));
	op->item = item;
	if (action)
		op->actions[op->nactions++] = action;
	op->opts.ignore_unavailable = -1;
	op->opts.allow_no_indices = -1;
	op->opts.expand = -1;
	return op;
}
