/* Canary for --config=asan (UBSan): signed int overflow. Passes in a plain
 * build, where it wraps. */
#include <limits.h>

volatile int sink;

int main(void)
{
	volatile int big = INT_MAX;

	sink = big + 1;
	return 0;
}
