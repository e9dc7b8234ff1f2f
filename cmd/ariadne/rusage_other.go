//go:build !unix

package main

import "time"

// Without getrusage the benchmarks report no CPU time or peak memory (0).

func cpuTime() time.Duration { return 0 }

func peakRSS() int64 { return 0 }

func childrenCPU() time.Duration { return 0 }
