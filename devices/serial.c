// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * serial.c - a 16550A UART on eight I/O ports.
 *
 * The register file follows the National Semiconductor PC16550D datasheet:
 * the divisor latch behind LCR.DLAB; 16-byte FIFOs with FCR's enable, resets
 * and four receive trigger levels (one byte deep while the FIFOs are off, as
 * on a 16450); IIR with the chip's priorities (line status, then received
 * data or character timeout, then THR empty, then modem status) and its FIFO
 * bits; LSR with DR, OE, BI, THRE, TEMT and the RX FIFO error bit; MSR with
 * its delta bits; the scratch register; and loopback, with TX wired to RX
 * and the modem control outputs to the modem status inputs.
 *
 * The interrupt line (`irq`) follows IIR: high while an enabled interrupt is
 * pending, low when none is. The chip's OUT2 gate on PC boards is not
 * modelled (as in QEMU and kvmtool): a guest that enables an interrupt gets
 * it. Several ports may share a line; the host ORs their levels.
 *
 * Transmission is instant: a byte written to THR goes to the host's output
 * sink at once, so THR and the transmitter are always empty (THRE and TEMT
 * read 1, and a guest that waits for them never waits) and each write
 * re-arms the THR empty interrupt, as the chip does when its THR drains.
 * Word length, parity, stop bits and the divisor change nothing about the
 * bytes; they set the character time, which only the character timeout
 * uses: four character times without a byte arriving or being read, with
 * the FIFOs on and bytes below the trigger level, and IIR reports 0x0c.
 *
 * Input comes from the host (plugin.h, struct plugvm_chardev_input), never
 * faster than the RX FIFO has room for: the host stops reading while the
 * FIFO is full, and the device calls input_ready() when the guest makes
 * room, so input is never lost and OE only reports loopback overruns. A
 * break from the host arrives as a 0x00 character flagged BI. Bytes never
 * have parity or framing errors here, so PE and FE stay 0.
 */
#include "config.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UART_NR_PORTS 8
#define UART_FIFO_SIZE 16
#define UART_DIVISOR_9600 12  /* 1.8432 MHz / 16 / 9600 */
#define UART_CLOCK_HZ 1843200 /* the PC's crystal */
#define UART_TIMEOUT_CHARS 4  /* character timeout, in character times */

/* Register offsets. With LCR.DLAB set, 0 and 1 are the divisor latch. */
#define UART_RBR 0 /* receive buffer (read) */
#define UART_THR 0 /* transmit holding (write) */
#define UART_DLL 0 /* divisor latch, low byte (DLAB) */
#define UART_IER 1 /* interrupt enable */
#define UART_DLM 1 /* divisor latch, high byte (DLAB) */
#define UART_IIR 2 /* interrupt identification (read) */
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_MSR 6 /* modem status */
#define UART_SCR 7 /* scratch */

#define UART_IER_ERBFI 0x01 /* received data available (and timeout) */
#define UART_IER_ETBEI 0x02 /* transmitter holding register empty */
#define UART_IER_ELSI 0x04  /* receiver line status */
#define UART_IER_EDSSI 0x08 /* modem status */
#define UART_IER_MASK 0x0f

/* IIR: bit 0 set means nothing pending; bits 1-3 name the interrupt. */
#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI 0x00  /* modem status */
#define UART_IIR_THRI 0x02 /* THR empty */
#define UART_IIR_RDI 0x04  /* received data available */
#define UART_IIR_RLSI 0x06 /* receiver line status */
#define UART_IIR_CTI 0x0c  /* character timeout */
#define UART_IIR_FIFO 0xc0 /* both set while the FIFOs are enabled */

#define UART_FCR_FE 0x01   /* FIFO enable */
#define UART_FCR_RFR 0x02  /* receiver FIFO reset */
#define UART_FCR_XFR 0x04  /* transmitter FIFO reset */
#define UART_FCR_DMA 0x08  /* DMA mode select */
#define UART_FCR_TRIG 0xc0 /* receiver trigger level */
#define UART_FCR_KEEP (UART_FCR_FE | UART_FCR_DMA | UART_FCR_TRIG)

#define UART_LCR_WLS 0x03 /* word length - 5 */
#define UART_LCR_STB 0x04 /* 2 stop bits (1.5 with 5-bit words) */
#define UART_LCR_PEN 0x08 /* parity enable */
#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

#define UART_LSR_DR 0x01    /* data ready */
#define UART_LSR_OE 0x02    /* overrun error */
#define UART_LSR_PE 0x04    /* parity error */
#define UART_LSR_FE 0x08    /* framing error */
#define UART_LSR_BI 0x10    /* break interrupt */
#define UART_LSR_THRE 0x20  /* transmit holding register empty */
#define UART_LSR_TEMT 0x40  /* transmitter empty */
#define UART_LSR_FIFOE 0x80 /* an error in the RX FIFO */
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04 /* RI went from on to off */
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS 0x10
#define UART_MSR_DSR 0x20
#define UART_MSR_RI 0x40
#define UART_MSR_DCD 0x80
#define UART_MSR_DELTA 0x0f
#define UART_MSR_STATUS 0xf0
/* The modem inputs outside loopback: a connected modem, as QEMU shows. */
#define UART_MSR_CONNECTED (UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS)

enum {
	SERIAL_SET_BASE,
	SERIAL_SET_IRQ,
	SERIAL_SET_OUTPUT,
	SERIAL_SET_INPUT,
};

static const struct plugvm_setting serial_settings[] = {
	[SERIAL_SET_BASE] = {
		.name = "base",
		.type = PLUGVM_SETTING_U64,
		.def = "0x3f8",
		.help = "first of the UART's 8 I/O ports "
			"(COM1 0x3f8, COM2 0x2f8, COM3 0x3e8, COM4 0x2e8)",
		.min = 0,
		.max = 0x10000 - UART_NR_PORTS,
	},
	[SERIAL_SET_IRQ] = {
		.name = "irq",
		.type = PLUGVM_SETTING_U64,
		.def = "4",
		.help = "interrupt line, high while an enabled interrupt is "
			"pending; when not set, 3 for a base of 0x2f8 or "
			"0x2e8 (COM2, COM4) and 4 otherwise",
		.min = 0,
		.max = 23,
	},
	[SERIAL_SET_OUTPUT] = {
		.name = "output",
		.type = PLUGVM_SETTING_STRING,
		.def = "stdout",
		.help = "where transmitted bytes go: stdout, none, or a file "
			"path (created or truncated)",
	},
	[SERIAL_SET_INPUT] = {
		.name = "input",
		.type = PLUGVM_SETTING_STRING,
		.def = "auto",
		.help = "where received bytes come from: stdin, none, a file "
			"path (a file, FIFO or terminal), or auto: stdin for "
			"the first serial port that asks for it, none for the "
			"others",
	},
	{ .name = NULL },
};

struct serial {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	uint16_t base;
	unsigned int irq;
	struct plugvm_chardev *out; /* the host's; NULL for "none" */
	struct plugvm_chardev *in;  /* the host's; NULL for "none" */
	struct plugvm_timer *timer; /* the character timeout */

	uint16_t divisor;
	uint8_t ier, fcr, lcr, mcr, msr, scr;
	uint8_t lsr_errors; /* OE, PE, FE, BI until LSR is read */
	uint8_t rbr; /* last byte read, returned again while RX is empty */
	uint8_t rx[UART_FIFO_SIZE];
	uint8_t rx_flags[UART_FIFO_SIZE]; /* BI for a break character */
	unsigned int rx_head, rx_count;
	unsigned int rx_errors; /* flagged characters LSR did not show yet */

	bool thri_pending;    /* THR emptied since IIR last reported it */
	bool timeout_pending; /* character timeout, until RBR is read */
	bool timer_armed;
	uint64_t rx_activity_ns; /* last byte received or read */
	bool irq_level;		 /* what the device drives on its line */
	bool input_paused; /* can_receive() said 0: input_ready() is due */
};

/* The modem status inputs as the chip sees them right now. */
static uint8_t serial_modem_inputs(const struct serial *s)
{
	uint8_t in = 0;

	if (!(s->mcr & UART_MCR_LOOP))
		return UART_MSR_CONNECTED;
	/* Loopback: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
	if (s->mcr & UART_MCR_RTS)
		in |= UART_MSR_CTS;
	if (s->mcr & UART_MCR_DTR)
		in |= UART_MSR_DSR;
	if (s->mcr & UART_MCR_OUT1)
		in |= UART_MSR_RI;
	if (s->mcr & UART_MCR_OUT2)
		in |= UART_MSR_DCD;
	return in;
}

/*
 * Latch the current modem inputs into MSR. Each delta bit records a change
 * since MSR was last read; TERI records RI going from on to off.
 */
static void serial_update_msr(struct serial *s)
{
	uint8_t old = s->msr & UART_MSR_STATUS;
	uint8_t now = serial_modem_inputs(s);
	uint8_t changed = old ^ now;
	uint8_t delta = 0;

	if (changed & UART_MSR_CTS)
		delta |= UART_MSR_DCTS;
	if (changed & UART_MSR_DSR)
		delta |= UART_MSR_DDSR;
	if (changed & UART_MSR_DCD)
		delta |= UART_MSR_DDCD;
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
		delta |= UART_MSR_TERI;
	s->msr = (s->msr & UART_MSR_DELTA) | delta | now;
}

static bool serial_fifo_on(const struct serial *s)
{
	return s->fcr & UART_FCR_FE;
}

/* Bytes the receiver holds: the FIFO, or RBR alone while it is off. */
static unsigned int serial_rx_depth(const struct serial *s)
{
	return serial_fifo_on(s) ? UART_FIFO_SIZE : 1;
}

/* Received bytes that make IIR report "data available". */
static unsigned int serial_rx_trigger(const struct serial *s)
{
	static const uint8_t levels[4] = { 1, 4, 8, 14 };

	return serial_fifo_on(s) ? levels[s->fcr >> 6] : 1;
}

/*
 * Bytes the receiver can take from the host now. In loopback the receiver
 * is cut off from the line: nothing.
 */
static size_t serial_rx_room(const struct serial *s)
{
	if (s->mcr & UART_MCR_LOOP)
		return 0;
	return serial_rx_depth(s) - s->rx_count;
}

/* The guest made room: let the host resume an input it paused. */
static void serial_input_resume(struct serial *s)
{
	if (!s->input_paused || !serial_rx_room(s))
		return;
	s->input_paused = false;
	s->host->chardev->input_ready(s->in);
}

/* The interrupt IIR reports: the highest-priority enabled one pending. */
static uint8_t serial_iir_id(const struct serial *s)
{
	if ((s->ier & UART_IER_ELSI) && (s->lsr_errors & UART_LSR_ERRORS))
		return UART_IIR_RLSI;
	if (s->ier & UART_IER_ERBFI) {
		if (s->timeout_pending)
			return UART_IIR_CTI;
		if (s->rx_count >= serial_rx_trigger(s))
			return UART_IIR_RDI;
	}
	if ((s->ier & UART_IER_ETBEI) && s->thri_pending)
		return UART_IIR_THRI;
	if ((s->ier & UART_IER_EDSSI) && (s->msr & UART_MSR_DELTA))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/*
 * Drive the line as IIR says, telling the host only of changes. A refused
 * set_irq() (no interrupt controller) the host has reported already.
 */
static void serial_update_irq(struct serial *s)
{
	bool level = serial_iir_id(s) != UART_IIR_NO_INT;

	if (level == s->irq_level)
		return;
	s->irq_level = level;
	(void)s->host->set_irq(s->dev, s->irq, level);
}

/* Nanoseconds one character takes on the line at the current LCR and
 * divisor: start bit, data bits, parity, stop bits. */
static uint64_t serial_char_ns(const struct serial *s)
{
	unsigned int data = 5 + (s->lcr & UART_LCR_WLS);
	unsigned int half_bits = 2 * (1 + data + !!(s->lcr & UART_LCR_PEN));
	uint64_t divisor = s->divisor ? s->divisor : 0x10000;

	if (!(s->lcr & UART_LCR_STB))
		half_bits += 2;
	else
		half_bits += data == 5 ? 3 : 4;
	/* one bit is 16 clocks per divisor count */
	return divisor * 16 * half_bits * UINT64_C(1000000000) /
	       (2 * UART_CLOCK_HZ);
}

/*
 * A byte arrived or was read: the character timeout starts again. The
 * timer is armed once per quiet period; when it fires early it moves on.
 */
static void serial_rx_activity(struct serial *s)
{
	if (!serial_fifo_on(s) || !s->rx_count)
		return;
	s->rx_activity_ns = s->host->clock_ns(s->dev);
	if (s->timer_armed)
		return;
	s->timer_armed = true;
	s->host->timer->arm(s->timer,
			    s->rx_activity_ns +
				    UART_TIMEOUT_CHARS * serial_char_ns(s));
}

static void serial_timeout(void *opaque)
{
	struct serial *s = opaque;
	uint64_t deadline;

	s->timer_armed = false;
	if (!serial_fifo_on(s) || !s->rx_count)
		return;
	deadline = s->rx_activity_ns + UART_TIMEOUT_CHARS * serial_char_ns(s);
	if (s->host->clock_ns(s->dev) < deadline) {
		s->timer_armed = true;
		s->host->timer->arm(s->timer, deadline);
		return;
	}
	s->timeout_pending = true;
	serial_update_irq(s);
}

static void serial_rx_clear(struct serial *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
	s->rx_errors = 0;
	memset(s->rx_flags, 0, sizeof(s->rx_flags));
	s->timeout_pending = false;
}

/* Drop the flag of the character at the head of the FIFO. */
static void serial_rx_unflag_head(struct serial *s)
{
	if (s->rx_flags[s->rx_head]) {
		s->rx_flags[s->rx_head] = 0;
		s->rx_errors--;
	}
}

/*
 * A byte arrives at the receiver, with @flags (UART_LSR_BI or 0). With the
 * FIFOs on, a byte that finds the FIFO full is lost; with them off, it
 * overwrites an unread RBR. Both set OE, as the datasheet describes. A
 * character's error bits show in LSR once it is at the head of the FIFO.
 * The caller updates the interrupt line.
 */
static void serial_receive(struct serial *s, uint8_t byte, uint8_t flags)
{
	unsigned int tail;

	if (s->rx_count >= serial_rx_depth(s)) {
		s->lsr_errors |= UART_LSR_OE;
		if (serial_rx_depth(s) > 1)
			return;
		serial_rx_unflag_head(s);
		s->rx_count = 0;
	}
	tail = (s->rx_head + s->rx_count) % UART_FIFO_SIZE;
	s->rx[tail] = byte;
	s->rx_flags[tail] = flags;
	if (flags)
		s->rx_errors++;
	if (!s->rx_count)
		s->lsr_errors |= flags;
	s->rx_count++;
}

static uint8_t serial_read_rbr(struct serial *s)
{
	if (!s->rx_count)
		return s->rbr;
	s->rbr = s->rx[s->rx_head];
	serial_rx_unflag_head(s);
	s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
	s->rx_count--;
	if (s->rx_count)
		s->lsr_errors |= s->rx_flags[s->rx_head];
	s->timeout_pending = false;
	serial_rx_activity(s);
	serial_update_irq(s);
	serial_input_resume(s);
	return s->rbr;
}

static uint8_t serial_read_iir(struct serial *s)
{
	uint8_t id = serial_iir_id(s);

	/* Reading IIR clears a THR empty interrupt it reports. */
	if (id == UART_IIR_THRI) {
		s->thri_pending = false;
		serial_update_irq(s);
	}
	return id | (serial_fifo_on(s) ? UART_IIR_FIFO : 0);
}

static uint8_t serial_read_lsr(struct serial *s)
{
	uint8_t val = s->lsr_errors | UART_LSR_THRE | UART_LSR_TEMT;

	if (s->rx_count)
		val |= UART_LSR_DR;
	if (serial_fifo_on(s) && s->rx_errors)
		val |= UART_LSR_FIFOE;
	/* Reading LSR clears the error bits; the head's error is shown. */
	s->lsr_errors = 0;
	if (s->rx_count)
		serial_rx_unflag_head(s);
	serial_update_irq(s);
	return val;
}

static uint8_t serial_read_msr(struct serial *s)
{
	uint8_t val = s->msr;

	/* Reading MSR clears the delta bits. */
	s->msr &= ~UART_MSR_DELTA;
	serial_update_irq(s);
	return val;
}

static void serial_transmit(struct serial *s, uint8_t byte)
{
	if (s->mcr & UART_MCR_LOOP) {
		/* The serial output is held marking; TX feeds RX. */
		serial_receive(s, byte, 0);
		serial_rx_activity(s);
	} else if (s->out) {
		/* a byte the sink drops is lost, as on a line nobody reads */
		s->host->chardev_write(s->out, &byte, 1);
	}
	/* THR is empty again at once: its interrupt is due again. */
	s->thri_pending = true;
	serial_update_irq(s);
}

/*
 * THR is always empty, so the THR empty interrupt is due whenever ETBEI
 * goes from 0 to 1, even when IIR reported it before: the rising edge of
 * ETBEI AND THRE, which Linux's 8250 driver tests for at start-up (its
 * UART_BUG_THRE and UART_BUG_TXEN checks) and QEMU and Bochs model.
 */
static void serial_write_ier(struct serial *s, uint8_t val)
{
	uint8_t old = s->ier;

	s->ier = val & UART_IER_MASK;
	if ((s->ier & UART_IER_ETBEI) && !(old & UART_IER_ETBEI))
		s->thri_pending = true;
	serial_update_irq(s);
}

static void serial_write_fcr(struct serial *s, uint8_t val)
{
	bool toggled = (val ^ s->fcr) & UART_FCR_FE;

	/* The other bits are only programmed while FCR0 is (being) set. */
	if (!(val & UART_FCR_FE))
		val = 0;
	/* Turning the FIFOs on or off empties both of them. */
	if (toggled)
		val |= UART_FCR_RFR | UART_FCR_XFR;
	if (val & UART_FCR_RFR)
		serial_rx_clear(s);
	/* UART_FCR_XFR: the transmitter is always empty already. */
	s->fcr = val & UART_FCR_KEEP;
	serial_update_irq(s);
	serial_input_resume(s);
}

static void serial_write_mcr(struct serial *s, uint8_t val)
{
	s->mcr = val & UART_MCR_MASK;
	serial_update_msr(s);
	serial_update_irq(s);
	serial_input_resume(s); /* out of loopback, the line is back */
}

static uint64_t serial_read(void *opaque, uint64_t offset, unsigned size)
{
	struct serial *s = opaque;
	bool dlab = s->lcr & UART_LCR_DLAB;

	(void)size; /* always 1: the range takes bytes only */
	switch (offset) {
	case UART_RBR:
		return dlab ? s->divisor & 0xff : serial_read_rbr(s);
	case UART_IER:
		return dlab ? s->divisor >> 8 : s->ier;
	case UART_IIR:
		return serial_read_iir(s);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		return serial_read_lsr(s);
	case UART_MSR:
		return serial_read_msr(s);
	case UART_SCR:
		return s->scr;
	default:
		return 0xff;
	}
}

static void serial_write(void *opaque, uint64_t offset, unsigned size,
			 uint64_t value)
{
	struct serial *s = opaque;
	bool dlab = s->lcr & UART_LCR_DLAB;
	uint8_t val = value;

	(void)size;
	switch (offset) {
	case UART_THR:
		if (dlab)
			s->divisor = (s->divisor & 0xff00) | val;
		else
			serial_transmit(s, val);
		break;
	case UART_IER:
		if (dlab)
			s->divisor = (s->divisor & 0x00ff) | (uint16_t)val << 8;
		else
			serial_write_ier(s, val);
		break;
	case UART_FCR:
		serial_write_fcr(s, val);
		break;
	case UART_LCR:
		s->lcr = val;
		break;
	case UART_MCR:
		serial_write_mcr(s, val);
		break;
	case UART_LSR:
	case UART_MSR:
		s->host->log(
			s->dev, PLUGVM_LOG_GUEST_ERROR,
			"write of 0x%02x to read-only %s (port 0x%x) ignored",
			val, offset == UART_LSR ? "LSR" : "MSR",
			(unsigned int)(s->base + offset));
		break;
	case UART_SCR:
		s->scr = val;
		break;
	}
}

/* Host input: what the receiver has room for, never more (flow control). */
static size_t serial_can_receive(void *opaque)
{
	struct serial *s = opaque;
	size_t room = serial_rx_room(s);

	if (!room)
		s->input_paused = true;
	return room;
}

static void serial_input(void *opaque, const uint8_t *buf, size_t len)
{
	struct serial *s = opaque;

	for (size_t i = 0; i < len; i++)
		serial_receive(s, buf[i], 0);
	serial_rx_activity(s);
	serial_update_irq(s);
}

/*
 * A break on the line arrives as a 0x00 character with BI, as the chip
 * receives a line held low for a character time (unless loopback cuts the
 * receiver off the line). The end of the input is no error: nothing more
 * arrives.
 */
static void serial_input_event(void *opaque, uint32_t event)
{
	struct serial *s = opaque;

	if (event == PLUGVM_CHARDEV_EVENT_BREAK && !(s->mcr & UART_MCR_LOOP)) {
		/* a full FIFO overruns, as for any character */
		serial_receive(s, 0, UART_LSR_BI);
		serial_rx_activity(s);
		serial_update_irq(s);
	} else if (event == PLUGVM_CHARDEV_EVENT_EOF) {
		s->host->log(s->dev, PLUGVM_LOG_DEBUG, "input: end of input");
	}
}

static const struct plugvm_chardev_input serial_input_ops = {
	.can_receive = serial_can_receive,
	.receive = serial_input,
	.event = serial_input_event,
};

static const struct plugvm_io_ops serial_ops = {
	.read = serial_read,
	.write = serial_write,
	.sizes = PLUGVM_ACCESS_1,
};

/*
 * Power-on values from the datasheet's reset table. The line goes low if
 * it was high (reset never raises it).
 */
static void serial_reset(void *state)
{
	struct serial *s = state;

	s->host->timer->cancel(s->timer);
	s->timer_armed = false;
	s->divisor = UART_DIVISOR_9600;
	s->ier = 0;
	s->fcr = 0;
	s->lcr = 0;
	s->mcr = 0;
	s->lsr_errors = 0;
	s->msr = serial_modem_inputs(s);
	s->scr = 0;
	s->rbr = 0;
	s->thri_pending = false;
	serial_rx_clear(s);
	serial_update_irq(s);
	serial_input_resume(s);
}

/* The line a port uses when `irq` is not set: the PC's COM1-COM4. */
static unsigned int serial_default_irq(uint64_t base)
{
	return base == 0x2f8 || base == 0x2e8 ? 3 : 4;
}

/*
 * Open the input @spec names: "auto" is stdin if no device holds it yet,
 * else none. The host says why when it fails, and closes what it opened.
 */
static int serial_open_input(struct serial *s, const char *spec)
{
	uint32_t flags = PLUGVM_CHARDEV_INPUT;
	int ret;

	if (!strcmp(spec, "none"))
		return 0;
	if (!strcmp(spec, "auto")) {
		spec = "stdin";
		flags |= PLUGVM_CHARDEV_STDIN_FIRST;
	}
	ret = s->host->chardev_open(s->dev, "input", spec, flags, &s->in);
	if (ret || !s->in)
		return ret;
	ret = s->host->chardev->set_input(s->in, &serial_input_ops, s);
	if (ret)
		s->host->log(s->dev, PLUGVM_LOG_ERROR,
			     "input: cannot take input (error %d)", ret);
	return ret;
}

static int serial_create(struct plugvm_device *dev,
			 const struct plugvm_host *host,
			 const struct plugvm_value *values, void **state)
{
	uint64_t base = values[SERIAL_SET_BASE].u64;
	struct serial *s;
	int ret;

	/* base <= 0x10000 - UART_NR_PORTS: the settings table's range */
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->dev = dev;
	s->host = host;
	s->base = base;
	s->irq = values[SERIAL_SET_IRQ].set ? values[SERIAL_SET_IRQ].u64
					    : serial_default_irq(base);
	if (s->irq == 2) {
		free(s);
		return host->setting_error(
			dev, "irq",
			"2 is the cascade of the 8259A pair, not a device's "
			"line (use 9, which the PC wires in its place)");
	}

	ret = host->timer->create(dev, serial_timeout, s, &s->timer);
	if (ret) {
		host->log(dev, PLUGVM_LOG_ERROR,
			  "cannot make its character timeout timer (error %d)",
			  ret);
		goto out_free_state;
	}
	/* on failure the host has said why (an overlap names both owners);
	 * it closes the output, now or after destroy() */
	ret = host->chardev_open(dev, "output", values[SERIAL_SET_OUTPUT].str,
				 PLUGVM_CHARDEV_OUTPUT, &s->out);
	if (ret)
		goto out_free_timer;
	ret = serial_open_input(s, values[SERIAL_SET_INPUT].str);
	if (ret)
		goto out_free_timer;
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, base, UART_NR_PORTS,
				   &serial_ops, s);
	if (ret)
		goto out_free_timer;
	*state = s;
	return 0;

out_free_timer:
	host->timer->free(s->timer);
out_free_state:
	free(s);
	return ret;
}

static void serial_destroy(void *state)
{
	struct serial *s = state;

	s->host->timer->free(s->timer);
	free(s);
}

static const struct plugvm_plugin serial_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "serial",
	.description = "16550A UART (COM1-COM4): FIFOs, interrupts, input "
		       "and output",
	.settings = serial_settings,
	.create = serial_create,
	.reset = serial_reset,
	.destroy = serial_destroy,
};

PLUGVM_PLUGIN_DEFINE(serial_plugin)
