/*
 * An index expression ("a,-b,<logs-{now/d}>,eu:c*"): split and checked as
 * text, each element's date math evaluated, then the expression decided
 * as the index part of a search path.
 */
#include "fuzz.h"
#include "parsers.h"

static void as_text(const char *s, size_t n)
{
	prs_limits lim = PRS_LIMITS_DEFAULT;
	prs_request r;
	prs_op op;
	ng_arena a;
	char out[512];
	const char *why;

	memset(&r, 0, sizeof(r));
	memset(&op, 0, sizeof(op));
	ng_arena_init(&a);
	if (prs_split_expr(&r, &a, &lim, s, n, &op) == 0 && !r.status) {
		for (size_t i = 0; i < op.nexprs; i++) {
			const char *e = op.exprs[i];

			(void)prs_has_wildcard(e);
			(void)prs_remote_sep(e, strlen(e));
			(void)prs_valid_index_name(e, strlen(e), &why);
			(void)prs_datemath(e, strlen(e), 1774260000000, out,
					   sizeof(out), &why);
		}
	}
	ng_arena_free(&a);
}

/* "/<expr percent-encoded, ',' kept>/_search" */
static char *as_path(const char *s, size_t n)
{
	char *p = malloc(n * 3 + 16), *w = p;

	if (!p)
		return NULL;
	*w++ = '/';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ',' || (c > 0x20 && c < 0x7f && !strchr("%/?#", c)))
			*w++ = (char)c;
		else
			w += sprintf(w, "%%%02X", c);
	}
	strcpy(w, "/_search");
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *path;
	ng_request *r = NULL;

	as_text((const char *)data, size);
	path = as_path((const char *)data, size);
	if (path && !ng_request_new(&r) && !ng_request_set_user(r, "lena", 4) &&
	    !ng_request_set_time(r, 1774260000000) &&
	    !ng_request_set_rest(r, "GET", 3, path, strlen(path), NULL, 0))
		fz_decide(r);
	ng_request_free(r);
	free(path);
	return 0;
}
