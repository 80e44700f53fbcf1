/**
 * A 64 KiB firmware image that tells whether a hypervisor really runs an x86 guest. QEMU maps it
 * as the BIOS; the CPU starts at its reset vector and walks the path every OS loader takes:
 * real mode → protected mode → 64-bit long mode with paging. It prints one letter per stage on
 * the debug console (port 0xE9): R (real mode ran), P (protected mode), L (long mode), then writes
 * 0x2A to an isa-debug-exit device at 0xF4, which makes QEMU exit with status (0x2A << 1) | 1 = 85.
 *
 * Why not simply boot SeaBIOS: on nested hosts without VMX (Firecracker-style VMs) /dev/kvm opens
 * and SeaBIOS even runs, but the guest hangs on the first switch to protected mode — exactly where
 * a Linux kernel hangs after "Probing EDD". This image reaches that switch within milliseconds.
 *
 * Our own code, assembled with GNU as from this source (linked at 0xF0000):
 *
 *       .code16                               # image offset 0x0000 = linear 0xF0000
 *       cli
 *       mov  $'R', %al ; out %al, $0xe9
 *       lgdtl %cs:(gdtr - 0xf0000)
 *       mov  %cr0, %eax ; or $1, %eax ; mov %eax, %cr0
 *       ljmpl $0x08, $pm32
 *       .code32
 *   pm32:
 *       mov  $0x10, %ax ; mov %ax, %ds ; mov %ax, %es ; mov %ax, %ss
 *       mov  $'P', %al ; out %al, $0xe9
 *       mov  $0x1000, %edi ; xor %eax, %eax ; mov $0xc00, %ecx ; rep stosl   # clear 3 pages
 *       movl $0x2003, 0x1000        # PML4[0] → PDPT
 *       movl $0x3003, 0x2000        # PDPT[0] → PD
 *       movl $0x83, 0x3000          # PD[0]   = 2 MiB identity page
 *       mov  $0x1000, %eax ; mov %eax, %cr3
 *       mov  %cr4, %eax ; or $0x20, %eax ; mov %eax, %cr4                    # PAE
 *       mov  $0xc0000080, %ecx ; rdmsr ; or $0x100, %eax ; wrmsr             # EFER.LME
 *       mov  %cr0, %eax ; or $0x80000000, %eax ; mov %eax, %cr0              # paging
 *       ljmpl $0x18, $lm64
 *       .code64
 *   lm64:
 *       mov  $'L', %al ; out %al, $0xe9
 *       mov  $0x2a, %al ; out %al, $0xf4
 *   1:  hlt ; jmp 1b
 *       .p2align 3
 *   gdt: .quad 0, 0x00cf9a000000ffff, 0x00cf92000000ffff, 0x00af9a000000ffff
 *   gdtr: .word gdtr - gdt - 1 ; .long gdt
 *       .org 0xfff0                           # the reset vector, linear 0xFFFF0
 *       ljmp $0xf000, $0
 */

const CODE_AT_0 =
  'fab052e6e92e660f0116b8000f20c06683c8010f22c066ea1e000f00080066b810008ed88ec08ed0b050e6e9bf00100000' +
  '31c0b9000c0000f3abc7050010000003200000c7050020000003300000c7050030000083000000b8001000000f22d80f20e0' +
  '83c8200f22e0b9800000c00f320d000100000f300f20c00d000000800f22c0ea89000f001800b04ce6e9b02ae6f4f4ebfd8d' +
  'b400000000000000000000ffff0000009acf00ffff00000092cf00ffff0000009aaf001f0098000f00';
const RESET_VECTOR_AT_FFF0 = 'ea000000f0';

/** QEMU's exit status when the probe reached long mode and wrote to isa-debug-exit. */
export const PROBE_SUCCESS_STATUS = 85;
/** The isa-debug-exit device the probe writes to. */
export const PROBE_EXIT_DEVICE = 'isa-debug-exit,iobase=0xf4,iosize=0x04';

/** What each debug-console letter means, for a message that says how far the guest got. */
export const PROBE_STAGES: Record<string, string> = {
  '': 'the guest never ran its first instruction',
  R: 'the guest ran in real mode, then hung entering protected mode',
  RP: 'the guest reached protected mode, then hung entering 64-bit long mode',
  RPL: 'the guest reached 64-bit long mode',
};

export function probeFirmwareImage(): Buffer {
  // Fill with HLT so a stray jump stops rather than runs garbage.
  const image = Buffer.alloc(0x10000, 0xf4);
  Buffer.from(CODE_AT_0, 'hex').copy(image, 0);
  Buffer.from(RESET_VECTOR_AT_FFF0, 'hex').copy(image, 0xfff0);
  return image;
}
