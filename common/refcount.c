#include "common/refcount.h"

#include <stdio.h>
#include <stdlib.h>

void refcount__die(const char *what)
{
	fprintf(stderr, "refcount: %s\n", what);
	abort();
}
