# bcryptprimitives.dll for Wine before 8.13, which lacks ProcessPrng: Go 1.22+ Windows
# binaries import it at start-up. BOOL ProcessPrng(PBYTE buf, SIZE_T len) forwards to
# advapi32!SystemFunction036 (RtlGenRandom), same arguments, and widens its BOOLEAN.
# Not needed (and never installed) on real Windows 10 and later, which ship the DLL.
	.text
	.globl	ProcessPrng
	.p2align 4
ProcessPrng:
	subq	$40, %rsp
	callq	*__imp_SystemFunction036(%rip)
	movzbl	%al, %eax
	addq	$40, %rsp
	retq
