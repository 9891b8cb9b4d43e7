/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugvm/devtest.h - the device test kit: drive a device plugin with no VM.
 *
 * The kit loads device plugins the way plugvm does (same loader, same
 * checks, same settings conversion, same host table, same dispatch), but
 * with no guest, no vCPU and no accelerator: the test itself plays the
 * guest. It can
 *   - create one or more devices from plugin files and key/value settings,
 *     and see creation fail with the errno and message plugvm would give;
 *   - read and write ports and MMIO addresses, and see misses, accesses
 *     that straddle a range's end and refused access sizes, by the same
 *     access contract as plugvm (plugin.h, struct plugvm_io_ops): MMIO of
 *     a size the range does not take is split into pieces it does;
 *   - see every message the devices (and the host code) logged;
 *   - see interrupt lines as the chipset the test chose receives them
 *     ("none" refuses them, as plugvm does; "pc" loads plugvm's 8259A
 *     and 8254 plugins, and the test can take interrupts as a vCPU);
 *   - step a virtual clock that runs the devices' timers, and make
 *     watched file descriptors ready, deterministically;
 *   - see machine exit requests;
 *   - give devices guest RAM to DMA into and look at it.
 *
 * Link with `pkg-config --libs plugvm-devtest` (libplugvm-devtest). A typical
 * Check test, of the installed serial plugin, compiled with
 * -DPLUGINDIR="\"$(pkg-config --variable=plugindir plugvm-plugin)\"":
 *
 *	static const char *const settings[] = { "base", "0x2f8", NULL };
 *	struct plugvm_devtest *t;
 *
 *	t = plugvm_devtest_open(PLUGINDIR "/serial.so", "com2", settings, 0);
 *	ck_assert_ptr_nonnull(t);
 *	plugvm_devtest_outb(t, 0x2ff, 0x5a);
 *	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x2ff), 0x5a);
 *	plugvm_devtest_free(t);
 *
 * What a device prints: what it writes to a character sink the host
 * opened for it (plugin.h, chardev_open(); the shipped devices' `output`)
 * goes where plugvm would send it, stdout or a file, and the kit keeps a
 * copy in memory: plugvm_devtest_chardev() returns it, so a test needs no
 * file. What a device prints through stdio itself the kit leaves alone.
 *
 * Ownership: the kit owns every string and array it returns; they stay
 * valid as documented per function, at the latest until
 * plugvm_devtest_free(). The kit is meant for one test thread; accesses to a
 * device may come from several threads (for PLUGVM_PLUGIN_THREAD_SAFE
 * devices, or serialized by the kit like plugvm does), but creating,
 * resetting and freeing must not race with anything.
 *
 * Set PLUGVM_DEVTEST_VERBOSE=1 in the environment to have every log line
 * echoed to stderr as it is captured.
 *
 * The kit never calls exit() or abort(); every failure is a return value.
 */
#ifndef PLUGVM_DEVTEST_H
#define PLUGVM_DEVTEST_H

#include <plugvm/plugin.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A test bench: a bus, optional guest RAM, devices, and what they did. */
struct plugvm_devtest;

/** Number of interrupt lines the kit's machine has (0 .. this - 1). */
#define PLUGVM_DEVTEST_IRQ_LINES 32

/** For plugvm_devtest_log_find(): match a message of any level. */
#define PLUGVM_DEVTEST_ANY_LEVEL (-1)

/* ------------------------------------------------------------------------ */
/* Creating devices                                                         */
/* ------------------------------------------------------------------------ */

/**
 * Make an empty bench with @ram_size bytes of zeroed guest RAM at
 * guest-physical address 0 (0: no RAM, so mem_read()/mem_write() fail with
 * -EFAULT). Returns NULL only when out of memory.
 */
struct plugvm_devtest *plugvm_devtest_new(size_t ram_size);

/**
 * Load the plugin at @plugin_path (a file path, as given to dlopen(); use
 * an absolute path) and create device @id from it, as a
 * [device "ID"] section with the keys and values in @settings would:
 * @settings is { "key", "value", ..., NULL }, and NULL means no settings.
 * An @id of NULL picks "<type><n>", n counting devices of that type from 0.
 * The device is reset after it is created, as in plugvm. Devices may be
 * added at any time; their ranges must not overlap those of earlier ones.
 *
 * Returns 0, or a negative errno with the reason in plugvm_devtest_error()
 * and every message in the log:
 *   -ENOENT, -ENOEXEC, -EPROTO, -EINVAL   the plugin failed to load or its
 *                                         descriptor was refused
 *   -EINVAL                               @settings were refused (unknown
 *                                         key, bad value, missing required
 *                                         setting, odd number of strings)
 *   -EEXIST                               @id is taken
 *   any -errno create() returned          e.g. -EBUSY for an overlap
 *   -ENOMEM
 * On failure nothing of the device is left in the bench.
 */
int plugvm_devtest_add(struct plugvm_devtest *t, const char *plugin_path,
		       const char *id,
		       const char *const *settings) PLUGVM_MUST_CHECK;

/**
 * plugvm_devtest_new(@ram_size) and plugvm_devtest_add() in one call.
 * Returns the bench, or NULL after printing the reason to stderr. Use
 * new() and add() to test a creation that should fail.
 */
struct plugvm_devtest *plugvm_devtest_open(const char *plugin_path,
					   const char *id,
					   const char *const *settings,
					   size_t ram_size);

/**
 * Why the last failed plugvm_devtest_add() failed: the first error message
 * logged during it (the root cause, e.g. the device's own reason or the
 * settings error), else a description of the failing step. "" when nothing
 * failed yet. Valid until the next add().
 */
const char *plugvm_devtest_error(const struct plugvm_devtest *t);

/**
 * Reset every device, in creation order, as a machine reset will (plugvm
 * resets a device only once, after create(), until guest reboot support
 * comes).
 */
void plugvm_devtest_reset(struct plugvm_devtest *t);

/**
 * Destroy every device, last created first, as plugvm does when the
 * machine stops (devices flush and close their output here), and close
 * their plugins. The log, interrupt and exit records stay readable, and
 * devices may be added again.
 */
void plugvm_devtest_shutdown(struct plugvm_devtest *t);

/** plugvm_devtest_shutdown(), then free the bench. NULL is fine. */
void plugvm_devtest_free(struct plugvm_devtest *t);

/* ------------------------------------------------------------------------ */
/* Playing the guest                                                        */
/* ------------------------------------------------------------------------ */

/** What became of one access. */
enum plugvm_devtest_result {
	PLUGVM_DEVTEST_OK = 0,	 /**< a device handled it */
	PLUGVM_DEVTEST_UNMAPPED, /**< no device owns the address */
	PLUGVM_DEVTEST_STRADDLE, /**< it runs past the end of its range */
	/** the range refuses this size: port I/O of a size not in its
	 * sizes, or MMIO that cannot be split into sizes it takes */
	PLUGVM_DEVTEST_BAD_SIZE,
	/** size not 1, 2, 4 or 8 (ports) or 1 to 8 (MMIO); NULL argument */
	PLUGVM_DEVTEST_INVALID,
};

/**
 * Read @size (1, 2, 4 or 8) bytes at @port. On PLUGVM_DEVTEST_OK *@value
 * gets what the device returned, truncated to @size; on any other result
 * nothing is called and *@value gets all-ones of @size bytes, as a guest
 * would read from an unclaimed port.
 */
enum plugvm_devtest_result plugvm_devtest_pio_read(struct plugvm_devtest *t,
						   uint16_t port,
						   unsigned int size,
						   uint64_t *value);

/** Write the low @size bytes of @value to @port. Results as pio_read(). */
enum plugvm_devtest_result plugvm_devtest_pio_write(struct plugvm_devtest *t,
						    uint16_t port,
						    unsigned int size,
						    uint64_t value);

/**
 * As plugvm_devtest_pio_read(), at guest-physical address @addr, with
 * @size 1 to 8. A size the range does not take reaches the device in
 * pieces it takes, as plugvm splits it (plugin.h, struct plugvm_io_ops).
 */
enum plugvm_devtest_result plugvm_devtest_mmio_read(struct plugvm_devtest *t,
						    uint64_t addr,
						    unsigned int size,
						    uint64_t *value);

/** As plugvm_devtest_pio_write(), at guest-physical address @addr. */
enum plugvm_devtest_result plugvm_devtest_mmio_write(struct plugvm_devtest *t,
						     uint64_t addr,
						     unsigned int size,
						     uint64_t value);

/** One-byte pio_read(): the value, 0xff on a miss (see last_result()). */
uint8_t plugvm_devtest_inb(struct plugvm_devtest *t, uint16_t port);

/** One-byte pio_write(); the outcome is in plugvm_devtest_last_result(). */
void plugvm_devtest_outb(struct plugvm_devtest *t, uint16_t port,
			 uint8_t value);

/** The result of the last access made through @t, OK before the first. */
enum plugvm_devtest_result
plugvm_devtest_last_result(const struct plugvm_devtest *t);

/** "ok", "unmapped", "straddle", "bad size" or "invalid", for messages. */
const char *plugvm_devtest_result_name(enum plugvm_devtest_result r);

/**
 * The guest RAM: a pointer to its first byte (NULL when there is none), and
 * its size in *@size when @size is not NULL. Valid until free().
 */
uint8_t *plugvm_devtest_ram(struct plugvm_devtest *t, size_t *size);

/* ------------------------------------------------------------------------ */
/* What the devices did                                                     */
/* ------------------------------------------------------------------------ */

/** One captured log message. */
struct plugvm_devtest_log_entry {
	/** The level the device, or the host code (loader, settings,
	 * bus), logged at. */
	enum plugvm_log_level level;
	/** The id of the device that logged it; NULL for the host's own. */
	const char *device;
	/** The text, without prefixes and without a trailing newline; an
	 * error about a place in the settings starts with that place, as
	 * plugvm prints it ("ID: KEY: ..."). */
	const char *msg;
};

/** Number of messages captured since new() or the last log_clear(). */
size_t plugvm_devtest_log_count(const struct plugvm_devtest *t);

/**
 * Message @i (0 is the oldest), or NULL when @i >= log_count(). Valid
 * until log_clear() or free().
 */
const struct plugvm_devtest_log_entry *
plugvm_devtest_log_entry(const struct plugvm_devtest *t, size_t i);

/**
 * The oldest message at @level (a PLUGVM_LOG_* value, or
 * PLUGVM_DEVTEST_ANY_LEVEL) whose text contains @substr, or NULL. Valid as
 * log_entry().
 */
const struct plugvm_devtest_log_entry *
plugvm_devtest_log_find(const struct plugvm_devtest *t, int level,
			const char *substr);

/** Whether any message, at any level, contains @substr. */
bool plugvm_devtest_log_contains(const struct plugvm_devtest *t,
				 const char *substr);

/** Forget every captured message. */
void plugvm_devtest_log_clear(struct plugvm_devtest *t);

/** The state of one interrupt line. */
struct plugvm_devtest_irq {
	/** the level the interrupt controller last received (initially
	 * low): the OR of what every device drives on the line; stays low
	 * while set_irq() is refused */
	bool level;
	/** times the received level changed */
	unsigned int edges;
	/** set_irq() calls on the line, delivered, changing or refused */
	unsigned int calls;
};

/**
 * Interrupt line @line as the devices drove it (all zero for a line
 * >= PLUGVM_DEVTEST_IRQ_LINES), for the bench's chipset: with "none" (the
 * default, as in plugvm) set_irq() returns -ENOTSUP for every line, the
 * first call of each device logs a warning naming it, the line and the
 * fix, and only @calls counts; with "pc" the lines plugvm's tcg chipset
 * has (0-15 but 2) deliver, and @level and @edges follow them. A test
 * cannot see an interrupt delivered that plugvm would refuse.
 */
struct plugvm_devtest_irq plugvm_devtest_irq(const struct plugvm_devtest *t,
					     unsigned int line);

/**
 * Choose the bench machine's chipset, as `[machine] chipset` does; call it
 * before the first plugvm_devtest_add(). "none": no interrupt controller.
 * "pc": plugvm's tcg chipset, loaded as plugvm loads it: the 8259A pair
 * (device "pic", i8259.so: ports 0x20-0x21, 0xa0-0xa1, 0x4d0-0x4d1), the
 * 8254 (device "pit", i8254.so: ports 0x40-0x43 and 0x61) and the 8042
 * (device "i8042", i8042.so: ports 0x60 and 0x64), from the
 * directory in the environment variable PLUGVM_DEVTEST_PLUGIN_DIR, else
 * the installed plugin directory (pkg-config --variable=plugindir
 * plugvm-plugin). A test then programs the PICs through their ports and
 * sees interrupts through plugvm_devtest_intr() and plugvm_devtest_inta(),
 * as a vCPU would.
 *
 * Returns 0, -EINVAL (NULL, or an unknown chipset), -EBUSY (devices were
 * added already), or the error of loading a chipset plugin (reason in
 * plugvm_devtest_error()).
 */
int plugvm_devtest_set_chipset(struct plugvm_devtest *t, const char *chipset);

/**
 * The INTR input of vCPU @cpu, as the chipset's interrupt controller
 * drives it (false with chipset "none").
 */
bool plugvm_devtest_intr(const struct plugvm_devtest *t, unsigned int cpu);

/**
 * vCPU @cpu acknowledges an interrupt, as it does at an instruction
 * boundary with IF = 1: returns the vector the controller answers, or -1
 * when INTR is low (a CPU does not acknowledge then) or there is no
 * controller.
 */
int plugvm_devtest_inta(struct plugvm_devtest *t, unsigned int cpu);

/* ------------------------------------------------------------------------ */
/* Time and events                                                          */
/* ------------------------------------------------------------------------ */

/*
 * The bench's clock is virtual: host->clock_ns() reads it, it starts at 0,
 * and it moves only when the test steps it, so a timer device is tested
 * deterministically and without waiting (qtest's clock_step). Timer
 * callbacks run on the test's thread, inside the step calls, under the
 * device's lock, as plugvm's event thread runs them.
 */

/** The virtual clock, in nanoseconds. */
uint64_t plugvm_devtest_clock_ns(const struct plugvm_devtest *t);

/**
 * Advance the clock by @ns, running every timer whose deadline falls within
 * (those armed by the callbacks included), earliest first, each with the
 * clock at its deadline. Returns the number of callbacks run.
 */
unsigned int plugvm_devtest_clock_step(struct plugvm_devtest *t, uint64_t ns);

/**
 * Advance the clock by @ns at once, then run every timer due, with the
 * clock already there: late, as plugvm's event thread runs them when the
 * host kept it busy. How a test sees a device catch up on the periods it
 * missed, or choose not to. Timers the callbacks arm for up to the new
 * time run too, at once. Returns the number of callbacks run. Since
 * libplugvm-devtest 4.
 */
unsigned int plugvm_devtest_clock_step_late(struct plugvm_devtest *t,
					    uint64_t ns);

/**
 * The deadline of the earliest armed timer, or UINT64_MAX when none is
 * armed.
 */
uint64_t plugvm_devtest_clock_next(const struct plugvm_devtest *t);

/**
 * Advance the clock to the earliest armed deadline and run the timers due
 * then. Returns the nanoseconds advanced, or UINT64_MAX (clock unchanged)
 * when no timer is armed.
 */
uint64_t plugvm_devtest_clock_step_next(struct plugvm_devtest *t);

/**
 * Make file descriptor @fd ready with @revents (PLUGVM_WATCH_*), as the
 * event thread finds it: runs the callback of each watch on @fd waiting
 * for any of @revents (HUP and ERROR reach every unpaused watch, and HUP
 * also reports READ to a watch waiting for READ, as plugvm does: end of
 * file), under its device's lock. The kit never polls descriptors itself, so a test
 * decides when input arrives. Returns the number of callbacks run.
 */
unsigned int plugvm_devtest_fd_ready(struct plugvm_devtest *t, int fd,
				     uint32_t revents);

/**
 * What the devices' watches on @fd wait for now (the OR of their
 * conditions; 0 when none or all are paused): how a test sees a device
 * apply flow control to its input.
 */
uint32_t plugvm_devtest_fd_events(const struct plugvm_devtest *t, int fd);

/**
 * Make every later set_irq() fail with @err (a negative errno, e.g.
 * -EINVAL for a line the device should not use) instead of what the
 * machine would answer, and change nothing. 0 restores the machine's
 * answer.
 */
void plugvm_devtest_set_irq_error(struct plugvm_devtest *t, int err);

/**
 * Whether a device asked the machine to stop. If so and @status is not
 * NULL, *@status gets the status of the first request (0-255), as plugvm
 * would exit with. Accesses keep working after a request, so a test can see
 * what a guest could still do.
 */
bool plugvm_devtest_exit_requested(const struct plugvm_devtest *t, int *status);

/** Number of exit requests since new() or the last exit_clear(). */
unsigned int plugvm_devtest_exit_count(const struct plugvm_devtest *t);

/** Forget the exit requests seen so far. */
void plugvm_devtest_exit_clear(struct plugvm_devtest *t);

/**
 * What device @id wrote to the character sink it opened for setting @key
 * (plugin.h, chardev_open()): every byte the sink accepted, in order, NUL
 * terminated; *@len (when @len is not NULL) gets their number, which
 * counts any NUL bytes the device wrote. The bytes also went where plugvm
 * would send them: stdout, or the file of `key = PATH`.
 *
 * Returns NULL (and 0 in *@len) when the device opened no sink for @key,
 * or opened it with "none", which keeps nothing. The copy starts empty
 * when the device opens the sink and stays readable after the device is
 * destroyed (plugvm_devtest_shutdown()), until a device with the same id
 * opens a sink for @key again. The pointer is valid until the device
 * writes again, or free().
 */
const char *plugvm_devtest_chardev(const struct plugvm_devtest *t,
				   const char *id, const char *key,
				   size_t *len);

/* ------------------------------------------------------------------------ */
/* Character input (since libplugvm-devtest 3, plugin API 3)                */
/* ------------------------------------------------------------------------ */

/*
 * A device's inputs (plugin.h, PLUGVM_CHARDEV_INPUT) read nothing real in
 * the kit: whatever the spec ("stdin", a path), the test types the bytes.
 * The kit delivers them as plugvm's event thread does: as many as the
 * device's can_receive() takes, through receive(), under the device's
 * lock, on the test's thread; the rest wait in the kit, as they would wait
 * in the pipe, and go in when the device calls input_ready(): after the
 * access or clock step during which it called it returns, never inside
 * input_ready().
 */

/**
 * Type @len bytes of @buf into the input device @id opened for setting
 * @key. Returns the number the device took now (the others are queued),
 * or -1 when the device has no input for @key or opened it with "none"
 * (plugvm_devtest_error() says which).
 */
long plugvm_devtest_chardev_input(struct plugvm_devtest *t, const char *id,
				  const char *key, const void *buf,
				  size_t len);

/** Bytes typed into @id's input @key that the device has not taken yet. */
size_t plugvm_devtest_chardev_pending(const struct plugvm_devtest *t,
				      const char *id, const char *key);

/**
 * Send @event (PLUGVM_CHARDEV_EVENT_EOF or _BREAK) to @id's input @key,
 * after the bytes still queued, as plugvm does at the end of a file.
 * Returns 0 or -1 as plugvm_devtest_chardev_input().
 */
int plugvm_devtest_chardev_event(struct plugvm_devtest *t, const char *id,
				 const char *key, uint32_t event);

/**
 * Make @id's output sink @key behave like a consumer that stalls after
 * @room more bytes (SIZE_MAX: never, the default): what does not fit is
 * dropped and counted as plugvm does (plugin.h, chardev_ops.dropped()).
 * Returns 0, or -1 when the device has no output sink for @key.
 */
int plugvm_devtest_chardev_stall(struct plugvm_devtest *t, const char *id,
				 const char *key, size_t room);

#ifdef __cplusplus
}
#endif

#endif /* PLUGVM_DEVTEST_H */
