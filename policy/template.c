/*
 * Index-pattern templates: ${user.name}, ${user.roles}, ${attr.*} and
 * friends rendered for one user. Unlike the peer, substituted values are
 * escaped, so that a user named "*" gets the index "*" and nothing else:
 * the result is meant for pol_pattern_compile with POL_PAT_ESCAPES.
 */
#define POL_INTERNAL
#include <stdio.h>
#include <string.h>

#include "policy.h"

/* What a substituted value is escaped for: a glob, a regex, JSON string
 * content, or JSON text outside a string (where it becomes a value of
 * its own: a number as written, anything else a string). */
enum { MODE_GLOB, MODE_REGEX, MODE_JSON, MODE_JSON_BARE };

typedef struct outbuf {
	char *p;
	size_t n, cap;
	bool ok;
} outbuf;

static void put(outbuf *o, const char *s, size_t n)
{
	if (!o->ok || n >= o->cap - o->n) {
		o->ok = false;
		return;
	}
	memcpy(o->p + o->n, s, n);
	o->n += n;
}

/* Template text of a glob stays as written, save that a backslash keeps
 * its literal meaning under POL_PAT_ESCAPES. */
static void put_text(outbuf *o, const char *s, size_t n, int mode)
{
	bool quote = mode == MODE_GLOB;

	for (size_t i = 0; i < n; i++)
		put(o, quote && s[i] == '\\' ? "\\\\" : s + i,
		    quote && s[i] == '\\' ? 2 : 1);
}

/* A substituted value inside a JSON string: quotes, backslashes and
 * control characters escaped, so that a value cannot end the string. */
static void put_json_value(outbuf *o, const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		char esc[8];

		if (ch == '"' || ch == '\\') {
			put(o, "\\", 1);
			put(o, v + i, 1);
		} else if (ch < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", ch);
			put(o, esc, 6);
		} else {
			put(o, v + i, 1);
		}
	}
}

/* Is v a JSON number, as JSON writes one ("-1", "2.5e3")? */
static bool json_number(const char *v, size_t n)
{
	size_t i = 0, digits;

	i += i < n && v[i] == '-';
	if (i < n && v[i] == '0')
		i++;
	else if (i < n && v[i] >= '1' && v[i] <= '9')
		while (i < n && v[i] >= '0' && v[i] <= '9')
			i++;
	else
		return false;
	if (i < n && v[i] == '.') {
		for (digits = ++i; i < n && v[i] >= '0' && v[i] <= '9'; i++)
			;
		if (i == digits)
			return false;
	}
	if (i < n && (v[i] == 'e' || v[i] == 'E')) {
		i++;
		i += i < n && (v[i] == '+' || v[i] == '-');
		for (digits = i; i < n && v[i] >= '0' && v[i] <= '9'; i++)
			;
		if (i == digits)
			return false;
	}
	return i == n;
}

/* A substituted value: glob specials quoted, or \Q...\E in a regex. */
static void put_value(outbuf *o, const char *v, size_t n, int mode)
{
	if (mode == MODE_JSON) {
		put_json_value(o, v, n);
		return;
	}
	if (mode == MODE_JSON_BARE) {
		bool number = json_number(v, n);

		put(o, "\"", !number);
		put_json_value(o, v, n);
		put(o, "\"", !number);
		return;
	}
	if (mode == MODE_REGEX) {
		put(o, "\\Q", 2);
		for (const char *e; (e = memmem(v, n, "\\E", 2)); ) {
			put(o, v, (size_t)(e - v));
			put(o, "\\E\\\\E\\Q", 7);
			n -= (size_t)(e - v) + 2;
			v = e + 2;
		}
		put(o, v, n);
		put(o, "\\E", 2);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] && strchr("*?\\/", v[i]))
			put(o, "\\", 1);
		put(o, v + i, 1);
	}
}

/* "a","b": each value double-quoted, comma-joined, as the peer writes
 * ${user.roles}. In JSON text outside a string that is a list of JSON
 * strings, each escaped; elsewhere it is quoted and joined first, then
 * escaped as one value. */
static bool put_joined(outbuf *o, const char *const *v, size_t n,
		       int mode)
{
	char buf[4096];
	outbuf j = { buf, 0, sizeof(buf), true };

	if (mode == MODE_JSON_BARE) {
		for (size_t i = 0; i < n; i++) {
			put(o, ",", i > 0);
			put(o, "\"", 1);
			put_json_value(o, v[i], strlen(v[i]));
			put(o, "\"", 1);
		}
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		put(&j, i ? ",\"" : "\"", i ? 2 : 1);
		put(&j, v[i], strlen(v[i]));
		put(&j, "\"", 1);
	}
	if (!j.ok)
		return false;
	put_value(o, buf, j.n, mode);
	return true;
}

/* Does the variable `name` (length n) spell `key`, with '.' or '_'? */
static bool spells(const char *name, size_t n, const char *key)
{
	bool plain = true, under = true;
	size_t i;

	for (i = 0; i < n && key[i]; i++) {
		plain = plain && name[i] == key[i];
		under = under && (name[i] == key[i] ||
				  (key[i] == '.' && name[i] == '_'));
	}
	return i == n && !key[i] && (plain || under);
}

static bool put_attr(outbuf *o, const char *name, size_t n,
		     const pol_user *u, int mode)
{
	for (size_t i = 0; i < u->nattrs; i++) {
		if (!spells(name, n, u->attr_keys[i]))
			continue;
		put_value(o, u->attr_values[i], strlen(u->attr_values[i]),
			  mode);
		return true;
	}
	return false;
}

/* Substitute one variable; false when it is undefined. */
static bool put_var(outbuf *o, const char *name, size_t n,
		    const pol_user *u, int mode)
{
	if (spells(name, n, "user.name")) {
		if (!u->name)
			return false;
		put_value(o, u->name, strlen(u->name), mode);
		return true;
	}
	if (spells(name, n, "user.roles"))
		return put_joined(o, u->backend_roles, u->nbackend, mode);
	if (spells(name, n, "user.securityRoles"))
		return u->mapped_roles &&
		       put_joined(o, u->mapped_roles, u->nmapped, mode);
	if (n > 5 && (!strncmp(name, "attr.", 5) || !strncmp(name, "attr_", 5)))
		return put_attr(o, name, n, u, mode);
	return false;
}

/* ${name} or ${name:-default} at t (just after "${", up to the '}' at
 * `end`). */
static bool put_ref(outbuf *o, const char *t, const char *end,
		    const pol_user *u, int mode)
{
	const char *dflt = memmem(t, (size_t)(end - t), ":-", 2);
	size_t n = (size_t)((dflt ? dflt : end) - t);
	size_t before = o->n;

	if (put_var(o, t, n, u, mode))
		return true;
	if (!dflt)
		return false;
	o->n = before;
	put_value(o, dflt + 2, (size_t)(end - dflt - 2), mode);
	return true;
}

/* Follow JSON text from t to end: are we inside a string after it? */
static void json_follow(const char *t, const char *end, bool *in_str,
			bool *esc)
{
	for (; t < end; t++) {
		if (*esc)
			*esc = false;
		else if (*in_str && *t == '\\')
			*esc = true;
		else if (*t == '"')
			*in_str = !*in_str;
	}
}

static bool render(const char *tmpl, const pol_user *u, char *out,
		   size_t cap, int mode)
{
	outbuf o = { out, 0, cap, cap > 0 };
	const char *t = tmpl;
	bool in_str = false, esc = false;

	while (t && *t && o.ok) {
		const char *v = strstr(t, "${"), *end;

		if (mode != MODE_GLOB && mode != MODE_REGEX)
			json_follow(t, v ? v : t + strlen(t), &in_str, &esc);
		if (v && v > t && v[-1] == '$') {   /* "$${" stays literal */
			put_text(&o, t, (size_t)(v - t - 1), mode);
			put_text(&o, "${", 2, mode);
			t = v + 2;
			continue;
		}
		put_text(&o, t, v ? (size_t)(v - t) : strlen(t), mode);
		if (!v)
			break;
		end = strchr(v + 2, '}');
		if (!end || !put_ref(&o, v + 2, end, u,
				     mode == MODE_JSON && !in_str ?
				     MODE_JSON_BARE : mode))
			return false;
		t = end + 1;
	}
	if (!o.ok)
		return false;
	out[o.n] = '\0';
	return true;
}

bool pol_render_template(const char *tmpl, const pol_user *u, char *out,
			 size_t cap)
{
	size_t len = tmpl ? strlen(tmpl) : 0;
	bool regex = len >= 2 && tmpl[0] == '/' && tmpl[len - 1] == '/';

	return render(tmpl, u, out, cap, regex ? MODE_REGEX : MODE_GLOB);
}

bool pol_render_json(const char *tmpl, const pol_user *u, char *out,
		     size_t cap)
{
	return render(tmpl, u, out, cap, MODE_JSON);
}
