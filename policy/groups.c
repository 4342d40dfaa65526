/*
 * Action groups. A permission list resolves to itself plus everything the
 * groups it names grant, transitively. Group names stay in the result as
 * literal strings, names are never matched as patterns against group
 * names, and a group already expanded is not expanded again, so cycles
 * end (bug-log case B25).
 */
#define POL_INTERNAL
#include <glib.h>
#include <stdlib.h>

#include "policy.h"

struct pol_groups {
	GHashTable *by_name;   /* name -> const pol_group * */
};

int pol_groups_new(const pol_model *m, pol_groups **out)
{
	pol_groups *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (!g)
		return NG_ENOMEM;
	g->by_name = g_hash_table_new(g_str_hash, g_str_equal);
	for (size_t i = 0; i < m->ngroups; i++)
		g_hash_table_insert(g->by_name, m->groups[i].name,
				    (gpointer)&m->groups[i]);
	*out = g;
	return 0;
}

bool pol_groups_has(const pol_groups *g, const char *name)
{
	return g_hash_table_contains(g->by_name, name);
}

static void push_list(GPtrArray *stack, const pol_strlist *l)
{
	for (size_t i = l->n; i-- > 0;)
		g_ptr_array_add(stack, l->v[i]);
}

int pol_groups_resolve(const pol_groups *g, const pol_strlist *perms,
		       void *out)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *expanded = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *stack = g_ptr_array_new();

	/* Depth-first over an explicit stack: nesting depth costs no C stack. */
	push_list(stack, perms);
	while (stack->len) {
		char *s = g_ptr_array_remove_index(stack, stack->len - 1);
		const pol_group *grp = g_hash_table_lookup(g->by_name, s);

		if (g_hash_table_add(seen, s))
			g_ptr_array_add(out, s);
		if (!grp || g_hash_table_contains(expanded, s))
			continue;
		g_hash_table_add(expanded, s);
		push_list(stack, &grp->actions);
	}
	g_ptr_array_free(stack, TRUE);
	g_hash_table_destroy(expanded);
	g_hash_table_destroy(seen);
	return 0;
}

void pol_groups_free(pol_groups *g)
{
	if (!g)
		return;
	g_hash_table_destroy(g->by_name);
	free(g);
}
