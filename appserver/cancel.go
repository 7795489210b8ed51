package appserver

import (
	"net"
	"syscall"
)

// peerGone reports whether the client closed or reset its connection, by a
// non-blocking MSG_PEEK (nothing is consumed). It is asked only of requests
// that waited for a thread, so that an abandoned request is dropped before
// the app runs (the "request cancellation").
func peerGone(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	gone := false
	var buf [1]byte
	rc.Read(func(fd uintptr) bool {
		n, _, err := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		switch {
		case err == syscall.EAGAIN:
		case err != nil:
			gone = true // ECONNRESET and the like
		case n == 0:
			gone = true // orderly close: nobody will read the answer
		}
		return true // never wait
	})
	return gone
}
