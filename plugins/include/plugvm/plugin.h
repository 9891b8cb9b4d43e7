/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugvm/plugin.h - the plugvm device plugin SDK.
 *
 * This is the only header a device plugin needs. It is self-contained: it
 * includes nothing but <stdint.h>, <stddef.h> and <stdbool.h>.
 *
 * A plugin is a shared object named <type>.so. It defines exactly one entry
 * point with PLUGVM_PLUGIN_DEFINE(), which returns a const descriptor: the
 * ABI and API versions it was built for, its name, a one-line description,
 * the table of settings it accepts and its callbacks.
 *
 * Life cycle, as the host drives it:
 *   1. dlopen(RTLD_NOW | RTLD_LOCAL), then plugvm_plugin_describe(). The host
 *      checks abi_version and min_api_version before it calls anything else.
 *   2. create() once per [device] section, with the validated settings. The
 *      device registers its address ranges from create().
 *   3. reset() once, right after every successful create(). Power-on
 *      register values belong here. reset() must not raise IRQs. plugvm
 *      has no machine reset yet: a guest that reboots (through chipset
 *      pc's 8042) ends the machine with status 0 instead. Write reset()
 *      so that it may run again at any time no callback runs, as
 *      plugvm_devtest_reset() in the test kit does, and a machine reset
 *      will.
 *   4. read()/write() callbacks while vCPUs run.
 *   5. destroy() once, after every vCPU has stopped, on every exit path
 *      (guest halt, exit request, fault, timeout, SIGINT). Flush output
 *      of your own here; the host flushes and closes the character
 *      sinks it opened for the device (chardev_open()) after destroy().
 *
 * Versioning rules:
 *   - PLUGVM_ABI_VERSION changes whenever an existing struct member, enum
 *     value or function signature changes meaning, size or place. The host
 *     loads a plugin only when the ABI versions are equal.
 *   - PLUGVM_API_VERSION grows when something is added at the end of a struct
 *     (taken from its reserved space) or a new enum value appears. A plugin
 *     records the API version it was built against in min_api_version; the
 *     host refuses a plugin whose min_api_version is newer than its own API,
 *     naming both versions. Everything a plugin built for API N can see
 *     exists in every host with API >= N.
 *
 * Threading rules:
 *   - create(), reset() and destroy() run on the main thread, never while a
 *     vCPU is inside one of the device's callbacks.
 *   - read()/write() run on the thread running the vCPU: a vCPU thread,
 *     or on tcg the event thread, which runs a vCPU waiting in HLT through
 *     an interrupt its callbacks raised itself (for at most 50 us), rather
 *     than wake the vCPU's thread. No timer or watch callback of any
 *     device runs meanwhile, so a read() or write() must never wait for
 *     one (it would wait for good). Unless the descriptor sets
 *     PLUGVM_PLUGIN_THREAD_SAFE, the host serializes all read()/write()
 *     calls of one device instance, so a device needs no locking of its own.
 *   - Timer and watch callbacks (API 2) run on the host's event thread,
 *     never on a vCPU thread and never inside a read() or write(),
 *     serialized with read()/write() in the same way: one lock per device
 *     covers all of its callbacks.
 *   - Every host function may be called from any thread: from the
 *     callbacks, and from threads of the plugin's own, while the machine
 *     runs (from create() until destroy() returns). The exceptions are
 *     register_range(), setting_error(), chardev_open(),
 *     chardev->set_input() and irqchip->attach(), which belong to
 *     create(). A plugin needs no
 *     thread of its own for a timer or for input: use host->timer and
 *     host->watch. If it has threads anyway, it stops them in destroy().
 *   - A host function never calls back into the device that calls it,
 *     so it may be called with the device's own locks held; set_irq()
 *     may run the interrupt controller's callbacks, under its lock. But
 *     timer->cancel()/free() and watch->set()/free() wait for a callback
 *     of theirs running on the event thread: from a thread of the
 *     plugin's own, call them holding no lock those callbacks take.
 *
 * Sandbox (API 3): before the first guest instruction plugvm installs a
 * seccomp filter (unless run with --no-sandbox) on every thread, the
 * device's own threads started in create() included. From then on a
 * device's callbacks and threads may make the system calls the SDK's own
 * functions need, and those plugvm(1) lists as the default set (reads and
 * writes on open descriptors, memory, futex, the clock, sleeping, epoll,
 * exit; ioctl only for KVM's and the terminal's requests); a device that
 * needs more names them in its descriptor (plugvm_plugin.syscalls). Any
 * other call raises SIGSYS and stops plugvm with status 4 and one line
 * naming the device, the callback and the call. Open files, sockets and
 * devices in create(), which runs before the filter. Starting a thread
 * after create() (clone, clone3) fails with EPERM instead, unless listed.
 *
 * Broken plugins: plugvm names what went wrong and never reports success
 * for it (plugvm(1), "BROKEN PLUGINS", exit status 4):
 *   - a crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, abort(), a failed assert)
 *     in a callback prints one line: the device, its plugin file and the
 *     callback ("while loading" for a constructor or the descriptor
 *     function); the guest output buffered so far is written out and the
 *     terminal restored first;
 *   - exit() from a plugin (any status) is reported the same way;
 *   - a callback that never returns: once the machine is asked to stop,
 *     plugvm waits a bounded time, then names the device and callback that
 *     hold the vCPU (or the event thread) and exits anyway.
 * A callback should therefore return promptly: wait for nothing the guest
 * or another thread may never provide, use timers and watches instead.
 *
 * Errors: create() returns 0 or a negative errno value, and reports the
 * reason first: host->setting_error() for a setting's value it cannot use,
 * host->log() at PLUGVM_LOG_ERROR for anything else. A failed
 * register_range() has been reported by the host already. A positive
 * return value is a plugin bug, and reported as one. A plugin never calls
 * exit() or abort() (plugvm reports either as a broken plugin, above); a
 * guest that misuses a device is logged with
 * PLUGVM_LOG_GUEST_ERROR and the access is ignored.
 */
#ifndef PLUGVM_PLUGIN_H
#define PLUGVM_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Binary layout version of everything in this header. Must match exactly. */
#define PLUGVM_ABI_VERSION 1
/** Feature level of the host interface. A host serves every level <= its own. */
#define PLUGVM_API_VERSION 3

/** Name of the one symbol every plugin exports (see PLUGVM_PLUGIN_DEFINE). */
#define PLUGVM_PLUGIN_SYMBOL "plugvm_plugin_describe"

#if defined(__GNUC__)
#define PLUGVM_EXPORT __attribute__((visibility("default")))
#define PLUGVM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define PLUGVM_MUST_CHECK __attribute__((warn_unused_result))
#else
#define PLUGVM_EXPORT
#define PLUGVM_PRINTF(a, b)
#define PLUGVM_MUST_CHECK
#endif

/* ------------------------------------------------------------------------ */
/* Settings                                                                 */
/* ------------------------------------------------------------------------ */

/** The type of one setting; the host parses and checks values for you. */
enum plugvm_setting_type {
	/** Unsigned number: decimal or 0x hex, within [min, max]. */
	PLUGVM_SETTING_U64 = 0,
	/** A size: like U64, and also accepts a K, M or G suffix (powers of 2). */
	PLUGVM_SETTING_SIZE = 1,
	/** true/false, yes/no, on/off, 1/0. */
	PLUGVM_SETTING_BOOL = 2,
	/** Any text. */
	PLUGVM_SETTING_STRING = 3,
	/** One of the NULL-terminated @choices. */
	PLUGVM_SETTING_ENUM = 4,
	/* Keeps the enum 32 bits wide, even with -fshort-enums. */
	PLUGVM_SETTING_TYPE_MAX_ = 0x7fffffff
};

/**
 * One setting a device accepts, as written in its [device "ID"] section.
 * The table in the descriptor ends with an entry whose name is NULL.
 */
struct plugvm_setting {
	/** Key in the machine file: lower case, digits and '-'. */
	const char *name;
	/** How the value is parsed. */
	enum plugvm_setting_type type;
	/** Default as it would be written in the file; NULL means required. */
	const char *def;
	/** One line of help for `plugvm --describe`. */
	const char *help;
	/** ENUM only: the accepted words, NULL-terminated. */
	const char *const *choices;
	/**
	 * U64 and SIZE only: accepted range. min = max = 0 means any value.
	 * The host refuses a value outside it, naming the setting, before
	 * create() runs: create() need not check it again.
	 */
	uint64_t min, max;
	void *reserved[2];
};

/**
 * The value of one setting, handed to create() in an array that has one
 * element per entry of the descriptor's settings table, in the same order.
 * The array and its strings belong to the host and stay valid until
 * destroy() returns.
 */
struct plugvm_value {
	/** U64/SIZE: the number. BOOL: 0 or 1. ENUM: index into choices. */
	uint64_t u64;
	/** STRING: the text. ENUM: the chosen word. NULL otherwise. */
	const char *str;
	/** True when the machine file set it, false when it is the default. */
	bool set;
	/* Zero; room for later API versions without changing the stride. */
	uint8_t reserved0[7];
	uint64_t reserved[2];
};

/* ------------------------------------------------------------------------ */
/* Address ranges and their callbacks                                       */
/* ------------------------------------------------------------------------ */

/** The two address spaces a device can own ranges in. */
enum plugvm_space {
	PLUGVM_SPACE_PIO = 0,  /**< x86 port I/O, 16-bit addresses. */
	PLUGVM_SPACE_MMIO = 1, /**< guest-physical memory, 64-bit addresses. */
	PLUGVM_SPACE_MAX_ = 0x7fffffff /* 32 bits wide, even with -fshort-enums */
};

/** Access-size bits for plugvm_io_ops.sizes. */
#define PLUGVM_ACCESS_1 (1u << 0)
#define PLUGVM_ACCESS_2 (1u << 1)
#define PLUGVM_ACCESS_4 (1u << 2)
#define PLUGVM_ACCESS_8 (1u << 3)
#define PLUGVM_ACCESS_ANY                                                  \
	(PLUGVM_ACCESS_1 | PLUGVM_ACCESS_2 | PLUGVM_ACCESS_4 | PLUGVM_ACCESS_8)

/**
 * Callbacks for one registered range. @offset is the address minus the
 * range's base; @size is 1, 2, 4 or 8 bytes and always one the range
 * takes (see @sizes).
 *
 * The access contract: what the guest did, and what reaches the callbacks.
 * plugvm (kvm and tcg alike) and the device test kit share one
 * implementation of it.
 *   - An access must lie wholly inside one range. One that runs past the
 *     end of the range (even into an adjacent range, of this device or
 *     another) reaches no callback: it is treated as an access to
 *     unmapped space (reads all-ones, writes dropped, logged with -v; a
 *     strict machine stops with a guest fault).
 *   - An access of a size in @sizes reaches the callback as it is. A
 *     misaligned one (a 4-byte access at offset 2) does too, as (offset 2,
 *     size 4), for port I/O, for MMIO on kvm and in the test kit; but
 *     plugvm on tcg (Unicorn) turns misaligned MMIO into naturally
 *     aligned accesses of the same size around it, so a read may reach
 *     bytes the guest did not ask for. Do not count on misaligned MMIO
 *     either way (tests/check_kitcmp.c compares only aligned accesses).
 *   - Port I/O (1, 2 or 4 bytes, from IN and OUT) of a size not in @sizes
 *     is refused like an access to unmapped space. For port I/O, @sizes
 *     is what the guest may do (QEMU's `valid`).
 *   - MMIO (1 to 8 bytes) of a size not in @sizes is split into
 *     naturally aligned pieces of sizes in @sizes, as large as alignment
 *     and the remaining length allow, lowest address first; a read
 *     assembles the pieces little-endian. The pieces of one access are
 *     made under one hold of the device's lock. For MMIO, @sizes is what
 *     the callbacks take (QEMU's `impl`): a device that sets
 *     PLUGVM_ACCESS_1 sees every MMIO access, of any size, in bytes. An
 *     access that cannot be split that way (no PLUGVM_ACCESS_1 and a
 *     piece needs it, e.g. a 2-byte access to a 4-byte-only range) is
 *     refused as a whole, with no callback made.
 *   - What the accelerator hands on: kvm passes a guest's 8-byte MMIO
 *     access whole, but plugvm on tcg (Unicorn 2) receives it as two
 *     4-byte accesses, and never combines them. A range that takes only
 *     8-byte accesses (PLUGVM_ACCESS_8 alone) therefore works on kvm and
 *     in the test kit, and refuses 8-byte guest accesses on tcg: give an
 *     MMIO range PLUGVM_ACCESS_4 too, as 64-bit registers on real buses
 *     commonly allow.
 */
struct plugvm_io_ops {
	/** Return the value read; the host truncates it to @size bytes. */
	uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
	/** @value holds @size bytes, zero-extended. */
	void (*write)(void *opaque, uint64_t offset, unsigned size,
		      uint64_t value);
	/** Accepted access sizes (PLUGVM_ACCESS_*); 0 means any. */
	uint32_t sizes;
	uint32_t reserved0;
	void *reserved[2];
};

/* ------------------------------------------------------------------------ */
/* The host interface                                                       */
/* ------------------------------------------------------------------------ */

/** Log levels, most severe first. */
enum plugvm_log_level {
	PLUGVM_LOG_ERROR = 0,       /**< always shown */
	PLUGVM_LOG_WARN = 1,        /**< always shown */
	PLUGVM_LOG_GUEST_ERROR = 2, /**< guest misused the device; with -v */
	PLUGVM_LOG_INFO = 3,        /**< with -v */
	PLUGVM_LOG_DEBUG = 4,       /**< with -vv */
	PLUGVM_LOG_MAX_ = 0x7fffffff /* 32 bits wide, even with -fshort-enums */
};

/** The host's handle for one device instance. Opaque to plugins. */
struct plugvm_device;

/** A character sink the host opened for a device. Opaque to plugins. */
struct plugvm_chardev;

/** chardev_open() flags. */
#define PLUGVM_CHARDEV_OUTPUT (1u << 0) /**< the device writes to it */
/** Since API 3: the device reads from it (plugvm_chardev_ops.set_input). */
#define PLUGVM_CHARDEV_INPUT (1u << 1)
/**
 * Since API 3, with PLUGVM_CHARDEV_INPUT and spec "stdin": take plugvm's
 * standard input only if no device holds it yet, else open nothing (0,
 * *out NULL), quietly. What a serial port's `input = auto` means: the
 * first serial port of the machine file gets stdin, the others none.
 */
#define PLUGVM_CHARDEV_STDIN_FIRST (1u << 2)

/* ------------------------------------------------------------------------ */
/* Character input (API version 3)                                          */
/* ------------------------------------------------------------------------ */

/** Events for plugvm_chardev_input.event. */
#define PLUGVM_CHARDEV_EVENT_EOF 1u   /**< the input ended; no receive() follows */
#define PLUGVM_CHARDEV_EVENT_BREAK 2u /**< a break (the console's Ctrl-A b) */

/**
 * What a device that takes input gives the host (set_input()). The host
 * reads the input itself, on its event thread, and calls these there,
 * never on a vCPU thread, serialized with the device's read(), write(),
 * timers and watches (the device's lock), as timer callbacks are.
 * The host never reads more than the device says it can take: that is
 * the flow control. A 16550A with room for 3 bytes in its RX FIFO
 * returns 3 from can_receive(); when it returns 0 the host stops reading
 * (the bytes wait in the pipe, the file or the terminal, not in plugvm)
 * until the device calls input_ready().
 */
struct plugvm_chardev_input {
	/** How many bytes the device can take now; 0 pauses the input. */
	size_t (*can_receive)(void *opaque);
	/**
	 * @len bytes arrived, 1 <= @len <= what can_receive() returned just
	 * before, in the same hold of the device's lock.
	 */
	void (*receive)(void *opaque, const uint8_t *buf, size_t len);
	/** PLUGVM_CHARDEV_EVENT_*. May be NULL. */
	void (*event)(void *opaque, uint32_t event);
	void *reserved[4];
};

/**
 * Character devices, host->chardev (since API 3): input, and what became
 * of output. A sink opened with PLUGVM_CHARDEV_INPUT is an input:
 *   "stdin"   plugvm's standard input (one device at most; a second gets
 *             -EBUSY, reported naming the holder, unless it asked with
 *             PLUGVM_CHARDEV_STDIN_FIRST). When stdin is a terminal,
 *             plugvm puts it in raw mode while the machine runs, restores
 *             it on every exit path, and keeps an escape key as QEMU
 *             does: Ctrl-A x ends the machine (status 0), Ctrl-A Ctrl-A
 *             sends one Ctrl-A, Ctrl-A b sends a break, Ctrl-A h lists
 *             these on stderr.
 *   "none"    nothing (0, *out NULL): the device never receives a byte.
 *   a path    a file, FIFO, terminal or socket-like file, opened
 *             read-only without blocking start-up.
 * The end of an input (end of file, a closed pipe) is not an error: the
 * device gets PLUGVM_CHARDEV_EVENT_EOF once.
 *
 * Output (PLUGVM_CHARDEV_OUTPUT) never blocks a vCPU for long: the host
 * keeps a bounded buffer per sink and writes it out on its event thread;
 * bytes past the bound, while the consumer stalls, are dropped and counted
 * (plugvm -v reports the count per sink at exit). chardev_write() returns
 * what was accepted.
 */
struct plugvm_chardev_ops {
	/** sizeof(struct plugvm_chardev_ops) in the host. */
	uint32_t size;
	uint32_t reserved0;
	/**
	 * Route the input of @chr (opened with PLUGVM_CHARDEV_INPUT) to @in
	 * with @opaque. Only from create(), after chardev_open(); input
	 * starts flowing when the machine runs (the test kit: when the test
	 * feeds it). Returns 0, -EINVAL (@chr or @in NULL, no can_receive or
	 * receive, not an input), -EBUSY (set already), -EPERM (not in
	 * create()). @in must stay valid until destroy() returns.
	 */
	int (*set_input)(struct plugvm_chardev *chr,
			 const struct plugvm_chardev_input *in, void *opaque);
	/**
	 * The device can take input again (can_receive() would now return
	 * more than 0): the host resumes reading. Any thread, typically from
	 * read() when the guest empties a FIFO; the host calls receive()
	 * later, never from inside input_ready(). Cheap when nothing waits.
	 * NULL is fine.
	 */
	void (*input_ready)(struct plugvm_chardev *chr);
	/**
	 * Bytes of output @chr has dropped so far (stalled consumer, failed
	 * writes). Any thread. 0 for NULL.
	 */
	uint64_t (*dropped)(struct plugvm_chardev *chr);
	void (*reserved[5])(void);
};

/* ------------------------------------------------------------------------ */
/* Time, events and interrupt controllers (API version 2)                   */
/* ------------------------------------------------------------------------ */

/** A device's timer. Opaque to plugins. */
struct plugvm_timer;

/** A device's watch on a file descriptor. Opaque to plugins. */
struct plugvm_watch;

/**
 * What a timer calls when its deadline has come: on the host's event
 * thread, never on a vCPU thread, serialized with the device's read(),
 * write() and its other timer and watch callbacks (under the same lock,
 * unless the device is PLUGVM_PLUGIN_THREAD_SAFE). The timer is disarmed
 * when the callback starts; the callback may arm it again.
 */
typedef void (*plugvm_timer_fn)(void *opaque);

/**
 * Timers, host->timer. A timer fires once per arm(), at the earliest at its
 * deadline on the machine's clock (host->clock_ns()). Every function may be
 * called from any thread, from create() until destroy() returns.
 */
struct plugvm_timer_ops {
	/** sizeof(struct plugvm_timer_ops) in the host. */
	uint32_t size;
	uint32_t reserved0;
	/**
	 * Make a disarmed timer for @dev that calls @fn(@opaque). Returns 0
	 * and the timer in *@out, -EINVAL (@fn or @out NULL; a plugin bug,
	 * logged as one) or -ENOMEM (also, logged once, when @dev has 4096
	 * timers already: a leak must not exhaust the host). The host frees
	 * timers a device left after its destroy() returns.
	 *
	 * Create a device's timers (and watches) in create(). Where nothing
	 * else calls a device concurrently (tcg, or one vCPU), plugvm drops
	 * the lock around read() and write() of devices that own no timer
	 * and no watch when the machine starts; a timer created later still
	 * fires, but its callback is then not serialized with read() and
	 * write(), and the host warns once.
	 */
	int (*create)(struct plugvm_device *dev, plugvm_timer_fn fn,
		      void *opaque, struct plugvm_timer **out);
	/**
	 * Arm @timer for @deadline_ns, an absolute time on clock_ns()'s
	 * clock; a deadline already past fires as soon as the event thread
	 * can. Arming an armed timer moves its deadline. Returns 0, or
	 * -EINVAL for a NULL timer.
	 */
	int (*arm)(struct plugvm_timer *timer, uint64_t deadline_ns);
	/**
	 * Disarm @timer. When cancel() returns, its callback is not running
	 * (unless cancel() was called from that callback) and will not run
	 * until the timer is armed again, even if its deadline has passed.
	 * So a device may cancel from read() or write() and trust that no
	 * stale callback follows. NULL is fine.
	 */
	void (*cancel)(struct plugvm_timer *timer);
	/** cancel(), then free @timer. NULL is fine. */
	void (*free)(struct plugvm_timer *timer);
	void (*reserved[4])(void);
};

/** Watch conditions and results, for plugvm_watch_ops. */
#define PLUGVM_WATCH_READ (1u << 0)  /**< data to read, or end of file */
#define PLUGVM_WATCH_WRITE (1u << 1) /**< room to write */
#define PLUGVM_WATCH_HUP (1u << 2)   /**< result only: the peer hung up */
#define PLUGVM_WATCH_ERROR (1u << 3) /**< result only: an error is pending */

/**
 * What a watch calls when its file descriptor is ready: @revents holds the
 * PLUGVM_WATCH_* conditions that hold (HUP and ERROR are reported whatever
 * the watch asked for). Same thread and serialization as a timer callback.
 * Watches are level-triggered: the callback comes again while the
 * condition holds, so it must read (or write) until the descriptor would
 * block, or pause the watch with set(watch, 0) until it can take more:
 * that is how a device applies flow control to its input.
 */
typedef void (*plugvm_watch_fn)(void *opaque, int fd, uint32_t revents);

/**
 * File-descriptor watches, host->watch: what input devices wait on. Any
 * thread, from create() until destroy() returns. The descriptor stays the
 * device's: the host never reads, writes or closes it, and the device
 * frees the watch before it closes the descriptor.
 */
struct plugvm_watch_ops {
	/** sizeof(struct plugvm_watch_ops) in the host. */
	uint32_t size;
	uint32_t reserved0;
	/**
	 * Watch @fd for @events (PLUGVM_WATCH_READ, _WRITE, or both; 0
	 * makes a paused watch). Returns 0 and the watch in *@out, -EINVAL
	 * (@fn or @out NULL, a negative @fd, unknown bits), -EPERM (a
	 * descriptor that cannot be waited on, such as a regular file:
	 * read it directly) or another -errno of the host's poller, or
	 * -ENOMEM. The host frees watches a device left after destroy().
	 * Create them in create(), as timers (see timer create()).
	 */
	int (*create)(struct plugvm_device *dev, int fd, uint32_t events,
		      plugvm_watch_fn fn, void *opaque,
		      struct plugvm_watch **out);
	/**
	 * Change what @watch waits for; 0 pauses it. When set() returns
	 * with 0 or with conditions that exclude an earlier callback's, no
	 * such callback runs afterwards (as timer cancel()). Returns 0 or
	 * -EINVAL.
	 */
	int (*set)(struct plugvm_watch *watch, uint32_t events);
	/** Stop watching and free @watch (as set(watch, 0) first). NULL is
	 * fine. */
	void (*free)(struct plugvm_watch *watch);
	void (*reserved[4])(void);
};

/**
 * An interrupt controller, as a chipset plugin implements it: plugvm's
 * 8259A pair (i8259.so) is one. Devices never use this: they call
 * set_irq(), and the host hands the controller the OR of the levels every
 * device drives on a line.
 */
struct plugvm_irqchip_ops {
	/**
	 * Input @line (below @nr_lines) now has @level. Under the
	 * controller device's lock (as its read() and write()), on any
	 * thread. Returns 0, or -EINVAL for a line that is not an input
	 * (the 8259A's cascade, 2); the device's set_irq() then fails with
	 * it and the level is not kept.
	 */
	int (*set_irq)(void *opaque, unsigned line, bool level);
	/**
	 * vCPU @cpu acknowledges the interrupt its INTR input announced
	 * (the INTA cycle): return the vector to deliver. On the thread
	 * running that vCPU, under the controller's lock, at an instruction boundary
	 * with IF = 1, some time after irqchip_set_intr(dev, cpu, true): a
	 * request that went away meanwhile gets the controller's spurious
	 * vector, as on hardware.
	 */
	uint8_t (*ack)(void *opaque, unsigned cpu);
	/** Input lines, 0 to nr_lines - 1. */
	uint32_t nr_lines;
	uint32_t reserved0;
	void *reserved[4];
};

/**
 * What the host offers an interrupt controller plugin, host->irqchip. Only
 * the controller of the machine's chipset may use it: plugvm creates that
 * device itself (`[machine] chipset = pc` on tcg: "pic", from i8259.so);
 * a device of the machine file that tries gets -EPERM.
 */
struct plugvm_irqchip_host {
	/** sizeof(struct plugvm_irqchip_host) in the host. */
	uint32_t size;
	uint32_t reserved0;
	/**
	 * Become the machine's interrupt controller, from create(): the
	 * host calls @ops with @opaque from then on. Returns 0, -EPERM
	 * (the device is not the chipset's controller, or not in
	 * create()), -EBUSY (there is one already), -EINVAL (@ops NULL,
	 * without set_irq or ack, or nr_lines 0).
	 */
	int (*attach)(struct plugvm_device *dev,
		      const struct plugvm_irqchip_ops *ops, void *opaque);
	/**
	 * Drive the INTR input of vCPU @cpu (0: the boot vCPU, the only one
	 * an 8259A reaches) to @level. While it is high and the vCPU's IF
	 * is 1, the vCPU acknowledges (ops->ack) at its next instruction
	 * boundary; a vCPU halted in HLT wakes up. Any thread; the host
	 * kicks the vCPU. Safe to call under the controller's lock.
	 */
	void (*set_intr)(struct plugvm_device *dev, unsigned cpu, bool level);
	void (*reserved[4])(void);
};

/**
 * Functions the host offers a device. One table is shared by all devices;
 * every function takes the device handle create() received. The table stays
 * valid until destroy() returns.
 */
struct plugvm_host {
	/** The host's PLUGVM_API_VERSION. */
	uint32_t api_version;
	/** sizeof(struct plugvm_host) in the host. */
	uint32_t size;

	/**
	 * Claim [base, base + len) in @space for this device. Only allowed
	 * from create(). @ops must stay valid until destroy(); @opaque is
	 * passed to every callback.
	 * Returns 0, -EINVAL (len 0, range wraps, PIO beyond 0xffff, NULL
	 * ops), -EBUSY (overlaps a range another device or this one owns;
	 * the host logs both owners), -EPERM (called after create()),
	 * -ENOMEM.
	 */
	int (*register_range)(struct plugvm_device *dev, enum plugvm_space space,
			      uint64_t base, uint64_t len,
			      const struct plugvm_io_ops *ops, void *opaque);

	/**
	 * Log a message, prefixed with the device's id. No trailing newline
	 * is needed. Safe from any thread. PLUGVM_LOG_GUEST_ERROR messages
	 * are rate-limited, since the guest decides how many there are:
	 * plugvm shows a device's first 20, then counts the rest and says
	 * how many there were when the device is destroyed.
	 */
	void (*log)(struct plugvm_device *dev, enum plugvm_log_level level,
		    const char *fmt, ...) PLUGVM_PRINTF(3, 4);

	/**
	 * Copy @len bytes of guest RAM at guest-physical @gpa into @buf.
	 * Returns 0, or -EFAULT when any byte lies outside guest RAM (nothing
	 * is copied then).
	 */
	int (*mem_read)(struct plugvm_device *dev, uint64_t gpa, void *buf,
			size_t len);

	/**
	 * Copy @len bytes from @buf into guest RAM at @gpa (DMA). The host
	 * keeps the software vCPU's translated code coherent, from any
	 * thread: a vCPU running code that mem_write() changed executes the
	 * new bytes from its next jump or interrupt on (tcg: from its next
	 * translation block), as a CPU sees code that another agent
	 * modified. Returns 0 or -EFAULT as mem_read().
	 */
	int (*mem_write)(struct plugvm_device *dev, uint64_t gpa,
			 const void *buf, size_t len);

	/**
	 * Ask the machine to stop with exit @status (0-255). The vCPUs stop
	 * after the current access completes; the first request wins.
	 */
	void (*request_exit)(struct plugvm_device *dev, int status);

	/**
	 * Drive interrupt line @line to @level. Lines are the PC's IRQ
	 * numbers (GSIs): 0-15 on the 8259A pair, where 2 is the cascade and
	 * not a device's; 16-23 exist only on the IOAPIC of the kvm
	 * accelerator. Several devices may drive one line: the controller
	 * sees the OR of their levels. An edge-triggered input (every ISA IRQ
	 * unless the guest sets its ELCR bit) interrupts on a rising edge:
	 * pulse it with set_irq(line, true), set_irq(line, false); a
	 * level-triggered device (an RTC, a UART) keeps the line high while it
	 * has an interrupt to report and lowers it when the guest takes it.
	 *
	 * Returns 0, -EINVAL for a line the machine does not have (2, above
	 * 23, above 15 on tcg), or -ENOTSUP on a machine without an interrupt
	 * controller (`[machine] chipset = none`, the default). The first
	 * -ENOTSUP or -EINVAL of each device logs a warning naming the device,
	 * the line and the fix (`chipset = pc`). Any thread, like every host
	 * function below; the device test kit behaves the same for the
	 * chipset a test chooses (plugvm_devtest_set_chipset()).
	 */
	int (*set_irq)(struct plugvm_device *dev, unsigned line, bool level);

	/** The device's id, the NAME of its [device "NAME"] section. */
	const char *(*device_id)(struct plugvm_device *dev);

	/**
	 * Since API version 2. Report that the value of setting @key (a name
	 * from the descriptor's settings table) cannot be used, and why:
	 * @fmt and its arguments as printf(), one line, no trailing newline,
	 * no key name needed. The host prints the message where the user
	 * wrote the key, "FILE:LINE: [device \"ID\"] KEY: message"; for a
	 * key left at its default, at the section's `type` line, saying that
	 * the value is the default. The device test kit logs the same words
	 * as an error. Use it, rather than log(), for every value create()
	 * refuses; the host then adds no message of its own.
	 *
	 * Only valid from create(), so on the main thread. Called at any
	 * other time, or with a @key the table does not have, it reports a
	 * plugin bug instead. Returns -EINVAL in every case, so create() can
	 * end with `return host->setting_error(dev, "base", "...");` (after
	 * freeing what it allocated).
	 */
	int (*setting_error)(struct plugvm_device *dev, const char *key,
			     const char *fmt, ...) PLUGVM_PRINTF(3, 4);

	/**
	 * Since API version 2. Open the character sink that setting @key (a
	 * name from the descriptor's settings table, normally a STRING)
	 * asks for, with @spec its value:
	 *   "stdout"  plugvm's standard output, shared with every other
	 *             device that chose it;
	 *   "none"    nothing: returns 0 with *@out set to NULL;
	 *   a path    a file, created, or truncated if it exists.
	 * @flags: PLUGVM_CHARDEV_OUTPUT (the device writes to the sink), or
	 * since API 3 PLUGVM_CHARDEV_INPUT (the device reads from it, with
	 * @spec "stdin", "none" or a path: see struct plugvm_chardev_ops),
	 * optionally with PLUGVM_CHARDEV_STDIN_FIRST. OUTPUT and INPUT
	 * together, and other bits, are refused: a device with input and
	 * output opens two sinks, one per setting.
	 *
	 * Returns 0 with the sink in *@out, or a negative errno with *@out
	 * set to NULL (when @out is not NULL):
	 *   -errno of fopen()  the file cannot be opened; reported already
	 *                      as setting_error(@key) does ("KEY: cannot
	 *                      open 'PATH': REASON"), so create() returns
	 *                      the value and adds no message;
	 *   -EPERM             called outside create();
	 *   -EINVAL            @key is not a setting of the device, @spec
	 *                      or @out is NULL, or @flags is not one of
	 *                      the combinations above;
	 *   -EBUSY             (input) stdin belongs to another device;
	 *                      reported as a setting error naming it;
	 *   -EEXIST            a sink for @key is open already;
	 *   -ENOMEM.
	 * -EPERM, -EINVAL and -EEXIST are plugin bugs, and the host says so
	 * (-ENOMEM it reports too). create() fails with the value returned.
	 *
	 * The host owns the sink: the device never closes it. The host
	 * flushes and closes it after the device's destroy() returns (so
	 * destroy() may still write), or after create() fails, on every exit
	 * path of plugvm. Only valid from create(), on the main thread.
	 */
	int (*chardev_open)(struct plugvm_device *dev, const char *key,
			    const char *spec, uint32_t flags,
			    struct plugvm_chardev **out);

	/**
	 * Since API version 2. Hand @len bytes of @buf to sink @chr. Returns
	 * the number of bytes the sink accepted; the rest are dropped and
	 * counted (chardev->dropped()): when writing fails (the host reports
	 * the first failure of each sink, "KEY: write failed: REASON", as a
	 * warning), and since API 3 when the consumer stalls (a full pipe or
	 * a terminal nobody reads) and the host's bounded buffer is full,
	 * rather than block a vCPU. So a device must not rely on every byte
	 * being accepted, nor wait or retry.
	 *
	 * One call is written as a whole: a device that writes a line in one
	 * call never sees another device's output in the middle of it.
	 * @chr NULL (what "none" gives) accepts and discards every byte, and
	 * returns @len; a device may test for NULL first to skip formatting.
	 *
	 * Valid from every callback, create() (after the open) and destroy()
	 * included. The host does not lock a sink: calls on one sink must
	 * not overlap, which the host's serialization of a device's
	 * callbacks ensures unless the device is PLUGVM_PLUGIN_THREAD_SAFE.
	 */
	size_t (*chardev_write)(struct plugvm_chardev *chr, const void *buf,
				size_t len);

	/**
	 * Since API version 2. The machine's clock, in nanoseconds: plugvm's
	 * is CLOCK_MONOTONIC, so time in the guest passes as it does outside
	 * (as the in-kernel PIT counts under kvm); the device test kit's is a
	 * virtual clock the test steps (plugvm_devtest_clock_step()), from 0.
	 * Never goes backwards. Timer deadlines are on this clock. Any thread.
	 */
	uint64_t (*clock_ns)(struct plugvm_device *dev);

	/** Since API version 2. Timers: see struct plugvm_timer_ops. */
	const struct plugvm_timer_ops *timer;

	/** Since API version 2. Watches on file descriptors: see struct
	 * plugvm_watch_ops. */
	const struct plugvm_watch_ops *watch;

	/** Since API version 2. For the chipset's interrupt controller plugin
	 * only: see struct plugvm_irqchip_host. */
	const struct plugvm_irqchip_host *irqchip;

	/** Since API version 3. Character input and output accounting:
	 * see struct plugvm_chardev_ops. */
	const struct plugvm_chardev_ops *chardev;

	/** Reserved for later API versions; NULL in this one. */
	void (*reserved[1])(void);
};

/* ------------------------------------------------------------------------ */
/* The descriptor                                                           */
/* ------------------------------------------------------------------------ */

/** Descriptor flags. */
#define PLUGVM_PLUGIN_THREAD_SAFE (1u << 0) /**< callbacks need no host lock */

/** What a plugin tells the host about itself. Lives in static const storage. */
struct plugvm_plugin {
	/** PLUGVM_ABI_VERSION when built. Must stay the first member. */
	uint32_t abi_version;
	/** Lowest host API the plugin needs; PLUGVM_API_VERSION when built. */
	uint32_t min_api_version;
	/** The device type, equal to the file name without ".so". */
	const char *name;
	/** One line for `plugvm --list-devices`. */
	const char *description;
	/** Settings table, terminated by an entry with name == NULL. */
	const struct plugvm_setting *settings;
	/** PLUGVM_PLUGIN_* flags. */
	uint32_t flags;
	uint32_t reserved0;

	/**
	 * Create one device instance. @values has one element per settings
	 * entry. Store the instance state in *@state; the host passes it to
	 * reset() and destroy(). Register ranges here. Return 0 or -errno
	 * after reporting why (host->setting_error() for a bad value,
	 * host->log() otherwise); on failure nothing must be left allocated
	 * (the host drops any ranges already registered) and destroy() is
	 * not called.
	 */
	int (*create)(struct plugvm_device *dev, const struct plugvm_host *host,
		      const struct plugvm_value *values, void **state);
	/** Put the device in its power-on state. May be NULL. */
	void (*reset)(void *state);
	/** Flush output and free the instance. May be NULL. */
	void (*destroy)(void *state);

	/**
	 * Since API version 3. The system calls the device makes while the
	 * machine runs (in its callbacks and its own threads), beyond those
	 * plugvm's sandbox allows every device (see "Sandbox" above), by
	 * name ("socket", "sendto"; as libseccomp and the kernel's headers
	 * name them), NULL-terminated; NULL for none. A host refuses to load
	 * a plugin that names a call it does not know. Listing "ioctl"
	 * allows every ioctl request; listing "clone" and "clone3" lets a
	 * callback start threads. The list widens the filter for the whole
	 * process, not only for this device: keep it short.
	 */
	const char *const *syscalls;

	/** Reserved for later API versions; zero in this one. */
	void *reserved[7];
};

/** Signature of the exported entry point. */
typedef const struct plugvm_plugin *(*plugvm_plugin_describe_fn)(void);

/**
 * Define the plugin's entry point. Use it once, at file scope, with the name
 * of a `static const struct plugvm_plugin`. The function only returns the
 * pointer, so the host can check versions before anything else runs.
 */
#ifdef __cplusplus
#define PLUGVM_EXTERN_C extern "C"
#else
#define PLUGVM_EXTERN_C
#endif

#define PLUGVM_PLUGIN_DEFINE(desc)                                           \
	PLUGVM_EXTERN_C PLUGVM_EXPORT const struct plugvm_plugin *            \
	plugvm_plugin_describe(void);                                         \
	PLUGVM_EXTERN_C PLUGVM_EXPORT const struct plugvm_plugin *            \
	plugvm_plugin_describe(void)                                          \
	{                                                                     \
		return &(desc);                                               \
	}

#ifdef __cplusplus
}
#endif

#endif /* PLUGVM_PLUGIN_H */
