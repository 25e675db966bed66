/*
 * Guest helper for the qemu test group: scatter free memory so that a
 * multi-page buffer allocated afterwards is unlikely to be physically
 * contiguous. Maps MIB MiB, touches every page, unmaps every other page,
 * prints "scattered" and stays alive until killed (the kept pages must
 * stay allocated for the holes to stay holes).
 *
 * usage: lm-scatter MIB
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long mib = argc > 1 ? strtol(argv[1], NULL, 10) : 256;
	long page = sysconf(_SC_PAGESIZE);
	size_t len, off;
	unsigned char *p;

	if (mib <= 0 || page <= 0)
		return 2;
	len = (size_t)mib << 20;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("lm-scatter: mmap");
		return 1;
	}
	/* No transparent hugepage may back it: every page on its own. */
	madvise(p, len, MADV_NOHUGEPAGE);
	for (off = 0; off < len; off += (size_t)page)
		p[off] = 1;
	for (off = 0; off < len; off += 2 * (size_t)page)
		munmap(p + off, (size_t)page);
	printf("scattered\n");
	fflush(stdout);
	for (;;)
		pause();
}
