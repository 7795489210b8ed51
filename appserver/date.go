package appserver

import (
	"sync"
	"sync/atomic"
	"time"
)

// The Date header changes once a second: it is formatted by a ticker, not
// per response.
var (
	dateHeader atomic.Pointer[[]byte]
	dateOnce   sync.Once
)

func formatDate(t time.Time) *[]byte {
	b := []byte("Date: " + t.UTC().Format("Mon, 02 Jan 2006 15:04:05") + " GMT\r\n")
	return &b
}

func currentDate() []byte {
	dateOnce.Do(func() {
		dateHeader.Store(formatDate(time.Now()))
		go func() {
			for t := range time.Tick(500 * time.Millisecond) {
				dateHeader.Store(formatDate(t))
			}
		}()
	})
	return *dateHeader.Load()
}
