/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * watchdog.h - stopping plugvm, from its first millisecond to its last.
 *
 * One thread, started by main() before anything can block, takes the stop
 * signals (vmm_stop_signals(): every other thread keeps them blocked) and
 * keeps the --timeout deadline, which counts from plugvm's start. What it
 * does with them depends on the phase:
 *
 *   start-up   (nothing attached): a signal or the deadline ends plugvm at
 *              once, with one line saying what start-up was doing (an
 *              `output =` FIFO nobody reads, a plugin's create() that
 *              never returns) and the status of that stop (130 or 124).
 *   running    (vmm_watchdog_attach()): it calls the machine's stop function
 *              and the machine stops the clean way.
 *   stopping   (vmm_watchdog_stopping(), from the first stop request on):
 *              plugvm has a grace period to finish. Past it, or at a second
 *              signal, the watchdog says what still holds it, flushes what
 *              output it can within a bounded time and ends plugvm with the
 *              stop's status: a vCPU stuck in a device callback or blocked
 *              on output that nobody reads cannot keep plugvm alive.
 *              The line and the flush are made by a thread started with
 *              the watchdog: under the sandbox none can be made later.
 *
 * Layer 1, base (README.md, "Layout"): it calls only the log.
 */
#ifndef VMM_WATCHDOG_H
#define VMM_WATCHDOG_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* How long plugvm may take to stop once asked, unless
 * $PLUGVM_STOP_GRACE (seconds) says otherwise. */
#define VMM_WATCHDOG_GRACE_MS 3000

/* What the watchdog hands the machine's stop function. */
enum vmm_watchdog_event {
	VMM_WATCHDOG_SIGNAL, /* a stop signal arrived */
	VMM_WATCHDOG_TIMEOUT, /* the --timeout deadline passed */
};

/*
 * Start the watchdog thread for the stop signals @signals, which must be
 * blocked in the calling thread already (main blocks them first thing, and
 * every thread started later inherits that), so that one that arrived
 * before is taken now. @timeout_ms: 0 for none, else the deadline counted
 * from @start_ns (CLOCK_MONOTONIC, when plugvm started). Returns 0 or
 * -errno (nothing started).
 */
int vmm_watchdog_start(const sigset_t *signals, uint64_t timeout_ms,
		       uint64_t start_ns);

/*
 * The end: plugvm is about to exit, its output flushed. Stop and join the
 * watchdog's threads (a stop signal from now on waits, blocked, for the
 * exit). No-op when it is not started.
 */
void vmm_watchdog_end(void);

/*
 * Say what start-up is doing now (printf format), for the line printed
 * when a signal or the deadline ends it there. Any thread; cheap.
 */
void vmm_watchdog_phase(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * From now on, a signal or the deadline calls @stop(@ctx, event, signal
 * number or 0) on the
 * watchdog's thread instead of ending plugvm; it returns at once. Until
 * vmm_watchdog_detach() returns, @stop may be running. No-op when the
 * watchdog is not started.
 */
void vmm_watchdog_attach(void (*stop)(void *ctx, enum vmm_watchdog_event ev,
				      int signo),
			 void *ctx);
void vmm_watchdog_detach(void);

/*
 * A stop was requested and plugvm should end with @status: start the grace
 * period (only the first call counts). Any thread, lock-free.
 */
void vmm_watchdog_stopping(int status);

/*
 * Name what keeps plugvm from stopping, for the line printed when the
 * grace period runs out: @fn writes at most @len bytes (NUL included) to
 * @buf and returns how many it wrote without the NUL, 0 when it knows
 * nothing. It runs on the watchdog's thread while other threads are stuck;
 * it must take no lock they may hold. When it names something, that is a
 * plugin's callback that never returns: plugvm ends with status 4 (a
 * broken plugin), not the stop's. NULL: none.
 */
void vmm_watchdog_set_holder(size_t (*fn)(char *buf, size_t len));

/* Milliseconds of grace: $PLUGVM_STOP_GRACE (seconds, fractions allowed)
 * or VMM_WATCHDOG_GRACE_MS. */
uint64_t vmm_watchdog_grace_ms(void);

#endif
