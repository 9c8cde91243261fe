//go:build !unix

package cputime

import "time"

// Self is 0 where the process's CPU time cannot be read.
func Self() time.Duration { return 0 }
