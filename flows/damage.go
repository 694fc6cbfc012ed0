package flows

import (
	"errors"
	"fmt"
)

// damage collects the stored records a scheduled job skipped because it
// could not read them (errors wrapping ErrDamaged, and panics of the
// store, see guard), so that one damaged member or cell does not stop a
// reminder or a leaderboard for the whole organisation; the run reports
// them to the admins (damageNote). A nil *damage skips nothing: the
// conversations fail on a damaged record, and their update is set aside
// (see Engine.SetAside).
type damage struct {
	records []string
}

// skip returns nil when err is a damaged record (or a listing that
// skipped some) and d collects it under what; otherwise err.
func (d *damage) skip(what string, err error) error {
	if err == nil || d == nil || !errors.Is(err, ErrDamaged) {
		return err
	}
	var de *DamagedError
	if errors.As(err, &de) && len(de.Records) > 0 {
		d.records = append(d.records, de.Records...)
		return nil
	}
	d.records = append(d.records, what)
	return nil
}

// listing returns nil when err is only that a listing skipped damaged
// records (its results are the others) and d collects them.
func (d *damage) listing(err error) error {
	var de *DamagedError
	if d == nil || !errors.As(err, &de) {
		return err
	}
	return d.skip("", err)
}

// guard runs fn and turns a panic in it (bbolt meeting a damaged page, say)
// into an error wrapping ErrDamaged, so that the part fn did is skipped
// like a damaged record.
func guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: panic: %v", ErrDamaged, p)
		}
	}()
	return fn()
}
