/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whole-message socket I/O for both ends of the lmsim protocol, and the
 * daemon's listening sockets.
 */
#ifndef LMSIM_IO_H
#define LMSIM_IO_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

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

/*
 * A Unix socket listening at path, in place of whatever was there, that
 * only its owner may connect to: mode 0600 whatever the umask (bind makes
 * the node with the umask applied). -1 with errno set on failure.
 */
static inline int lmsim_listen(const char *path, int backlog)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old;
	int fd, ret, e;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	strcpy(sa.sun_path, path);
	unlink(path);
	old = umask(0177);
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret || listen(fd, backlog)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

#endif /* LMSIM_IO_H */
