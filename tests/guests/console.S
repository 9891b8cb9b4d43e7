/* console: reads tests/plugins/chrin.c's FIFO at 0x300 by polling, and
 * writes every byte back through it (0x303). Prints "ready\n" first.
 * At the end of the input it halts. With ECX = 1 ([cpu] rcx) three bytes
 * are commands, for the ways a machine stops (tests/console.sh and
 * check_console): 'H' halts, 'E' writes 5 to the exit device at 0x501,
 * 'F' executes UD2 with an empty IVT (a guest fault), '?' prints
 * the number of breaks seen (a digit). Real mode, linked at 0x1000. */
	.code16
	.text
	.globl _start
_start:
	mov	%cx, %di
	mov	$0x303, %dx
	mov	$msg, %si
1:	lodsb
	test	%al, %al
	jz	poll
	out	%al, (%dx)
	jmp	1b
poll:
	mov	$0x301, %dx
	in	(%dx), %al
	test	%al, %al
	jnz	have
	mov	$0x302, %dx
	in	(%dx), %al
	test	$1, %al
	jnz	drained
	pause
	jmp	poll
drained:	/* the last bytes may have come with the end: take them */
	mov	$0x301, %dx
	in	(%dx), %al
	test	%al, %al
	jnz	have
	jmp	halt
have:
	mov	$0x300, %dx
	in	(%dx), %al
	test	%di, %di
	jz	echo
	cmp	$'H', %al
	je	halt
	cmp	$'E', %al
	je	exitdev
	cmp	$'F', %al
	je	fault
	cmp	$'?', %al
	je	breaks
echo:
	mov	$0x303, %dx
	out	%al, (%dx)
	jmp	poll
breaks:	/* '?': the number of breaks seen, as a digit */
	mov	$0x302, %dx
	in	(%dx), %al
	shr	$1, %al
	add	$'0', %al
	jmp	echo
halt:
	cli
	hlt
exitdev:
	mov	$0x501, %dx
	mov	$5, %al
	out	%al, (%dx)
	jmp	poll
fault:
	lidt	noidt	/* no vector is valid: UD2 cannot be delivered */
	ud2
noidt:
	.word	0
	.long	0
msg:
	.asciz	"ready\n"
