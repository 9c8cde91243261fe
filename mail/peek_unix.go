//go:build unix

package mail

import (
	"net"
	"syscall"
)

// stillOpen reports whether conn, kept idle since its last transaction, is
// still open with nothing to read: a server that has closed it (an idle
// timeout, a restart) has sent its FIN, and maybe a 421, before the
// client writes again. One non-blocking recv with MSG_PEEK tells, without
// taking anything from the connection. Under TLS it looks at the TCP
// connection, where anything waiting counts as the server's word.
func stillOpen(conn net.Conn) bool {
	if tc, ok := conn.(interface{ NetConn() net.Conn }); ok { // *tls.Conn, *greetedConn
		conn = tc.NetConn()
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	alive := false
	var b [1]byte
	err = rc.Read(func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK)
		alive = err == syscall.EAGAIN // nothing to read, not closed
		return true
	})
	return err == nil && alive
}
