/*
 * The nodeguard command's subcommands. They use the public API only.
 */
#ifndef NG_CLI_H
#define NG_CLI_H

#include "nodeguard.h"

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

int cli_eval(int argc, char **argv);

/* Load a policy and metadata into an engine; prints the error and returns
 * CLI_USAGE on failure. */
int cli_open_engine(const char *policy, const char *metadata,
		    ng_engine **out);
/* "file:line:col: message" of the thread's last error, to stderr. */
void cli_print_error(const char *what);

#endif /* NG_CLI_H */
