// A target for the uprobe and cgroup tests, built with gcc at test time.
//   probe-target call N   calls tsbpf_probe_target() N times, prints the sum
//   probe-target socket   creates a UDP socket, prints "ok" or "errno=N"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

__attribute__((noinline)) int tsbpf_probe_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 2 + 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "call") == 0) {
		long sum = 0;
		int n = atoi(argv[2]);
		for (int i = 0; i < n; i++)
			sum += tsbpf_probe_target(i);
		printf("%ld\n", sum);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "socket") == 0) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0) {
			printf("errno=%d\n", errno);
			return 0;
		}
		close(fd);
		printf("ok\n");
		return 0;
	}
	fprintf(stderr, "usage: %s call N | socket\n", argv[0]);
	return 2;
}
