package flows_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"lamtheo/flows"
)

// TestJobRegistry checks the registry of periodic jobs against what it
// drives in flows: each job has a distinct name and a default schedule,
// RunJob knows it, and /lichnhac lists it, in the registry's order. (cmd's
// TestScheduleRegistry checks the configuration side.)
func TestJobRegistry(t *testing.T) {
	o := newOrg(t)
	view := joined(o.send(o.admin, "/lichnhac")) // an admin sees every job; a secretary those serving their cell
	seen := map[flows.Job]bool{}
	backups, last := 0, -1
	for _, j := range flows.Jobs() {
		if seen[j.Job] {
			t.Errorf("job %q registered twice", j.Job)
		}
		seen[j.Job] = true
		if strings.TrimSpace(j.Default) == "" {
			t.Errorf("job %q has no default schedule", j.Job)
		}
		if j.Backup {
			backups++
		}
		name := flows.T(j.Name, nil)
		i := strings.Index(view, name+":")
		if i < 0 {
			t.Errorf("/lichnhac does not list job %q (%q):\n%s", j.Job, name, view)
			continue
		}
		if i < last {
			t.Errorf("/lichnhac lists job %q out of the registry's order", j.Job)
		}
		last = i
		_, err := o.eng.RunJob(context.Background(), j.Job, o.now.Add(-time.Hour), "")
		if errors.Is(err, flows.ErrUnknownJob) {
			t.Errorf("RunJob(%q): %v", j.Job, err)
		}
	}
	if backups != 1 {
		t.Errorf("%d backup jobs registered, want 1", backups)
	}
	if _, err := o.eng.RunJob(context.Background(), "nosuchjob", o.now.Add(-time.Hour), ""); !errors.Is(err, flows.ErrUnknownJob) {
		t.Errorf("RunJob of an unregistered job: %v, want ErrUnknownJob", err)
	}
}
