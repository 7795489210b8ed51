// Copyright 2025 The Go Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Dragonbox, 64-bit path: the shortest round-trip digits of a double as an
// integer and a decimal exponent. A line-by-line C port of the Go code in
// jsonfast/encode_dbox.go (itself Go's internal/strconv ftoadbox.go), so
// the C small-document encoder (jsonenc_small.c) prints exactly the digits
// the Go path prints. Shifts keep the Go code's ranges (beta is 1..3, so no
// shift reaches 64); signed right shifts are arithmetic, as in Go (GCC and
// Clang on every target goaccel builds for).
#ifndef JSONENC_DBOX_H
#define JSONENC_DBOX_H

#include <stdint.h>

#include "jsonenc_dbox_tab.h"

typedef struct {
    uint64_t hi, lo;
} je_u128;

static inline je_u128 je_dbx_umul128(uint64_t x, uint64_t y) {
    unsigned __int128 p = (unsigned __int128)x * y;
    je_u128 r = {(uint64_t)(p >> 64), (uint64_t)p};
    return r;
}

static inline uint64_t je_dbx_umul128_upper64(uint64_t x, uint64_t y) {
    return (uint64_t)(((unsigned __int128)x * y) >> 64);
}

static inline je_u128 je_dbx_uadd128(je_u128 u, uint64_t n) {
    uint64_t sum = u.lo + n;
    if (sum < u.lo) u.hi++;
    u.lo = sum;
    return u;
}

static inline je_u128 je_dbx_umul192_upper128(uint64_t x, je_u128 y) {
    je_u128 r = je_dbx_umul128(x, y.hi);
    uint64_t t = je_dbx_umul128_upper64(x, y.lo);
    return je_dbx_uadd128(r, t);
}

static inline je_u128 je_dbx_umul192_lower128(uint64_t x, je_u128 y) {
    uint64_t high = x * y.hi;
    je_u128 high_low = je_dbx_umul128(x, y.lo);
    je_u128 r = {high + high_low.hi, high_low.lo};
    return r;
}

static inline uint64_t je_dbx_mul_pow64(uint64_t u, je_u128 phi, int *is_int) {
    je_u128 r = je_dbx_umul192_upper128(u, phi);
    *is_int = r.lo == 0;
    return r.hi;
}

static inline int je_dbx_parity64(uint64_t mant2, je_u128 phi, int beta, int *is_int) {
    je_u128 r = je_dbx_umul192_lower128(mant2, phi);
    *is_int = ((r.hi << beta) | (r.lo >> (64 - beta))) == 0;
    return ((r.hi >> (64 - beta)) & 1) != 0;
}

static inline uint32_t je_dbx_delta64(je_u128 phi, int beta) {
    return (uint32_t)(phi.hi >> (64 - 1 - beta));
}

static inline int je_dbx_mul_log10_2_minus_log10_4_over3(int e) {
    return (e * 631305 - 261663) >> 21;
}

static inline void je_dbx_range64(je_u128 phi, int beta, uint64_t *left, uint64_t *right) {
    *left = (phi.hi - (phi.hi >> (52 + 2))) >> (64 - 52 - 1 - beta);
    *right = (phi.hi + (phi.hi >> (52 + 1))) >> (64 - 52 - 1 - beta);
}

static inline uint64_t je_dbx_round_up64(je_u128 phi, int beta) {
    return ((phi.hi >> (128 / 2 - 52 - 2 - beta)) + 1) / 2;
}

static inline int je_dbx_mul_log10_2(int x) { return (x * 78913) >> 18; }

static inline int je_dbx_mul_log2_10(int x) { return (x * 108853) >> 15; }

static inline je_u128 je_dbx_pow64(int k, int e, int *beta) {
    const uint64_t *t = je_dbx_pow10_tab[k - JE_DBX_POW10_MIN];
    je_u128 phi = {t[0], t[1]};
    int e1 = 1 + je_dbx_mul_log2_10(k);
    if (k < 0 || k > 55) phi.lo++;
    *beta = e + e1 - 1;
    return phi;
}

static inline uint64_t je_dbx_rotr(uint64_t x, int k) { return (x >> k) | (x << (64 - k)); }

static inline uint64_t je_dbx_trim_zeros(uint64_t x, int *p) {
    const uint64_t div1e8m = 0xc767074b22e90e21ull, div1e8le = UINT64_MAX / 100000000;
    const uint64_t div1e4m = 0xd288ce703afb7e91ull, div1e4le = UINT64_MAX / 10000;
    const uint64_t div1e2m = 0x8f5c28f5c28f5c29ull, div1e2le = UINT64_MAX / 100;
    const uint64_t div1e1m = 0xcccccccccccccccdull, div1e1le = UINT64_MAX / 10;
    int n = 0;
    uint64_t d;
    for (d = je_dbx_rotr(x * div1e8m, 8); d <= div1e8le; d = je_dbx_rotr(x * div1e8m, 8)) {
        x = d;
        n += 8;
    }
    if ((d = je_dbx_rotr(x * div1e4m, 4)) <= div1e4le) {
        x = d;
        n += 4;
    }
    if ((d = je_dbx_rotr(x * div1e2m, 2)) <= div1e2le) {
        x = d;
        n += 2;
    }
    if ((d = je_dbx_rotr(x * div1e1m, 1)) <= div1e1le) {
        x = d;
        n += 1;
    }
    *p = n;
    return x;
}

// The shortest digits of mant * 2**exp (mant with its implicit bit, or a
// subnormal's with denorm set): returns them, *dexp the decimal exponent.
static inline uint64_t je_dbox_ftoa64(uint64_t mant, int exp, int denorm, int *dexp) {
    if (mant == (1ull << 52) && !denorm) {
        int k0 = -je_dbx_mul_log10_2_minus_log10_4_over3(exp);
        int beta;
        je_u128 phi = je_dbx_pow64(k0, exp, &beta);
        uint64_t xi, zi;
        je_dbx_range64(phi, beta, &xi, &zi);
        if (exp != 2 && exp != 3) xi++;
        uint64_t q = zi / 10;
        if (xi <= q * 10) {
            int zeros;
            q = je_dbx_trim_zeros(q, &zeros);
            *dexp = -k0 + 1 + zeros;
            return q;
        }
        uint64_t yru = je_dbx_round_up64(phi, beta);
        if (exp == -77 && yru % 2 != 0) {
            yru--;
        } else if (yru < xi) {
            yru++;
        }
        *dexp = -k0;
        return yru;
    }
    const uint32_t p10k = 100, p10k1 = 1000;  // 10**kappa, 10**(kappa+1); kappa = 2
    int k0 = -je_dbx_mul_log10_2(exp);
    int beta;
    je_u128 phi = je_dbx_pow64(2 + k0, exp, &beta);
    int exact;
    uint64_t zi = je_dbx_mul_pow64((mant * 2 + 1) << beta, phi, &exact);
    uint64_t s = zi / p10k1;
    uint32_t r = (uint32_t)(zi % p10k1);
    uint32_t deltai = je_dbx_delta64(phi, beta);
    if (r < deltai) {
        if (r != 0 || !exact || mant % 2 == 0) {
            int zeros;
            s = je_dbx_trim_zeros(s, &zeros);
            *dexp = -k0 + 1 + zeros;
            return s;
        }
        s--;
        r = p10k * 10;
    } else if (r == deltai) {
        int pexact;
        int parity = je_dbx_parity64(mant * 2 - 1, phi, beta, &pexact);
        if (parity || (pexact && mant % 2 == 0)) {
            int zeros;
            s = je_dbx_trim_zeros(s, &zeros);
            *dexp = -k0 + 1 + zeros;
            return s;
        }
    }
    uint32_t D = r + p10k / 2 - deltai / 2;
    uint32_t t = D / p10k, rho = D % p10k;
    uint64_t yru = 10 * s + (uint64_t)t;
    if (rho == 0) {
        int pexact;
        int parity = je_dbx_parity64(mant * 2, phi, beta, &pexact);
        if (parity != (((D - p10k / 2) % 2) != 0) || (pexact && yru % 2 != 0)) {
            yru--;
        }
    }
    *dexp = -k0;
    return yru;
}

#endif
