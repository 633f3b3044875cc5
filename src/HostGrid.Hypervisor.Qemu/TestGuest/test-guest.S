/*
 * hostgrid-test-guest: a tiny 32-bit multiboot (v1) kernel for live-migration tests.
 *
 * It fills a working set with pages whose every word is a function of (page, generation),
 * keeps the generation of each page in a table, and on every 1 ms PIT tick verifies and
 * rewrites a few pages round-robin (an idle guest ticks at 100 Hz). The host reads the
 * status block / table / working set with QMP pmemsave and checks them
 * (TestGuestMemoryCheck.cs); the layout below must match TestGuestLayout.cs.
 *
 * Assemble: as --32 -o test-guest.o test-guest.S ; link: ld -m elf_i386 -T test-guest.ld
 *
 * No iret anywhere: on nested KVM an iret caused "KVM internal error: emulation failure".
 * Interrupt handlers drop their frame (reset %esp) and jump back into the main loop, which
 * runs with IF=0 (interrupt gates clear it) until its own "sti; hlt".
 */

        .set MB_MAGIC,      0x1BADB002
        .set MB_FLAGS,      0x00000003          /* bit 0: page-align modules, bit 1: memory info */
        .set MB_CHECKSUM,   -(MB_MAGIC + MB_FLAGS)
        .set MB_BOOT_MAGIC, 0x2BADB002          /* %eax from the loader */

        .set DEBUGCON,      0x402               /* isa-debugcon port */

        .set STATUS,        0x00200000          /* status block, one 4 KiB page */
        .set GENTAB,        0x00300000          /* u32 generation per working-set page */
        .set WSS,           0x01000000          /* working set base (16 MiB) */
        .set WSS_FIRST_PFN, WSS >> 12

        /* status block offsets (TestGuestLayout.*Offset) */
        .set ST_MAGIC,       0x00               /* u32 'HGTG' */
        .set ST_VERSION,     0x04               /* u32 layout version */
        .set ST_TICKS,       0x08               /* u64 milliseconds of timer ticks (never reset) */
        .set ST_WRITTEN,     0x10               /* u64 pages rewritten after boot */
        .set ST_ERRORS,      0x18               /* u32 pages found inconsistent */
        .set ST_WSS_PAGES,   0x1C               /* u32 */
        .set ST_DIRTY,       0x20               /* u32 MiB/s */
        .set ST_FIRST_ERR,   0x24               /* u32 page, NO_PAGE if none */
        .set ST_READY,       0x28               /* u32 1 once every page is at generation 1 */
        .set ST_BUSY,        0x2C               /* u32 page being rewritten right now, NO_PAGE if none */
        .set ST_CURSOR,      0x30               /* u32 next page to verify and rewrite */
        .set ST_MEM_UPPER,   0x34               /* u32 KiB above 1 MiB from multiboot (0 if absent) */
        .set ST_WSS_MIB_ARG, 0x38               /* u32 wss_mib asked for, before capping */
        .set ST_FAULT,       0x3C               /* u32 CPU exception vector, NO_PAGE if none */
        .set ST_TICK_MS,     0x40               /* u32 ms per timer interrupt: 1, or 10 when idle */

        .set MAGIC,          0x47544748         /* "HGTG" little endian */
        .set VERSION,        1
        .set NO_PAGE,        0xFFFFFFFF

        .set MUL_PAGE,       0x9E3779B1
        .set MUL_GEN,        0x85EBCA77
        .set MUL_WORD,       0xC2B2AE3D
        .set MUL_WORD_X2,    0x85655C7A         /* 2 * MUL_WORD mod 2^32: the value for word 2 */

        .set PIT_DIVISOR,    1193               /* 1193182 Hz / 1193 = 1000.15 Hz */
        .set PIT_DIVISOR_IDLE, 11932            /* 100 Hz: a 1 kHz timer alone costs ~8% of a host CPU under TCG */
        .set STACK_SIZE,     16384

/* ------------------------------------------------------------------ multiboot header */
        .section .multiboot, "a"
        .align 4
        .long MB_MAGIC, MB_FLAGS, MB_CHECKSUM

/* ------------------------------------------------------------------ entry */
        .text
        .globl _start
_start:
        cli
        mov     $stack_top, %esp
        mov     %ebx, %esi                      /* multiboot info, kept until parsed */
        mov     %eax, %ebp

        lgdt    gdt_desc                        /* our own flat GDT: the loader's may live anywhere */
        ljmp    $0x08, $1f
1:      mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %fs
        mov     %ax, %gs
        mov     %ax, %ss

        /* Status block first, so the host can see magic (ready = 0) while we initialise. */
        mov     $STATUS, %edi
        mov     $1024, %ecx
        xor     %eax, %eax
        rep stosl
        movl    $NO_PAGE, STATUS+ST_FIRST_ERR
        movl    $NO_PAGE, STATUS+ST_BUSY
        movl    $NO_PAGE, STATUS+ST_FAULT
        movl    $VERSION, STATUS+ST_VERSION
        movl    $MAGIC, STATUS+ST_MAGIC         /* last: with magic, the "none" markers are in place */
        movl    $0, dirty_acc

        call    setup_idt                       /* before anything can fault */

        mov     $msg_boot, %eax
        call    print_str

        cmp     $MB_BOOT_MAGIC, %ebp
        je      1f
        mov     $msg_no_multiboot, %eax
        call    print_str
        jmp     dead

        /* Multiboot info: flags bit 0 = mem_lower/mem_upper valid, bit 2 = cmdline valid. */
1:      movl    $31 << 10, %ebx                 /* no memory info: assume 32 MiB of RAM */
        testl   $1, (%esi)
        jz      1f
        mov     8(%esi), %ebx                   /* mem_upper, KiB above 1 MiB */
1:      mov     %ebx, STATUS+ST_MEM_UPPER

        movl    $16, %eax                       /* defaults: wss_mib=16 dirty_mib_s=0 */
        xor     %edx, %edx
        testl   $4, (%esi)
        jz      2f
        push    %ebx
        mov     16(%esi), %ebx                  /* cmdline */
        mov     $key_wss, %edi
        call    find_param
        jnc     1f
        movl    $16, %eax
1:      push    %eax
        mov     $key_dirty, %edi
        call    find_param
        jnc     1f
        xor     %eax, %eax
1:      mov     %eax, %edx
        pop     %eax
        pop     %ebx
2:
        /* Caps that keep the arithmetic in 32 bits; values are far beyond any test. */
        cmp     $4096, %eax
        jbe     1f
        mov     $4096, %eax
1:      cmp     $100000, %edx
        jbe     1f
        mov     $100000, %edx
1:      mov     %eax, STATUS+ST_WSS_MIB_ARG
        mov     %edx, STATUS+ST_DIRTY
        imul    $256, %edx, %edx
        mov     %edx, dirty_x256                /* pages per second */

        /* wss_pages = min(wss_mib * 256, pages of RAM above WSS). RAM top in pages = 256 + mem_upper/4. */
        shl     $8, %eax
        shr     $2, %ebx
        add     $256, %ebx
        sub     $WSS_FIRST_PFN, %ebx
        jae     1f
        xor     %ebx, %ebx                      /* RAM ends below the working set */
1:      cmp     %ebx, %eax
        jbe     1f
        mov     %ebx, %eax
1:      mov     %eax, STATUS+ST_WSS_PAGES

        /* Every page at generation 1, then ready. */
        xor     %esi, %esi
1:      cmp     STATUS+ST_WSS_PAGES, %esi
        jae     2f
        mov     %esi, %eax
        mov     $1, %edx
        call    write_page
        movl    $1, GENTAB(,%esi,4)
        inc     %esi
        jmp     1b
2:      movl    $1, STATUS+ST_READY

        mov     $msg_ready, %eax
        call    print_str
        mov     STATUS+ST_WSS_PAGES, %eax
        call    print_dec
        mov     $msg_ready_dirty, %eax
        call    print_str
        mov     STATUS+ST_DIRTY, %eax
        call    print_dec
        mov     $msg_nl, %eax
        call    print_str

        call    setup_pic_pit
        jmp     idle

/* ------------------------------------------------------------------ main loop */
/* Entered from the timer interrupt with a fresh stack and IF=0. */
tick:
        mov     STATUS+ST_TICK_MS, %eax         /* ticks count milliseconds at either timer rate */
        add     %eax, STATUS+ST_TICKS
        adcl    $0, STATUS+ST_TICKS+4
        call    dirty_work
        /* Flush the TLB entries of the pages touched every tick (TCG migration caveat: pages
           written constantly through one TLB entry were not re-sent). Cheap no-op on KVM. */
        invlpg  STATUS
        invlpg  dirty_acc
idle:
        sti
        hlt                                     /* sti's shadow: the next interrupt wakes hlt */
        jmp     idle

/* Verify and rewrite floor(acc / 1000) pages, acc += dirty_mib_s * 256 each tick. */
dirty_work:
        mov     STATUS+ST_WSS_PAGES, %ecx
        test    %ecx, %ecx
        jz      9f
        mov     dirty_acc, %eax
        add     dirty_x256, %eax
        xor     %edx, %edx
        mov     $1000, %ecx
        div     %ecx
        mov     %edx, dirty_acc
        mov     %eax, %ebp                      /* %ebp = pages left in this tick */
        test    %ebp, %ebp
        jz      9f
1:      mov     STATUS+ST_CURSOR, %esi          /* %esi = page, kept across calls */
        mov     GENTAB(,%esi,4), %edx
        mov     %esi, %eax
        call    check_page
        je      2f
        incl    STATUS+ST_ERRORS
        cmpl    $NO_PAGE, STATUS+ST_FIRST_ERR
        jne     3f
        mov     %esi, STATUS+ST_FIRST_ERR
3:      mov     $msg_err, %eax
        call    print_str
        mov     %esi, %eax
        call    print_dec
        mov     $msg_nl, %eax
        call    print_str
2:      mov     %esi, STATUS+ST_BUSY            /* a pause mid-page leaves a mix of g and g+1 */
        mov     GENTAB(,%esi,4), %edx
        inc     %edx
        mov     %esi, %eax
        call    write_page
        incl    GENTAB(,%esi,4)
        movl    $NO_PAGE, STATUS+ST_BUSY
        addl    $1, STATUS+ST_WRITTEN
        adcl    $0, STATUS+ST_WRITTEN+4
        mov     %esi, %eax                      /* flush the page's and its table entry's TLB */
        shl     $12, %eax
        invlpg  WSS(%eax)
        invlpg  GENTAB(,%esi,4)
        inc     %esi
        cmp     STATUS+ST_WSS_PAGES, %esi
        jb      4f
        xor     %esi, %esi
4:      mov     %esi, STATUS+ST_CURSOR
        dec     %ebp
        jnz     1b
9:      ret

/* ------------------------------------------------------------------ page content */
/* word[0] = p, word[1] = g, word[i] = (p*MUL_PAGE) ^ (g*MUL_GEN) ^ (i*MUL_WORD), 32-bit wrap. */

/* write_page: %eax = page, %edx = generation. Clobbers %eax %ebx %ecx %edx %edi. */
write_page:
        mov     %eax, %edi
        shl     $12, %edi
        add     $WSS, %edi
        mov     %eax, (%edi)
        mov     %edx, 4(%edi)
        imul    $MUL_PAGE, %eax, %eax
        imul    $MUL_GEN, %edx, %edx
        xor     %edx, %eax                      /* %eax = per-page base */
        mov     $MUL_WORD_X2, %ebx              /* %ebx = i * MUL_WORD */
        mov     $2, %ecx
1:      mov     %ebx, %edx
        xor     %eax, %edx
        mov     %edx, (%edi,%ecx,4)
        add     $MUL_WORD, %ebx
        inc     %ecx
        cmp     $1024, %ecx
        jb      1b
        ret

/* check_page: %eax = page, %edx = generation; ZF=1 when all 1024 words match.
   Clobbers %eax %ebx %ecx %edx %edi. */
check_page:
        mov     %eax, %edi
        shl     $12, %edi
        add     $WSS, %edi
        cmp     %eax, (%edi)
        jne     9f
        cmp     %edx, 4(%edi)
        jne     9f
        imul    $MUL_PAGE, %eax, %eax
        imul    $MUL_GEN, %edx, %edx
        xor     %edx, %eax
        mov     $MUL_WORD_X2, %ebx
        mov     $2, %ecx
1:      mov     %ebx, %edx
        xor     %eax, %edx
        cmp     %edx, (%edi,%ecx,4)
        jne     9f
        add     $MUL_WORD, %ebx
        inc     %ecx
        cmp     $1024, %ecx
        jb      1b
        xor     %eax, %eax                      /* ZF=1 */
9:      ret

/* ------------------------------------------------------------------ cmdline */
/* find_param: %ebx = NUL-terminated cmdline, %edi = NUL-terminated "key=".
   Finds the key at the start of a space-separated token and parses the decimal after it.
   Out: %eax = value (saturates at 10^8), CF=0; CF=1 when absent. Clobbers %ecx %edx. */
find_param:
        push    %ebx
1:      movb    (%ebx), %al                     /* skip spaces to a token start */
        test    %al, %al
        jz      8f
        cmp     $0x20, %al                     /* space */
        jne     2f
        inc     %ebx
        jmp     1b
2:      mov     %ebx, %ecx
        mov     %edi, %edx
3:      movb    (%edx), %al                     /* compare the key */
        test    %al, %al
        jz      5f
        cmpb    (%ecx), %al
        jne     4f
        inc     %ecx
        inc     %edx
        jmp     3b
4:      movb    (%ebx), %al                     /* no match: skip the rest of this token */
        test    %al, %al
        jz      8f
        cmp     $0x20, %al                     /* space */
        je      1b
        inc     %ebx
        jmp     4b
5:      xor     %eax, %eax                      /* key matched: digits at %ecx */
6:      movzbl  (%ecx), %edx
        sub     $0x30, %edx                    /* '0' */
        cmp     $9, %edx
        ja      7f
        cmp     $100000000, %eax
        jae     7f
        imul    $10, %eax, %eax
        add     %edx, %eax
        inc     %ecx
        jmp     6b
7:      pop     %ebx
        clc
        ret
8:      pop     %ebx
        stc
        ret

/* ------------------------------------------------------------------ debugcon output */
/* print_str: %eax = NUL-terminated string. Clobbers %eax %edx. */
print_str:
        push    %esi
        mov     %eax, %esi
        mov     $DEBUGCON, %dx
1:      lodsb
        test    %al, %al
        jz      2f
        outb    %al, %dx
        jmp     1b
2:      pop     %esi
        ret

/* print_dec: %eax = unsigned value. Clobbers %eax %ecx %edx. */
print_dec:
        push    %ebx
        mov     %esp, %ebx
        sub     $12, %esp
        movb    $0, -1(%ebx)
        lea     -1(%ebx), %ecx
        push    %esi
        mov     %ecx, %esi
        mov     $10, %ecx
1:      xor     %edx, %edx
        div     %ecx
        add     $0x30, %dl
        dec     %esi
        movb    %dl, (%esi)
        test    %eax, %eax
        jnz     1b
        mov     %esi, %eax
        call    print_str
        pop     %esi
        mov     %ebx, %esp
        pop     %ebx
        ret

/* ------------------------------------------------------------------ interrupts */
/* IDT for vectors 0x00-0x2F: exceptions, then the remapped PICs. Anything above the limit
   would raise #GP, which lands in the fault handler. */
        .set NVEC, 0x30
setup_idt:
        mov     $idt, %edi
        mov     $vectors, %ebx
        mov     $NVEC, %ecx
1:      mov     (%ebx), %eax
        mov     %ax, (%edi)                     /* offset 15:0 */
        movw    $0x08, 2(%edi)                  /* code selector */
        movw    $0x8E00, 4(%edi)                /* present, ring 0, 32-bit interrupt gate */
        shr     $16, %eax
        mov     %ax, 6(%edi)                    /* offset 31:16 */
        add     $4, %ebx
        add     $8, %edi
        loop    1b
        lidt    idt_desc
        ret

/* 8259s: IRQ0-7 -> 0x20-0x27, IRQ8-15 -> 0x28-0x2F, only IRQ0 unmasked.
   PIT ch0 at 1 kHz, or 100 Hz when there is nothing to dirty (idle guests cost next to no host CPU). */
setup_pic_pit:
        mov     $0x11, %al                      /* ICW1: init, ICW4 follows */
        outb    %al, $0x20
        outb    %al, $0xA0
        mov     $0x20, %al                      /* ICW2: vector bases */
        outb    %al, $0x21
        mov     $0x28, %al
        outb    %al, $0xA1
        mov     $0x04, %al                      /* ICW3: slave on IRQ2 */
        outb    %al, $0x21
        mov     $0x02, %al
        outb    %al, $0xA1
        mov     $0x01, %al                      /* ICW4: 8086 mode */
        outb    %al, $0x21
        outb    %al, $0xA1
        mov     $0xFE, %al                      /* masks */
        outb    %al, $0x21
        mov     $0xFF, %al
        outb    %al, $0xA1
        movl    $1, STATUS+ST_TICK_MS
        mov     $PIT_DIVISOR, %ecx
        cmpl    $0, dirty_x256
        jne     1f
        movl    $10, STATUS+ST_TICK_MS
        mov     $PIT_DIVISOR_IDLE, %ecx
1:      mov     $0x34, %al                      /* PIT ch0, lobyte/hibyte, mode 2 (rate generator) */
        outb    %al, $0x43
        mov     %cl, %al
        outb    %al, $0x40
        mov     %ch, %al
        outb    %al, $0x40
        ret

/* Handlers never return (no iret): the frame is dropped with the stack reset. */
irq_timer:
        mov     $0x20, %al                      /* EOI first: the next tick may latch while we work */
        outb    %al, $0x20
        mov     $stack_top, %esp
        jmp     tick

irq_master:                                     /* masked IRQ1-6 should not come; ack and go on */
        mov     $0x20, %al
        outb    %al, $0x20
        mov     $stack_top, %esp
        jmp     idle

irq_spurious_master:                            /* IRQ7 with nothing in ISR: no EOI */
        mov     $stack_top, %esp
        jmp     idle

irq_slave:
        mov     $0x20, %al
        outb    %al, $0xA0
        outb    %al, $0x20
        mov     $stack_top, %esp
        jmp     idle

irq_spurious_slave:                             /* IRQ15 spurious: EOI the master's cascade only */
        mov     $0x20, %al
        outb    %al, $0x20
        mov     $stack_top, %esp
        jmp     idle

/* CPU exceptions: record the vector, say so on debugcon, stop for good. */
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
exc_\n:
        mov     $\n, %esi
        jmp     fault
        .endr

fault:
        mov     $stack_top, %esp
        mov     %esi, STATUS+ST_FAULT
        mov     $msg_fault, %eax
        call    print_str
        mov     %esi, %eax
        call    print_dec
        mov     $msg_nl, %eax
        call    print_str
dead:
        cli
        hlt
        jmp     dead

/* ------------------------------------------------------------------ data */
        .section .rodata
        .align 4
vectors:
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .long exc_\n
        .endr
        .long irq_timer
        .long irq_master, irq_master, irq_master, irq_master, irq_master, irq_master
        .long irq_spurious_master
        .long irq_slave, irq_slave, irq_slave, irq_slave, irq_slave, irq_slave, irq_slave
        .long irq_spurious_slave

        .align 8
gdt:
        .quad 0                                 /* null */
        .quad 0x00CF9A000000FFFF                /* 0x08: code, base 0, 4 GiB, 32-bit */
        .quad 0x00CF92000000FFFF                /* 0x10: data, base 0, 4 GiB */
gdt_end:
gdt_desc:
        .word gdt_end - gdt - 1
        .long gdt
idt_desc:
        .word NVEC * 8 - 1
        .long idt

key_wss:          .asciz "wss_mib="
key_dirty:        .asciz "dirty_mib_s="
msg_boot:         .asciz "hostgrid-test-guest boot\n"
msg_no_multiboot: .asciz "hostgrid-test-guest: not loaded by a multiboot loader\n"
msg_ready:        .asciz "hostgrid-test-guest ready wss_pages="
msg_ready_dirty:  .asciz " dirty_mib_s="
msg_err:          .asciz "ERR page "
msg_fault:        .asciz "hostgrid-test-guest FAULT vector="
msg_nl:           .asciz "\n"

        .bss
        .align 16
idt:        .skip NVEC * 8
dirty_acc:  .skip 4                             /* fraction of a page carried to the next tick */
dirty_x256: .skip 4                             /* dirty_mib_s * 256 = pages per second */
        .align 16
stack:      .skip STACK_SIZE
stack_top:

        .section .note.GNU-stack, "", @progbits
