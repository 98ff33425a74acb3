/* Canary for --config=asan (and valgrind): reads freed memory. Passes in a
 * plain build. The read goes to a volatile so that no optimizer drops it. */
#include <stdlib.h>

volatile int sink;

int main(void)
{
	int *volatile p = malloc(sizeof(int));

	*p = 42;
	free(p);
	sink = *p;
	return 0;
}
