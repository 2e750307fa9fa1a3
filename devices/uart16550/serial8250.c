// SPDX-License-Identifier: GPL-2.0+
/*
 * serial8250: the driver of the 16550A UART (devices/uart16550/README.md), the parts of
 * Linux's 8250 driver (drivers/tty/serial/8250/8250_port.c, 8250_core.c), serial core and
 * tty layer (tty_buffer.c, n_tty.c) a byte goes through, under their names, in one file:
 *
 *   hardirq    serial8250_interrupt(): loop on IIR until UART_IIR_NO_INT; for each
 *              interrupt serial8250_handle_irq(): read LSR, drain the RX FIFO
 *              (serial8250_rx_chars(): while LSR.DR, read RBR into the flip buffer,
 *              counting overruns in icount.overrun), read MSR, refill the TX FIFO on THRE
 *              (serial8250_tx_chars(): up to 16 bytes; IER.THRI off when nothing is left)
 *   bottom     tty_flip_buffer_push() queues flush_to_ldisc(): a work item on
 *   half       system_unbound_wq, as Linux's tty layer does (the default), or a tasklet
 *              (device property "bottom-half" = "tasklet"), which runs sooner
 *   ldisc      flush_to_ldisc() moves the flip buffer into the read buffer (n_tty's
 *              read_buf, raw mode: no echo, no line editing), reports overruns as
 *              n_tty_receive_overrun() does ("serial ttyS0: 3 input overrun(s)") and
 *              wakes readers
 *   /dev/ttyS0 read() sleeps until the read buffer has data (O_NONBLOCK: -EAGAIN);
 *              write() copies into the transmit ring and sets IER.THRI, so the THRE
 *              interrupt fills the FIFO; poll()
 *
 * Device properties: "baud" (default 115200), "trigger" (RX FIFO trigger level in bytes,
 * 1/4/8/14, default 14; Linux's default for a 16550A is 8), "bottom-half" ("work" or
 * "tasklet"). The line is 8N1.
 *
 * Simplifications, each a place where Linux does more: the port is set up in probe() and
 * the IRQ requested there (Linux does both at the first open, in serial8250_do_startup()),
 * termios is fixed (no TCSETS), the ldisc is n_tty in raw mode, and one port per IRQ (no
 * ISA sharing chain).
 */
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <linux/serial_reg.h>

#define TTY_MAJOR		4	/* include/uapi/linux/major.h */
#define SERIAL8250_MINOR	64	/* ttyS0 is (4, 64) */
#define UART_NR			4	/* CONFIG_SERIAL_8250_RUNTIME_UARTS */
#define PASS_LIMIT		512	/* 8250_core.c: passes over IIR per interrupt */
#define BASE_BAUD		115200	/* 1.8432 MHz / 16 */
#define UART_IER_ALL_INTR	(UART_IER_MSI | UART_IER_RLSI | UART_IER_THRI | UART_IER_RDI)
#define LSR_SAVE_FLAGS		UART_LSR_BRK_ERROR_BITS
#ifndef DIV_ROUND_CLOSEST
#define DIV_ROUND_CLOSEST(x, d)	(((x) + (d) / 2) / (d))
#endif

/* The receive trigger levels of a 16550A, by FCR bits 7:6 (8250_port.c rxtrig_bytes). */
static const unsigned int rxtrig_bytes[4] = { 1, 4, 8, 14 };

/* The flag each received character carries (include/linux/tty_flip.h, tty_buffer.h). */
#define TTY_NORMAL		0
#define TTY_BREAK		1
#define TTY_FRAME		2
#define TTY_PARITY		3
#define TTY_OVERRUN		4

#define FLIP_SIZE		4096	/* the flip buffer (Linux's grows to 640 KiB) */
#define N_TTY_BUF_SIZE		4096	/* n_tty's read_buf */
#define UART_XMIT_SIZE		4096	/* the transmit ring (PAGE_SIZE) */
#define WAKEUP_CHARS		256	/* wake writers when the ring holds fewer */

/* include/linux/serial.h: what the port counts (TIOCGICOUNT). */
struct uart_icount {
	u32 rx, tx;
	u32 frame, parity, brk, overrun;
	u32 buf_overrun;	/* the flip buffer was full */
};

/* One port: Linux's uart_8250_port with its uart_port, tty_port and n_tty data folded in. */
struct uart_8250_port {
	struct device *dev;
	unsigned long iobase;
	int irq;
	int line;
	char name[16];			/* "ttyS0" */
	spinlock_t lock;		/* the port lock: registers, rings, counters */
	unsigned char ier, lcr, mcr, fcr;
	u16 lsr_saved_flags;		/* LSR error bits read outside the RX path */
	unsigned int tx_loadsz;		/* bytes to load into the TX FIFO per THRE */
	struct uart_icount icount;
	unsigned long irqs_handled;

	/* tty_port: the flip buffer, filled in hardirq, emptied by flush_to_ldisc() */
	u8 flip_char[FLIP_SIZE];
	u8 flip_flag[FLIP_SIZE];
	unsigned int flip_head, flip_tail;
	bool bh_tasklet;		/* flush_to_ldisc() in a tasklet instead of a work item */
	struct work_struct work;
	struct tasklet_struct tasklet;

	/* n_tty */
	u8 read_buf[N_TTY_BUF_SIZE];
	unsigned int read_head, read_tail;
	unsigned long overrun_time;
	unsigned int num_overrun;
	wait_queue_head_t read_wait;

	/* the transmit ring (Linux's xmit_fifo) */
	u8 xmit_buf[UART_XMIT_SIZE];
	unsigned int xmit_head, xmit_tail;
	wait_queue_head_t write_wait;

	dev_t devt;
	struct cdev cdev;
};

static struct class *tty_class;

static unsigned int serial_in(struct uart_8250_port *up, int offset)
{
	return inb(up->iobase + offset);
}

static void serial_out(struct uart_8250_port *up, int offset, int value)
{
	outb(value, up->iobase + offset);
}

/* Ring helpers: sizes are powers of two, heads and tails run free. */
static unsigned int flip_len(const struct uart_8250_port *up)
{
	return up->flip_head - up->flip_tail;
}

/* Read without the lock by wait_event's condition and poll(). */
static unsigned int read_len(const struct uart_8250_port *up)
{
	return READ_ONCE(up->read_head) - READ_ONCE(up->read_tail);
}

static unsigned int xmit_len(const struct uart_8250_port *up)
{
	return up->xmit_head - up->xmit_tail;
}

static unsigned int xmit_room(const struct uart_8250_port *up)
{
	return UART_XMIT_SIZE - xmit_len(up);
}

/* --- the bottom half: tty_buffer.c and n_tty.c ----------------------------------- */

/*
 * n_tty_receive_overrun(): the driver flagged a lost character. Reported at most once a
 * second (HZ jiffies), with how many there were since the last report.
 */
static void n_tty_receive_overrun(struct uart_8250_port *up)
{
	up->num_overrun++;
	if (time_is_before_jiffies(up->overrun_time + HZ)) {
		pr_warn("%s %s: %u input overrun(s)\n", "serial", up->name, up->num_overrun);
		up->overrun_time = jiffies;
		up->num_overrun = 0;
	}
}

/*
 * flush_to_ldisc(): the flip buffer into the line discipline's read buffer, then wake
 * readers. What does not fit stays in the flip buffer until a reader makes room.
 */
static void flush_to_ldisc(struct uart_8250_port *up)
{
	unsigned int moved = 0, overruns = 0;
	unsigned long flags;

	spin_lock_irqsave(&up->lock, flags);
	while (flip_len(up) && read_len(up) < N_TTY_BUF_SIZE) {
		unsigned int i = up->flip_tail++ & (FLIP_SIZE - 1);

		if (up->flip_flag[i] == TTY_OVERRUN) {
			overruns++;	/* a marker, not a character */
			continue;
		}
		up->read_buf[up->read_head & (N_TTY_BUF_SIZE - 1)] = up->flip_char[i];
		WRITE_ONCE(up->read_head, up->read_head + 1);
		moved++;
	}
	spin_unlock_irqrestore(&up->lock, flags);

	while (overruns--)
		n_tty_receive_overrun(up);
	if (moved)
		wake_up_interruptible(&up->read_wait);
}

static void flush_to_ldisc_work(struct work_struct *work)
{
	struct uart_8250_port *up = container_of(work, struct uart_8250_port, work);

	flush_to_ldisc(up);
}

static void flush_to_ldisc_tasklet(struct tasklet_struct *t)
{
	struct uart_8250_port *up = from_tasklet(up, t, tasklet);

	flush_to_ldisc(up);
}

/* tty_flip_buffer_push(): hand what the hardirq received to the bottom half. */
static void tty_flip_buffer_push(struct uart_8250_port *up)
{
	if (up->bh_tasklet)
		tasklet_schedule(&up->tasklet);
	else
		queue_work(system_unbound_wq, &up->work);
}

/* tty_insert_flip_char(): false when the flip buffer is full. */
static bool tty_insert_flip_char(struct uart_8250_port *up, u8 ch, u8 flag)
{
	unsigned int i;

	if (flip_len(up) >= FLIP_SIZE)
		return false;
	i = up->flip_head++ & (FLIP_SIZE - 1);
	up->flip_char[i] = ch;
	up->flip_flag[i] = flag;
	return true;
}

/*
 * uart_insert_char(): the character, then, if the FIFO overran, an overrun marker: the
 * overrun happened after this character, and what was lost is gone.
 */
static void uart_insert_char(struct uart_8250_port *up, u16 lsr, u8 ch, u8 flag)
{
	if (!tty_insert_flip_char(up, ch, flag))
		up->icount.buf_overrun++;
	if (lsr & UART_LSR_OE)
		if (!tty_insert_flip_char(up, 0, TTY_OVERRUN))
			up->icount.buf_overrun++;
}

/* --- the hardirq: 8250_port.c ------------------------------------------------------ */

/* serial_lsr_in(): LSR, keeping error bits for the RX path (reading LSR clears them). */
static u16 serial_lsr_in(struct uart_8250_port *up)
{
	u16 lsr = up->lsr_saved_flags;

	lsr |= serial_in(up, UART_LSR);
	up->lsr_saved_flags = lsr & LSR_SAVE_FLAGS;
	return lsr;
}

static void serial8250_read_char(struct uart_8250_port *up, u16 lsr)
{
	u8 ch = 0, flag = TTY_NORMAL;

	if (likely(lsr & UART_LSR_DR))
		ch = serial_in(up, UART_RX);
	up->icount.rx++;

	lsr |= up->lsr_saved_flags;
	up->lsr_saved_flags = 0;

	if (unlikely(lsr & UART_LSR_BRK_ERROR_BITS)) {
		if (lsr & UART_LSR_BI) {
			lsr &= ~(UART_LSR_FE | UART_LSR_PE);
			up->icount.brk++;
		} else if (lsr & UART_LSR_PE) {
			up->icount.parity++;
		} else if (lsr & UART_LSR_FE) {
			up->icount.frame++;
		}
		if (lsr & UART_LSR_OE)
			up->icount.overrun++;

		if (lsr & UART_LSR_BI)
			flag = TTY_BREAK;
		else if (lsr & UART_LSR_PE)
			flag = TTY_PARITY;
		else if (lsr & UART_LSR_FE)
			flag = TTY_FRAME;
	}
	uart_insert_char(up, lsr, ch, flag);
}

/* serial8250_rx_chars(): everything the FIFO holds, then the bottom half. */
static u16 serial8250_rx_chars(struct uart_8250_port *up, u16 lsr)
{
	int max_count = 256;

	do {
		serial8250_read_char(up, lsr);
		if (--max_count == 0)
			break;
		lsr = serial_in(up, UART_LSR);
	} while (lsr & (UART_LSR_DR | UART_LSR_BI));

	tty_flip_buffer_push(up);
	return lsr;
}

/* serial8250_clear_THRI() / serial8250_set_THRI(): IER.THRI, written only on change. */
static void __stop_tx(struct uart_8250_port *up)
{
	if (up->ier & UART_IER_THRI) {
		up->ier &= ~UART_IER_THRI;
		serial_out(up, UART_IER, up->ier);
	}
}

static void serial8250_start_tx(struct uart_8250_port *up)
{
	if (!(up->ier & UART_IER_THRI)) {
		up->ier |= UART_IER_THRI;
		serial_out(up, UART_IER, up->ier);	/* THR empty: THRE interrupts at once */
	}
}

/* serial8250_tx_chars(): load up to a FIFO's worth from the transmit ring. */
static void serial8250_tx_chars(struct uart_8250_port *up)
{
	int count;

	if (!xmit_len(up)) {
		__stop_tx(up);
		return;
	}
	count = up->tx_loadsz;
	do {
		if (!xmit_len(up))
			break;
		serial_out(up, UART_TX, up->xmit_buf[up->xmit_tail++ & (UART_XMIT_SIZE - 1)]);
		up->icount.tx++;
	} while (--count > 0);

	if (xmit_len(up) < WAKEUP_CHARS)
		wake_up_interruptible(&up->write_wait);	/* uart_write_wakeup() */
	if (!xmit_len(up))
		__stop_tx(up);
}

/* serial8250_modem_status(): read (and so acknowledge) MSR; no flow control here. */
static unsigned int serial8250_modem_status(struct uart_8250_port *up)
{
	return serial_in(up, UART_MSR);
}

/* serial8250_handle_irq(): one interrupt the IIR named. Called with the port lock held. */
static int serial8250_handle_irq(struct uart_8250_port *up, unsigned int iir)
{
	u16 status;

	if (iir & UART_IIR_NO_INT)
		return 0;
	status = serial_lsr_in(up);
	if (status & (UART_LSR_DR | UART_LSR_BI))
		status = serial8250_rx_chars(up, status);
	serial8250_modem_status(up);
	if ((status & UART_LSR_THRE) && (up->ier & UART_IER_THRI))
		serial8250_tx_chars(up);
	return 1;
}

/*
 * serial8250_interrupt(): the ISA line is edge triggered, and the UART holds INTR high
 * while anything is pending: if the handler returned with an interrupt still pending
 * (say a byte arrived while it was draining the FIFO), the line would stay high, no
 * further edge would come, and the port would go deaf. So it goes round until IIR says
 * UART_IIR_NO_INT: then INTR is low, and the next interrupt is a new rising edge.
 */
static irqreturn_t serial8250_interrupt(int irq, void *dev_id)
{
	struct uart_8250_port *up = dev_id;
	int pass_counter = 0, handled = 0;

	spin_lock(&up->lock);
	for (;;) {
		unsigned int iir = serial_in(up, UART_IIR);

		if (!serial8250_handle_irq(up, iir))
			break;
		handled = 1;
		if (pass_counter++ > PASS_LIMIT)
			break;
	}
	if (handled)
		up->irqs_handled++;
	spin_unlock(&up->lock);
	return IRQ_RETVAL(handled);
}

/* --- /dev/ttyS0 ------------------------------------------------------------------- */

static int serial8250_open(struct inode *inode, struct file *file)
{
	file->private_data = container_of(inode->i_cdev, struct uart_8250_port, cdev);
	return stream_open(inode, file);
}

static int serial8250_release(struct inode *inode, struct file *file)
{
	return 0;
}

/*
 * read(): what the read buffer holds, up to count, once it holds anything (raw mode with
 * VMIN 1, VTIME 0). The copy to the user is made outside the lock: it may fault, and sleep.
 */
static ssize_t serial8250_read(struct file *file, char __user *buf, size_t count,
			       loff_t *ppos)
{
	struct uart_8250_port *up = file->private_data;
	unsigned long flags;
	size_t done = 0;
	bool more;

	if (!count)
		return 0;
	while (!read_len(up)) {
		int ret;

		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(up->read_wait, read_len(up) > 0);
		if (ret)
			return ret;
	}
	while (done < count) {
		u8 kbuf[64];
		size_t n = 0;

		spin_lock_irqsave(&up->lock, flags);
		while (n < sizeof(kbuf) && done + n < count && read_len(up)) {
			kbuf[n++] = up->read_buf[up->read_tail & (N_TTY_BUF_SIZE - 1)];
			WRITE_ONCE(up->read_tail, up->read_tail + 1);
		}
		spin_unlock_irqrestore(&up->lock, flags);
		if (!n)
			break;
		if (copy_to_user(buf + done, kbuf, n))
			return done ? done : -EFAULT;
		done += n;
	}
	/* Room again: what the flip buffer could not pass on goes now. */
	spin_lock_irqsave(&up->lock, flags);
	more = flip_len(up) != 0;
	spin_unlock_irqrestore(&up->lock, flags);
	if (more)
		tty_flip_buffer_push(up);
	return done;
}

/* write(): into the transmit ring; THRE interrupts move it to the FIFO, 16 at a time. */
static ssize_t serial8250_write(struct file *file, const char __user *buf, size_t count,
				loff_t *ppos)
{
	struct uart_8250_port *up = file->private_data;
	size_t done = 0;

	while (done < count) {
		u8 kbuf[64];
		unsigned long flags;
		size_t n = min_t(size_t, count - done, sizeof(kbuf)), i;

		if (!xmit_room(up)) {
			int ret;

			if (file->f_flags & O_NONBLOCK)
				return done ? done : -EAGAIN;
			ret = wait_event_interruptible(up->write_wait, xmit_room(up) > 0);
			if (ret)
				return done ? done : ret;
		}
		if (copy_from_user(kbuf, buf + done, n))
			return done ? done : -EFAULT;
		spin_lock_irqsave(&up->lock, flags);
		n = min_t(size_t, n, xmit_room(up));
		for (i = 0; i < n; i++)
			up->xmit_buf[up->xmit_head++ & (UART_XMIT_SIZE - 1)] = kbuf[i];
		serial8250_start_tx(up);
		spin_unlock_irqrestore(&up->lock, flags);
		done += n;
	}
	return done;
}

static __poll_t serial8250_poll(struct file *file, poll_table *wait)
{
	struct uart_8250_port *up = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &up->read_wait, wait);
	poll_wait(file, &up->write_wait, wait);
	if (read_len(up))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (xmit_room(up))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static const struct file_operations serial8250_fops = {
	.owner = THIS_MODULE,
	.open = serial8250_open,
	.release = serial8250_release,
	.read = serial8250_read,
	.write = serial8250_write,
	.poll = serial8250_poll,
	.llseek = no_llseek,
};

/* --- setting the port up ------------------------------------------------------------ */

/*
 * autoconfig(), the part that tells a 16550A: IER keeps its four bits and nothing else
 * (a floating bus reads 0xff), and with the FIFO enabled IIR's top bits read 11.
 */
static int serial8250_autoconfig(struct uart_8250_port *up)
{
	unsigned int scratch, scratch2, scratch3;

	scratch = serial_in(up, UART_IER);
	serial_out(up, UART_IER, 0);
	scratch2 = serial_in(up, UART_IER) & UART_IER_ALL_INTR;
	serial_out(up, UART_IER, UART_IER_ALL_INTR);
	scratch3 = serial_in(up, UART_IER) & UART_IER_ALL_INTR;
	serial_out(up, UART_IER, scratch);
	if (scratch2 != 0 || scratch3 != UART_IER_ALL_INTR) {
		dev_err(up->dev, "no UART at I/O 0x%lx (IER test failed: %02x, %02x)\n",
			up->iobase, scratch2, scratch3);
		return -ENODEV;
	}
	serial_out(up, UART_FCR, UART_FCR_ENABLE_FIFO);
	scratch = serial_in(up, UART_IIR) & UART_IIR_FIFO_ENABLED;
	serial_out(up, UART_FCR, 0);
	if (scratch != UART_IIR_FIFO_ENABLED_16550A) {
		dev_err(up->dev, "I/O 0x%lx is not a 16550A (IIR FIFO bits %02x)\n",
			up->iobase, scratch);
		return -ENODEV;
	}
	return 0;
}

/* serial8250_clear_fifos() */
static void serial8250_clear_fifos(struct uart_8250_port *up)
{
	serial_out(up, UART_FCR, UART_FCR_ENABLE_FIFO);
	serial_out(up, UART_FCR, UART_FCR_ENABLE_FIFO | UART_FCR_CLEAR_RCVR | UART_FCR_CLEAR_XMIT);
	serial_out(up, UART_FCR, 0);
}

/* The receive trigger level the "trigger" property asks for. */
static int serial8250_trigger_bits(struct device *dev, unsigned char *fcr)
{
	static const struct { const char *bytes; unsigned char bits; } levels[] = {
		{ "1", UART_FCR_R_TRIG_00 }, { "4", UART_FCR_R_TRIG_01 },
		{ "8", UART_FCR_R_TRIG_10 }, { "14", UART_FCR_R_TRIG_11 },
	};
	const char *s;
	unsigned int i;

	*fcr = UART_FCR_ENABLE_FIFO | UART_FCR_R_TRIG_11;
	if (device_property_read_string(dev, "trigger", &s))
		return 0;
	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		if (!strcmp(s, levels[i].bytes)) {
			*fcr = UART_FCR_ENABLE_FIFO | levels[i].bits;
			return 0;
		}
	}
	return dev_err_probe(dev, -EINVAL,
			     "trigger %s: a 16550A triggers at 1, 4, 8 or 14 bytes\n", s);
}

/*
 * serial8250_do_startup() and serial8250_do_set_termios() in one: FIFOs cleared, the
 * divisor and 8N1 (DLAB set to reach DLL/DLM), the FIFO and its trigger level, stale
 * interrupt conditions read away.
 */
static void serial8250_startup(struct uart_8250_port *up, unsigned int baud)
{
	unsigned int quot = DIV_ROUND_CLOSEST(BASE_BAUD, baud);	/* uart_get_divisor() */

	serial8250_clear_fifos(up);
	serial_in(up, UART_LSR);
	serial_in(up, UART_RX);
	serial_in(up, UART_IIR);
	serial_in(up, UART_MSR);

	up->lcr = UART_LCR_WLEN8;
	serial_out(up, UART_LCR, up->lcr | UART_LCR_DLAB);
	serial_out(up, UART_DLL, quot & 0xff);
	serial_out(up, UART_DLM, quot >> 8 & 0xff);
	serial_out(up, UART_LCR, up->lcr);
	serial_out(up, UART_FCR, up->fcr);
}

static int serial8250_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct uart_8250_port *up;
	struct resource *res;
	const char *bh = "work";
	unsigned long flags;
	struct device *tty;
	u32 baud = BASE_BAUD;
	int ret;

	up = devm_kzalloc(dev, sizeof(*up), GFP_KERNEL);
	if (!up)
		return -ENOMEM;
	up->dev = dev;
	res = platform_get_resource(pdev, IORESOURCE_IO, 0);
	if (!res)
		return dev_err_probe(dev, -EINVAL, "no I/O port range\n");
	up->iobase = res->start;
	up->irq = platform_get_irq(pdev, 0);
	if (up->irq < 0)
		return up->irq;
	up->line = pdev->id < 0 ? 0 : pdev->id;
	if (up->line >= UART_NR)
		return dev_err_probe(dev, -ENODEV, "only %d ports (ttyS0-ttyS%d)\n", UART_NR,
				     UART_NR - 1);
	scnprintf(up->name, sizeof(up->name), "ttyS%d", up->line);

	device_property_read_u32(dev, "baud", &baud);
	if (!baud || baud > BASE_BAUD)
		return dev_err_probe(dev, -EINVAL, "baud %u: the clock makes at most %d\n", baud,
				     BASE_BAUD);
	ret = serial8250_trigger_bits(dev, &up->fcr);
	if (ret)
		return ret;
	device_property_read_string(dev, "bottom-half", &bh);
	up->bh_tasklet = !strcmp(bh, "tasklet");
	up->tx_loadsz = 16;
	up->overrun_time = jiffies - HZ - 1;	/* the first overrun is reported at once */
	spin_lock_init(&up->lock);
	init_waitqueue_head(&up->read_wait);
	init_waitqueue_head(&up->write_wait);
	INIT_WORK(&up->work, flush_to_ldisc_work);
	tasklet_setup(&up->tasklet, flush_to_ldisc_tasklet);

	ret = serial8250_autoconfig(up);
	if (ret)
		return ret;
	serial8250_startup(up, baud);

	ret = devm_request_irq(dev, up->irq, serial8250_interrupt, 0, up->name, up);
	if (ret)
		return dev_err_probe(dev, ret, "failed to request IRQ %d\n", up->irq);

	/* OUT2 connects INTR to the ISA line; then the interrupts we want. */
	spin_lock_irqsave(&up->lock, flags);
	up->mcr = UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2;
	serial_out(up, UART_MCR, up->mcr);
	up->ier = UART_IER_RLSI | UART_IER_RDI;
	serial_out(up, UART_IER, up->ier);
	spin_unlock_irqrestore(&up->lock, flags);

	up->devt = MKDEV(TTY_MAJOR, SERIAL8250_MINOR + up->line);
	cdev_init(&up->cdev, &serial8250_fops);
	up->cdev.owner = THIS_MODULE;
	ret = cdev_add(&up->cdev, up->devt, 1);
	if (ret)
		goto err_quiet;
	tty = device_create(tty_class, dev, up->devt, up, "%s", up->name);
	if (IS_ERR(tty)) {
		ret = PTR_ERR(tty);
		goto err_cdev;
	}
	platform_set_drvdata(pdev, up);

	/* uart_report_port() */
	pr_info("%s: %s at I/O 0x%lx (irq = %d, base_baud = %d) is a 16550A\n", dev_name(dev),
		up->name, up->iobase, up->irq, BASE_BAUD);
	dev_info(dev, "%s: %u baud 8N1, RX FIFO trigger level %u, %s bottom half\n", up->name, baud,
		 rxtrig_bytes[UART_FCR_R_TRIG_BITS(up->fcr)],
		 up->bh_tasklet ? "tasklet" : "work item");
	return 0;

err_cdev:
	cdev_del(&up->cdev);
err_quiet:
	serial_out(up, UART_IER, 0);
	serial_out(up, UART_MCR, 0);
	return ret;
}

/* serial8250_shutdown(): interrupts off, OUT2 off, FIFOs cleared; then nothing of ours runs. */
static void serial8250_remove(struct platform_device *pdev)
{
	struct uart_8250_port *up = platform_get_drvdata(pdev);
	unsigned long flags;

	device_destroy(tty_class, up->devt);
	cdev_del(&up->cdev);

	spin_lock_irqsave(&up->lock, flags);
	up->ier = 0;
	serial_out(up, UART_IER, 0);
	up->mcr &= ~UART_MCR_OUT2;
	serial_out(up, UART_MCR, up->mcr);
	serial8250_clear_fifos(up);
	spin_unlock_irqrestore(&up->lock, flags);

	synchronize_irq(up->irq);
	tasklet_kill(&up->tasklet);
	cancel_work_sync(&up->work);

	dev_info(&pdev->dev, "%s: %lu interrupts handled, rx %u, tx %u, %u overruns\n", up->name,
		 up->irqs_handled, up->icount.rx, up->icount.tx, up->icount.overrun);
	if (up->icount.buf_overrun)
		dev_warn(&pdev->dev, "%s: %u characters dropped, the flip buffer was full\n",
			 up->name, up->icount.buf_overrun);
}

static struct platform_driver serial8250_isa_driver = {
	.probe = serial8250_probe,
	.remove = serial8250_remove,
	.driver = {
		.name = "uart16550",
	},
};

/*
 * serial8250_init(): the ttyS device numbers (major 4, minors 64-67, as the tty core
 * registers them for the serial driver), the tty class whose devices get /dev nodes,
 * then the platform driver, whose probe() adds a port per UART.
 */
static int __init serial8250_init(void)
{
	int ret;

	pr_info("Serial: 8250/16550 driver, %d ports, IRQ sharing disabled\n", UART_NR);
	ret = register_chrdev_region(MKDEV(TTY_MAJOR, SERIAL8250_MINOR), UART_NR, "ttyS");
	if (ret)
		return ret;
	tty_class = class_create("tty");
	if (IS_ERR(tty_class)) {
		ret = PTR_ERR(tty_class);
		goto err_region;
	}
	ret = platform_driver_register(&serial8250_isa_driver);
	if (ret)
		goto err_class;
	return 0;

err_class:
	class_destroy(tty_class);
err_region:
	unregister_chrdev_region(MKDEV(TTY_MAJOR, SERIAL8250_MINOR), UART_NR);
	return ret;
}

static void __exit serial8250_exit(void)
{
	platform_driver_unregister(&serial8250_isa_driver);
	class_destroy(tty_class);
	unregister_chrdev_region(MKDEV(TTY_MAJOR, SERIAL8250_MINOR), UART_NR);
}

module_init(serial8250_init);
module_exit(serial8250_exit);

MODULE_DESCRIPTION("irqlab 8250/16550 serial driver (after drivers/tty/serial/8250)");
MODULE_LICENSE("GPL");
