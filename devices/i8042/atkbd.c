// SPDX-License-Identifier: GPL-2.0
/*
 * atkbd: the driver of the PC keyboard behind the i8042 controller (devices/i8042/README.md).
 * What Linux spreads over i8042.c (the controller and its interrupt), libps2.c (commands
 * to the keyboard, waiting for the ACK), atkbd.c (scancodes to keycodes) and
 * drivers/tty/vt/keyboard.c (keycodes to characters, the LEDs), in one module, with a
 * character device /dev/kbd in place of the console.
 *
 * The interrupt is split in two halves, as the seed 002 keyboard driver declares:
 *  - the hard handler (i8042_interrupt) reads the status port, and when OBF is set the
 *    scancode from the data port: that empties the controller's one-byte buffer, so the
 *    next byte can come. An ACK (0xfa) the LED command waits for goes to that command;
 *    every other byte goes into a small ring, and the tasklet is scheduled;
 *  - the tasklet (kbd_bh, keyboard_tasklet) turns scancodes (set 1, as the controller
 *    translates them) into keycodes and key events, keeps the shift, control and lock
 *    state, puts the characters into the /dev/kbd buffer and wakes its readers. When a
 *    lock key changed the LED state, it schedules atkbd's event work: setting the LEDs
 *    means sending 0xed and the mask and waiting for the keyboard's ACK after each byte
 *    (a few milliseconds), which only process context may sleep through.
 * Linux itself translates keys in the hard handler (atkbd_interrupt() -> input_event() ->
 * kbd_event()) and its keyboard_tasklet only propagates the LED state; the split here is
 * the textbook one, the work item for the LEDs is Linux's (atkbd_event_work()).
 *
 * The input-event log: one KERN_DEBUG line per key event in the format of Linux's evbug
 * module ("evbug: Event. Dev: input0, Type: 1, Code: 30, Value: 1"; value 1 press, 0
 * release, 2 autorepeat), written by the tasklet.
 *
 * /dev/kbd: read() returns the characters typed so far (up to count), and blocks while
 * there are none unless the file is O_NONBLOCK (-EAGAIN); poll() reports EPOLLIN when
 * there are some. Every open file reads from the one buffer.
 */
#include <linux/cdev.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/* drivers/input/serio/i8042-io.h */
#define I8042_COMMAND_REG	0x64
#define I8042_STATUS_REG	0x64
#define I8042_DATA_REG		0x60

/* include/linux/i8042.h: commands (parameter and result counts in the upper nibbles) */
#define I8042_CMD_CTL_RCTR	0x0120
#define I8042_CMD_CTL_WCTR	0x1060

#define I8042_STR_AUXDATA	0x20
#define I8042_STR_IBF		0x02
#define I8042_STR_OBF		0x01

#define I8042_CTR_KBDINT	0x01
#define I8042_CTR_KBDDIS	0x10
#define I8042_CTR_XLATE		0x40

/* drivers/input/serio/i8042.h */
#define I8042_CTL_TIMEOUT	10000
#define I8042_BUFFER_SIZE	16

/* drivers/input/keyboard/atkbd.c */
#define ATKBD_CMD_SETLEDS	0x10ed
#define ATKBD_RET_ACK		0xfa
#define ATKBD_RET_NAK		0xfe
#define ATKBD_RET_BAT		0xaa
#define ATKBD_RET_EMUL0		0xe0
#define ATKBD_RET_ERR		0xff
#define ATKBD_LED_EVENT_BIT	0

/* drivers/input/serio/libps2.c */
#define PS2_FLAG_ACK		BIT(0)	/* Waiting for ACK/NAK */

/* include/uapi/linux/input-event-codes.h */
#define EV_KEY			0x01
#define KEY_LEFTCTRL		29
#define KEY_LEFTSHIFT		42
#define KEY_RIGHTSHIFT		54
#define KEY_CAPSLOCK		58
#define KEY_NUMLOCK		69
#define KEY_SCROLLLOCK		70
#define KEY_KP7			71
#define KEY_KPDOT		83
#define KEY_KPENTER		96
#define KEY_RIGHTCTRL		97
#define KEY_KPSLASH		98
#define KEY_RIGHTALT		100
#define KEY_HOME		102
#define KEY_UP			103
#define KEY_PAGEUP		104
#define KEY_LEFT		105
#define KEY_RIGHT		106
#define KEY_END			107
#define KEY_DOWN		108
#define KEY_PAGEDOWN		109
#define KEY_INSERT		110
#define KEY_DELETE		111
#define KEY_LEFTMETA		125
#define KEY_RIGHTMETA		126
#define KEY_COMPOSE		127
#define KEY_MAX_HERE		128	/* the keycodes this driver knows are below this */

/* The LED mask of ATKBD_CMD_SETLEDS (atkbd_set_leds()) */
#define LED_SCROLL_BIT		0x01
#define LED_NUM_BIT		0x02
#define LED_CAPS_BIT		0x04

#define ATKBD_RING_SIZE		64	/* scancodes between the hard handler and the tasklet */
#define KBD_BUF_SIZE		1024	/* characters waiting for readers of /dev/kbd */

/* Set 1 make codes 0x01-0x58 are the keycodes themselves; these follow 0xe0. */
static const unsigned char atkbd_e0_keycode[128] = {
	[0x1c] = KEY_KPENTER, [0x1d] = KEY_RIGHTCTRL, [0x35] = KEY_KPSLASH,
	[0x38] = KEY_RIGHTALT, [0x47] = KEY_HOME, [0x48] = KEY_UP, [0x49] = KEY_PAGEUP,
	[0x4b] = KEY_LEFT, [0x4d] = KEY_RIGHT, [0x4f] = KEY_END, [0x50] = KEY_DOWN,
	[0x51] = KEY_PAGEDOWN, [0x52] = KEY_INSERT, [0x53] = KEY_DELETE,
	[0x5b] = KEY_LEFTMETA, [0x5c] = KEY_RIGHTMETA, [0x5d] = KEY_COMPOSE,
};

/*
 * The US keymap (drivers/tty/vt/defkeymap.c_shipped), plain and shifted, by keycode up to
 * KEY_SPACE. Backspace is DEL (0x7f) as on the console; Enter is '\n' (the console sends
 * '\r', which a tty's ICRNL turns into '\n'; /dev/kbd has no tty).
 */
static const char plain_map[] =
	"\0\0331234567890-=\177\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const char shift_map[] =
	"\0\033!@#$%^&*()_+\177\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";
/* The keypad with Num Lock on, KEY_KP7 to KEY_KPDOT. */
static const char keypad_map[] = "789-456+1230.";

struct atkbd {
	struct device *dev;
	int irq;

	spinlock_t i8042_lock;	/* the ports, the scancode ring, the ACK wait: the hard handler takes it */
	unsigned char ring[ATKBD_RING_SIZE];
	unsigned int ring_head, ring_tail;
	unsigned long ring_overflows;

	/* libps2's half of a command: the byte in flight and the answer to it */
	unsigned long ps2_flags;
	int nak;		/* 0 ACK, ATKBD_RET_NAK, or 1: no answer yet */
	wait_queue_head_t ps2_wait;

	/* keyboard.c's state, the tasklet's alone */
	bool emul0;				/* 0xe0 seen: the next code is an extended key */
	unsigned long key_down[KEY_MAX_HERE / BITS_PER_LONG];
	unsigned char lockstate;		/* LED_*_BIT: the caps, num and scroll locks */
	unsigned long err_count;		/* overruns the keyboard reported */

	/* atkbd_event_work(): the LEDs, set from process context */
	struct delayed_work event_work;
	unsigned long event_mask;
	unsigned long event_jiffies;
	unsigned char leds;			/* what the work sends: the tasklet's lockstate */

	/* /dev/kbd */
	dev_t devt;
	struct cdev cdev;
	struct class *class;
	spinlock_t buf_lock;	/* the character buffer: the tasklet and readers */
	char buf[KBD_BUF_SIZE];
	unsigned int buf_head, buf_tail;
	unsigned long chars_dropped;
	wait_queue_head_t wait;
	bool dead;		/* removed: readers return -ENODEV */
};

/*
 * One keyboard, as keyboard.c has one: its state is static, so that the statically
 * declared tasklet finds it, and a reader still asleep when the device goes away wakes
 * on memory that is still there.
 */
static struct atkbd atkbd_kbd;

static void kbd_bh(struct tasklet_struct *unused);
/* Seed 002 (2.4's drivers/char/keyboard.c) writes DECLARE_TASKLET_DISABLED(keyboard_tasklet,
 * kbd_bh, 0): the (func, data) form, DECLARE_TASKLET_DISABLED_OLD since 5.9. */
static DECLARE_TASKLET_DISABLED(keyboard_tasklet, kbd_bh);

/* --- the controller (i8042.c) ----------------------------------------------------------- */

static int i8042_wait_read(void)
{
	int i = 0;

	while ((~inb(I8042_STATUS_REG) & I8042_STR_OBF) && (i < I8042_CTL_TIMEOUT)) {
		udelay(50);
		i++;
	}
	return -(i == I8042_CTL_TIMEOUT);
}

static int i8042_wait_write(void)
{
	int i = 0;

	while ((inb(I8042_STATUS_REG) & I8042_STR_IBF) && (i < I8042_CTL_TIMEOUT)) {
		udelay(50);
		i++;
	}
	return -(i == I8042_CTL_TIMEOUT);
}

/* __i8042_command(): the command, its parameters, its results. Called with i8042_lock held. */
static int __i8042_command(unsigned char *param, int command)
{
	int i, error;

	error = i8042_wait_write();
	if (error)
		return error;
	outb(command & 0xff, I8042_COMMAND_REG);
	for (i = 0; i < ((command >> 12) & 0xf); i++) {
		error = i8042_wait_write();
		if (error)
			return error;
		outb(param[i], I8042_DATA_REG);
	}
	for (i = 0; i < ((command >> 8) & 0xf); i++) {
		error = i8042_wait_read();
		if (error)
			return error;
		param[i] = inb(I8042_DATA_REG);
	}
	return 0;
}

/* i8042_flush(): empty the output buffer of what came before us. */
static int i8042_flush(struct atkbd *kbd)
{
	unsigned long flags;
	int count = 0, retval = 0;

	spin_lock_irqsave(&kbd->i8042_lock, flags);
	while (inb(I8042_STATUS_REG) & I8042_STR_OBF) {
		if (count++ < I8042_BUFFER_SIZE) {
			udelay(50);
			inb(I8042_DATA_REG);
		} else {
			retval = -EIO;
			break;
		}
	}
	spin_unlock_irqrestore(&kbd->i8042_lock, flags);
	return retval;
}

/*
 * i8042_controller_init() and i8042_enable_kbd_port() in one: the keyboard's clock on, its
 * interrupt on, translation to set 1 on (the only set the tasklet decodes).
 */
static int i8042_controller_init(struct atkbd *kbd)
{
	unsigned char ctr;
	unsigned long flags;
	int error;

	if (i8042_flush(kbd))
		dev_warn(kbd->dev, "Can't flush the controller's output buffer\n");
	spin_lock_irqsave(&kbd->i8042_lock, flags);
	error = __i8042_command(&ctr, I8042_CMD_CTL_RCTR);
	if (!error) {
		ctr &= ~I8042_CTR_KBDDIS;
		ctr |= I8042_CTR_KBDINT | I8042_CTR_XLATE;
		error = __i8042_command(&ctr, I8042_CMD_CTL_WCTR);
	}
	spin_unlock_irqrestore(&kbd->i8042_lock, flags);
	if (error)
		dev_err(kbd->dev, "Can't read or write CTR\n");
	return error ? -EIO : 0;
}

/* --- the hard handler ------------------------------------------------------------------ */

/*
 * i8042_interrupt(): the byte in the output buffer. An ACK or NAK while a command waits
 * for one is that command's answer (ps2_handle_ack()); anything else is for the tasklet.
 */
static irqreturn_t i8042_interrupt(int irq, void *dev_id)
{
	struct atkbd *kbd = dev_id;
	unsigned char str, data;

	spin_lock(&kbd->i8042_lock);
	str = inb(I8042_STATUS_REG);
	if (unlikely(~str & I8042_STR_OBF)) {
		spin_unlock(&kbd->i8042_lock);
		return IRQ_NONE;	/* nothing there: another device's, or already read */
	}
	data = inb(I8042_DATA_REG);

	if ((kbd->ps2_flags & PS2_FLAG_ACK) && (data == ATKBD_RET_ACK || data == ATKBD_RET_NAK)) {
		kbd->nak = data == ATKBD_RET_ACK ? 0 : ATKBD_RET_NAK;
		kbd->ps2_flags &= ~PS2_FLAG_ACK;
		spin_unlock(&kbd->i8042_lock);
		wake_up(&kbd->ps2_wait);
		return IRQ_HANDLED;
	}

	if (kbd->ring_head - kbd->ring_tail < ATKBD_RING_SIZE)
		kbd->ring[kbd->ring_head++ % ATKBD_RING_SIZE] = data;
	else
		kbd->ring_overflows++;
	spin_unlock(&kbd->i8042_lock);

	tasklet_schedule(&keyboard_tasklet);
	return IRQ_HANDLED;
}

/* --- the tasklet: scancodes to characters (atkbd.c, keyboard.c) ------------------------- */

/* The event work sends the LEDs at most every 50 ms (atkbd_schedule_event_work()). */
static void atkbd_schedule_event_work(struct atkbd *kbd, int event_bit)
{
	unsigned long delay = msecs_to_jiffies(50);

	if (time_after(jiffies, kbd->event_jiffies + delay))
		delay = 0;
	kbd->event_jiffies = jiffies;
	set_bit(event_bit, &kbd->event_mask);
	schedule_delayed_work(&kbd->event_work, delay);
}

/* put_queue(): one character for the readers. Called from the tasklet. */
static void put_queue(struct atkbd *kbd, char ch)
{
	spin_lock(&kbd->buf_lock);
	if (kbd->buf_head - kbd->buf_tail < KBD_BUF_SIZE)
		kbd->buf[kbd->buf_head++ % KBD_BUF_SIZE] = ch;
	else
		kbd->chars_dropped++;
	spin_unlock(&kbd->buf_lock);
}

static void puts_queue(struct atkbd *kbd, const char *s)
{
	while (*s)
		put_queue(kbd, *s++);
}

static bool key_is_down(struct atkbd *kbd, unsigned int keycode)
{
	return test_bit(keycode, kbd->key_down);
}

/* The character a key event types, as keyboard.c's k_self()/k_cur()/k_pad() would. */
static void kbd_keycode(struct atkbd *kbd, unsigned int keycode, int value)
{
	bool shift = key_is_down(kbd, KEY_LEFTSHIFT) || key_is_down(kbd, KEY_RIGHTSHIFT);
	bool ctrl = key_is_down(kbd, KEY_LEFTCTRL) || key_is_down(kbd, KEY_RIGHTCTRL);
	char ch;

	if (value == 0)
		return;	/* releases type nothing */

	switch (keycode) {
	case KEY_CAPSLOCK:
	case KEY_NUMLOCK:
	case KEY_SCROLLLOCK:
		if (value == 1)	/* a lock toggles on the press, not on its repeats */
			kbd->lockstate ^= keycode == KEY_CAPSLOCK ? LED_CAPS_BIT :
					  keycode == KEY_NUMLOCK ? LED_NUM_BIT : LED_SCROLL_BIT;
		return;
	case KEY_UP:	puts_queue(kbd, "\033[A"); return;
	case KEY_DOWN:	puts_queue(kbd, "\033[B"); return;
	case KEY_RIGHT:	puts_queue(kbd, "\033[C"); return;
	case KEY_LEFT:	puts_queue(kbd, "\033[D"); return;
	case KEY_HOME:	puts_queue(kbd, "\033[1~"); return;
	case KEY_INSERT: puts_queue(kbd, "\033[2~"); return;
	case KEY_DELETE: puts_queue(kbd, "\033[3~"); return;
	case KEY_END:	puts_queue(kbd, "\033[4~"); return;
	case KEY_PAGEUP: puts_queue(kbd, "\033[5~"); return;
	case KEY_PAGEDOWN: puts_queue(kbd, "\033[6~"); return;
	case KEY_KPENTER: put_queue(kbd, '\n'); return;
	case KEY_KPSLASH: put_queue(kbd, '/'); return;
	}
	if (keycode >= KEY_KP7 && keycode <= KEY_KPDOT) {
		ch = keypad_map[keycode - KEY_KP7];
		if ((kbd->lockstate & LED_NUM_BIT) || ch == '-' || ch == '+')
			put_queue(kbd, ch);
		return;
	}
	if (keycode >= sizeof(plain_map) - 1)
		return;	/* function keys and the rest: no character */
	ch = shift ? shift_map[keycode] : plain_map[keycode];
	if (!ch)
		return;	/* a modifier */
	if ((kbd->lockstate & LED_CAPS_BIT) && ch >= 'a' && ch <= 'z')
		ch -= 'a' - 'A';
	else if ((kbd->lockstate & LED_CAPS_BIT) && ch >= 'A' && ch <= 'Z')
		ch += 'a' - 'A';
	if (ctrl && ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')))
		ch &= 0x1f;	/* ^A .. ^Z */
	put_queue(kbd, ch);
}

/*
 * One scancode (atkbd_receive_byte(), then input_event() and kbd_event()): 0xe0 marks the
 * next code extended; make | 0x80 is the release. A press of a key already down is an
 * autorepeat (value 2), the keyboard's typematic make code.
 */
static void atkbd_receive_byte(struct atkbd *kbd, unsigned char data)
{
	unsigned int code, keycode;
	int value;

	switch (data) {
	case ATKBD_RET_EMUL0:
		kbd->emul0 = true;
		return;
	case ATKBD_RET_ACK:
	case ATKBD_RET_NAK:
		if (printk_ratelimit())
			dev_warn(kbd->dev, "Spurious %s on isa0060/serio0. "
				 "Some program might be trying to access hardware directly.\n",
				 data == ATKBD_RET_ACK ? "ACK" : "NAK");
		return;
	case ATKBD_RET_ERR:
		kbd->err_count++;
		dev_dbg(kbd->dev, "Keyboard on isa0060/serio0 reports too many keys pressed.\n");
		return;
	case ATKBD_RET_BAT:
		/*
		 * Translated, 0xaa is also left shift's release: it is that while left shift is
		 * down (atkbd_calculate_xl_bit()'s bat_xl), the keyboard's self-test otherwise.
		 */
		if (!kbd->emul0 && !key_is_down(kbd, KEY_LEFTSHIFT))
			return;
		break;
	}

	code = data & 0x7f;
	keycode = kbd->emul0 ? atkbd_e0_keycode[code] : code;
	kbd->emul0 = false;
	if (!keycode || keycode >= KEY_MAX_HERE)
		return;	/* a code this driver does not know */

	if (data & 0x80) {
		if (!key_is_down(kbd, keycode))
			return;	/* a release the input core would drop: the key was not down */
		value = 0;
		clear_bit(keycode, kbd->key_down);
	} else {
		value = key_is_down(kbd, keycode) ? 2 : 1;
		set_bit(keycode, kbd->key_down);
	}
	printk(KERN_DEBUG "evbug: Event. Dev: input0, Type: %d, Code: %d, Value: %d\n",
	       EV_KEY, keycode, value);
	kbd_keycode(kbd, keycode, value);
}

/*
 * kbd_bh(): everything the hard handler queued, then the LEDs if a lock key changed them.
 * Softirq context: the ring is shared with the hard handler, so its lock is taken with
 * interrupts off; the character buffer with readers in process context, who take it _bh.
 */
static void kbd_bh(struct tasklet_struct *unused)
{
	struct atkbd *kbd = &atkbd_kbd;
	unsigned char codes[ATKBD_RING_SIZE];
	unsigned int n = 0, i, had;
	unsigned long flags;

	spin_lock_irqsave(&kbd->i8042_lock, flags);
	while (kbd->ring_tail != kbd->ring_head)
		codes[n++] = kbd->ring[kbd->ring_tail++ % ATKBD_RING_SIZE];
	spin_unlock_irqrestore(&kbd->i8042_lock, flags);

	had = READ_ONCE(kbd->buf_head);
	for (i = 0; i < n; i++)
		atkbd_receive_byte(kbd, codes[i]);
	if (READ_ONCE(kbd->buf_head) != had)
		wake_up_interruptible(&kbd->wait);

	if (kbd->lockstate != kbd->leds) {
		kbd->leds = kbd->lockstate;
		atkbd_schedule_event_work(kbd, ATKBD_LED_EVENT_BIT);
	}
}

/* --- the LEDs: a command to the keyboard (libps2.c, atkbd.c) ---------------------------- */

/*
 * ps2_do_sendbyte(): write one byte to the keyboard and sleep until the hard handler has
 * its ACK (or NAK), or the timeout passes. One retry after a NAK, as libps2 does.
 */
static int ps2_sendbyte(struct atkbd *kbd, unsigned char byte, unsigned int timeout)
{
	int attempt = 0;
	int error;

	do {
		spin_lock_irq(&kbd->i8042_lock);
		kbd->nak = 1;
		kbd->ps2_flags |= PS2_FLAG_ACK;
		error = i8042_wait_write();
		if (!error)
			outb(byte, I8042_DATA_REG);
		spin_unlock_irq(&kbd->i8042_lock);
		if (error)
			break;
		wait_event_timeout(kbd->ps2_wait, !(READ_ONCE(kbd->ps2_flags) & PS2_FLAG_ACK),
				   msecs_to_jiffies(timeout));
	} while (kbd->nak == ATKBD_RET_NAK && ++attempt < 2);

	spin_lock_irq(&kbd->i8042_lock);
	kbd->ps2_flags &= ~PS2_FLAG_ACK;
	spin_unlock_irq(&kbd->i8042_lock);

	if (!error && kbd->nak)
		error = kbd->nak == ATKBD_RET_NAK ? -EAGAIN : -EIO;
	if (error)
		dev_dbg(kbd->dev, "%02x - %d (%x), attempt %d\n", byte, error, kbd->nak, attempt);
	return error;
}

/* ps2_command() for a command with parameters and no results: 200 ms for each ACK. */
static int ps2_command(struct atkbd *kbd, const unsigned char *param, unsigned int command)
{
	unsigned int i;
	int error;

	error = ps2_sendbyte(kbd, command & 0xff, 200);
	for (i = 0; !error && i < ((command >> 12) & 0xf); i++)
		error = ps2_sendbyte(kbd, param[i], 200);
	return error;
}

static int atkbd_set_leds(struct atkbd *kbd)
{
	unsigned char param[1];

	param[0] = READ_ONCE(kbd->leds);
	if (ps2_command(kbd, param, ATKBD_CMD_SETLEDS)) {
		dev_warn(kbd->dev, "Failed to set the keyboard LEDs to %#x\n", param[0]);
		return -1;
	}
	return 0;
}

/* atkbd_event_work(): what cannot be done from the tasklet, because it sleeps. */
static void atkbd_event_work(struct work_struct *work)
{
	struct atkbd *kbd = container_of(work, struct atkbd, event_work.work);

	if (test_and_clear_bit(ATKBD_LED_EVENT_BIT, &kbd->event_mask))
		atkbd_set_leds(kbd);
}

/* --- /dev/kbd -------------------------------------------------------------------------- */

static bool kbd_has_chars(struct atkbd *kbd)
{
	return READ_ONCE(kbd->buf_head) != READ_ONCE(kbd->buf_tail);
}

static int kbd_open(struct inode *inode, struct file *file)
{
	file->private_data = container_of(inode->i_cdev, struct atkbd, cdev);
	return stream_open(inode, file);
}

static int kbd_release(struct inode *inode, struct file *file)
{
	return 0;
}

static ssize_t kbd_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct atkbd *kbd = file->private_data;
	char chunk[128];
	size_t n = 0;
	int ret;

	if (!count)
		return 0;
	if (!kbd_has_chars(kbd)) {
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(kbd->wait, kbd_has_chars(kbd) || READ_ONCE(kbd->dead));
		if (ret)
			return ret;
	}
	if (count > sizeof(chunk))
		count = sizeof(chunk);

	spin_lock_bh(&kbd->buf_lock);
	while (n < count && kbd->buf_tail != kbd->buf_head)
		chunk[n++] = kbd->buf[kbd->buf_tail++ % KBD_BUF_SIZE];
	spin_unlock_bh(&kbd->buf_lock);

	if (!n)
		return -ENODEV;	/* woken because the keyboard went away */
	if (copy_to_user(ubuf, chunk, n))
		return -EFAULT;
	return n;
}

static __poll_t kbd_poll(struct file *file, poll_table *wait)
{
	struct atkbd *kbd = file->private_data;

	poll_wait(file, &kbd->wait, wait);
	return kbd_has_chars(kbd) ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations kbd_fops = {
	.owner = THIS_MODULE,
	.open = kbd_open,
	.release = kbd_release,
	.read = kbd_read,
	.poll = kbd_poll,
	.llseek = no_llseek,
};

static int kbd_chrdev_add(struct atkbd *kbd)
{
	struct device *node;
	int error;

	error = alloc_chrdev_region(&kbd->devt, 0, 1, "kbd");
	if (error)
		return error;
	cdev_init(&kbd->cdev, &kbd_fops);
	kbd->cdev.owner = THIS_MODULE;
	error = cdev_add(&kbd->cdev, kbd->devt, 1);
	if (error)
		goto out_region;
	kbd->class = class_create("kbd");
	if (IS_ERR(kbd->class)) {
		error = PTR_ERR(kbd->class);
		goto out_cdev;
	}
	node = device_create(kbd->class, NULL, kbd->devt, NULL, "kbd");
	if (IS_ERR(node)) {
		error = PTR_ERR(node);
		goto out_class;
	}
	return 0;

out_class:
	class_destroy(kbd->class);
out_cdev:
	cdev_del(&kbd->cdev);
out_region:
	unregister_chrdev_region(kbd->devt, 1);
	return error;
}

static void kbd_chrdev_del(struct atkbd *kbd)
{
	device_destroy(kbd->class, kbd->devt);
	class_destroy(kbd->class);
	cdev_del(&kbd->cdev);
	unregister_chrdev_region(kbd->devt, 1);
}

/* --- the platform driver --------------------------------------------------------------- */

static int atkbd_probe(struct platform_device *pdev)
{
	struct atkbd *kbd = &atkbd_kbd;
	int error;

	memset(kbd, 0, sizeof(*kbd));
	kbd->dev = &pdev->dev;
	spin_lock_init(&kbd->i8042_lock);
	spin_lock_init(&kbd->buf_lock);
	init_waitqueue_head(&kbd->ps2_wait);
	init_waitqueue_head(&kbd->wait);
	INIT_DELAYED_WORK(&kbd->event_work, atkbd_event_work);
	kbd->event_jiffies = jiffies - msecs_to_jiffies(100);

	/* The IRQ is the platform's; Linux's i8042 uses I8042_KBD_IRQ, 1 on a PC. */
	kbd->irq = platform_get_irq(pdev, 0);
	if (kbd->irq < 0)
		return kbd->irq;

	error = i8042_controller_init(kbd);
	if (error)
		return error;

	error = kbd_chrdev_add(kbd);
	if (error)
		return dev_err_probe(kbd->dev, error, "failed to add /dev/kbd\n");

	/* i8042_setup_kbd(): the keyboard's interrupt, shared as i8042 requests it. */
	error = request_irq(kbd->irq, i8042_interrupt, IRQF_SHARED, "i8042", kbd);
	if (error) {
		kbd_chrdev_del(kbd);
		return dev_err_probe(kbd->dev, error, "Can't get irq %d for KBD\n", kbd->irq);
	}
	tasklet_enable(&keyboard_tasklet);	/* kbd_init() */

	platform_set_drvdata(pdev, kbd);
	pr_info("serio: i8042 KBD port at %#x,%#x irq %d\n", I8042_DATA_REG, I8042_COMMAND_REG, kbd->irq);
	pr_info("input: AT Translated Set 2 keyboard as /devices/platform/i8042/serio0/input/input0\n");
	dev_info(kbd->dev, "/dev/kbd: major %d\n", MAJOR(kbd->devt));
	return 0;
}

static void atkbd_remove(struct platform_device *pdev)
{
	struct atkbd *kbd = platform_get_drvdata(pdev);

	/*
	 * No more interrupts, then no more tasklet runs (kill before disable: a disabled
	 * tasklet that is queued never runs and tasklet_kill() would wait for it forever),
	 * then no more LED work; sleeping readers wake to -ENODEV.
	 */
	free_irq(kbd->irq, kbd);
	tasklet_kill(&keyboard_tasklet);
	tasklet_disable(&keyboard_tasklet);
	cancel_delayed_work_sync(&kbd->event_work);
	WRITE_ONCE(kbd->dead, true);
	wake_up_interruptible_all(&kbd->wait);
	kbd_chrdev_del(kbd);
	if (kbd->chars_dropped || kbd->ring_overflows || kbd->err_count)
		dev_info(kbd->dev, "%lu characters dropped, %lu scancode ring overflows, %lu keyboard overruns\n",
			 kbd->chars_dropped, kbd->ring_overflows, kbd->err_count);
}

static struct platform_driver atkbd_driver = {
	.probe = atkbd_probe,
	.remove = atkbd_remove,
	.driver = {
		.name = "i8042",
	},
};
module_platform_driver(atkbd_driver);

MODULE_DESCRIPTION("irqlab AT keyboard behind the i8042 controller, with /dev/kbd");
MODULE_LICENSE("GPL");
