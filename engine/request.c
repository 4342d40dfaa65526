/*
 * Requests: built field by field, or from one line of recorded-request
 * NDJSON (contract section 3).
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "engine.h"
#include "errors.h"

int ng_fail(int code, const char *fmt, ...)
{
	ng_error err = { .code = code };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err.message, sizeof(err.message), fmt, ap);
	va_end(ap);
	ng_set_last_error(&err);
	return code;
}

int ng_strv_push(ng_strv *v, ng_arena *a, const char *s)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		const char **nv = ng_arena_alloc(a, cap * sizeof(*nv));

		if (!nv)
			return NG_ENOMEM;
		if (v->n)
			memcpy(nv, v->v, v->n * sizeof(*nv));
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = s;
	return 0;
}

bool ng_strv_has(const ng_strv *v, const char *s)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], s) == 0)
			return true;
	return false;
}

/* A recorded request holds a few short strings, and thousands of them
 * may be kept at once: the request and the first chunk of its strings
 * are one allocation, read together when it is decided. */
#define REQUEST_STRINGS 256

typedef struct request_mem {
	ng_request r;
	_Alignas(NG_ARENA_ALIGN) unsigned char strings[REQUEST_STRINGS];
} request_mem;

int ng_request_new(ng_request **out)
{
	request_mem *m;

	if (!out)
		return ng_fail(NG_EINVAL, "no place for the request");
	m = malloc(sizeof(*m));
	*out = m ? &m->r : NULL;
	if (!m)
		return ng_fail(NG_ENOMEM, "out of memory creating a request");
	memset(&m->r, 0, sizeof(m->r));
	ng_arena_init_within(&m->r.strings, m->strings, sizeof(m->strings));
	return 0;
}

void ng_request_free(ng_request *r)
{
	if (!r)
		return;
	ng_arena_free(&r->strings);
	free(r);
}

/* A copy of a request value. A NUL would cut the value short where C
 * strings are compared: a certificate name "admin\0evil" must not read
 * as "admin". A name, a role or a path that is not UTF-8 would be
 * echoed into the decision JSON, which must be valid: it is refused too.
 * Bodies are the parsers' to read and are not scanned here but for NULs. */
static int copy_value(ng_request *r, char **dst, const char *s, size_t n,
		      bool text, const char *what)
{
	if (!s && n)
		return ng_fail(NG_EINVAL, "%s: null string with a length", what);
	if (n && memchr(s, '\0', n))
		return ng_fail(NG_EINVAL, "%s holds a NUL character", what);
	if (text && n && !g_utf8_validate(s, (gssize)n, NULL))
		return ng_fail(NG_EINVAL, "%s is not valid UTF-8", what);
	*dst = ng_arena_strndup(&r->strings, s ? s : "", n);
	return *dst ? 0 : ng_fail(NG_ENOMEM, "out of memory");
}

static int set_str(ng_request *r, char **dst, const char *s, size_t n,
		   const char *what)
{
	return copy_value(r, dst, s, n, true, what);
}

static int push_str(ng_request *r, ng_strv *v, const char *s, size_t n,
		    const char *what)
{
	char *copy;
	int rc = set_str(r, &copy, s, n, what);

	return rc ? rc : ng_strv_push(v, &r->strings, copy);
}

/* A setter that failed leaves the request unusable: deciding it answers
 * 400, never what the calls before it left in place (an earlier path, a
 * previous body or action). The error of the failed call stays the
 * thread's last error. */
static int spoil(ng_request *r, int rc)
{
	static const char why[] = "the request was not built: a value given "
				  "for it was refused";

	if (rc && r && !r->parse_status) {
		r->parse_status = 400;
		r->parse_error = why;
	}
	return rc;
}

#define NO_REQUEST() ng_fail(NG_EINVAL, "no request")

/* set_str, keeping the length for the decision. */
static int set_measured(ng_request *r, char **dst, size_t *dlen,
			const char *s, size_t n, const char *what)
{
	int rc = set_str(r, dst, s, n, what);

	if (!rc)
		*dlen = n;
	return rc;
}

int ng_request_set_id(ng_request *r, const char *id, size_t len)
{
	return r ? spoil(r, set_measured(r, &r->id, &r->id_len, id, len,
					 "id"))
		 : NO_REQUEST();
}

int ng_request_set_user(ng_request *r, const char *name, size_t len)
{
	return r ? spoil(r, set_measured(r, &r->user, &r->user_len, name,
					 len, "user name"))
		 : NO_REQUEST();
}

int ng_request_add_backend_role(ng_request *r, const char *role, size_t len)
{
	if (!r)
		return NO_REQUEST();
	r->has_backend_roles = true;
	return spoil(r, push_str(r, &r->backend_roles, role, len,
				 "backend role"));
}

int ng_request_add_role(ng_request *r, const char *role, size_t len)
{
	if (!r)
		return NO_REQUEST();
	r->has_roles = true;
	return spoil(r, push_str(r, &r->roles, role, len, "role"));
}

/* Both parts are copied before either list grows, so that the keys and
 * the values stay in step whatever is refused. */
int ng_request_add_attribute(ng_request *r, const char *key, size_t klen,
			     const char *value, size_t vlen)
{
	char *k, *v;
	int rc;

	if (!r)
		return NO_REQUEST();
	if (!key || klen == 0)
		return spoil(r, ng_fail(NG_EINVAL, "an attribute needs a name"));
	/* one value per name, as a request line's JSON object has it: a
	 * second would be dropped by the lookups, which take the first */
	for (size_t i = 0; i < r->attr_keys.n; i++)
		if (strlen(r->attr_keys.v[i]) == klen &&
		    memcmp(r->attr_keys.v[i], key, klen) == 0)
			return spoil(r, ng_fail(NG_EINVAL, "attribute name "
						"given twice"));
	rc = set_str(r, &k, key, klen, "attribute name");
	if (!rc)
		rc = set_str(r, &v, value, vlen, "attribute value");
	if (!rc && (ng_strv_push(&r->attr_keys, &r->strings, k) ||
		    ng_strv_push(&r->attr_values, &r->strings, v))) {
		r->attr_keys.n = r->attr_values.n;
		rc = ng_fail(NG_ENOMEM, "out of memory");
	}
	r->has_attrs = true;
	return spoil(r, rc);
}

/* The text of an address as the node's JVM gives it (getHostAddress),
 * which the role mapping's hosts are written against: IPv4 dotted; an
 * IPv4-mapped IPv6 address as its IPv4; any other IPv6 as eight groups
 * of hex without leading zeros, uncompressed, then "%zone" when given.
 * False for text that is no IP address (a host name, a typo). */
static bool address_text(const char *s, char *out, size_t cap)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	unsigned char b[sizeof(struct in6_addr)];
	const char *zone = strchr(s, '%');
	char ip[INET6_ADDRSTRLEN];
	size_t n = zone ? (size_t)(zone - s) : strlen(s);

	if (!zone && inet_pton(AF_INET, s, b) == 1)
		return inet_ntop(AF_INET, b, out, (socklen_t)cap) != NULL;
	if (n >= sizeof(ip) || (zone && (!zone[1] ||
					 strspn(zone + 1, "abcdefghijklmnopqrstu"
						"vwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
						"0123456789._-") !=
					 strlen(zone + 1))))
		return false;
	memcpy(ip, s, n);
	ip[n] = '\0';
	if (inet_pton(AF_INET6, ip, b) != 1)
		return false;
	if (!memcmp(b, mapped, sizeof(mapped)) && !zone)
		return inet_ntop(AF_INET, b + 12, out, (socklen_t)cap) != NULL;
	return snprintf(out, cap, "%x:%x:%x:%x:%x:%x:%x:%x%s",
			b[0] << 8 | b[1], b[2] << 8 | b[3], b[4] << 8 | b[5],
			b[6] << 8 | b[7], b[8] << 8 | b[9], b[10] << 8 | b[11],
			b[12] << 8 | b[13], b[14] << 8 | b[15],
			zone ? zone : "") < (int)cap;
}

/* The caller's IP address, kept as address_text writes it. Anything else
 * is refused rather than matched as text against the patterns. */
int ng_request_set_address(ng_request *r, const char *addr, size_t len)
{
	char text[INET6_ADDRSTRLEN + 64];
	char *s;
	int rc;

	if (!r)
		return NO_REQUEST();
	rc = set_str(r, &s, addr, len, "address");
	if (!rc && !address_text(s, text, sizeof(text)))
		rc = ng_fail(NG_EINVAL, "address is not an IP address");
	if (rc)
		return spoil(r, rc);
	/* most addresses are written already as they are kept */
	r->address = strcmp(s, text) == 0 ? s
		     : ng_arena_strdup(&r->strings, text);
	return spoil(r, r->address ? 0 : ng_fail(NG_ENOMEM, "out of memory"));
}

int ng_request_set_cert_dn(ng_request *r, const char *dn, size_t len)
{
	return r ? spoil(r, set_str(r, &r->cert_dn, dn, len,
				     "certificate name")) : NO_REQUEST();
}

/* A new REST call replaces the request's call whole: a NULL body is no
 * body, not the previous one. */
int ng_request_set_rest(ng_request *r, const char *method, size_t mlen,
			const char *path, size_t plen, const char *body,
			size_t blen)
{
	int rc;

	if (!r)
		return NO_REQUEST();
	r->is_transport = false;
	r->body = NULL;
	r->body_len = 0;
	rc = set_str(r, &r->method, method, mlen, "method");
	if (!rc)
		rc = set_str(r, &r->path, path, plen, "path");
	if (!rc && body) {
		rc = copy_value(r, &r->body, body, blen, false, "body");
		r->body_len = rc ? 0 : blen;
	}
	return spoil(r, rc);
}

/* A new transport call replaces the request's call whole: a NULL peer DN
 * is no peer, and the indices start empty again. */
int ng_request_set_transport(ng_request *r, const char *action, size_t alen,
			     const char *peer_dn, size_t plen)
{
	int rc;

	if (!r)
		return NO_REQUEST();
	r->is_transport = true;
	r->peer_dn = NULL;
	r->indices.n = 0;
	rc = set_measured(r, &r->action, &r->action_len, action, alen,
			  "action");
	if (!rc && peer_dn)
		rc = set_str(r, &r->peer_dn, peer_dn, plen,
			    "peer certificate name");
	return spoil(r, rc);
}

/* A name given before the transport call would be dropped by it, and a
 * transport request with no name asks for all indices: refused. */
int ng_request_add_transport_index(ng_request *r, const char *index,
				   size_t len)
{
	if (!r)
		return NO_REQUEST();
	if (!r->is_transport)
		return spoil(r, ng_fail(NG_EINVAL, "a transport index needs "
					"ng_request_set_transport first"));
	return spoil(r, push_str(r, &r->indices, index, len,
				 "transport index"));
}

int ng_request_set_time(ng_request *r, int64_t epoch_ms)
{
	if (!r)
		return NO_REQUEST();
	r->time_ms = epoch_ms;
	r->has_time = true;
	return 0;
}

const char *ng_request_id(const ng_request *r)
{
	return r && r->id ? r->id : "";
}

/* ---------------------------------------------------------------------
 * From JSON. A line that parses but is malformed still becomes a request,
 * marked with parse_status 400, so that the caller answers it in order.
 */

static int bad_line(ng_request *r, const char *fmt, const char *what)
{
	char msg[256];

	char *copy = NULL;
	int rc;

	snprintf(msg, sizeof(msg), fmt, what);
	r->parse_status = 400;
	rc = set_str(r, &copy, msg, strlen(msg), "message");
	r->parse_error = copy;
	return rc;
}

static const char *json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* An optional string member: *out is its value, or NULL when it is absent
 * or null; any other type makes the line bad, rather than be ignored. */
static int opt_str(ng_request *r, const cJSON *o, const char *key,
		   const char *where, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = cJSON_IsString(v) ? v->valuestring : NULL;
	if (!v || cJSON_IsNull(v) || *out)
		return 0;
	return bad_line(r, "%s: expected a string", where);
}

static int add_list(ng_request *r, const cJSON *o, const char *key,
		    int (*add)(ng_request *, const char *, size_t))
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(o, key);
	const cJSON *el;
	int rc;

	if (!list || cJSON_IsNull(list))
		return 0;
	if (!cJSON_IsArray(list))
		return bad_line(r, "user.%s: expected an array of strings", key);
	cJSON_ArrayForEach(el, list) {
		if (!cJSON_IsString(el))
			return bad_line(r, "user.%s: expected an array of strings",
					key);
		rc = add(r, el->valuestring, strlen(el->valuestring));
		if (rc)
			return rc;
	}
	if (cJSON_GetArraySize(list) == 0 && add == ng_request_add_backend_role)
		r->has_backend_roles = true;
	return 0;
}

static int read_attributes(ng_request *r, const cJSON *user)
{
	const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(user, "attributes");
	const cJSON *el;
	int rc;

	if (!attrs || cJSON_IsNull(attrs))
		return 0;
	if (!cJSON_IsObject(attrs))
		return bad_line(r, "user.%s: expected an object", "attributes");
	r->has_attrs = true;
	cJSON_ArrayForEach(el, attrs) {
		if (!cJSON_IsString(el))
			return bad_line(r, "user.attributes.%s: expected a string",
					el->string);
		rc = ng_request_add_attribute(r, el->string, strlen(el->string),
					      el->valuestring,
					      strlen(el->valuestring));
		if (rc)
			return rc;
	}
	return 0;
}

static int read_user(ng_request *r, const cJSON *user)
{
	const char *s;
	int rc;

	if (!cJSON_IsObject(user))
		return bad_line(r, "%s: expected an object", "user");
	s = json_str(user, "name");
	if (!s)
		return bad_line(r, "%s: missing string \"name\"", "user");
	rc = ng_request_set_user(r, s, strlen(s));
	if (!rc)
		rc = add_list(r, user, "backend_roles",
			      ng_request_add_backend_role);
	if (!rc && r->parse_status == 0)
		rc = add_list(r, user, "roles", ng_request_add_role);
	if (!rc && r->parse_status == 0)
		rc = read_attributes(r, user);
	if (rc || r->parse_status)
		return rc;
	rc = opt_str(r, user, "address", "user.address", &s);
	if (!rc && s && ng_request_set_address(r, s, strlen(s)) != 0) {
		/* a line whose value is refused, as one of a wrong type: a
		 * 400 that keeps its id */
		if (ng_last_error()->code != NG_EINVAL)
			return ng_last_error()->code;
		rc = bad_line(r, "%s is not an IP address", "user.address");
	}
	if (rc || r->parse_status)
		return rc;
	rc = opt_str(r, user, "cert_dn", "user.cert_dn", &s);
	return !rc && s ? ng_request_set_cert_dn(r, s, strlen(s)) : rc;
}

static int read_rest(ng_request *r, const cJSON *rest)
{
	const char *method = json_str(rest, "method");
	const char *path = json_str(rest, "path");
	const cJSON *body = cJSON_GetObjectItemCaseSensitive(rest, "body");
	char *text = NULL;
	int rc;

	if (!method || !path)
		return bad_line(r, "%s: needs string \"method\" and \"path\"",
				"rest");
	if (body && cJSON_IsString(body))
		return ng_request_set_rest(r, method, strlen(method), path,
					   strlen(path), body->valuestring,
					   strlen(body->valuestring));
	if (body && !cJSON_IsNull(body)) {
		text = cJSON_PrintUnformatted(body);
		if (!text)
			return ng_fail(NG_ENOMEM, "out of memory");
	}
	rc = ng_request_set_rest(r, method, strlen(method), path, strlen(path),
				 text, text ? strlen(text) : 0);
	cJSON_free(text);
	return rc;
}

static int read_transport(ng_request *r, const cJSON *t)
{
	const char *action = json_str(t, "action");
	const char *peer;
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(t, "indices");
	const cJSON *el;
	int rc;

	if (!action)
		return bad_line(r, "%s: needs string \"action\"", "transport");
	rc = opt_str(r, t, "peer_dn", "transport.peer_dn", &peer);
	if (rc || r->parse_status)
		return rc;
	rc = ng_request_set_transport(r, action, strlen(action), peer,
				      peer ? strlen(peer) : 0);
	if (rc || !list)
		return rc;
	if (!cJSON_IsArray(list))
		return bad_line(r, "%s.indices: expected an array", "transport");
	cJSON_ArrayForEach(el, list) {
		if (!cJSON_IsString(el))
			return bad_line(r, "%s.indices: expected strings",
					"transport");
		rc = ng_request_add_transport_index(r, el->valuestring,
						    strlen(el->valuestring));
		if (rc)
			return rc;
	}
	return 0;
}

/* A key given twice in one object, anywhere in the line: JSON readers
 * differ on which one counts (cJSON the first, others the last), so the
 * line is refused rather than read one way here and another elsewhere. */
static const char *repeated_key(const cJSON *o)
{
	for (const cJSON *a = o ? o->child : NULL; a; a = a->next) {
		const char *k;

		if (cJSON_IsObject(o))
			for (const cJSON *b = a->next; b; b = b->next)
				if (!strcmp(a->string, b->string))
					return a->string;
		k = repeated_key(a);
		if (k)
			return k;
	}
	return NULL;
}

static int duplicate_keys(ng_request *r, const cJSON *root)
{
	const char *k = repeated_key(root);

	return k ? bad_line(r, "key \"%s\" is given twice", k) : 0;
}

/* "2026-03-23T10:00:00Z" or with an offset, to epoch milliseconds. */
static int read_time(ng_request *r, const char *s);

static int read_request(ng_request *r, const cJSON *root)
{
	const cJSON *rest = cJSON_GetObjectItemCaseSensitive(root, "rest");
	const cJSON *tr = cJSON_GetObjectItemCaseSensitive(root, "transport");
	const cJSON *user = cJSON_GetObjectItemCaseSensitive(root, "user");
	const char *s;
	int rc = opt_str(r, root, "id", "id", &s);

	if (!rc && s)
		rc = ng_request_set_id(r, s, strlen(s));
	if (rc || r->parse_status)
		return rc;
	rc = duplicate_keys(r, root);
	if (!rc && !user)
		return bad_line(r, "%s: missing", "user");
	if (!rc)
		rc = read_user(r, user);
	if (rc || r->parse_status)
		return rc;
	if (rest && tr)
		return bad_line(r, "%s: gives both \"rest\" and \"transport\"",
				"request");
	if (cJSON_IsObject(rest))
		rc = read_rest(r, rest);
	else if (cJSON_IsObject(tr))
		rc = read_transport(r, tr);
	else
		return bad_line(r, "%s: needs a \"rest\" or \"transport\" object",
				"request");
	if (rc || r->parse_status)
		return rc;
	rc = opt_str(r, root, "time", "time", &s);
	return !rc && s ? read_time(r, s) : rc;
}

/* ---------------------------------------------------------------------
 * NUL characters. cJSON decodes the escape \u0000 into a NUL that ends the
 * decoded string, so "admin\u0000evil" would read as "admin": a line with
 * one is refused. The escape is looked for as a JSON reader sees it, in
 * strings, where a backslash escapes the character after it: "\\u0000" is
 * a backslash and "u0000", no NUL.
 */

/* How many \u0000 escapes the JSON text holds. With `fix`, a copy of the
 * text, each of them is made \u0001 there. */
static size_t nul_escapes(const char *s, size_t n, char *fix)
{
	size_t count = 0;
	bool str = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"') {
			str = !str;
		} else if (str && s[i] == '\\') {
			if (i + 5 < n && memcmp(s + i + 1, "u0000", 5) == 0) {
				count++;
				if (fix)
					fix[i + 5] = '1';
			}
			i++;
		}
	}
	return count;
}

/* The line parsed again with each \u0000 escape read as \u0001, so that
 * no string is cut: the same tree, with strings at their full length.
 * NULL when out of memory. */
static cJSON *parse_uncut(const char *json, size_t len)
{
	char *copy = malloc(len);
	cJSON *root;

	if (!copy)
		return NULL;
	memcpy(copy, json, len);
	nul_escapes(json, len, copy);
	root = cJSON_ParseWithLength(copy, len);
	free(copy);
	return root;
}

/* Is a key or a string value of `a` shorter than its twin in `b`? */
static bool cut_short(const cJSON *a, const cJSON *b)
{
	return (a->string && strlen(a->string) < strlen(b->string)) ||
	       (cJSON_IsString(a) &&
		strlen(a->valuestring) < strlen(b->valuestring));
}

/* Find the first member of `a` that a NUL cut short, comparing with `b`,
 * the uncut tree, and put its path ("user.cert_dn") after the `len` bytes
 * of `path` already there. */
static bool find_cut(const cJSON *a, const cJSON *b, char *path,
		     size_t cap, size_t len)
{
	const cJSON *ka = a->child, *kb = b->child;
	size_t n;
	int w;

	for (size_t i = 0; ka && kb; ka = ka->next, kb = kb->next, i++) {
		if (ka->string)
			w = snprintf(path + len, cap - len, "%s%s",
				     len ? "." : "", ka->string);
		else
			w = snprintf(path + len, cap - len, "[%zu]", i);
		n = w < 0 ? len : len + (size_t)w;
		if (cut_short(ka, kb) ||
		    find_cut(ka, kb, path, cap, n < cap ? n : cap - 1))
			return true;
		path[len] = '\0';
	}
	return false;
}

/* The line's id, from `a`, when its value is a string and no NUL cuts
 * it; *cut tells a cut id from a missing one. The key is matched in `b`,
 * where a key such as "id\u0000x" does not read as "id". */
static const char *whole_id(const cJSON *a, const cJSON *b, bool *cut)
{
	const cJSON *ka = a->child, *kb = b->child;

	*cut = false;
	for (; ka && kb; ka = ka->next, kb = kb->next) {
		if (strcmp(kb->string, "id") != 0)
			continue;
		*cut = cut_short(ka, kb);
		return cJSON_IsString(ka) && !*cut ? ka->valuestring : NULL;
	}
	return NULL;
}

/* A line holding a \u0000 escape is a bad request naming the string at
 * fault, with the line's id; when the NUL is in the id itself, there is
 * no id to answer with, and the line is a syntax error. */
static int refuse_nul(ng_request *r, const cJSON *root, const char *json,
		      size_t len)
{
	cJSON *uncut = parse_uncut(json, len);
	char path[128] = "";
	const char *id;
	bool cut;
	int rc = 0;

	if (!uncut)
		return ng_fail(NG_ENOMEM, "out of memory");
	find_cut(root, uncut, path, sizeof(path), 0);
	id = whole_id(root, uncut, &cut);
	cJSON_Delete(uncut);
	if (cut)
		return ng_fail(NG_ESYNTAX, "id: a string holds a NUL character "
			       "(\\u0000)");
	if (id)
		rc = ng_request_set_id(r, id, strlen(id));
	for (char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	return rc ? rc : bad_line(r, "%s: a string holds a NUL character "
				  "(\\u0000)", path[0] ? path : "request line");
}

static bool blank_from(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p == end;
}

/* How deeply arrays and objects nest in json[0, n), strings skipped: on
 * a failed parse, to tell a line nested too deep from a malformed one. */
static size_t max_depth(const char *json, size_t n)
{
	size_t depth = 0, max = 0;
	bool in_string = false;

	for (size_t i = 0; i < n; i++) {
		char ch = json[i];

		if (in_string) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_string = false;
		} else if (ch == '"') {
			in_string = true;
		} else if (ch == '[' || ch == '{') {
			if (++depth > max)
				max = depth;
		} else if ((ch == ']' || ch == '}') && depth) {
			depth--;
		}
	}
	return max;
}

/* The line as one JSON object and nothing after it but white space; NULL
 * with the error set otherwise. */
static cJSON *parse_line(const char *json, size_t len)
{
	const char *end = NULL;
	cJSON *root;

	/* JSON text is UTF-8, and cJSON does not check it */
	if (!g_utf8_validate(json, (gssize)len, &end)) {
		ng_fail(NG_ESYNTAX, "not valid UTF-8 at column %zu",
			(size_t)(end - json) + 1);
		return NULL;
	}
	end = NULL;
	root = cJSON_ParseWithLengthOpts(json, len, &end, 0);

	if (!root) {
		/* where it failed: cJSON's global error pointer is shared by
		 * every thread, the end it returns is this call's */
		const char *at = end;
		size_t off = at >= json && at <= json + len ? (size_t)(at - json)
							    : 0;

		if (max_depth(json, off + 1 < len ? off + 1 : len) >
		    CJSON_NESTING_LIMIT)
			ng_fail(NG_ELIMIT, "JSON nested deeper than %d levels "
				"at column %zu", CJSON_NESTING_LIMIT, off + 1);
		else
			ng_fail(NG_ESYNTAX, "invalid JSON at column %zu",
				off + 1);
		return NULL;
	}
	if (!cJSON_IsObject(root))
		ng_fail(NG_ESYNTAX, "the request line is not a JSON object");
	else if (!end || !blank_from(end, json + len))
		ng_fail(NG_ESYNTAX, "text after the JSON object at column %zu",
			(size_t)(end - json) + 1);
	else
		return root;
	cJSON_Delete(root);
	return NULL;
}

int ng_request_from_json(const char *json, size_t len, ng_request **out)
{
	ng_request *r;
	cJSON *root;
	int rc;

	if (!out)
		return ng_fail(NG_EINVAL, "no place for the request");
	*out = NULL;
	if (!json)
		return ng_fail(NG_EINVAL, "no request line");
	rc = ng_request_new(&r);
	if (rc)
		return rc;
	/* a raw NUL byte is no JSON; an escaped one is refuse_nul's */
	if (memchr(json, '\0', len)) {
		ng_request_free(r);
		*out = NULL;
		return ng_fail(NG_ESYNTAX, "a NUL character in the request line");
	}
	root = parse_line(json, len);
	if (!root) {
		ng_request_free(r);
		*out = NULL;
		return ng_last_error()->code;
	}
	if (nul_escapes(json, len, NULL) > 0)
		rc = refuse_nul(r, root, json, len);
	else
		rc = read_request(r, root);
	cJSON_Delete(root);
	if (rc) {
		ng_request_free(r);
		r = NULL;
	}
	*out = r;
	return rc;
}

static bool digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*out = *out * 10 + (s[i] - '0');
	}
	return true;
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				    30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* "+hh:mm", "+hhmm", "-..." after the seconds, into minutes east. The
 * length is known before any character past the sign is read. */
static bool read_offset(const char *s, int *minutes)
{
	size_t n = strlen(s), colon = n == 6;
	int oh, om;

	if ((n != 5 && n != 6) || (s[0] != '+' && s[0] != '-') ||
	    (colon && s[3] != ':') || !digits(s + 1, 2, &oh) ||
	    !digits(s + 3 + colon, 2, &om) || oh > 23 || om > 59)
		return false;
	*minutes = (s[0] == '+' ? 1 : -1) * (oh * 60 + om);
	return true;
}

/* YYYY-MM-DDTHH:MM:SS, optional fraction, then Z, an offset or nothing
 * (UTC); every field in its range. */
static bool parse_instant(const char *s, int f[6], int *offset)
{
	static const char seps[] = "--T::";
	static const int width[] = { 4, 2, 2, 2, 2, 2 };
	const char *p = s;
	int frac;

	for (int i = 0; i < 6; i++) {
		if (!digits(p, width[i], &f[i]))
			return false;
		p += width[i];
		if (i < 5 && *p++ != seps[i])
			return false;
	}
	if (*p == '.') {
		for (p++, frac = 0; *p >= '0' && *p <= '9'; p++)
			frac++;
		if (!frac)
			return false;
	}
	*offset = 0;
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 ||
	    f[2] > days_in_month(f[0], f[1]) || f[3] > 23 || f[4] > 59 ||
	    f[5] > 59)
		return false;
	if (*p == 'Z' || *p == 'z')
		return p[1] == '\0';
	return *p == '\0' || read_offset(p, offset);
}

/* Days since 1970-01-01 of a civil date, proleptic Gregorian. */
static long long civil_days(int y, int mo, int d)
{
	long long era, yoe, doy;

	y -= mo <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static int read_time(ng_request *r, const char *s)
{
	int f[6], offset;
	long long days;

	if (!parse_instant(s, f, &offset))
		return bad_line(r, "time: expected an ISO-8601 instant such as "
				"2026-03-23T10:00:00Z, got %s", s);
	days = civil_days(f[0], f[1], f[2]);
	r->time_ms = ((days * 24 + f[3]) * 60 + f[4] - offset) * 60000LL +
		     f[5] * 1000LL;
	r->has_time = true;
	return 0;
}
