package appserver

import (
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// staticCache keeps what a small static file's answer needs (stat result,
// validators, the bytes) for staticTTL, so a hot file costs one write
// instead of open+fstat+read+close per request (NGINX's open_file_cache,
// on by default here). After the TTL the file is opened again through the
// os.Root, so a changed or removed file is seen within a second and the
// escape checks are never skipped for long.
const (
	staticTTL        = time.Second
	staticCacheFiles = 4096
	staticCacheBytes = 64 << 20
)

// variant is one representation of a file: identity, .br or .gz.
type variant struct {
	ok      bool
	size    int64
	mtime   time.Time
	etag    string
	lastMod string
	data    []byte // whole content when size <= staticInline
}

type staticEntry struct {
	checked  time.Time
	variants [3]variant // identity, br, gzip
}

type staticCache struct {
	mu    sync.RWMutex
	files map[string]*staticEntry
	bytes atomic.Int64
}

var encodings = [3][2]string{{"", ""}, {"br", ".br"}, {"gzip", ".gz"}}

func makeVariant(root *os.Root, name, enc string) variant {
	f, st, ok := openRegular(root, name)
	if !ok {
		return variant{}
	}
	defer f.Close()
	return variantOf(f, st, enc)
}

func variantOf(f *os.File, st fs.FileInfo, enc string) variant {
	v := variant{ok: true, size: st.Size(), mtime: st.ModTime()}
	v.etag = `"` + strconv.FormatInt(v.size, 16) + "-" + strconv.FormatInt(v.mtime.UnixNano(), 16)
	if enc != "" {
		v.etag += "-" + enc
	}
	v.etag += `"`
	v.lastMod = v.mtime.UTC().Format(http.TimeFormat)
	if v.size <= staticInline {
		buf := make([]byte, v.size)
		if n, err := f.ReadAt(buf, 0); err == nil || int64(n) == v.size {
			v.data = buf
		}
	}
	return v
}

// lookup returns the file's variants, from the cache when fresh.
func (m *staticMount) lookup(rel string) *staticEntry {
	now := time.Now()
	m.cache.mu.RLock()
	e := m.cache.files[rel]
	m.cache.mu.RUnlock()
	if e != nil && now.Sub(e.checked) < staticTTL {
		return e
	}
	ne := &staticEntry{checked: now}
	var size int64
	for i, enc := range encodings {
		ne.variants[i] = makeVariant(m.root, rel+enc[1], enc[0])
		size += int64(len(ne.variants[i].data))
		if i == 0 && !ne.variants[0].ok {
			break // no file: no siblings served either
		}
	}
	m.cache.mu.Lock()
	if m.cache.files == nil {
		m.cache.files = map[string]*staticEntry{}
	}
	old := m.cache.files[rel]
	if old != nil {
		for _, v := range old.variants {
			m.cache.bytes.Add(-int64(len(v.data)))
		}
		delete(m.cache.files, rel)
	}
	if len(m.cache.files) < staticCacheFiles && m.cache.bytes.Load()+size < staticCacheBytes {
		m.cache.files[rel] = ne
		m.cache.bytes.Add(size)
	}
	m.cache.mu.Unlock()
	return ne
}
