/* main() for the corpus tests (//fuzz:mN_corpus_test): every file of the
 * directory named on the command line goes through the fuzz target once,
 * as libFuzzer would give it, in any configuration (gcc, sanitizers,
 * valgrind). A divergence aborts, as under libFuzzer. */
#define _POSIX_C_SOURCE 200809L /* struct dirent, fileno */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read @path whole into a new buffer, its length into *@size.
 * Return: the buffer (free it), or NULL with a message on stderr. */
static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long len;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || !(data = malloc((size_t)len + 1)) ||
	    fread(data, 1, (size_t)len, f) != (size_t)len) {
		perror(path);
		free(data);
		data = NULL;
	}
	*size = data ? (size_t)len : 0;
	if (f)
		fclose(f);
	return data;
}

/* Return: 0 when every input of argv[1] ran; 1 when the directory cannot
 * be read, holds no input, or a file cannot be read. */
int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIRECTORY\n", argv[0]);
		return 1;
	}
	DIR *dir = opendir(argv[1]);

	if (!dir) {
		perror(argv[1]);
		return 1;
	}
	struct dirent *entry;
	int inputs = 0, failed = 0;
	char path[4096];

	while ((entry = readdir(dir))) {
		if (entry->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], entry->d_name);
		size_t size;
		uint8_t *data = read_file(path, &size);

		if (!data) {
			failed = 1;
			continue;
		}
		LLVMFuzzerTestOneInput(data, size);
		free(data);
		inputs++;
	}
	closedir(dir);
	printf("%d inputs of %s ran\n", inputs, argv[1]);
	if (inputs == 0)
		fprintf(stderr, "%s: no input\n", argv[1]);
	return failed || inputs == 0;
}
