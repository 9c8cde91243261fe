package cputime_test

import (
	"os"
	"runtime"
	"testing"
	"time"

	"focalbot/internal/cputime"
)

// TestProcessReadsThisProcess: the CPU time /proc gives for this process
// grows with work done, and is near what getrusage says.
func TestProcessReadsThisProcess(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/<pid>/stat is Linux's")
	}
	before, err := cputime.Process(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for start := time.Now(); time.Since(start) < 150*time.Millisecond; {
		x++
	}
	after, err := cputime.Process(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if d := after - before; d < 50*time.Millisecond {
		t.Errorf("150 ms of busy work counted as %v of CPU", d)
	}
	if self := cputime.Self(); after > self+20*time.Millisecond {
		t.Errorf("/proc says %v, getrusage %v: more than a tick apart", after, self)
	}
	if _, err := cputime.Process(-1); err == nil {
		t.Error("a process that cannot exist has a CPU time")
	}
	_ = x
}
