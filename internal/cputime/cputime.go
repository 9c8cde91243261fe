//go:build unix

// Package cputime reads the CPU time this process has used, for benchmarks
// that report it beside wall time: unlike wall time, it barely moves when
// other work shares the machine.
package cputime

import (
	"syscall"
	"time"
)

// Self is the CPU time, user and system over all threads, that this process
// has used so far; 0 when the system cannot say.
func Self() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
