/* Canary for --config=valgrind (and ASan's leak checker): loses the only
 * pointer to a heap block. Passes in a plain build. */
#include <stdlib.h>

void *volatile sink;

int main(void)
{
	sink = malloc(100);
	sink = NULL;
	return 0;
}
