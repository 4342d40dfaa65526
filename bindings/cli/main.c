/*
 * nodeguard: the command-line tool.
 *
 *   nodeguard eval --policy DIR --metadata FILE [--check] [FILE|-]
 *
 * Results go to stdout, diagnostics to stderr. Exit status: 0 success, 1
 * a check failed, 2 bad usage or unreadable input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *to)
{
	fprintf(to,
		"usage: nodeguard <command> [options]\n"
		"\n"
		"commands:\n"
		"  eval --policy DIR --metadata FILE [--check] [--summary]\n"
		"       [REQUESTS.ndjson|-]    decide recorded requests\n"
		"  version                     print the version\n"
		"\n"
		"exit status: 0 success, 1 a check failed, 2 bad usage or input\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "eval") == 0)
		return cli_eval(argc - 1, argv + 1);
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("nodeguard %s\n", NG_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "nodeguard: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
