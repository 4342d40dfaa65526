/*
 * Decision tables: the part of the policy's answer that depends on both
 * the compiled policy and the metadata snapshot, computed once when an
 * engine is built so that a check on a concrete name is a hash lookup and
 * a bitset intersection.
 *
 * For every metadata name (index, alias, data stream) the set of
 * index-permission entries whose static patterns match the name itself is
 * computed and interned: names matched by the same entries share one set.
 * Actions are grouped into classes that no entry tells apart. For each
 * (set, class) the table keeps the set of roles whose entries grant the
 * class, also interned. Entries that match every name ("*" without
 * exclusions) are kept apart in one row per class.
 *
 * Immutable once built; shared by every thread deciding with the engine.
 */
#ifndef NG_TABLES_H
#define NG_TABLES_H

#include <stddef.h>

#include "metadata.h"
#include "policy.h"

typedef struct tb_tables tb_tables;

/* The tables cannot answer: the name is not in the metadata or the action
 * is outside the dictionary. The caller decides by scanning entries. */
#define TB_UNKNOWN (-2)

int tb_build(const pol_compiled *pc, const ng_metadata *md, tb_tables **out);
void tb_free(tb_tables *t);

/* The lowest role of `roles` with an entry whose static patterns match
 * `name` itself and that grants action `aid`; -1 when none; TB_UNKNOWN
 * when the tables do not cover the name or the action. Dynamic patterns
 * (${...}, date math) are never considered here. No allocation. */
int tb_grant(const tb_tables *t, const ng_metadata *md, const char *name,
	     int aid, const pol_word *roles);

/* The entries of `role` are pc->entries[*first .. *end). Returns false
 * when the compiled entries are not grouped by role (then scan them all). */
bool tb_role_entries(const tb_tables *t, size_t role, size_t *first,
		     size_t *end);

#endif /* NG_TABLES_H */
