package cputime

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Process is the CPU time, user and system, that process pid has used so
// far, from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s):
// on Linux, for another process of this machine that is ours to read,
// such as a PostgreSQL backend a benchmark talks to. Elsewhere, or for a
// process out of reach, it is an error.
func Process(pid int) (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, field 2, is in parentheses and may hold spaces:
	// count the fields from after its closing one, field 3.
	rest := raw[bytes.LastIndexByte(raw, ')')+1:]
	fields := strings.Fields(string(rest))
	if len(fields) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields after the name", pid, len(fields))
	}
	var ticks int64
	for _, s := range fields[11:13] { // utime, stime
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	const clockTicks = 100 // USER_HZ, which /proc uses on every Linux
	return time.Duration(ticks) * time.Second / clockTicks, nil
}
