/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * i8254.h - the Intel 8254 programmable interval timer, as a pure state
 * machine driven by the time the caller passes in.
 *
 * What is modelled (Intel 8254 datasheet, 231164):
 * - three channels clocked at 1.193182 MHz, ports 0x40-0x43 as offsets 0-3;
 * - the control word: modes 0-5 (6 and 7 are 2 and 3, and read back as
 *   written in the status byte), LSB, MSB or LSB-then-MSB access with the
 *   write and read flip-flops, binary and BCD counting (count 0 is 65536,
 *   or 10000 in BCD);
 * - the counter latch command and the read-back command (count and/or
 *   status of any channels; status with OUTPUT and NULL COUNT; the first
 *   of several latches wins until read; status reads before count);
 * - when a count reaches the counting element, per mode: on the next CLK
 *   pulse (modes 0, 4, and 2, 3 after a control word), at the end of the
 *   period or half-cycle (2, 3 while counting), on the CLK pulse after a
 *   gate trigger (1, 5; and 2, 3 restart on one);
 * - gate behaviour per mode: level enables counting in modes 0 and 4,
 *   a rising edge triggers 1 and 5, and in 2 and 3 low stops counting and
 *   forces OUT high, a rising edge restarts. Channels 0 and 1 have their
 *   gate tied high; channel 2's is bit 0 of port 0x61;
 * - mode 3's square wave with odd counts (high (N+1)/2, low (N-1)/2 CLKs,
 *   the counter reloaded with N-1 and decremented by two);
 * - the PIT bits of port 0x61: 0 channel 2 gate, 1 speaker data enable
 *   (stored only), 4 the refresh toggle (flips every 18 PIT clocks, about
 *   15.09 us, as channel 1 drove it on the PC; BIOS delay loops count it),
 *   5 channel 2 OUT.
 *
 * Time: the PIT clock is a fixed grid on the caller's time line: tick k
 * happens at the first nanosecond t with floor(t * 1193182 / 1e9) == k.
 * Counter values and OUT are computed from the tick numbers of now_ns and
 * of the moment the count was loaded, never by stepping, so edges land on
 * the grid exactly and periodic modes do not drift. An event at time t
 * (a write, a gate change) happens between tick floor(t * f) and the next
 * one, which is "the next CLK pulse" of the datasheet. now_ns must not go
 * backwards from one call to the next.
 *
 * Not modelled, and why:
 * - the CLK input (fixed at 1.193182 MHz, as on every PC) and the gate
 *   inputs of channels 0 and 1 (tied high on the PC);
 * - counts of 1 in modes 2 and 3, which the datasheet forbids: OUT stays
 *   high, so a guest cannot turn one into a 1.19 MHz interrupt storm;
 * - invalid BCD digits (undefined on the chip): each nibble is taken at
 *   face value, modulo 10000;
 * - reading port 0x43 (no data on the chip) returns 0, as QEMU and KVM do;
 * - a latched count is read LSB first (in LSB-then-MSB access) whatever
 *   the read flip-flop says, and does not move it, as QEMU and KVM do; the
 *   datasheet tells software not to mix the two;
 * - a gate that goes low in mode 4 exactly while the strobe is low ends
 *   the strobe when counting resumes; sound from channel 2 and bit 1;
 * - the power-on state, undefined on the chip: see i8254_reset().
 *
 * How the tcg chipset's plugin glue uses it:
 * - embed a struct i8254 in the device state; call i8254_reset() from the
 *   plugin's reset(); hand port 0x40-0x43 accesses to i8254_read() and
 *   i8254_write() and port 0x61's PIT bits to i8254_port61_read() and
 *   i8254_port61_write() (the glue owns the other bits of 0x61), always
 *   with the host clock's now;
 * - IRQ 0 follows channel 0's OUT: one host timer, armed for
 *   i8254_next_edge(pit, 0, now). When it fires (late, as host timers
 *   are), walk the edges from the one it was armed for up to now:
 *       for (e = armed; e <= now; e = i8254_next_edge(pit, 0, e))
 *               set_irq(0, i8254_out(pit, 0, e));
 *   then re-arm for e. Sampling OUT only at "now" would lose interrupts:
 *   in mode 2 (Linux's periodic tick, 1193 CLKs at HZ=1000) OUT is low
 *   for one CLK (838 ns) per period and the rising edge that ends it is
 *   what the edge-triggered 8259 counts, so a late timer must still lower
 *   and raise the line. If the walk would be long (the host slept), the
 *   glue may start it from i8254_next_edge(pit, 0, now - 2 periods)
 *   instead: the PIC latches one edge anyway. Ticks lost that way are
 *   not reinjected, as KVM's PIT does by default: a glue that wants that
 *   counts the rising edges it walked and replays them after each EOI.
 *   Mode 3 (the BIOS default) gives one rising edge per period too; mode
 *   0 one, at terminal count.
 * - before every i8254_write() or i8254_port61_write(), deliver the edges
 *   up to now (the state after a write no longer knows the old future);
 *   after it, set the line to i8254_out(pit, 0, now) and re-arm the timer:
 *   a control word or a count can move OUT at once and moves every later
 *   edge.
 * - channels 1 and 2 need no timer: their OUT is only read (status byte,
 *   port 0x61) and computed at that moment. A host timer per channel
 *   works the same way if a chipset ever wires them.
 *
 * Thread safety: none; the plugin's callbacks are serialized by the host.
 */
#ifndef PLUGVM_I8254_H
#define PLUGVM_I8254_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define I8254_FREQ_HZ 1193182u
#define I8254_CHANNELS 3

/* Bits of port 0x61 that belong to the PIT. */
#define I8254_PORT61_GATE2 0x01
#define I8254_PORT61_SPEAKER 0x02
#define I8254_PORT61_REFRESH 0x10
#define I8254_PORT61_OUT2 0x20

/*
 * One stretch of a channel's counting element, from tick @base on. The
 * fields are private to i8254.c; they are here so the state can be
 * embedded.
 */
struct i8254_seg {
	uint64_t base; /* tick at which the CE held val (or pos) */
	uint32_t val;  /* one-shot: CE at base; periodic: the count N */
	uint32_t pos;  /* periodic modes: place in the period at base */
	bool live;     /* a count is loaded: the mode's sequence is on */
	bool run;      /* live and counting (else frozen: CE = val) */
	bool armed;    /* one-shot modes: terminal count still ahead */
	bool out;      /* OUT while not running */
};

struct i8254_chan {
	uint8_t ctrl; /* RW, M and BCD bits of the control word */
	uint8_t mode; /* 0-5 */
	uint8_t rw;   /* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool bcd;
	bool gate;
	uint16_t cr;	  /* count register, as written */
	uint8_t cr_lsb;	  /* first byte of a two-byte write */
	bool write_msb;	  /* write flip-flop: next byte is the MSB */
	bool read_msb;	  /* read flip-flop */
	bool cr_valid;	  /* a whole count written since the control word */
	bool null_count;  /* cr not yet loaded (apart from @next) */
	uint8_t ol_bytes; /* latched count bytes left: 1 LSB, 2 MSB */
	uint16_t ol;	  /* output latch */
	bool status_latched;
	uint8_t status;
	bool pending; /* @next takes over at tick next.base */
	struct i8254_seg cur, next;
};

struct i8254 {
	struct i8254_chan ch[I8254_CHANNELS];
	bool speaker; /* port 0x61 bit 1, stored */
};

/*
 * Power-on state: every channel as after control word 0x36 with no count
 * written (mode 3, LSB then MSB, binary, OUT high, not counting), so IRQ 0
 * stays quiet until the guest programs channel 0, as under KVM's PIT.
 * Channel 2's gate and the speaker bit are low.
 */
void i8254_reset(struct i8254 *pit, uint64_t now_ns);

/*
 * A guest read of port 0x40 + @port (0-3). Returns the byte: a latched
 * status, else a latched count byte, else the live count byte the read
 * flip-flop selects. Port 3 reads 0. Reads move the flip-flop and release
 * latches, hence the non-const state.
 */
uint8_t i8254_read(struct i8254 *pit, unsigned port, uint64_t now_ns);

/*
 * A guest write of @val to port 0x40 + @port (0-3): a count byte to
 * channel @port, or a control word, counter latch or read-back command
 * to port 3. Ports above 3 are ignored.
 */
void i8254_write(struct i8254 *pit, unsigned port, uint8_t val,
		 uint64_t now_ns);

/* The PIT bits of port 0x61 (I8254_PORT61_*); the others read 0. */
uint8_t i8254_port61_read(const struct i8254 *pit, uint64_t now_ns);

/* A write to port 0x61: bit 0 drives channel 2's gate, bit 1 is stored. */
void i8254_port61_write(struct i8254 *pit, uint8_t val, uint64_t now_ns);

/* Channel @ch's OUT at @now_ns (false for a channel above 2). */
bool i8254_out(const struct i8254 *pit, unsigned ch, uint64_t now_ns);

/*
 * The first time after @now_ns at which channel @ch's OUT changes, given
 * no further writes; UINT64_MAX if it never does (or @ch is above 2).
 * i8254_out() at the returned time gives the new level.
 */
uint64_t i8254_next_edge(const struct i8254 *pit, unsigned ch, uint64_t now_ns);

#ifdef __cplusplus
}
#endif

#endif /* PLUGVM_I8254_H */
