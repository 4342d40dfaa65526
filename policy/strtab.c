/*
 * Building the request path's string tables (strtab.h).
 */
#include <stdlib.h>

#include "strtab.h"

pol_strtab *pol_strtab_new(size_t max_keys)
{
	pol_strtab *t = calloc(1, sizeof(*t));
	size_t cap = 16;

	while (cap < 2 * max_keys)
		cap *= 2;
	if (t)
		t->v = calloc(cap, sizeof(pol_strslot));
	if (!t || !t->v) {
		free(t);
		return NULL;
	}
	t->mask = cap - 1;
	t->max = max_keys;
	return t;
}

uint32_t *pol_strtab_put(pol_strtab *t, const char *key)
{
	size_t n = strlen(key);
	uint32_t h = pol_str_hash(key, n);
	pol_strslot *e = pol_strtab_slot(t, key, n, h);

	if (e->key)
		return &e->value;
	if (t->n == t->max || n > UINT32_MAX)
		return NULL;
	t->n++;
	e->key = key;
	e->len = (uint32_t)n;
	e->hash = h;
	e->value = POL_STRTAB_NONE;
	return &e->value;
}

void pol_strtab_free(pol_strtab *t)
{
	if (!t)
		return;
	free(t->v);
	free(t);
}
