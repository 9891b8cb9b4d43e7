// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * serial.c - a 16550A UART on eight I/O ports.
 *
 * The register file follows the National Semiconductor PC16550D datasheet:
 * the divisor latch behind LCR.DLAB, a 16-byte receive FIFO (one byte deep
 * while the FIFOs are off, as on a 16450), loopback with the modem control
 * outputs wired back to the modem status inputs, and the line status bits a
 * polling driver looks at.
 *
 * Transmission is synchronous: a byte written to THR is handed to the host's
 * character sink at once, so THRE and TEMT are always set again when the write returns. Bytes
 * are passed on whole; word length, parity, stop bits, break and the baud
 * divisor are stored for the guest to read back but change nothing. There is
 * no host input yet, so the receiver is only fed by loopback.
 *
 * Interrupts come later: IER is stored and read back, but no interrupt line
 * is driven and IIR always reads "no interrupt pending" (0x01, plus 0xc0
 * while the FIFOs are enabled).
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
#define UART_DIVISOR_9600 12 /* 1.8432 MHz / 16 / 9600 */

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

#define UART_IER_MASK 0x0f /* ERBFI, ETBEI, ELSI, EDSSI */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_FIFO 0xc0 /* both set while the FIFOs are enabled */

#define UART_FCR_FE 0x01   /* FIFO enable */
#define UART_FCR_RFR 0x02  /* receiver FIFO reset */
#define UART_FCR_XFR 0x04  /* transmitter FIFO reset */
#define UART_FCR_DMA 0x08  /* DMA mode select */
#define UART_FCR_TRIG 0xc0 /* receiver trigger level */
#define UART_FCR_KEEP (UART_FCR_FE | UART_FCR_DMA | UART_FCR_TRIG)

#define UART_LCR_DLAB 0x80

#define UART_MCR_DTR 0x01
#define UART_MCR_RTS 0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

#define UART_LSR_DR 0x01   /* data ready */
#define UART_LSR_OE 0x02   /* overrun error */
#define UART_LSR_PE 0x04   /* parity error */
#define UART_LSR_FE 0x08   /* framing error */
#define UART_LSR_BI 0x10   /* break interrupt */
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_LSR_TEMT 0x40 /* transmitter empty */
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
	SERIAL_SET_OUTPUT,
};

static const struct plugvm_setting serial_settings[] = {
	[SERIAL_SET_BASE] = {
		.name = "base",
		.type = PLUGVM_SETTING_U64,
		.def = "0x3f8",
		.help = "first of the UART's 8 I/O ports "
			"(COM1 0x3f8, COM2 0x2f8)",
		.min = 0,
		.max = 0x10000 - UART_NR_PORTS,
	},
	[SERIAL_SET_OUTPUT] = {
		.name = "output",
		.type = PLUGVM_SETTING_STRING,
		.def = "stdout",
		.help = "where transmitted bytes go: stdout, none, or a file "
			"path (created or truncated)",
	},
	{ .name = NULL },
};

struct serial {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	uint16_t base;
	struct plugvm_chardev *out; /* the host's; NULL for "none" */

	uint16_t divisor;
	uint8_t ier, fcr, lcr, mcr, lsr, msr, scr;
	uint8_t rbr; /* last byte read, returned again while RX is empty */
	uint8_t rx[UART_FIFO_SIZE];
	unsigned int rx_head, rx_count;
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

static void serial_rx_clear(struct serial *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
	s->lsr &= ~UART_LSR_DR;
}

/*
 * A byte arrives at the receiver. With the FIFOs on, a byte that finds the
 * FIFO full is lost; with them off, it overwrites an unread RBR. Both set
 * OE, as the datasheet describes.
 */
static void serial_receive(struct serial *s, uint8_t byte)
{
	unsigned int depth = s->fcr & UART_FCR_FE ? UART_FIFO_SIZE : 1;

	if (s->rx_count >= depth) {
		s->lsr |= UART_LSR_OE;
		if (depth == 1)
			s->rx[s->rx_head] = byte;
		return;
	}
	s->rx[(s->rx_head + s->rx_count) % UART_FIFO_SIZE] = byte;
	s->rx_count++;
	s->lsr |= UART_LSR_DR;
}

static uint8_t serial_read_rbr(struct serial *s)
{
	if (s->rx_count) {
		s->rbr = s->rx[s->rx_head];
		s->rx_head = (s->rx_head + 1) % UART_FIFO_SIZE;
		s->rx_count--;
	}
	if (!s->rx_count)
		s->lsr &= ~UART_LSR_DR;
	return s->rbr;
}

static void serial_transmit(struct serial *s, uint8_t byte)
{
	if (s->mcr & UART_MCR_LOOP) {
		/* The serial output is held marking; TX feeds RX. */
		serial_receive(s, byte);
	} else if (s->out) {
		/* a byte the sink drops is lost, as on a line nobody reads */
		s->host->chardev_write(s->out, &byte, 1);
	}
	s->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
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
}

static uint64_t serial_read(void *opaque, uint64_t offset, unsigned size)
{
	struct serial *s = opaque;
	bool dlab = s->lcr & UART_LCR_DLAB;
	uint8_t val;

	switch (offset) {
	case UART_RBR:
		return dlab ? s->divisor & 0xff : serial_read_rbr(s);
	case UART_IER:
		return dlab ? s->divisor >> 8 : s->ier;
	case UART_IIR:
		return UART_IIR_NO_INT |
		       (s->fcr & UART_FCR_FE ? UART_IIR_FIFO : 0);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		/* Reading LSR clears the error bits. */
		val = s->lsr;
		s->lsr &= ~UART_LSR_ERRORS;
		return val;
	case UART_MSR:
		/* Reading MSR clears the delta bits. */
		val = s->msr;
		s->msr &= ~UART_MSR_DELTA;
		return val;
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
			s->ier = val & UART_IER_MASK;
		break;
	case UART_FCR:
		serial_write_fcr(s, val);
		break;
	case UART_LCR:
		s->lcr = val;
		break;
	case UART_MCR:
		s->mcr = val & UART_MCR_MASK;
		serial_update_msr(s);
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

static const struct plugvm_io_ops serial_ops = {
	.read = serial_read,
	.write = serial_write,
	.sizes = PLUGVM_ACCESS_1,
};

/* Power-on values from the datasheet's reset table. */
static void serial_reset(void *state)
{
	struct serial *s = state;

	s->divisor = UART_DIVISOR_9600;
	s->ier = 0;
	s->fcr = 0;
	s->lcr = 0;
	s->mcr = 0;
	s->lsr = UART_LSR_THRE | UART_LSR_TEMT;
	s->msr = serial_modem_inputs(s);
	s->scr = 0;
	s->rbr = 0;
	serial_rx_clear(s);
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

	/* on failure the host has said why (an overlap names both owners);
	 * it closes the output, now or after destroy() */
	ret = host->chardev_open(dev, "output", values[SERIAL_SET_OUTPUT].str,
				 PLUGVM_CHARDEV_OUTPUT, &s->out);
	if (ret)
		goto out_free_state;
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, base, UART_NR_PORTS,
				   &serial_ops, s);
	if (ret)
		goto out_free_state;
	*state = s;
	return 0;

out_free_state:
	free(s);
	return ret;
}

static void serial_destroy(void *state)
{
	free(state);
}

static const struct plugvm_plugin serial_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = PLUGVM_API_VERSION,
	.name = "serial",
	.description = "16550A UART (polled; output to stdout or a file)",
	.settings = serial_settings,
	.create = serial_create,
	.reset = serial_reset,
	.destroy = serial_destroy,
};

PLUGVM_PLUGIN_DEFINE(serial_plugin)
