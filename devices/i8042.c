// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * i8042.c - the PC's 8042 keyboard controller, as much of it as a guest
 * kernel needs: its probe, a keyboard that answers without keys, an AUX
 * port that loops bytes back, and the reset line (i8042.so).
 *
 * plugvm creates it itself, as device "i8042", for `[machine] chipset =
 * pc` (on kvm and tcg). Ports:
 *   0x60  data: read the output buffer; write a command's parameter, or a
 *         byte for the keyboard
 *   0x64  read the status register; write a controller command
 *
 * What it is for: Linux's `reboot` on a PC without ACPI pulses the CPU's
 * reset line through the 8042 (command 0xfe to port 0x64, `reboot=k`).
 * plugvm has no machine reset, so a reset pulse (commands 0xf0-0xfe with
 * bit 0 clear, or an output port write with bit 0 clear) stops the machine
 * with status 0 (host->request_exit()): the guest rebooted.
 *
 * The rest lets Linux's i8042 and atkbd drivers probe it at boot without
 * timeouts: the controller self tests (0xaa -> 0x55, 0xab/0xa9 -> 0),
 * reads and writes its command byte (0x20/0x60), enables and disables
 * its ports (0xa7/0xa8/0xad/0xae), reads and writes its output port
 * (0xd0/0xd1), writes either output buffer (0xd2/0xd3, which is how Linux
 * tests the AUX port and its interrupt). Keyboard commands get the answers
 * of an MF2 keyboard (0xfa ACK; 0xff reset -> 0xfa 0xaa; 0xf2 identify ->
 * 0xfa 0xab 0x83, 0x41 with translation on; 0xee echo -> 0xee); there are
 * no key presses. No mouse is attached: bytes for it (0xd4) are dropped.
 *
 * Interrupts: IRQ 1 is high while the output buffer holds a keyboard byte
 * and the command byte enables its interrupt (bit 0), IRQ 12 likewise for
 * an AUX byte (bit 1); reading port 0x60 takes the byte and lowers it.
 * Unknown commands are guest errors (-v) and otherwise ignored.
 */
#include "config.h"

#include <plugvm/plugin.h>

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define I8042_DATA_PORT 0x60
#define I8042_CMD_PORT 0x64

#define I8042_KBD_IRQ 1
#define I8042_AUX_IRQ 12

/* Status register (port 0x64 reads). */
#define I8042_STR_OBF 0x01	/* output buffer full */
#define I8042_STR_SYS 0x04	/* system flag: the command byte's bit 2 */
#define I8042_STR_CMDDAT 0x08	/* the last write went to port 0x64 */
#define I8042_STR_UNLOCKED 0x10 /* keyboard not inhibited */
#define I8042_STR_AUXDATA 0x20	/* the output buffer holds an AUX byte */

/* Command byte ("CTR"). */
#define I8042_CTR_KBDINT 0x01
#define I8042_CTR_AUXINT 0x02
#define I8042_CTR_SYS 0x04
#define I8042_CTR_KBDDIS 0x10
#define I8042_CTR_AUXDIS 0x20
#define I8042_CTR_XLATE 0x40
/* What a BIOS leaves after POST: translation, POST passed, keyboard
 * interrupt on. */
#define I8042_CTR_POWER_ON (I8042_CTR_XLATE | I8042_CTR_SYS | I8042_CTR_KBDINT)

/* Output port: bit 0 is the CPU's reset line (active low), bit 1 A20. */
#define I8042_OUT_RESET 0x01
#define I8042_OUT_A20 0x02
#define I8042_OUT_POWER_ON (I8042_OUT_RESET | I8042_OUT_A20)

/* Controller commands. */
#define I8042_CMD_READ_CTR 0x20
#define I8042_CMD_WRITE_CTR 0x60
#define I8042_CMD_AUX_DISABLE 0xa7
#define I8042_CMD_AUX_ENABLE 0xa8
#define I8042_CMD_AUX_TEST 0xa9
#define I8042_CMD_SELF_TEST 0xaa
#define I8042_CMD_KBD_TEST 0xab
#define I8042_CMD_KBD_DISABLE 0xad
#define I8042_CMD_KBD_ENABLE 0xae
#define I8042_CMD_READ_INPUT 0xc0
#define I8042_CMD_READ_OUTPUT 0xd0
#define I8042_CMD_WRITE_OUTPUT 0xd1
#define I8042_CMD_WRITE_KBD_OBUF 0xd2
#define I8042_CMD_WRITE_AUX_OBUF 0xd3
#define I8042_CMD_WRITE_AUX 0xd4
#define I8042_CMD_READ_TEST 0xe0
/* 0xf0-0xff: pulse output bits 3-0 low where the command's bit is 0 */
#define I8042_CMD_PULSE 0xf0

#define I8042_SELF_TEST_OK 0x55

/* Keyboard commands and answers. */
#define KBD_CMD_SET_LEDS 0xed
#define KBD_CMD_ECHO 0xee
#define KBD_CMD_SCANSET 0xf0
#define KBD_CMD_GET_ID 0xf2
#define KBD_CMD_SET_RATE 0xf3
#define KBD_CMD_RESET 0xff
#define KBD_ACK 0xfa
#define KBD_BAT_OK 0xaa
#define KBD_ID_0 0xab
#define KBD_ID_1 0x83
#define KBD_ID_1_XLATE 0x41

/* Bytes the output buffer can hold (the longest answer is 3). */
#define I8042_QUEUE 16

struct i8042_byte {
	uint8_t value;
	bool aux; /* from the AUX port, else the keyboard or controller */
};

struct i8042 {
	struct plugvm_device *dev;
	const struct plugvm_host *host;
	struct i8042_byte queue[I8042_QUEUE];
	unsigned head, count;
	uint8_t last_read; /* what port 0x60 gives when nothing is queued */
	uint8_t ctr;
	uint8_t outport;
	uint8_t pending;     /* a command waiting for its byte on 0x60, or 0 */
	uint8_t kbd_pending; /* a keyboard command waiting for its parameter */
	bool cmd_last;	     /* the last write went to 0x64 */
	bool kbd_line, aux_line; /* levels IRQ 1 and 12 were driven to */
	bool irq_refused;	 /* no interrupt controller: drive nothing */
	bool reset_said;
};

/* Drive IRQ 1 and 12 from the output buffer and the command byte. */
static void i8042_update_irq(struct i8042 *k)
{
	bool full = k->count > 0;
	bool aux = full && k->queue[k->head].aux;
	bool kbd_level = full && !aux && (k->ctr & I8042_CTR_KBDINT);
	bool aux_level = aux && (k->ctr & I8042_CTR_AUXINT);

	if (k->irq_refused)
		return;
	if (kbd_level != k->kbd_line) {
		k->kbd_line = kbd_level;
		if (k->host->set_irq(k->dev, I8042_KBD_IRQ, kbd_level))
			k->irq_refused = true;
	}
	if (aux_level != k->aux_line && !k->irq_refused) {
		k->aux_line = aux_level;
		if (k->host->set_irq(k->dev, I8042_AUX_IRQ, aux_level))
			k->irq_refused = true;
	}
}

/* Append @value to the output buffer (from the AUX port: @aux). */
static void i8042_queue(struct i8042 *k, uint8_t value, bool aux)
{
	if (k->count == I8042_QUEUE) {
		k->host->log(k->dev, PLUGVM_LOG_GUEST_ERROR,
			     "output buffer overrun: byte 0x%02x dropped (the "
			     "guest does not read port 0x60)",
			     value);
		return;
	}
	k->queue[(k->head + k->count) % I8042_QUEUE] =
		(struct i8042_byte){ .value = value, .aux = aux };
	k->count++;
	i8042_update_irq(k);
}

/* The CPU's reset line went low: the guest reboots, plugvm stops. */
static void i8042_reset_cpu(struct i8042 *k, uint8_t how)
{
	if (!k->reset_said) {
		k->reset_said = true;
		k->host->log(k->dev, PLUGVM_LOG_INFO,
			     "the guest pulsed the CPU reset line (0x%02x): a "
			     "reboot, which stops the machine with status 0",
			     how);
	}
	k->host->request_exit(k->dev, 0);
}

static uint8_t i8042_status(const struct i8042 *k)
{
	uint8_t s = I8042_STR_UNLOCKED;

	if (k->count) {
		s |= I8042_STR_OBF;
		if (k->queue[k->head].aux)
			s |= I8042_STR_AUXDATA;
	}
	if (k->ctr & I8042_CTR_SYS)
		s |= I8042_STR_SYS;
	if (k->cmd_last)
		s |= I8042_STR_CMDDAT;
	return s;
}

static uint8_t i8042_read_data(struct i8042 *k)
{
	if (k->count) {
		k->last_read = k->queue[k->head].value;
		k->head = (k->head + 1) % I8042_QUEUE;
		k->count--;
		i8042_update_irq(k);
	}
	return k->last_read;
}

static void i8042_command(struct i8042 *k, uint8_t cmd)
{
	k->pending = 0;
	if (cmd >= I8042_CMD_PULSE) {
		if (!(cmd & I8042_OUT_RESET))
			i8042_reset_cpu(k, cmd);
		return;
	}
	switch (cmd) {
	case I8042_CMD_READ_CTR:
		i8042_queue(k, k->ctr, false);
		break;
	case I8042_CMD_WRITE_CTR:
	case I8042_CMD_WRITE_OUTPUT:
	case I8042_CMD_WRITE_KBD_OBUF:
	case I8042_CMD_WRITE_AUX_OBUF:
	case I8042_CMD_WRITE_AUX:
		k->pending = cmd;
		break;
	case I8042_CMD_AUX_DISABLE:
		k->ctr |= I8042_CTR_AUXDIS;
		break;
	case I8042_CMD_AUX_ENABLE:
		k->ctr &= (uint8_t)~I8042_CTR_AUXDIS;
		break;
	case I8042_CMD_AUX_TEST:
	case I8042_CMD_KBD_TEST:
	case I8042_CMD_READ_TEST:
		i8042_queue(k, 0x00, false); /* no clock or data line stuck */
		break;
	case I8042_CMD_SELF_TEST:
		k->ctr |= I8042_CTR_SYS;
		i8042_queue(k, I8042_SELF_TEST_OK, false);
		break;
	case I8042_CMD_KBD_DISABLE:
		k->ctr |= I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_KBD_ENABLE:
		k->ctr &= (uint8_t)~I8042_CTR_KBDDIS;
		break;
	case I8042_CMD_READ_INPUT:
		i8042_queue(k, 0x80, false); /* keyboard not inhibited */
		break;
	case I8042_CMD_READ_OUTPUT:
		i8042_queue(k, k->outport, false);
		break;
	default:
		k->host->log(k->dev, PLUGVM_LOG_GUEST_ERROR,
			     "unknown controller command 0x%02x ignored", cmd);
		break;
	}
}

/* A byte for the keyboard: answer as an MF2 keyboard with no keys. */
static void i8042_keyboard(struct i8042 *k, uint8_t b)
{
	if (k->kbd_pending) { /* the parameter of the last command */
		k->kbd_pending = 0;
		i8042_queue(k, KBD_ACK, false);
		return;
	}
	switch (b) {
	case KBD_CMD_ECHO:
		i8042_queue(k, KBD_CMD_ECHO, false);
		break;
	case KBD_CMD_RESET:
		i8042_queue(k, KBD_ACK, false);
		i8042_queue(k, KBD_BAT_OK, false);
		break;
	case KBD_CMD_GET_ID:
		i8042_queue(k, KBD_ACK, false);
		i8042_queue(k, KBD_ID_0, false);
		i8042_queue(
			k, k->ctr & I8042_CTR_XLATE ? KBD_ID_1_XLATE : KBD_ID_1,
			false);
		break;
	case KBD_CMD_SET_LEDS:
	case KBD_CMD_SCANSET:
	case KBD_CMD_SET_RATE:
		k->kbd_pending = b;
		i8042_queue(k, KBD_ACK, false);
		break;
	default: /* enable, disable, defaults, typematic modes, resend */
		i8042_queue(k, KBD_ACK, false);
		break;
	}
}

static void i8042_write_data(struct i8042 *k, uint8_t b)
{
	uint8_t cmd = k->pending;

	k->pending = 0;
	switch (cmd) {
	case I8042_CMD_WRITE_CTR:
		k->ctr = b;
		i8042_update_irq(k);
		break;
	case I8042_CMD_WRITE_OUTPUT:
		k->outport = b;
		if (!(b & I8042_OUT_RESET))
			i8042_reset_cpu(k, b);
		break;
	case I8042_CMD_WRITE_KBD_OBUF:
		i8042_queue(k, b, false);
		break;
	case I8042_CMD_WRITE_AUX_OBUF:
		i8042_queue(k, b, true);
		break;
	case I8042_CMD_WRITE_AUX:
		break; /* no mouse attached */
	default:
		i8042_keyboard(k, b);
		break;
	}
}

static uint64_t i8042_data_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)offset;
	(void)size;
	return i8042_read_data(opaque);
}

static void i8042_data_write(void *opaque, uint64_t offset, unsigned size,
			     uint64_t value)
{
	struct i8042 *k = opaque;

	(void)offset;
	(void)size;
	k->cmd_last = false;
	i8042_write_data(k, (uint8_t)value);
}

static uint64_t i8042_cmd_read(void *opaque, uint64_t offset, unsigned size)
{
	(void)offset;
	(void)size;
	return i8042_status(opaque);
}

static void i8042_cmd_write(void *opaque, uint64_t offset, unsigned size,
			    uint64_t value)
{
	struct i8042 *k = opaque;

	(void)offset;
	(void)size;
	k->cmd_last = true;
	i8042_command(k, (uint8_t)value);
}

/* Port 0x60 and port 0x64, one byte wide each. */
static const struct plugvm_io_ops i8042_data_ops = {
	.read = i8042_data_read,
	.write = i8042_data_write,
	.sizes = PLUGVM_ACCESS_1,
};

static const struct plugvm_io_ops i8042_cmd_ops = {
	.read = i8042_cmd_read,
	.write = i8042_cmd_write,
	.sizes = PLUGVM_ACCESS_1,
};

/* Power-on state; the output buffer is empty, so no line is high. */
static void i8042_reset(void *state)
{
	struct i8042 *k = state;

	k->head = 0;
	k->count = 0;
	k->last_read = 0;
	k->ctr = I8042_CTR_POWER_ON;
	k->outport = I8042_OUT_POWER_ON;
	k->pending = 0;
	k->kbd_pending = 0;
	k->cmd_last = false;
	k->kbd_line = false;
	k->aux_line = false;
}

static int i8042_create(struct plugvm_device *dev,
			const struct plugvm_host *host,
			const struct plugvm_value *values, void **state)
{
	struct i8042 *k;
	int ret;

	(void)values;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->dev = dev;
	k->host = host;
	/* Two ranges: 0x61 between them is port 0x61 (the PIT's). */
	ret = host->register_range(dev, PLUGVM_SPACE_PIO, I8042_DATA_PORT, 1,
				   &i8042_data_ops, k);
	if (!ret)
		ret = host->register_range(dev, PLUGVM_SPACE_PIO,
					   I8042_CMD_PORT, 1, &i8042_cmd_ops,
					   k);
	if (ret) {
		free(k);
		return ret;
	}
	*state = k;
	return 0;
}

static const struct plugvm_setting i8042_settings[] = {
	{ .name = NULL },
};

static const struct plugvm_plugin i8042_plugin = {
	.abi_version = PLUGVM_ABI_VERSION,
	.min_api_version = 1,
	.name = "i8042",
	.description = "8042 keyboard controller (ports 0x60, 0x64; IRQ 1 and "
		       "12): a guest's reset through it stops the machine with "
		       "status 0; chipset pc's, created by plugvm",
	.settings = i8042_settings,
	.create = i8042_create,
	.reset = i8042_reset,
	.destroy = free,
};

PLUGVM_PLUGIN_DEFINE(i8042_plugin)
