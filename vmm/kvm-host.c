// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvm-host.c - tell hardware KVM from a KVM that only emulates (kvm-host.h).
 */
#include "config.h"

#include "kvm-host.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* /proc/cpuinfo is a few KiB per CPU; the first CPU's flags suffice. */
#define CPUINFO_MAX (64 * 1024)

/* Does the flags list [@p, @end) hold the word @w? */
static bool has_flag(const char *p, const char *end, const char *w)
{
	size_t n = strlen(w);

	while (p < end) {
		const char *q;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		q = p;
		while (q < end && *q != ' ' && *q != '\t')
			q++;
		if ((size_t)(q - p) == n && !memcmp(p, w, n))
			return true;
		p = q;
	}
	return false;
}

enum vmm_kvm_host vmm_kvm_host_classify(const char *cpuinfo, bool pvm_module,
					char *why, size_t size)
{
	const char *line = cpuinfo;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		const char *colon;

		if (!end)
			end = line + strlen(line);
		colon = memchr(line, ':', (size_t)(end - line));
		if (colon && !strncmp(line, "flags", 5) &&
		    strspn(line + 5, " \t") == (size_t)(colon - line - 5)) {
			if (has_flag(colon + 1, end, "vmx") ||
			    has_flag(colon + 1, end, "svm")) {
				snprintf(why, size,
					 "the CPU has hardware virtualization (%s)",
					 has_flag(colon + 1, end, "vmx") ? "vmx" : "svm");
				return VMM_KVM_HOST_HARDWARE;
			}
			snprintf(why, size,
				 "/dev/kvm works but the CPU has no hardware virtualization (no vmx or svm flag%s), so KVM would emulate every guest instruction: about a thousand times slower than tcg, and without SSE",
				 pvm_module ? "; the kvm_pvm module is loaded" : "");
			return VMM_KVM_HOST_EMULATED;
		}
		line = *end ? end + 1 : end;
	}
	snprintf(why, size, "the CPU flags could not be read");
	return VMM_KVM_HOST_UNKNOWN;
}

static enum vmm_kvm_host detected;
static char detected_why[256];

static void detect_once(void)
{
	const char *path = getenv("PLUGVM_CPUINFO");
	char *text = calloc(1, CPUINFO_MAX + 1);
	size_t len = 0;
	int fd;

	if (!path || !*path)
		path = "/proc/cpuinfo";
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (text && fd >= 0) {
		ssize_t n;

		while (len < CPUINFO_MAX &&
		       (n = read(fd, text + len, CPUINFO_MAX - len)) > 0)
			len += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	if (!text || fd < 0) {
		detected = VMM_KVM_HOST_UNKNOWN;
		snprintf(detected_why, sizeof(detected_why),
			 "%s could not be read", path);
	} else {
		/* A line cut at the limit must not count as a whole one. */
		if (len == CPUINFO_MAX) {
			char *nl = strrchr(text, '\n');

			if (nl)
				nl[1] = '\0';
		}
		detected = vmm_kvm_host_classify(
			text, access("/sys/module/kvm_pvm", F_OK) == 0,
			detected_why, sizeof(detected_why));
	}
	free(text);
}

enum vmm_kvm_host vmm_kvm_host_detect(const char **why)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, detect_once);
	if (why)
		*why = detected_why;
	return detected;
}
