/* Canary for --config=tsan: two threads increment a plain int without a
 * lock. ThreadSanitizer reports the race whether or not the threads
 * happen to overlap in time. Passes in a plain build. */
#include <pthread.h>

static int counter;

static void *bump(void *arg)
{
	(void)arg;
	for (int i = 0; i < 1000; i++)
		counter++;
	return NULL;
}

int main(void)
{
	pthread_t threads[2];

	for (int i = 0; i < 2; i++)
		pthread_create(&threads[i], NULL, bump, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);
	return 0;
}
