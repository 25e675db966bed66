/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whole-message socket I/O for both ends of the lmsim protocol. */
#ifndef LMSIM_IO_H
#define LMSIM_IO_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Move all of buf, or fail: -1 on error or a closed peer. */
static inline int lmsim_full_io(int fd, void *buf, size_t len, bool out)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = out ? send(fd, (char *)buf + done, len - done, MSG_NOSIGNAL)
			: recv(fd, (char *)buf + done, len - done, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return 0;
}

#endif /* LMSIM_IO_H */
