/*
 * The model's pool: a bump allocator. A model is built once and freed
 * whole, so nothing inside it is freed on its own.
 */
#define POL_INTERNAL
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define POOL_CHUNK 16384

typedef struct pool_chunk {
	struct pool_chunk *next;
	size_t size, used;
	alignas(max_align_t) unsigned char data[];
} pool_chunk;

struct pol_pool {
	pool_chunk *head;
};

pol_pool *pol_pool_new(void)
{
	return calloc(1, sizeof(pol_pool));
}

static pool_chunk *chunk_new(size_t need)
{
	size_t size = need > POOL_CHUNK ? need : POOL_CHUNK;
	pool_chunk *c = malloc(sizeof(*c) + size);

	if (!c)
		return NULL;
	c->size = size;
	c->used = 0;
	c->next = NULL;
	return c;
}

void *pol_pool_alloc(pol_pool *p, size_t n)
{
	const size_t align = alignof(max_align_t);
	pool_chunk *c = p->head;
	void *r;

	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	if (!c || c->size - c->used < n) {
		c = chunk_new(n);
		if (!c)
			return NULL;
		c->next = p->head;
		p->head = c;
	}
	r = c->data + c->used;
	c->used += n;
	memset(r, 0, n);
	return r;
}

char *pol_pool_strndup(pol_pool *p, const char *s, size_t n)
{
	char *r = pol_pool_alloc(p, n + 1);

	if (r)
		memcpy(r, s, n);
	return r;
}

char *pol_pool_strdup(pol_pool *p, const char *s)
{
	return pol_pool_strndup(p, s, strlen(s));
}

void pol_pool_free(pol_pool *p)
{
	pool_chunk *c, *next;

	if (!p)
		return;
	for (c = p->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(p);
}
