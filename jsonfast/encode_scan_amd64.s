#include "textflag.h"

// func escIndex(p *byte, n int, del bool) int
//
// Index of the first byte of p[:n] that needs a JSON escape (below 0x20,
// '"', '\\', or 0x7f when del), or n. n must be at least 16. SSE2 only
// (part of the amd64 baseline): sixteen bytes per compare; the last block
// overlaps the one before it instead of falling back to a byte loop.
TEXT ·escIndex(SB), NOSPLIT, $0-32
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVBLZX del+16(FP), DX
	MOVQ $0x1f1f1f1f1f1f1f1f, AX
	MOVQ AX, X1
	PUNPCKLQDQ X1, X1
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X2
	PUNPCKLQDQ X2, X2
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X3
	PUNPCKLQDQ X3, X3
	// X4: DEL when del, else '"' again (a harmless repeat of X2).
	MOVQ $0x2222222222222222, AX
	TESTQ DX, DX
	JZ nodel
	MOVQ $0x7f7f7f7f7f7f7f7f, AX
nodel:
	MOVQ AX, X4
	PUNPCKLQDQ X4, X4
	PXOR X7, X7
	XORQ BX, BX
	LEAQ -16(CX), DI

loop:
	CMPQ BX, DI
	JG tail
	MOVOU (SI)(BX*1), X0
	MOVO X0, X5
	PSUBUSB X1, X5
	PCMPEQB X7, X5
	MOVO X0, X6
	PCMPEQB X2, X6
	POR X6, X5
	MOVO X0, X6
	PCMPEQB X3, X6
	POR X6, X5
	PCMPEQB X4, X0
	POR X0, X5
	PMOVMSKB X5, AX
	TESTL AX, AX
	JNZ found
	ADDQ $16, BX
	JMP loop

tail:
	CMPQ BX, CX
	JGE none
	MOVQ DI, BX
	MOVOU (SI)(BX*1), X0
	MOVO X0, X5
	PSUBUSB X1, X5
	PCMPEQB X7, X5
	MOVO X0, X6
	PCMPEQB X2, X6
	POR X6, X5
	MOVO X0, X6
	PCMPEQB X3, X6
	POR X6, X5
	PCMPEQB X4, X0
	POR X0, X5
	PMOVMSKB X5, AX
	TESTL AX, AX
	JNZ found

none:
	MOVQ CX, ret+24(FP)
	RET

found:
	BSFL AX, AX
	ADDQ BX, AX
	MOVQ AX, ret+24(FP)
	RET
