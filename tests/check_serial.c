// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_serial.c - the 16550A UART plugin, driven through the device test
 * kit. The plugin comes from the build tree: $PLUGVM_DEVICES/serial.so.
 */
#include "config.h"

#include <plugvm/devtest.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COM1 0x3f8
#define RBR (COM1 + 0)
#define THR (COM1 + 0)
#define DLL (COM1 + 0)
#define IER (COM1 + 1)
#define DLM (COM1 + 1)
#define IIR (COM1 + 2)
#define FCR (COM1 + 2)
#define LCR (COM1 + 3)
#define MCR (COM1 + 4)
#define LSR (COM1 + 5)
#define MSR (COM1 + 6)
#define SCR (COM1 + 7)

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_BI 0x10
#define LSR_FIFOE 0x80
#define IER_RDI 0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI 0x08
#define IIR_NONE 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_CTI 0x0c
#define IIR_FIFO 0xc0
#define FCR_FE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_TRIG(n) ((n) << 6) /* 0-3: 1, 4, 8 or 14 bytes */
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

static const char *plugin(void)
{
	static char path[4096];
	const char *dir = getenv("PLUGVM_DEVICES");

	snprintf(path, sizeof(path), "%s/serial.so",
		 dir ? dir : "devices/.libs");
	return path;
}

/* A fresh name for an output file; the caller unlinks it. */
static void temp_path(char *buf, size_t len)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(buf, len, "%s/check_serial.XXXXXX", dir ? dir : "/tmp");
	fd = mkstemp(buf);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

/* The whole file at @path; *@len gets its size. Free the result. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(65536);
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	*len = n;
	return buf;
}

/* Checked fixture: a UART at COM1 that prints nowhere. */
static struct plugvm_devtest *t;

static void setup(void)
{
	static const char *const settings[] = { "output", "none", NULL };

	/* chipset pc: interrupt lines reach plugvm's 8259A, and levels show */
	t = plugvm_devtest_new(0);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(plugvm_devtest_set_chipset(t, "pc"), 0);
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "uart0", settings), 0);
	/* whatever the host said while loading is not the test's business */
	plugvm_devtest_log_clear(t);
}

static void teardown(void)
{
	plugvm_devtest_free(t);
	t = NULL;
}

/* Read MSR (clearing its delta bits). */
static unsigned int msr(void)
{
	return plugvm_devtest_inb(t, MSR);
}

/* ------------------------------------------------------------------------ */
/* core                                                                     */
/* ------------------------------------------------------------------------ */

START_TEST(test_power_on_values)
{
	ck_assert_uint_eq(plugvm_devtest_inb(t, IER), 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IIR), 0x01);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LCR), 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, MCR), 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(plugvm_devtest_inb(t, MSR), 0xb0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, SCR), 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 0x00);
	/* 9600 baud in the divisor latch */
	plugvm_devtest_outb(t, LCR, 0x80);
	ck_assert_uint_eq(plugvm_devtest_inb(t, DLL), 0x0c);
	ck_assert_uint_eq(plugvm_devtest_inb(t, DLM), 0x00);
	ck_assert_uint_eq(plugvm_devtest_last_result(t), PLUGVM_DEVTEST_OK);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 0);
}
END_TEST

START_TEST(test_scratch)
{
	for (unsigned int v = 0; v < 256; v++) {
		plugvm_devtest_outb(t, SCR, v);
		ck_assert_uint_eq(plugvm_devtest_inb(t, SCR), v);
	}
}
END_TEST

START_TEST(test_divisor_latch)
{
	plugvm_devtest_outb(t, IER, 0x05);
	plugvm_devtest_outb(t, LCR, 0x83); /* DLAB, 8 bits */
	plugvm_devtest_outb(t, DLL, 0x01);
	plugvm_devtest_outb(t, DLM, 0x02);
	ck_assert_uint_eq(plugvm_devtest_inb(t, DLL), 0x01);
	ck_assert_uint_eq(plugvm_devtest_inb(t, DLM), 0x02);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LCR), 0x83);

	/* DLAB off: offsets 0 and 1 are RBR and IER again, both untouched */
	plugvm_devtest_outb(t, LCR, 0x03);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IER), 0x05);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & LSR_DR, 0);
	plugvm_devtest_outb(t, IER, 0x0a);

	/* and the latch kept its value */
	plugvm_devtest_outb(t, LCR, 0x80);
	ck_assert_uint_eq(plugvm_devtest_inb(t, DLL), 0x01);
	ck_assert_uint_eq(plugvm_devtest_inb(t, DLM), 0x02);
	plugvm_devtest_outb(t, LCR, 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IER), 0x0a);
}
END_TEST

START_TEST(test_ier_low_nibble)
{
	plugvm_devtest_outb(t, IER, 0xf0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IER), 0x00);
	plugvm_devtest_outb(t, IER, 0xa5);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IER), 0x05);
	plugvm_devtest_outb(t, IER, 0xff);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IER), 0x0f);
}
END_TEST

START_TEST(test_lcr_mcr)
{
	for (unsigned int v = 0; v < 256; v++) {
		plugvm_devtest_outb(t, LCR, v);
		ck_assert_uint_eq(plugvm_devtest_inb(t, LCR), v);
	}
	plugvm_devtest_outb(t, LCR, 0);
	plugvm_devtest_outb(t, MCR, 0xff);
	ck_assert_uint_eq(plugvm_devtest_inb(t, MCR), 0x1f);
	plugvm_devtest_outb(t, MCR, 0x0b);
	ck_assert_uint_eq(plugvm_devtest_inb(t, MCR), 0x0b);
}
END_TEST

START_TEST(test_fcr_iir)
{
	plugvm_devtest_outb(t, FCR, 0x01);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IIR), 0xc1);
	plugvm_devtest_outb(t, FCR, 0xc7); /* trigger 14, reset both */
	ck_assert_uint_eq(plugvm_devtest_inb(t, IIR), 0xc1);
	plugvm_devtest_outb(t, FCR, 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IIR), 0x01);
	/* without FCR0 the other bits are not programmed */
	plugvm_devtest_outb(t, FCR, 0xc6);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IIR), 0x01);
}
END_TEST

START_TEST(test_lsr_after_transmit)
{
	plugvm_devtest_outb(t, THR, 'x');
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(plugvm_devtest_last_result(t), PLUGVM_DEVTEST_OK);
}
END_TEST

START_TEST(test_loopback_msr)
{
	ck_assert_uint_eq(msr(), 0xb0);
	/* entering loopback drops CTS, DSR and DCD: their deltas are set */
	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	ck_assert_uint_eq(msr(), MSR_DCTS | MSR_DDSR | MSR_DDCD);
	ck_assert_uint_eq(msr(), 0x00); /* deltas clear on read */

	plugvm_devtest_outb(t, MCR, MCR_LOOP | MCR_RTS);
	ck_assert_uint_eq(msr(), MSR_CTS | MSR_DCTS);
	plugvm_devtest_outb(t, MCR, MCR_LOOP | MCR_DTR);
	ck_assert_uint_eq(msr(), MSR_DSR | MSR_DDSR | MSR_DCTS);
	plugvm_devtest_outb(t, MCR, MCR_LOOP | MCR_OUT2);
	ck_assert_uint_eq(msr(), MSR_DCD | MSR_DDCD | MSR_DDSR);

	/* RI: rising sets no delta, falling sets TERI */
	plugvm_devtest_outb(t, MCR, MCR_LOOP | MCR_OUT2 | MCR_OUT1);
	ck_assert_uint_eq(msr(), MSR_DCD | MSR_RI);
	plugvm_devtest_outb(t, MCR, MCR_LOOP | MCR_OUT2);
	ck_assert_uint_eq(msr(), MSR_DCD | MSR_TERI);

	plugvm_devtest_outb(t, MCR, 0x1f);
	ck_assert_uint_eq(msr(), 0xf0 | MSR_DCTS | MSR_DDSR);
	ck_assert_uint_eq(msr(), 0xf0);

	/* deltas accumulate until MSR is read */
	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	plugvm_devtest_outb(t, MCR, 0x1f);
	ck_assert_uint_eq(msr(),
			  0xf0 | MSR_DCTS | MSR_DDSR | MSR_TERI | MSR_DDCD);

	/* leaving loopback: the connected modem again, RI fell */
	plugvm_devtest_outb(t, MCR, 0x00);
	ck_assert_uint_eq(msr(), 0xb0 | MSR_TERI);
	ck_assert_uint_eq(msr(), 0xb0);
}
END_TEST

/* The probe Linux's 8250 driver runs (autoconfig, loopback test). */
START_TEST(test_linux_loopback_probe)
{
	unsigned int status;

	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	status = plugvm_devtest_inb(t, MSR) & 0xf0;
	ck_assert_uint_eq(status, 0x00);
	plugvm_devtest_outb(t, MCR, MCR_LOOP | 0x0a);
	status = plugvm_devtest_inb(t, MSR) & 0xf0;
	ck_assert_uint_eq(status, 0x90);
}
END_TEST

START_TEST(test_loopback_rx)
{
	char path[4096];
	const char *const settings[] = { "base", "0x2f8", "output", path,
					 NULL };
	char *out;
	size_t len;

	/* a UART on COM2 with an output file, to see nothing reaches it */
	temp_path(path, sizeof(path));
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "com2", settings), 0);

	plugvm_devtest_outb(t, 0x2fc, MCR_LOOP);
	plugvm_devtest_outb(t, 0x2f8, 'A');
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x2fd),
			  LSR_DR | LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x2f8), 'A');
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x2fd), LSR_THRE | LSR_TEMT);

	/* an empty RBR reads the last byte again, DR stays clear */
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x2f8), 'A');
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x2fd) & LSR_DR, 0);

	/* out of loopback the byte goes to the output, not RX */
	plugvm_devtest_outb(t, 0x2fc, 0);
	plugvm_devtest_outb(t, 0x2f8, 'B');
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x2fd) & LSR_DR, 0);

	plugvm_devtest_shutdown(t);
	out = slurp(path, &len);
	ck_assert_uint_eq(len, 1);
	ck_assert_str_eq(out, "B");
	free(out);
	unlink(path);
}
END_TEST

START_TEST(test_fifo_rx)
{
	plugvm_devtest_outb(t, FCR, 0x01);
	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	for (unsigned int i = 0; i < 16; i++)
		plugvm_devtest_outb(t, THR, 'a' + i);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
			  LSR_DR | LSR_THRE | LSR_TEMT);
	for (unsigned int i = 0; i < 16; i++) {
		ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & LSR_DR, LSR_DR);
		ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'a' + i);
	}
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & LSR_DR, 0);
}
END_TEST

START_TEST(test_fifo_overrun)
{
	plugvm_devtest_outb(t, FCR, 0x01);
	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	for (unsigned int i = 0; i < 17; i++)
		plugvm_devtest_outb(t, THR, 'a' + i);
	/* the 17th byte is lost; LSR read reports OE once */
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
			  LSR_DR | LSR_OE | LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
			  LSR_DR | LSR_THRE | LSR_TEMT);
	for (unsigned int i = 0; i < 16; i++)
		ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'a' + i);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);
}
END_TEST

START_TEST(test_16450_overrun)
{
	/* FIFOs off: one byte of buffer, a second one overwrites it */
	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	plugvm_devtest_outb(t, THR, '1');
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & (LSR_DR | LSR_OE),
			  LSR_DR);
	plugvm_devtest_outb(t, THR, '2');
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & (LSR_DR | LSR_OE),
			  LSR_DR | LSR_OE);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), '2');
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);
}
END_TEST

START_TEST(test_fifo_reset)
{
	plugvm_devtest_outb(t, FCR, 0x01);
	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	plugvm_devtest_outb(t, THR, 'x');
	plugvm_devtest_outb(t, THR, 'y');
	plugvm_devtest_outb(t, FCR, 0x03); /* reset the RX FIFO */
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & LSR_DR, 0);

	/* turning the FIFOs off empties them too */
	plugvm_devtest_outb(t, THR, 'z');
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & LSR_DR, LSR_DR);
	plugvm_devtest_outb(t, FCR, 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & LSR_DR, 0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IIR), 0x01);
}
END_TEST

START_TEST(test_output_file_exact)
{
	char path[4096];
	const char *const settings[] = { "base", "0x2f8", "output", path,
					 NULL };
	struct plugvm_devtest *u;
	char *out;
	size_t len;

	temp_path(path, sizeof(path));
	u = plugvm_devtest_open(plugin(), NULL, settings, 0);
	ck_assert_ptr_nonnull(u);
	for (unsigned int v = 0; v < 256; v++)
		plugvm_devtest_outb(u, 0x2f8, v);
	plugvm_devtest_outb(u, 0x2f8, '\n');
	/* the divisor latch is not THR */
	plugvm_devtest_outb(u, 0x2fb, 0x80);
	plugvm_devtest_outb(u, 0x2f8, 'X');
	plugvm_devtest_free(u);

	out = slurp(path, &len);
	ck_assert_uint_eq(len, 257);
	for (unsigned int v = 0; v < 256; v++)
		ck_assert_uint_eq((unsigned char)out[v], v);
	ck_assert_int_eq(out[256], '\n');
	free(out);
	unlink(path);
}
END_TEST

START_TEST(test_output_stdout)
{
	char path[4096];
	struct plugvm_devtest *u;
	int saved, fd;
	char *out;
	size_t len;

	/* point descriptor 1 at a file while the device prints */
	temp_path(path, sizeof(path));
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDOUT_FILENO), 0);
	close(fd);

	u = plugvm_devtest_open(plugin(), NULL,
				(const char *const[]){ "base", "0x2f8", NULL },
				0);
	ck_assert_ptr_nonnull(u);
	plugvm_devtest_outb(u, 0x2f8, '4');
	plugvm_devtest_outb(u, 0x2f8, '\n');
	plugvm_devtest_free(u); /* flushes stdout */

	dup2(saved, STDOUT_FILENO);
	close(saved);
	out = slurp(path, &len);
	ck_assert_str_eq(out, "4\n");
	free(out);
	unlink(path);
}
END_TEST

/* A consumer that stalls: bytes past its room are dropped, and the
 * transmitter still never keeps the guest waiting. */
START_TEST(test_output_stalled)
{
	char path[4096];
	const char *const settings[] = { "output", path, "input", "none",
					 NULL };
	struct plugvm_devtest *u;
	const char *got;
	size_t len;

	temp_path(path, sizeof(path));
	u = plugvm_devtest_open(plugin(), "com1", settings, 0);
	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(plugvm_devtest_chardev_stall(u, "com1", "output", 5),
			 0);
	for (unsigned int i = 0; i < 1000; i++) {
		ck_assert_uint_eq(plugvm_devtest_inb(u, LSR),
				  LSR_THRE | LSR_TEMT);
		plugvm_devtest_outb(u, THR, 'a' + i % 26);
	}
	got = plugvm_devtest_chardev(u, "com1", "output", &len);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, 5);
	ck_assert_str_eq(got, "abcde");
	ck_assert_ptr_null(plugvm_devtest_log_find(u, PLUGVM_LOG_ERROR, ""));
	plugvm_devtest_free(u);
	unlink(path);
}
END_TEST

START_TEST(test_reset)
{
	plugvm_devtest_outb(t, SCR, 0x55);
	plugvm_devtest_outb(t, IER, 0x0f);
	plugvm_devtest_outb(t, FCR, 0x01);
	plugvm_devtest_outb(t, MCR, MCR_LOOP | MCR_RTS);
	plugvm_devtest_outb(t, THR, 'q');
	plugvm_devtest_outb(t, LCR, 0x83);
	plugvm_devtest_reset(t);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LCR), 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, SCR), 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IER), 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IIR), 0x01);
	ck_assert_uint_eq(plugvm_devtest_inb(t, MCR), 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(plugvm_devtest_inb(t, MSR), 0xb0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 0x00);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* interrupts                                                               */
/* ------------------------------------------------------------------------ */

static unsigned int iir(void)
{
	return plugvm_devtest_inb(t, IIR);
}

/* The level the interrupt controller sees on @line. */
static bool line(unsigned int n)
{
	return plugvm_devtest_irq(t, n).level;
}

/* Loop @n bytes back into the receiver, from @first up. */
static void loop_in(unsigned int n, unsigned int first)
{
	plugvm_devtest_outb(t, MCR, plugvm_devtest_inb(t, MCR) | MCR_LOOP);
	for (unsigned int i = 0; i < n; i++)
		plugvm_devtest_outb(t, THR, (first + i) & 0xff);
}

START_TEST(test_thri_on_ier_write)
{
	ck_assert(!line(4));
	plugvm_devtest_outb(t, IER, IER_THRI);
	ck_assert_uint_eq(iir(), IIR_THRI);
	/* the read reported it, and so cleared it */
	ck_assert(!line(4));
	ck_assert_uint_eq(iir(), IIR_NONE);

	/* Linux's start-up test: IER 0, then THRI again, re-arms it */
	plugvm_devtest_outb(t, IER, 0);
	ck_assert(!line(4));
	plugvm_devtest_outb(t, IER, IER_THRI);
	ck_assert(line(4));
	ck_assert_uint_eq(iir(), IIR_THRI);
	ck_assert(!line(4));

	/* a write that leaves ETBEI set is no rising edge: nothing new */
	plugvm_devtest_outb(t, IER, IER_THRI | IER_MSI);
	ck_assert_uint_eq(iir(), IIR_NONE);
	ck_assert(!line(4));

	/* THR drains at once: every byte written re-arms it */
	plugvm_devtest_outb(t, THR, 'x');
	ck_assert(line(4));
	ck_assert_uint_eq(iir(), IIR_THRI);
	ck_assert_uint_eq(iir(), IIR_NONE);

	/* pending but disabled: the line drops, IIR shows nothing */
	plugvm_devtest_outb(t, THR, 'y');
	ck_assert(line(4));
	plugvm_devtest_outb(t, IER, 0);
	ck_assert(!line(4));
	ck_assert_uint_eq(iir(), IIR_NONE);
	ck_assert_uint_eq(plugvm_devtest_irq(t, 4).edges, 8);
}
END_TEST

/* What Linux's serial8250_do_startup() checks before it trusts THRE. */
START_TEST(test_linux_thre_test)
{
	unsigned int iir1, iir2, lsr;

	plugvm_devtest_outb(t, IER, IER_THRI);
	iir1 = iir();
	plugvm_devtest_outb(t, IER, 0);
	plugvm_devtest_outb(t, IER, IER_THRI);
	iir2 = iir();
	plugvm_devtest_outb(t, IER, 0);
	/* not UART_BUG_THRE: the interrupt came back */
	ck_assert_uint_eq(iir1 & IIR_NONE, 0);
	ck_assert_uint_eq(iir2 & IIR_NONE, 0);

	/* not UART_BUG_TXEN: enabling THRI interrupts at once */
	plugvm_devtest_outb(t, IER, IER_THRI);
	lsr = plugvm_devtest_inb(t, LSR);
	ck_assert_uint_eq(lsr & LSR_TEMT, LSR_TEMT);
	ck_assert_uint_eq(iir() & IIR_NONE, 0);
	plugvm_devtest_outb(t, IER, 0);
	ck_assert(!line(4));
}
END_TEST

START_TEST(test_rdi_fifo_off)
{
	plugvm_devtest_outb(t, IER, IER_RDI);
	ck_assert_uint_eq(iir(), IIR_NONE);
	loop_in(1, 'a');
	ck_assert(line(4));
	ck_assert_uint_eq(iir(), IIR_RDI);
	/* IIR reading does not clear it, RBR reading does */
	ck_assert_uint_eq(iir(), IIR_RDI);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'a');
	ck_assert(!line(4));
	ck_assert_uint_eq(iir(), IIR_NONE);
}
END_TEST

START_TEST(test_rdi_trigger_levels)
{
	static const unsigned int levels[4] = { 1, 4, 8, 14 };

	for (unsigned int i = 0; i < 4; i++) {
		unsigned int n = levels[i];

		plugvm_devtest_outb(t, FCR,
				    FCR_FE | FCR_CLEAR_RX | FCR_TRIG(i));
		plugvm_devtest_outb(t, IER, IER_RDI);
		loop_in(n - 1, 0);
		ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
		ck_assert(!line(4));
		loop_in(1, 0);
		ck_assert_msg(line(4), "trigger %u: no interrupt at %u bytes",
			      n, n);
		ck_assert_uint_eq(iir(), IIR_FIFO | IIR_RDI);
		/* one byte fewer than the trigger level: none again */
		plugvm_devtest_inb(t, RBR);
		ck_assert(!line(4));
		ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
		/* the bytes are still there */
		ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & LSR_DR,
				  n > 1 ? LSR_DR : 0);
		plugvm_devtest_outb(t, IER, 0);
	}
}
END_TEST

START_TEST(test_rlsi_overrun)
{
	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_TRIG(3));
	plugvm_devtest_outb(t, IER, IER_RLSI);
	loop_in(16, 0);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
	loop_in(1, 0);
	ck_assert(line(4));
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_RLSI);
	/* reading LSR clears it */
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
			  LSR_OE | LSR_DR | LSR_THRE | LSR_TEMT);
	ck_assert(!line(4));
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);

	/* an overrun without ELSI is not an interrupt */
	plugvm_devtest_outb(t, IER, 0);
	loop_in(1, 0);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
	ck_assert(!line(4));
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & LSR_OE, LSR_OE);
}
END_TEST

START_TEST(test_msi)
{
	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	msr();
	plugvm_devtest_outb(t, IER, IER_MSI);
	ck_assert_uint_eq(iir(), IIR_NONE);
	plugvm_devtest_outb(t, MCR, MCR_LOOP | MCR_RTS);
	ck_assert(line(4));
	ck_assert_uint_eq(iir(), IIR_MSI);
	ck_assert_uint_eq(iir(), IIR_MSI);
	ck_assert_uint_eq(msr(), MSR_CTS | MSR_DCTS);
	ck_assert(!line(4));
	ck_assert_uint_eq(iir(), IIR_NONE);
	/* RI rising is no delta, falling is (TERI) */
	plugvm_devtest_outb(t, MCR, MCR_LOOP | MCR_RTS | MCR_OUT1);
	ck_assert(!line(4));
	plugvm_devtest_outb(t, MCR, MCR_LOOP | MCR_RTS);
	ck_assert(line(4));
	ck_assert_uint_eq(msr(), MSR_CTS | MSR_TERI);
	ck_assert(!line(4));
}
END_TEST

/*
 * Every interrupt pending at once: IIR names them in the chip's order, and
 * each goes away the way the datasheet says.
 */
START_TEST(test_iir_priorities)
{
	plugvm_devtest_outb(t, FCR, FCR_FE);
	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	msr();
	plugvm_devtest_outb(t, MCR, MCR_LOOP | MCR_DTR); /* DDSR */
	loop_in(17, 'a');				 /* RDI, OE and THRI */
	plugvm_devtest_outb(t, IER, 0x0f & ~IER_THRI);
	plugvm_devtest_outb(t, IER, 0x0f); /* and re-arm THRI */
	ck_assert(line(4));

	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_RLSI);
	plugvm_devtest_inb(t, LSR);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_RDI);
	for (unsigned int i = 0; i < 16; i++)
		ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'a' + i);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_THRI);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_MSI);
	ck_assert(line(4));
	msr();
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
	ck_assert(!line(4));
}
END_TEST

/* A lower interrupt waits while a higher one is pending, and only IER's
 * enabled ones count. */
START_TEST(test_iir_masking)
{
	plugvm_devtest_outb(t, FCR, FCR_FE);
	loop_in(17, 0);					 /* OE, data, THRE */
	plugvm_devtest_outb(t, MCR, MCR_LOOP | MCR_RTS); /* DCTS */

	plugvm_devtest_outb(t, IER, IER_MSI);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_MSI);
	plugvm_devtest_outb(t, IER, IER_MSI | IER_THRI);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_THRI);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_MSI);
	plugvm_devtest_outb(t, IER, IER_MSI | IER_RDI);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_RDI);
	plugvm_devtest_outb(t, IER, IER_MSI | IER_RDI | IER_RLSI);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_RLSI);
	/* nothing enabled: nothing reported, though all is pending */
	plugvm_devtest_outb(t, IER, 0);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
	ck_assert(!line(4));
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & LSR_OE, LSR_OE);
}
END_TEST

/* The character timeout comes before THRE, like received data. */
START_TEST(test_iir_timeout_over_thri)
{
	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_TRIG(3));
	loop_in(1, 'z');
	plugvm_devtest_outb(t, IER, IER_THRI | IER_RDI);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_THRI);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
	plugvm_devtest_clock_step(t, 10 * 1000 * 1000);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_CTI);
	plugvm_devtest_outb(t, THR, 'q'); /* THRI again (and a byte) */
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_CTI);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_CTI);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'z');
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_THRI);
	ck_assert(!line(4));
}
END_TEST

START_TEST(test_irq_default_lines)
{
	static const struct {
		const char *base;
		unsigned int irq;
	} com[] = {
		{ "0x2f8", 3 }, { "0x3e8", 4 }, { "0x2e8", 3 }, { "0x100", 4 }
	};

	plugvm_devtest_outb(t, IER, IER_THRI);
	ck_assert(line(4));
	for (unsigned int i = 0; i < 4; i++) {
		char id[8];
		uint16_t base = strtoul(com[i].base, NULL, 0);

		snprintf(id, sizeof(id), "com%u", i + 2);
		ck_assert_int_eq(
			plugvm_devtest_add(t, plugin(), id,
					   (const char *const[]){
						   "base", com[i].base,
						   "output", "none", NULL }),
			0);
		plugvm_devtest_outb(t, base + 1, IER_THRI);
		ck_assert_msg(line(com[i].irq), "%s: IRQ %u is low",
			      com[i].base, com[i].irq);
		ck_assert_uint_eq(plugvm_devtest_inb(t, base + 2), IIR_THRI);
		ck_assert(!line(3));
		ck_assert(line(4)); /* uart0's, still */
	}
}
END_TEST

START_TEST(test_irq_setting)
{
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "uart1",
					    (const char *const[]){
						    "base", "0x2f8", "irq", "5",
						    "output", "none", NULL }),
			 0);
	plugvm_devtest_outb(t, 0x2f9, IER_THRI);
	ck_assert(line(5));
	ck_assert(!line(3));
	ck_assert_uint_eq(plugvm_devtest_irq(t, 3).calls, 0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x2fa), IIR_THRI);
	ck_assert(!line(5));
}
END_TEST

/* Two ports on one line: the controller sees the OR of the two. */
START_TEST(test_shared_irq)
{
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "com3",
					    (const char *const[]){
						    "base", "0x3e8", "output",
						    "none", NULL }),
			 0);
	plugvm_devtest_outb(t, IER, IER_THRI);
	plugvm_devtest_outb(t, 0x3e9, IER_THRI);
	ck_assert(line(4));
	ck_assert_uint_eq(plugvm_devtest_irq(t, 4).edges, 1);
	/* COM1 is served: COM3 still holds the line */
	ck_assert_uint_eq(iir(), IIR_THRI);
	ck_assert(line(4));
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x3ea), IIR_THRI);
	ck_assert(!line(4));
	ck_assert_uint_eq(plugvm_devtest_irq(t, 4).edges, 2);
	/* and either one alone raises it again */
	plugvm_devtest_outb(t, 0x3e8, 'x');
	ck_assert(line(4));
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x3ea), IIR_THRI);
	ck_assert(!line(4));
}
END_TEST

/* The PC BIOS's 8259A set-up (vector base 8), then COM1 interrupts. */
START_TEST(test_irq_reaches_cpu)
{
	static const uint8_t init[][2] = {
		{ 0x20, 0x11 }, { 0x21, 0x08 }, { 0x21, 0x04 }, { 0x21, 0x01 },
		{ 0xa0, 0x11 }, { 0xa1, 0x70 }, { 0xa1, 0x02 }, { 0xa1, 0x01 },
		{ 0x21, 0xef }, /* only IRQ 4 unmasked */
	};

	for (unsigned int i = 0; i < sizeof(init) / sizeof(init[0]); i++)
		plugvm_devtest_outb(t, init[i][0], init[i][1]);
	ck_assert(!plugvm_devtest_intr(t, 0));
	plugvm_devtest_outb(t, IER, IER_THRI);
	ck_assert(plugvm_devtest_intr(t, 0));
	ck_assert_int_eq(plugvm_devtest_inta(t, 0), 0x0c);
	ck_assert_uint_eq(iir(), IIR_THRI);
	plugvm_devtest_outb(t, 0x20, 0x20); /* EOI */
	ck_assert(!plugvm_devtest_intr(t, 0));
}
END_TEST

START_TEST(test_reset_lowers_irq)
{
	plugvm_devtest_outb(t, IER, IER_THRI);
	ck_assert(line(4));
	plugvm_devtest_reset(t);
	ck_assert(!line(4));
	ck_assert_uint_eq(iir(), IIR_NONE);
	/* reset never raises it */
	plugvm_devtest_reset(t);
	ck_assert_uint_eq(plugvm_devtest_irq(t, 4).edges, 2);
}
END_TEST

/* No interrupt controller: IIR still works, and the host says once why
 * the line goes nowhere. A polling guest never causes that message. */
START_TEST(test_irq_no_chipset)
{
	static const char *const settings[] = { "output", "none", NULL };
	struct plugvm_devtest *u =
		plugvm_devtest_open(plugin(), "polled", settings, 0);
	const struct plugvm_devtest_log_entry *e;

	ck_assert_ptr_nonnull(u);
	plugvm_devtest_outb(u, THR, 'x');
	plugvm_devtest_inb(u, LSR);
	ck_assert_uint_eq(plugvm_devtest_irq(u, 4).calls, 0);
	ck_assert_uint_eq(plugvm_devtest_log_count(u), 0);

	plugvm_devtest_outb(u, IER, IER_THRI);
	ck_assert_uint_eq(plugvm_devtest_inb(u, IIR), IIR_THRI);
	plugvm_devtest_outb(u, THR, 'x');
	ck_assert_uint_eq(plugvm_devtest_inb(u, IIR), IIR_THRI);
	ck_assert_uint_eq(plugvm_devtest_irq(u, 4).calls, 4);
	ck_assert(!plugvm_devtest_irq(u, 4).level);
	e = plugvm_devtest_log_find(u, PLUGVM_LOG_WARN, "set_irq(line 4)");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->device, "polled");
	ck_assert_ptr_nonnull(strstr(e->msg, "chipset = pc"));
	ck_assert_uint_eq(plugvm_devtest_log_count(u), 1);
	plugvm_devtest_free(u);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* character timeout, on the kit's virtual clock                            */
/* ------------------------------------------------------------------------ */

/* Nanoseconds of one character of @half_bits half bits at @divisor. */
static uint64_t char_ns(unsigned int divisor, unsigned int half_bits)
{
	return (uint64_t)divisor * 16 * half_bits * 1000000000 / 3686400;
}

/* Step the clock by @ns and say whether IIR then reports a timeout. */
static bool timeout_after(uint64_t ns)
{
	plugvm_devtest_clock_step(t, ns);
	return iir() == (IIR_FIFO | IIR_CTI);
}

START_TEST(test_timeout)
{
	uint64_t four = 4 * char_ns(12, 20); /* 9600 8N1: 4.17 ms */

	plugvm_devtest_outb(t, LCR, 0x03);
	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_TRIG(1)); /* 4 bytes */
	plugvm_devtest_outb(t, IER, IER_RDI);
	loop_in(2, 'a');
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
	ck_assert(!timeout_after(four - 1));
	ck_assert(!line(4));
	ck_assert(timeout_after(1));
	ck_assert(line(4));
	/* reading a byte clears it; one left: it comes again */
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'a');
	ck_assert(!line(4));
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
	ck_assert(!timeout_after(four - 1));
	ck_assert(timeout_after(1));
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'b');
	/* empty: no timeout, no timer left */
	ck_assert(!timeout_after(10 * four));
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	ck_assert(!line(4));
}
END_TEST

/* A read, like a byte arriving, starts the four character times again. */
START_TEST(test_timeout_restarts)
{
	uint64_t one = char_ns(1, 20); /* 115200 8N1: 86.8 us */

	plugvm_devtest_outb(t, LCR, 0x83);
	plugvm_devtest_outb(t, DLL, 1);
	plugvm_devtest_outb(t, LCR, 0x03);
	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_TRIG(3));
	plugvm_devtest_outb(t, IER, IER_RDI);
	loop_in(3, 0);
	ck_assert(!timeout_after(3 * one));
	plugvm_devtest_inb(t, RBR);
	ck_assert(!timeout_after(3 * one));
	loop_in(1, 0);
	ck_assert(!timeout_after(3 * one));
	ck_assert(!timeout_after(one - 1));
	ck_assert(timeout_after(1));
	/* more bytes do not clear it; only a read does */
	loop_in(1, 0);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_CTI);
	plugvm_devtest_inb(t, RBR);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
}
END_TEST

/* The character time follows LCR: 5 data bits and 1.5 stop bits are 7.5
 * bits; 8 bits, parity and 2 stop bits are 12. */
START_TEST(test_timeout_follows_lcr)
{
	static const struct {
		uint8_t lcr;
		unsigned int half_bits;
	} cases[] = { { 0x04, 15 },
		      { 0x00, 14 },
		      { 0x0f, 24 },
		      { 0x02, 18 },
		      { 0x0b, 22 } };

	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_TRIG(3));
	plugvm_devtest_outb(t, IER, IER_RDI);
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t four = 4 * char_ns(12, cases[i].half_bits);

		plugvm_devtest_outb(t, LCR, cases[i].lcr);
		loop_in(1, 0);
		ck_assert_msg(!timeout_after(four - 1),
			      "LCR 0x%02x: timeout before 4 characters",
			      cases[i].lcr);
		ck_assert_msg(timeout_after(1),
			      "LCR 0x%02x: no timeout after 4 characters",
			      cases[i].lcr);
		plugvm_devtest_inb(t, RBR);
	}
}
END_TEST

/* With the FIFOs off there is no timeout; resetting the FIFO drops one. */
START_TEST(test_timeout_fifo_off)
{
	plugvm_devtest_outb(t, IER, IER_RDI);
	loop_in(1, 0);
	ck_assert_uint_eq(plugvm_devtest_clock_next(t), UINT64_MAX);
	ck_assert_uint_eq(iir(), IIR_RDI);
	plugvm_devtest_inb(t, RBR);

	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_TRIG(3));
	loop_in(1, 0);
	ck_assert(timeout_after(1000 * 1000 * 1000));
	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_CLEAR_RX | FCR_TRIG(3));
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
	ck_assert(!line(4));
	/* turning the FIFOs off cancels one on its way */
	loop_in(1, 0);
	plugvm_devtest_outb(t, FCR, 0);
	ck_assert(!timeout_after(1000 * 1000 * 1000));
	ck_assert_uint_eq(iir(), IIR_NONE);
}
END_TEST

/* Linux's autoconfig(), step by step: the port is a 16550A. */
START_TEST(test_linux_autoconfig)
{
	unsigned int scratch2, scratch3, status1, status2, count;

	/* IER test */
	plugvm_devtest_outb(t, IER, 0);
	scratch2 = plugvm_devtest_inb(t, IER) & 0x0f;
	plugvm_devtest_outb(t, IER, 0x0f);
	scratch3 = plugvm_devtest_inb(t, IER) & 0x0f;
	plugvm_devtest_outb(t, IER, 0);
	ck_assert_uint_eq(scratch2, 0);
	ck_assert_uint_eq(scratch3, 0x0f);
	/* loopback test */
	plugvm_devtest_outb(t, MCR, MCR_LOOP | 0x0a);
	status1 = plugvm_devtest_inb(t, MSR) & 0xf0;
	plugvm_devtest_outb(t, MCR, 0);
	ck_assert_uint_eq(status1, 0x90);
	/* EFR (an ST16650's) is not there: LCR 0xbf leaves FCR/IIR alone */
	plugvm_devtest_outb(t, LCR, 0xbf);
	plugvm_devtest_outb(t, FCR, 0);
	plugvm_devtest_outb(t, LCR, 0);
	plugvm_devtest_outb(t, FCR, FCR_FE);
	ck_assert_uint_eq(iir() >> 6, 3); /* 16550A or later */
	/* autoconfig_16550a(): EFR reads as IIR with DLAB, not 0 */
	plugvm_devtest_outb(t, LCR, 0x80);
	ck_assert_uint_ne(plugvm_devtest_inb(t, FCR), 0);
	plugvm_devtest_outb(t, LCR, 0xbf);
	ck_assert_uint_ne(plugvm_devtest_inb(t, FCR), 0);
	/* no National Semiconductor EXCR1 following MCR's LOOP bit */
	plugvm_devtest_outb(t, LCR, 0);
	status1 = plugvm_devtest_inb(t, MCR);
	plugvm_devtest_outb(t, LCR, 0xe0);
	status2 = plugvm_devtest_inb(t, FCR);
	ck_assert_uint_eq((status1 ^ status2) & MCR_LOOP, 0);
	plugvm_devtest_outb(t, LCR, 0);
	plugvm_devtest_outb(t, MCR, status1 ^ MCR_LOOP);
	plugvm_devtest_outb(t, LCR, 0xe0);
	status2 = plugvm_devtest_inb(t, FCR);
	plugvm_devtest_outb(t, LCR, 0);
	plugvm_devtest_outb(t, MCR, status1);
	ck_assert_uint_eq((status1 ^ status2) & MCR_LOOP, 0);
	/* not a TI16750: IIR bit 5 stays clear, with and without DLAB */
	plugvm_devtest_outb(t, FCR, FCR_FE | 0x20);
	status1 = iir() >> 5;
	plugvm_devtest_outb(t, FCR, FCR_FE);
	plugvm_devtest_outb(t, LCR, 0x80);
	plugvm_devtest_outb(t, FCR, FCR_FE | 0x20);
	status2 = iir() >> 5;
	plugvm_devtest_outb(t, FCR, FCR_FE);
	plugvm_devtest_outb(t, LCR, 0);
	ck_assert_uint_eq(status1, 6);
	ck_assert_uint_eq(status2, 6);
	/* not an XScale: IER bit 6 (UUE) does not stick */
	plugvm_devtest_outb(t, IER, 0x40);
	ck_assert_uint_eq(plugvm_devtest_inb(t, IER) & 0x40, 0);
	plugvm_devtest_outb(t, IER, 0);
	/* size_fifo(): 16 bytes, not 64 */
	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_CLEAR_RX | 0x04);
	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	plugvm_devtest_outb(t, LCR, 0x80);
	plugvm_devtest_outb(t, DLL, 1);
	plugvm_devtest_outb(t, DLM, 0);
	plugvm_devtest_outb(t, LCR, 0x03);
	for (count = 0; count < 256; count++)
		plugvm_devtest_outb(t, THR, count);
	plugvm_devtest_clock_step(t, 20 * 1000 * 1000);
	for (count = 0; (plugvm_devtest_inb(t, LSR) & LSR_DR) && count < 256;
	     count++)
		plugvm_devtest_inb(t, RBR);
	ck_assert_uint_eq(count, 16);
	ck_assert(!line(4));
}
END_TEST

/* ------------------------------------------------------------------------ */
/* input, through the kit's typed bytes                                     */
/* ------------------------------------------------------------------------ */

/* Type @str into uart0's input; returns what it took at once. */
static long type(const char *str)
{
	return plugvm_devtest_chardev_input(t, "uart0", "input", str,
					    strlen(str));
}

static size_t pending(void)
{
	return plugvm_devtest_chardev_pending(t, "uart0", "input");
}

START_TEST(test_input_rx)
{
	plugvm_devtest_outb(t, IER, IER_RDI);
	ck_assert_int_eq(type("h"), 1);
	ck_assert(line(4));
	ck_assert_uint_eq(iir(), IIR_RDI);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
			  LSR_DR | LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'h');
	ck_assert(!line(4));
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);
}
END_TEST

/* FIFOs off: one byte at a time, each after the guest read the last. */
START_TEST(test_input_flow_16450)
{
	const char *text = "hello";

	ck_assert_int_eq(type(text), 1);
	ck_assert_uint_eq(pending(), 4);
	for (unsigned int i = 0; i < 5; i++) {
		ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
				  LSR_DR | LSR_THRE | LSR_TEMT);
		ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), text[i]);
	}
	ck_assert_uint_eq(pending(), 0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);
}
END_TEST

/* FIFOs on: 16 at a time; more wait, none is lost, OE never comes. */
START_TEST(test_input_flow_fifo)
{
	char text[41];

	for (unsigned int i = 0; i < 40; i++)
		text[i] = 'A' + i;
	text[40] = '\0';
	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_TRIG(3));
	plugvm_devtest_outb(t, IER, IER_RDI | IER_RLSI);
	ck_assert_int_eq(type(text), 16);
	ck_assert_uint_eq(pending(), 24);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_RDI);
	for (unsigned int i = 0; i < 40; i++) {
		unsigned int lsr = plugvm_devtest_inb(t, LSR);

		ck_assert_uint_eq(lsr, LSR_DR | LSR_THRE | LSR_TEMT);
		ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), text[i]);
	}
	ck_assert_uint_eq(pending(), 0);
	ck_assert_uint_eq(iir(), IIR_FIFO | IIR_NONE);
}
END_TEST

/* Input waits while the guest does not read, then comes in whole. */
START_TEST(test_input_waits)
{
	plugvm_devtest_outb(t, FCR, FCR_FE);
	ck_assert_int_eq(type("0123456789abcdef"), 16);
	ck_assert_int_eq(type("ghij"), 0);
	ck_assert_int_eq(type("klm"), 0);
	ck_assert_uint_eq(pending(), 7);
	plugvm_devtest_clock_step(t, 1000 * 1000 * 1000);
	ck_assert_uint_eq(pending(), 7);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), '0');
	ck_assert_uint_eq(pending(), 6);
	/* resetting the FIFO makes room for all of it */
	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_CLEAR_RX);
	ck_assert_uint_eq(pending(), 0);
	for (const char *p = "hijklm"; *p; p++)
		ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), *p);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR) & (LSR_DR | LSR_OE), 0);
}
END_TEST

/* Loopback cuts the receiver off the line: input waits until it ends. */
START_TEST(test_input_loopback)
{
	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	ck_assert_int_eq(type("x"), 0);
	plugvm_devtest_outb(t, THR, 'L');
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'L');
	ck_assert_uint_eq(pending(), 1);
	plugvm_devtest_outb(t, MCR, 0);
	ck_assert_uint_eq(pending(), 0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'x');
	/* a break waits for the receiver to be on the line again */
	plugvm_devtest_outb(t, MCR, MCR_LOOP);
	ck_assert_int_eq(
		plugvm_devtest_chardev_event(t, "uart0", "input",
					     PLUGVM_CHARDEV_EVENT_BREAK),
		0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);
	plugvm_devtest_outb(t, MCR, 0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
			  LSR_BI | LSR_DR | LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 0x00);
}
END_TEST

START_TEST(test_input_break)
{
	plugvm_devtest_outb(t, IER, IER_RLSI | IER_RDI);
	ck_assert_int_eq(
		plugvm_devtest_chardev_event(t, "uart0", "input",
					     PLUGVM_CHARDEV_EVENT_BREAK),
		0);
	ck_assert(line(4));
	ck_assert_uint_eq(iir(), IIR_RLSI);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
			  LSR_BI | LSR_DR | LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(iir(), IIR_RDI);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 0x00);
	ck_assert(!line(4));
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);
}
END_TEST

/*
 * With the FIFOs on, a break character's BI shows when it reaches the head
 * of the FIFO, and LSR bit 7 while any error waits in the FIFO.
 */
START_TEST(test_input_break_fifo)
{
	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_TRIG(3));
	ck_assert_int_eq(type("ab"), 2);
	ck_assert_int_eq(
		plugvm_devtest_chardev_event(t, "uart0", "input",
					     PLUGVM_CHARDEV_EVENT_BREAK),
		0);
	ck_assert_int_eq(type("c"), 1);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
			  LSR_FIFOE | LSR_DR | LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'a');
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'b');
	/* the break is at the head: BI now; reading LSR reports it */
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
			  LSR_FIFOE | LSR_BI | LSR_DR | LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
			  LSR_DR | LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'c');
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);

	/* read past unreported, a break's error leaves bit 7 with it */
	ck_assert_int_eq(
		plugvm_devtest_chardev_event(t, "uart0", "input",
					     PLUGVM_CHARDEV_EVENT_BREAK),
		0);
	ck_assert_int_eq(type("d"), 1);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 0x00);
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR),
			  LSR_BI | LSR_DR | LSR_THRE | LSR_TEMT);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'd');
}
END_TEST

/* The end of the input is not an error, and what came before stays. */
START_TEST(test_input_eof)
{
	plugvm_devtest_outb(t, FCR, FCR_FE);
	ck_assert_int_eq(type("bye"), 3);
	ck_assert_int_eq(plugvm_devtest_chardev_event(t, "uart0", "input",
						      PLUGVM_CHARDEV_EVENT_EOF),
			 0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'b');
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'y');
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'e');
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);
	ck_assert_ptr_null(plugvm_devtest_log_find(t, PLUGVM_LOG_ERROR, ""));
	ck_assert_ptr_null(plugvm_devtest_log_find(t, PLUGVM_LOG_WARN, ""));
}
END_TEST

/* Typed bytes below the trigger level: the character timeout. */
START_TEST(test_input_timeout)
{
	plugvm_devtest_outb(t, LCR, 0x03);		   /* 8N1 */
	plugvm_devtest_outb(t, FCR, FCR_FE | FCR_TRIG(2)); /* 8 bytes */
	plugvm_devtest_outb(t, IER, IER_RDI);
	ck_assert_int_eq(type("ls\r"), 3);
	ck_assert(!line(4));
	ck_assert(!timeout_after(4 * char_ns(12, 20) - 1));
	ck_assert(timeout_after(1));
	ck_assert(line(4));
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'l');
	ck_assert(!line(4));
}
END_TEST

START_TEST(test_input_none)
{
	struct plugvm_devtest *u = plugvm_devtest_open(
		plugin(), "quiet",
		(const char *const[]){ "output", "none", "input", "none",
				       NULL },
		0);

	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(
		plugvm_devtest_chardev_input(u, "quiet", "input", "x", 1), -1);
	ck_assert_uint_eq(plugvm_devtest_inb(u, LSR), LSR_THRE | LSR_TEMT);
	plugvm_devtest_free(u);
}
END_TEST

/* auto: stdin for the first port that asks, none for the others. */
START_TEST(test_input_auto)
{
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "com2",
					    (const char *const[]){
						    "base", "0x2f8", "output",
						    "none", NULL }),
			 0);
	ck_assert_int_eq(
		plugvm_devtest_chardev_input(t, "com2", "input", "x", 1), -1);
	ck_assert_int_eq(type("y"), 1);
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x2fd) & LSR_DR, 0);
	ck_assert_uint_eq(plugvm_devtest_inb(t, RBR), 'y');
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 0);
}
END_TEST

/* Two ports cannot both have stdin: the second is refused, naming the
 * first. */
START_TEST(test_input_stdin_taken)
{
	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "com2",
					    (const char *const[]){
						    "base", "0x2f8", "input",
						    "stdin", NULL }),
			 -EBUSY);
	ck_assert_msg(strstr(plugvm_devtest_error(t), "uart0") &&
			      strstr(plugvm_devtest_error(t), "input"),
		      "error '%s' names the holder", plugvm_devtest_error(t));
	ck_assert_uint_eq(plugvm_devtest_inb(t, 0x2fd), 0xff);
}
END_TEST

/* Each of COM1-COM4 with its own input and output. */
START_TEST(test_four_ports_own_io)
{
	static const unsigned int bases[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	char id[8], base[8], in[4][64], out[4][64];
	struct plugvm_devtest *u = plugvm_devtest_new(0);

	ck_assert_ptr_nonnull(u);
	for (unsigned int i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "com%u", i + 1);
		snprintf(base, sizeof(base), "0x%x", bases[i]);
		temp_path(out[i], sizeof(out[i]));
		temp_path(in[i], sizeof(in[i]));
		ck_assert_int_eq(plugvm_devtest_add(
					 u, plugin(), id,
					 (const char *const[]){
						 "base", base, "output", out[i],
						 "input", in[i], NULL }),
				 0);
	}
	for (unsigned int i = 0; i < 4; i++) {
		char c = '1' + i;

		snprintf(id, sizeof(id), "com%u", i + 1);
		ck_assert_int_eq(
			plugvm_devtest_chardev_input(u, id, "input", &c, 1), 1);
	}
	/* each port echoes what it got, plus one */
	for (unsigned int i = 0; i < 4; i++) {
		uint8_t c = plugvm_devtest_inb(u, bases[i]);

		ck_assert_uint_eq(c, '1' + i);
		plugvm_devtest_outb(u, bases[i], c + 1);
	}
	plugvm_devtest_shutdown(u);
	for (unsigned int i = 0; i < 4; i++) {
		size_t len;
		char *got = slurp(out[i], &len);
		char want[2] = { (char)('2' + i), '\0' };

		ck_assert_str_eq(got, want);
		free(got);
		unlink(out[i]);
		unlink(in[i]);
	}
	plugvm_devtest_free(u);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* limits                                                                   */
/* ------------------------------------------------------------------------ */

START_TEST(test_only_byte_access)
{
	uint64_t v = 0;

	ck_assert_uint_eq(plugvm_devtest_pio_read(t, COM1, 2, &v),
			  PLUGVM_DEVTEST_BAD_SIZE);
	ck_assert_uint_eq(v, 0xffff);
	ck_assert_uint_eq(plugvm_devtest_pio_write(t, SCR - 3, 4, 0x11223344),
			  PLUGVM_DEVTEST_BAD_SIZE);
	ck_assert_uint_eq(plugvm_devtest_inb(t, SCR), 0);
	/* a word at the last port runs past the end of the range */
	ck_assert_uint_eq(plugvm_devtest_pio_write(t, SCR, 2, 0x1111),
			  PLUGVM_DEVTEST_STRADDLE);
	ck_assert_uint_eq(plugvm_devtest_inb(t, SCR), 0);
	ck_assert_uint_eq(plugvm_devtest_pio_read(t, COM1, 3, &v),
			  PLUGVM_DEVTEST_INVALID);
}
END_TEST

START_TEST(test_just_outside)
{
	ck_assert_uint_eq(plugvm_devtest_inb(t, COM1 - 1), 0xff);
	ck_assert_uint_eq(plugvm_devtest_last_result(t),
			  PLUGVM_DEVTEST_UNMAPPED);
	ck_assert_uint_eq(plugvm_devtest_inb(t, COM1 + 8), 0xff);
	ck_assert_uint_eq(plugvm_devtest_last_result(t),
			  PLUGVM_DEVTEST_UNMAPPED);
	plugvm_devtest_inb(t, COM1 + 7);
	ck_assert_uint_eq(plugvm_devtest_last_result(t), PLUGVM_DEVTEST_OK);
}
END_TEST

START_TEST(test_top_of_port_space)
{
	static const char *const settings[] = { "base", "0xfff8", "output",
						"none", NULL };
	struct plugvm_devtest *u =
		plugvm_devtest_open(plugin(), NULL, settings, 0);

	ck_assert_ptr_nonnull(u);
	plugvm_devtest_outb(u, 0xffff, 0x42);
	ck_assert_uint_eq(plugvm_devtest_inb(u, 0xffff), 0x42);
	ck_assert_uint_eq(plugvm_devtest_inb(u, 0xfffd), LSR_THRE | LSR_TEMT);
	plugvm_devtest_free(u);
}
END_TEST

START_TEST(test_four_uarts)
{
	static const unsigned int bases[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	char val[16];

	plugvm_devtest_free(t);
	t = plugvm_devtest_new(0);
	ck_assert_ptr_nonnull(t);
	for (unsigned int i = 0; i < 4; i++) {
		snprintf(val, sizeof(val), "0x%x", bases[i]);
		ck_assert_int_eq(
			plugvm_devtest_add(
				t, plugin(), NULL,
				(const char *const[]){ "base", val, "output",
						       "none", NULL }),
			0);
	}
	for (unsigned int i = 0; i < 4; i++)
		plugvm_devtest_outb(t, bases[i] + 7, i + 1);
	for (unsigned int i = 0; i < 4; i++)
		ck_assert_uint_eq(plugvm_devtest_inb(t, bases[i] + 7), i + 1);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* errors                                                                   */
/* ------------------------------------------------------------------------ */

static void expect_add_fails(const char *const *settings, int err,
			     const char *msg)
{
	struct plugvm_devtest *u = plugvm_devtest_new(0);

	ck_assert_ptr_nonnull(u);
	ck_assert_int_eq(plugvm_devtest_add(u, plugin(), "bad", settings), err);
	ck_assert_msg(strstr(plugvm_devtest_error(u), msg),
		      "error '%s' does not mention '%s'",
		      plugvm_devtest_error(u), msg);
	/* nothing was left behind */
	ck_assert_uint_eq(plugvm_devtest_inb(u, COM1 + 7), 0xff);
	ck_assert_uint_eq(plugvm_devtest_last_result(u),
			  PLUGVM_DEVTEST_UNMAPPED);
	plugvm_devtest_free(u);
}

/* The settings table's range refuses it; serial.c does not check again. */
START_TEST(test_base_too_high)
{
	expect_add_fails(
		(const char *const[]){ "base", "0xfff9", NULL }, -EINVAL,
		"base: '0xfff9' is out of range (must be between 0 and 65528)");
}
END_TEST

START_TEST(test_base_not_a_number)
{
	expect_add_fails((const char *const[]){ "base", "com1", NULL }, -EINVAL,
			 "com1");
}
END_TEST

START_TEST(test_unknown_key)
{
	expect_add_fails((const char *const[]){ "baud", "9600", NULL }, -EINVAL,
			 "baud");
}
END_TEST

START_TEST(test_output_unopenable)
{
	expect_add_fails((const char *const[]){ "output",
						"/nonexistent/dir/out.txt",
						NULL },
			 -ENOENT, "cannot open");
}
END_TEST

/* Line 2 is the 8259A cascade, not a device's; 24 and up do not exist. */
START_TEST(test_irq_refused)
{
	expect_add_fails((const char *const[]){ "irq", "2", NULL }, -EINVAL,
			 "irq: 2 is the cascade");
	expect_add_fails((const char *const[]){ "irq", "24", NULL }, -EINVAL,
			 "irq: '24' is out of range");
}
END_TEST

START_TEST(test_input_unopenable)
{
	expect_add_fails((const char *const[]){ "input",
						"/nonexistent/dir/in.txt",
						NULL },
			 -ENOENT, "input: cannot open");
}
END_TEST

START_TEST(test_overlap)
{
	static const char *const settings[] = { "base", "0x3fc", "output",
						"none", NULL };

	ck_assert_int_eq(plugvm_devtest_add(t, plugin(), "uart1", settings),
			 -EBUSY);
	ck_assert_msg(strstr(plugvm_devtest_error(t), "uart0") &&
			      strstr(plugvm_devtest_error(t), "uart1"),
		      "overlap error '%s' names both devices",
		      plugvm_devtest_error(t));
	/* the first UART is unharmed */
	plugvm_devtest_outb(t, SCR, 0x77);
	ck_assert_uint_eq(plugvm_devtest_inb(t, SCR), 0x77);
}
END_TEST

START_TEST(test_write_read_only)
{
	const struct plugvm_devtest_log_entry *e;

	plugvm_devtest_outb(t, LSR, 0x00);
	ck_assert_uint_eq(plugvm_devtest_last_result(t), PLUGVM_DEVTEST_OK);
	e = plugvm_devtest_log_find(t, PLUGVM_LOG_GUEST_ERROR, "LSR");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->device, "uart0");
	ck_assert_uint_eq(plugvm_devtest_inb(t, LSR), LSR_THRE | LSR_TEMT);

	plugvm_devtest_outb(t, MSR, 0x00);
	ck_assert_ptr_nonnull(
		plugvm_devtest_log_find(t, PLUGVM_LOG_GUEST_ERROR, "MSR"));
	ck_assert_uint_eq(plugvm_devtest_inb(t, MSR), 0xb0);
	ck_assert_uint_eq(plugvm_devtest_log_count(t), 2);
}
END_TEST

static Suite *serial_suite(void)
{
	Suite *s = suite_create("serial");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_power_on_values);
	tcase_add_test(tc, test_scratch);
	tcase_add_test(tc, test_divisor_latch);
	tcase_add_test(tc, test_ier_low_nibble);
	tcase_add_test(tc, test_lcr_mcr);
	tcase_add_test(tc, test_fcr_iir);
	tcase_add_test(tc, test_lsr_after_transmit);
	tcase_add_test(tc, test_loopback_msr);
	tcase_add_test(tc, test_linux_loopback_probe);
	tcase_add_test(tc, test_loopback_rx);
	tcase_add_test(tc, test_fifo_rx);
	tcase_add_test(tc, test_fifo_overrun);
	tcase_add_test(tc, test_16450_overrun);
	tcase_add_test(tc, test_fifo_reset);
	tcase_add_test(tc, test_output_file_exact);
	tcase_add_test(tc, test_output_stdout);
	tcase_add_test(tc, test_output_stalled);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_linux_autoconfig);
	suite_add_tcase(s, tc);

	tc = tcase_create("interrupts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_thri_on_ier_write);
	tcase_add_test(tc, test_linux_thre_test);
	tcase_add_test(tc, test_rdi_fifo_off);
	tcase_add_test(tc, test_rdi_trigger_levels);
	tcase_add_test(tc, test_rlsi_overrun);
	tcase_add_test(tc, test_msi);
	tcase_add_test(tc, test_iir_priorities);
	tcase_add_test(tc, test_iir_masking);
	tcase_add_test(tc, test_iir_timeout_over_thri);
	tcase_add_test(tc, test_irq_default_lines);
	tcase_add_test(tc, test_irq_setting);
	tcase_add_test(tc, test_shared_irq);
	tcase_add_test(tc, test_irq_reaches_cpu);
	tcase_add_test(tc, test_reset_lowers_irq);
	tcase_add_test(tc, test_irq_no_chipset);
	suite_add_tcase(s, tc);

	tc = tcase_create("timeout");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_timeout_restarts);
	tcase_add_test(tc, test_timeout_follows_lcr);
	tcase_add_test(tc, test_timeout_fifo_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("input");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_input_rx);
	tcase_add_test(tc, test_input_flow_16450);
	tcase_add_test(tc, test_input_flow_fifo);
	tcase_add_test(tc, test_input_waits);
	tcase_add_test(tc, test_input_loopback);
	tcase_add_test(tc, test_input_break);
	tcase_add_test(tc, test_input_break_fifo);
	tcase_add_test(tc, test_input_eof);
	tcase_add_test(tc, test_input_timeout);
	tcase_add_test(tc, test_input_none);
	tcase_add_test(tc, test_input_auto);
	tcase_add_test(tc, test_input_stdin_taken);
	tcase_add_test(tc, test_four_ports_own_io);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_only_byte_access);
	tcase_add_test(tc, test_just_outside);
	tcase_add_test(tc, test_top_of_port_space);
	tcase_add_test(tc, test_four_uarts);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_base_too_high);
	tcase_add_test(tc, test_base_not_a_number);
	tcase_add_test(tc, test_unknown_key);
	tcase_add_test(tc, test_output_unopenable);
	tcase_add_test(tc, test_irq_refused);
	tcase_add_test(tc, test_input_unopenable);
	tcase_add_test(tc, test_overlap);
	tcase_add_test(tc, test_write_read_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(serial_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
