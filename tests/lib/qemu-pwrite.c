/*
 * Guest helper for the qemu test group: one O_DIRECT write (so one NVMe
 * Write command) per "SLBA NLB" line of standard input, in 512-byte
 * blocks, to DEV. Much faster under TCG than a dd process per range.
 *
 * usage: lm-pwrite DEV <ranges
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned long long slba, nlb;
	void *buf = NULL;
	size_t cap = 0, len;
	int fd, n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: lm-pwrite DEV <ranges\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY | O_DIRECT);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	while (scanf("%llu %llu", &slba, &nlb) == 2) {
		len = (size_t)nlb * 512;
		if (len > cap) {
			free(buf);
			if (posix_memalign(&buf, 4096, len))
				return 1;
			cap = len;
		}
		memset(buf, 0xa5 ^ (n & 0xff), len);
		if (pwrite(fd, buf, len, (off_t)(slba * 512)) != (ssize_t)len) {
			fprintf(stderr, "lm-pwrite: %llu+%llu: ", slba, nlb);
			perror("pwrite");
			return 1;
		}
		n++;
	}
	printf("%d writes\n", n);
	return close(fd) ? 1 : 0;
}
