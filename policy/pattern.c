/*
 * Patterns: "*", globs, "/regex/" and exact names, matched the way the
 * peer's WildcardMatcher does, with two additions: case-insensitive
 * matching and backslash escapes for rendered templates.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#define POL_INTERNAL
#include <ctype.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

/* Bounds that keep a pathological expression from stalling a node. */
#define RE_MATCH_LIMIT 1000000u
#define RE_DEPTH_LIMIT 10000u
#define RE_HEAP_LIMIT 20000u   /* KiB */

static pthread_once_t re_once = PTHREAD_ONCE_INIT;
static pthread_key_t re_key;
static pcre2_match_context *re_mctx;
static __thread pcre2_match_data *re_md;

static void re_md_free(void *md)
{
	pcre2_match_data_free(md);
	re_md = NULL;
}

static void re_init(void)
{
	if (pthread_key_create(&re_key, re_md_free) != 0)
		return;
	re_mctx = pcre2_match_context_create(NULL);
	if (!re_mctx)
		return;
	pcre2_set_match_limit(re_mctx, RE_MATCH_LIMIT);
	pcre2_set_depth_limit(re_mctx, RE_DEPTH_LIMIT);
	pcre2_set_heap_limit(re_mctx, RE_HEAP_LIMIT);
}

/* The calling thread's match data, made on its first match and freed when
 * the thread exits. NULL when out of memory. */
static pcre2_match_data *re_match_data(void)
{
	if (re_md)
		return re_md;
	pthread_once(&re_once, re_init);
	if (!re_mctx)
		return NULL;
	re_md = pcre2_match_data_create(1, NULL);
	if (re_md && pthread_setspecific(re_key, re_md) != 0) {
		pcre2_match_data_free(re_md);
		re_md = NULL;
	}
	return re_md;
}

static bool is_regex(const char *t, size_t n)
{
	return n >= 2 && t[0] == '/' && t[n - 1] == '/';
}

bool pol_pattern_is_literal(const char *text)
{
	return !strpbrk(text, "*?") && !is_regex(text, strlen(text));
}

static int compile_regex(pol_pattern *p, const char *src, size_t n,
			 ng_error *err)
{
	uint32_t opts = PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF |
			PCRE2_MATCH_INVALID_UTF;
	int code;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[160];
	pcre2_code *re;

	if (p->flags & POL_PAT_ICASE)
		opts |= PCRE2_CASELESS;
	re = pcre2_compile((PCRE2_SPTR)src, n, opts, &code, &off, NULL);
	if (!re) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		return pol_fail(err, NG_EPATTERN, NULL, 0, 0,
				"invalid regular expression \"%s\": %s at offset %zu",
				p->text, (char *)msg, (size_t)off);
	}
	/* Without JIT the interpreter still honours the limits. */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	p->re = re;
	p->kind = POL_PAT_REGEX;
	return 0;
}

/* Copy `t` to the canonical glob form: wildcards bare, literal '*', '?'
 * and '\' escaped. Sets *nwild and whether the only wildcard is a final
 * '*'. Returns the length written. */
static size_t canon_glob(const char *t, size_t n, bool esc, bool icase,
			 char *out, size_t *nwild, bool *prefix)
{
	size_t o = 0, w = 0, last_wild = SIZE_MAX;

	for (size_t i = 0; i < n; i++) {
		char c = t[i];

		if (esc && c == '\\' && i + 1 < n) {
			c = t[++i];
		} else if (c == '*' || c == '?') {
			w++;
			last_wild = c == '*' ? o : SIZE_MAX - 1;
			out[o++] = c;
			continue;
		}
		if (c == '*' || c == '?' || c == '\\')
			out[o++] = '\\';
		out[o++] = icase ? (char)tolower((unsigned char)c) : c;
	}
	out[o] = '\0';
	*nwild = w;
	*prefix = w == 1 && last_wild == o - 1;
	return o;
}

/* The literal text of a canonical glob without wildcards. */
static size_t unescape(char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

static int compile_glob(pol_pattern *p, const char *t, size_t n)
{
	size_t nwild;
	bool prefix;
	char *lit = malloc(2 * n + 1);

	if (!lit)
		return NG_ENOMEM;
	p->litlen = canon_glob(t, n, p->flags & POL_PAT_ESCAPES,
			       p->flags & POL_PAT_ICASE, lit, &nwild, &prefix);
	p->lit = lit;
	if (nwild == 0) {
		p->kind = POL_PAT_EXACT;
		p->litlen = unescape(lit, p->litlen);
	} else if (prefix) {
		p->kind = POL_PAT_PREFIX;
		p->litlen = unescape(lit, p->litlen - 1);
	} else {
		p->kind = POL_PAT_GLOB;
	}
	return 0;
}

int pol_pattern_compile(pol_pattern *p, const char *text, unsigned flags,
			ng_error *err)
{
	size_t n = text ? strlen(text) : 0;
	int rc;

	memset(p, 0, sizeof(*p));
	p->flags = flags;
	p->text = strdup(text ? text : "");
	if (!p->text)
		return pol_fail(err, NG_ENOMEM, NULL, 0, 0, "out of memory");
	if (n == 0)
		return 0;
	if (n == 1 && text[0] == '*') {
		p->kind = POL_PAT_ANY;
		return 0;
	}
	if (is_regex(text, n))
		rc = compile_regex(p, text + 1, n - 2, err);
	else if ((rc = compile_glob(p, text, n)) != 0)
		pol_fail(err, rc, NULL, 0, 0, "out of memory");
	if (rc)
		pol_pattern_clear(p);
	return rc;
}

void pol_pattern_clear(pol_pattern *p)
{
	if (!p)
		return;
	free(p->text);
	free(p->lit);
	pcre2_code_free(p->re);
	memset(p, 0, sizeof(*p));
}

static size_t utf8_len(const char *s, size_t i, size_t n)
{
	size_t k = 1;

	while (i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
		k++;
	return k;
}

/* Does the glob token at p[*pi] match the character at s[*si]? Advances
 * both on success. */
static bool glob_token(const char *p, size_t pn, size_t *pi, const char *s,
		       size_t sn, size_t *si, bool icase)
{
	char want = p[*pi], got = s[*si];

	if (want == '?') {
		*si += utf8_len(s, *si, sn);
		*pi += 1;
		return true;
	}
	if (want == '\\' && *pi + 1 < pn)
		want = p[++*pi];
	if (icase)
		got = (char)tolower((unsigned char)got);
	if (want != got)
		return false;
	*pi += 1;
	*si += 1;
	return true;
}

/* Greedy glob with a single backtrack point (the last '*'): no recursion,
 * and at worst proportional to pattern length times subject length. */
static bool glob_match(const char *p, size_t pn, const char *s, size_t sn,
		       bool icase)
{
	size_t pi = 0, si = 0, star_p = SIZE_MAX, star_s = 0;

	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < pn && glob_token(p, pn, &pi, s, sn, &si, icase))
			continue;
		if (star_p == SIZE_MAX)
			return false;
		pi = star_p;
		star_s += utf8_len(s, star_s, sn);
		si = star_s;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

static bool lit_equal(const char *a, const char *b, size_t n, bool icase)
{
	if (!icase)
		return memcmp(a, b, n) == 0;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)b[i]) != a[i])
			return false;
	return true;
}

/* A regex that cannot tell (the match or depth limit, no memory for the
 * match data) answers `on_error`. */
static bool regex_match(const pol_pattern *p, const char *s, size_t n,
			bool on_error)
{
	pcre2_match_data *md = re_match_data();
	int rc;

	if (!md)
		return on_error;
	rc = pcre2_match(p->re, (PCRE2_SPTR)s, n, 0, 0, md, re_mctx);
	if (rc >= 0)
		return true;
	return rc == PCRE2_ERROR_NOMATCH ? false : on_error;
}

static bool pattern_match(const pol_pattern *p, const char *s, size_t n,
			  bool on_error)
{
	bool icase = p->flags & POL_PAT_ICASE;

	switch (p->kind) {
	case POL_PAT_ANY:
		return true;
	case POL_PAT_EXACT:
		return n == p->litlen && lit_equal(p->lit, s, n, icase);
	case POL_PAT_PREFIX:
		return n >= p->litlen && lit_equal(p->lit, s, p->litlen, icase);
	case POL_PAT_GLOB:
		return glob_match(p->lit, p->litlen, s, n, icase);
	case POL_PAT_REGEX:
		return regex_match(p, s, n, on_error);
	default:
		return on_error;
	}
}

bool pol_pattern_match(const pol_pattern *p, const char *s, size_t n)
{
	return pattern_match(p, s, n, false);
}

bool pol_pattern_refuses(const pol_pattern *p, const char *s, size_t n)
{
	return pattern_match(p, s, n, true);
}
