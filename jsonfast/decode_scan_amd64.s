#include "textflag.h"

// func plainIndex(p *byte, n int) int
//
// Index of the first byte of p[:n] that ends the plain part of a JSON
// string (a quote, a backslash, a control character below 0x20 or a byte
// of 0x80 or above), or n. n must be at least 16. SSE2 only (the amd64
// baseline): sixteen bytes per step; the last block overlaps the one
// before it. One signed compare finds both the control and the non-ASCII
// bytes: as int8, they are exactly the bytes less than 0x20.
TEXT ·plainIndex(SB), NOSPLIT, $0-24
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ $0x2020202020202020, AX
	MOVQ AX, X1
	PUNPCKLQDQ X1, X1
	MOVQ $0x2222222222222222, AX
	MOVQ AX, X2
	PUNPCKLQDQ X2, X2
	MOVQ $0x5c5c5c5c5c5c5c5c, AX
	MOVQ AX, X3
	PUNPCKLQDQ X3, X3
	XORQ BX, BX
	LEAQ -16(CX), DI

loop:
	CMPQ BX, DI
	JG tail
	MOVOU (SI)(BX*1), X0
	MOVO X1, X5
	PCMPGTB X0, X5
	MOVO X0, X6
	PCMPEQB X2, X6
	POR X6, X5
	PCMPEQB X3, X0
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
	MOVO X1, X5
	PCMPGTB X0, X5
	MOVO X0, X6
	PCMPEQB X2, X6
	POR X6, X5
	PCMPEQB X3, X0
	POR X0, X5
	PMOVMSKB X5, AX
	TESTL AX, AX
	JNZ found

none:
	MOVQ CX, ret+16(FP)
	RET

found:
	BSFL AX, AX
	ADDQ AX, BX
	MOVQ BX, ret+16(FP)
	RET
