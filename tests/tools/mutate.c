// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mutate: write a damaged copy of a file, reproducibly.
 *
 *   mutate IN OUT SEED
 *
 * The seed picks one of: flip 1-8 random bytes, truncate at a random
 * length, or append random bytes. Used to check that readers refuse or
 * decode, and never crash.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	unsigned int seed, i, n;
	FILE *in, *out;
	unsigned char *b;
	long len, keep;

	if (argc != 4) {
		fprintf(stderr, "usage: mutate IN OUT SEED\n");
		return 2;
	}
	seed = strtoul(argv[3], NULL, 0);
	in = fopen(argv[1], "rb");
	if (!in || fseek(in, 0, SEEK_END) || (len = ftell(in)) < 0) {
		perror(argv[1]);
		return 1;
	}
	rewind(in);
	b = malloc(len + 64);
	if (!b || fread(b, 1, len, in) != (size_t)len) {
		perror(argv[1]);
		return 1;
	}
	fclose(in);
	keep = len;
	switch (rand_r(&seed) % 3) {
	case 0:
		n = 1 + rand_r(&seed) % 8;
		for (i = 0; i < n && len; i++)
			b[rand_r(&seed) % len] ^= 1 + rand_r(&seed) % 255;
		break;
	case 1:
		keep = len ? rand_r(&seed) % len : 0;
		break;
	default:
		n = 1 + rand_r(&seed) % 64;
		for (i = 0; i < n; i++)
			b[len + i] = rand_r(&seed);
		keep = len + n;
		break;
	}
	out = fopen(argv[2], "wb");
	if (!out || fwrite(b, 1, keep, out) != (size_t)keep || fclose(out)) {
		perror(argv[2]);
		return 1;
	}
	free(b);
	return 0;
}
