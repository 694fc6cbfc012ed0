package flows

import "strconv"

// The compatibility path of flows not yet converted to a typed state: their
// state is a map of strings, kept in the session like any other state.

// vals is the state of a flow not yet converted to its own struct.
type vals map[string]string

// legacy adapts the step of a flow whose state is vals to the registry.
func legacy(step func(r *req, in input) error) func(*req, input) error {
	return withState(func(r *req, _ *vals, in input) error { return step(r, in) })
}

// start begins flow at step with fresh values, replacing any conversation.
func (r *req) start(flow, step string) { begin(r, flowName(flow), step, &vals{}) }

// step moves the current flow to step.
func (r *req) step(step string) { moveTo(r, step) }

// set stores a value of the current flow.
func (r *req) set(k, v string) {
	m, _ := r.state.(*vals)
	if m == nil {
		m = &vals{}
		r.state = m
	}
	if *m == nil {
		*m = vals{}
	}
	(*m)[k] = v
	r.dirty = true
}

// val returns a value of the current flow.
func (r *req) val(k string) string {
	if m, ok := r.state.(*vals); ok {
		return (*m)[k]
	}
	return ""
}

func (r *req) intVal(k string) int { n, _ := strconv.Atoi(r.val(k)); return n }
