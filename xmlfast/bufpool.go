package xmlfast

import "sync"

// Output buffers are reused across calls: a render of a large response
// would otherwise allocate (and make the GC scan and write-barrier) a fresh
// megabyte-sized buffer every time.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// maxPooled keeps one huge document from pinning its buffer forever.
const maxPooled = 16 << 20

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > maxPooled {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}
