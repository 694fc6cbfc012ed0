package flows

import (
	"context"
	"time"
)

// Placeholder: the helper writing the jobs replaces this file.
func (e *Engine) runJob(ctx context.Context, job Job, slot time.Time, cell string) (bool, error) {
	return false, nil
}
