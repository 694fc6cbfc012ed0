package store_test

import "sync/atomic"

// atomicCounter hands out distinct numbers to parallel benchmark workers.
type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) next() int64 { return c.n.Add(1) }
