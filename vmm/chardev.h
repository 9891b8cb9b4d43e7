/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * chardev.h - character devices: where a device's output goes, where its
 * input comes from, and the console (plugvm's standard input when it is a
 * terminal).
 *
 * Output. A sink writes to a destination: stdout (one for the whole
 * machine, shared by every device that chose it, so that one write is
 * never split by another device's), a file of its own, or nothing (a
 * capture only). Each destination has a bounded buffer (VMM_CHARDEV_BOUND
 * bytes). One that can stall (a pipe, a FIFO, a socket, a terminal) is
 * written without blocking, through a descriptor of its own opened
 * O_NONBLOCK where Linux allows (a pipe or a terminal reopened through
 * /proc/self/fd): what a millisecond gathers (4 KiB at most) in one
 * write, from the event thread's timer or the writer's thread, and by
 * the event thread's watch when the consumer lags; what does not fit in the buffer
 * while the consumer stalls is dropped and counted: a vCPU never waits for
 * a reader. A regular file or another device (/dev/null) is written
 * directly, 4 KiB at a time. When the machine ends, each destination gets
 * VMM_CHARDEV_FLUSH_MS to take what is left.
 *
 * Input. An input reads a descriptor (stdin, or a path opened read-only
 * and without blocking) on the event thread, through a watch (a timer for
 * a regular file, which epoll cannot wait on), and hands the bytes to the
 * device's receive() under the device's lock, never more than its
 * can_receive() says: at 0 the input pauses, the bytes wait where they
 * are, until input_ready(). The end of the input is EVENT_EOF, once.
 *
 * The console: when the machine runs and stdin is an input and a
 * terminal of the foreground job, it is in raw mode (no echo, no line
 * editing, Ctrl-C to the guest), restored when the machine stops
 * (vmm_chardevs_stop()), at exit() and from a crash handler
 * (vmm_console_restore()). Its input keeps QEMU's escape key: Ctrl-A x
 * quits (the machine's quit hook: status 0), Ctrl-A Ctrl-A sends one
 * Ctrl-A, Ctrl-A b sends EVENT_BREAK, Ctrl-A h prints the list on stderr.
 *
 * A manual set (the device test kit) reads nothing and writes output
 * synchronously: the test types input (vmm_chardev_in_feed()) and may
 * make a sink stall (vmm_chardev_stall()).
 *
 * Layer 1, base (README.md, "Layout"): calls the C library, Linux and the
 * event loop (events.h); it knows no device: whose lock input runs under
 * is handed to it (an events owner).
 */
#ifndef VMM_CHARDEV_H
#define VMM_CHARDEV_H

#include "events.h"

#include <plugvm/plugin.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes a destination keeps for a consumer that is slower than the guest. */
#define VMM_CHARDEV_BOUND (64 * 1024)
/* How long the end of the machine waits for each stalled destination. */
#define VMM_CHARDEV_FLUSH_MS 500

/* The console's escape key, Ctrl-A, as in QEMU. */
#define VMM_CONSOLE_ESCAPE 0x01

/* Memory that a sink copies what it accepts into; NUL-terminated. The
 * owner (the kit) initializes @lock and frees @data. */
struct vmm_chardev_capture {
	pthread_mutex_t lock;
	char *data;
	size_t len, cap;
};

struct vmm_chardevs;
struct vmm_chardev_dest;
struct vmm_chardev_in;

/* A sink; embedded by its user, never shared between two users. */
struct vmm_chardev {
	struct vmm_chardev_dest *dest; /* NULL: capture only */
	struct vmm_chardev_capture *capture; /* may be NULL */
	size_t room; /* the kit's stall: bytes still taken (SIZE_MAX) */
	_Atomic uint64_t dropped; /* bytes the sink did not accept */
};

/*
 * The character devices of one machine (or test bench). @ev: the event
 * loop inputs and stalled outputs use; @manual: the test kit's (nothing
 * is read, output is written at once). @quit(@ctx): Ctrl-A x, from the
 * event thread. Returns 0 and *@out, or -ENOMEM.
 */
int vmm_chardevs_new(struct vmm_events *ev, bool manual,
		     void (*quit)(void *ctx), void *ctx,
		     struct vmm_chardevs **out);

/* Free @cs, after every sink and input was closed. NULL is fine. */
void vmm_chardevs_free(struct vmm_chardevs *cs);

/*
 * The machine starts running: the console goes raw (when stdin is an
 * input and a terminal). Returns nothing: a terminal that cannot be
 * switched is said as a warning, and used as it is.
 */
void vmm_chardevs_start(struct vmm_chardevs *cs);

/* The machine stopped: the console is restored. Idempotent. */
void vmm_chardevs_stop(struct vmm_chardevs *cs);

/* ---- output -------------------------------------------------------------- */

/* Whether @spec is "none": no sink at all (the caller opens nothing). */
bool vmm_chardev_spec_is_none(const char *spec);

/*
 * Open @c for @spec: "stdout", or a path, created or truncated. @capture
 * (may be NULL) also gets every accepted byte. Returns 0, or the -errno
 * of open().
 */
int vmm_chardev_open(struct vmm_chardevs *cs, struct vmm_chardev *c,
		     const char *spec, struct vmm_chardev_capture *capture);

/*
 * Hand @len bytes of @buf to @c. Returns the number accepted, the others
 * are dropped and counted: a stalled consumer, or a failure, whose -errno
 * goes to *@err (once per failure; 0 otherwise). The capture gets what
 * was accepted. Never waits for a consumer.
 */
size_t vmm_chardev_write(struct vmm_chardev *c, const void *buf, size_t len,
			 int *err);

/* Bytes @c dropped so far. */
uint64_t vmm_chardev_dropped(const struct vmm_chardev *c);

/* The kit: the consumer of @c stalls after @room more bytes (SIZE_MAX:
 * never). */
void vmm_chardev_stall(struct vmm_chardev *c, size_t room);

/*
 * Flush @c (at most VMM_CHARDEV_FLUSH_MS for a stalled destination) and
 * let go of its destination. Returns 0, or the -errno of a failure to
 * write what was buffered. What the consumer never took is counted in
 * *@lost (may be NULL).
 */
int vmm_chardev_close(struct vmm_chardev *c, uint64_t *lost);

/* ---- input --------------------------------------------------------------- */

/*
 * Open an input for @spec: "stdin" or a path (the caller handles "none").
 * @holder names who takes it, for the message of the next one that asks
 * for stdin. Returns 0 and *@out; -EBUSY (stdin is another's: *@busy_with
 * gets that holder's name, valid while it holds it), or the -errno of
 * open().
 */
int vmm_chardev_in_open(struct vmm_chardevs *cs, const char *spec,
			const char *holder, struct vmm_chardev_in **out,
			const char **busy_with);

/* Whether @cs's stdin is free. */
bool vmm_chardev_stdin_free(const struct vmm_chardevs *cs);

/*
 * Route @in to @ops/@opaque, callbacks under @owner's lock (events.h),
 * from the event thread (or the kit's feeding). 0, -EBUSY (set already),
 * or -ENOMEM/-errno of the event loop.
 */
int vmm_chardev_in_set(struct vmm_chardev_in *in,
		       const struct plugvm_chardev_input *ops, void *opaque,
		       struct vmm_events_owner *owner);

/* The device can take input again. Any thread; never calls back. */
void vmm_chardev_in_ready(struct vmm_chardev_in *in);

/* Stop reading and close @in (after its owner's events were released).
 * NULL is fine. */
void vmm_chardev_in_close(struct vmm_chardev_in *in);

/* The kit: queue @len bytes, deliver what the device takes now; returns
 * that number. */
size_t vmm_chardev_in_feed(struct vmm_chardev_in *in, const void *buf,
			   size_t len);
/* The kit: queue @event after the bytes queued; delivered when they are. */
void vmm_chardev_in_event(struct vmm_chardev_in *in, uint32_t event);
/* The kit: bytes queued and not taken. */
size_t vmm_chardev_in_pending(const struct vmm_chardev_in *in);
/* The kit: deliver to every input of @cs that had input_ready(). */
void vmm_chardevs_kick(struct vmm_chardevs *cs);

/* ---- for crash handlers (async-signal-safe) ------------------------------ */

/* Put the console's terminal back as it was before raw mode. */
void vmm_console_restore(void);

/*
 * Write what every destination still buffers, waiting at most @ms
 * milliseconds in all for stalled consumers. Takes no lock: for a process
 * that is about to die.
 */
void vmm_console_flush_async(int ms);

#endif
