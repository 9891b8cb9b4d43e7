/* pc-smp: two vCPUs with chipset = pc. vCPU 1 prints 1 and waits in
 * sti; hlt for an interrupt that never comes (its LAPIC takes no PIC
 * interrupt); vCPU 0 waits for that, prints 0 and stops the machine
 * through the exit device (status 42), which must stop the halted vCPU
 * too. Real mode, linked at 0x1000; each vCPU starts with its index in
 * %di. */
	.code16
	.text
	.globl _start
	.set	FLAG, 0x600
_start:
	xor	%ax, %ax
	mov	%ax, %ds
	test	%di, %di
	jnz	vcpu1
1:	pause
	cmpw	$1, FLAG
	jne	1b
	xor	%ax, %ax
	out	%ax, $0x10
	mov	$42, %al
	mov	$0x501, %dx
	out	%al, (%dx)
2:	hlt
	jmp	2b
vcpu1:
	mov	$1, %ax
	out	%ax, $0x10
	movw	$1, FLAG
3:	sti
	hlt
	jmp	3b
