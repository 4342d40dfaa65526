/*
 * The dictionary of known action names (actions_gen.c) and the questions
 * asked of it.
 */
#define POL_INTERNAL
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

int pol_dict_find(const char *name)
{
	const char *const *hit;

	if (!name)
		return -1;
	hit = bsearch(name, pol_dict, pol_dict_len, sizeof(pol_dict[0]),
		      cmp_name);
	return hit ? (int)(hit - pol_dict) : -1;
}

/* The Security REST API permissions and explicit system-index access are
 * never granted by a bare "*", as in the peer. */
bool pol_action_is_explicit(const char *name)
{
	return strncmp(name, "restapi:", 8) == 0 ||
	       strcmp(name, "system:admin/system_index") == 0;
}

const char *pol_action_name(const pol_compiled *pc, int id)
{
	if (id < 0 || (size_t)id >= pol_dict_len)
		return NULL;
	return pol_dict[id];
}
