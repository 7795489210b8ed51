// Command wsload is a WebSocket echo load generator for bench_asgi_ws.py:
// -c connections, each sending bursts of -burst text messages of -size
// bytes (one write per burst, masked as RFC 6455 requires of clients) and
// reading the echoes, for -d. It prints the number of echoes received.
// Raw frames, no library: the client must cost far less than the servers
// it measures (the Python websockets client was the bottleneck).
//
//	go run ./bench/server/wsload -addr 127.0.0.1:8000 -c 16 -burst 16 -d 4s
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "host:port")
	path := flag.String("path", "/", "request path")
	conns := flag.Int("c", 16, "connections")
	burst := flag.Int("burst", 16, "messages per burst")
	size := flag.Int("size", 32, "message bytes (< 126)")
	dur := flag.Duration("d", 4*time.Second, "duration")
	flag.Parse()
	if *size >= 126 {
		fmt.Fprintln(os.Stderr, "wsload: -size must be < 126")
		os.Exit(2)
	}
	var total atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(*dur)
	errs := make(chan error, *conns)
	for i := 0; i < *conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(*addr, *path, *burst, *size, stop, &total); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fmt.Fprintln(os.Stderr, "wsload:", err)
		os.Exit(1)
	}
	fmt.Println(total.Load())
}

func run(addr, path string, burst, size int, stop time.Time, total *atomic.Int64) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", path, addr)
	br := bufio.NewReaderSize(c, 64<<10)
	status, err := br.ReadString('\n')
	if err != nil || !strings.Contains(status, " 101 ") {
		return fmt.Errorf("handshake: %q %v", status, err)
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return err
		}
		if line == "\r\n" {
			break
		}
	}
	// One burst of masked text frames, built once (mask key 0: the
	// payload is unchanged; the server must still unmask).
	frame := make([]byte, 0, 6+size)
	frame = append(frame, 0x81, 0x80|byte(size), 0, 0, 0, 0)
	for i := 0; i < size; i++ {
		frame = append(frame, 'x')
	}
	var out []byte
	for i := 0; i < burst; i++ {
		out = append(out, frame...)
	}
	hdr := make([]byte, 2)
	payload := make([]byte, 125)
	for time.Now().Before(stop) {
		if _, err := c.Write(out); err != nil {
			return err
		}
		for i := 0; i < burst; i++ {
			if _, err := io.ReadFull(br, hdr); err != nil {
				return err
			}
			n := int(hdr[1] & 0x7f)
			if hdr[0] != 0x81 || n != size {
				return fmt.Errorf("unexpected frame %x len %d", hdr[0], n)
			}
			if _, err := io.ReadFull(br, payload[:n]); err != nil {
				return err
			}
		}
		total.Add(int64(burst))
	}
	c.Write([]byte{0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8}) // close 1000
	return nil
}
