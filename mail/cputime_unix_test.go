//go:build unix

package mail

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used, user and system: the
// benchmarks report it per message because, unlike wall time, it barely moves
// when other work shares the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
