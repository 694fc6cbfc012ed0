package flows

import (
	"testing"
	"time"
)

// TestFlowTable: every registered flow has a distinct name and an answer;
// only the report takes a photo, at its photo step; an unknown flow is
// not found.
func TestFlowTable(t *testing.T) {
	seen := map[flowName]bool{}
	for _, f := range flowTable() {
		if f.name == "" || f.answer == nil || seen[f.name] {
			t.Errorf("flow %q: empty name, no answer or registered twice", f.name)
		}
		seen[f.name] = true
		if got, ok := flowOf(string(f.name)); !ok || got.name != f.name {
			t.Errorf("flowOf(%q) = %q, %v", f.name, got.name, ok)
		}
		if (f.photo != "") != (f.name == flowReport.name) {
			t.Errorf("flow %q takes a photo at step %q", f.name, f.photo)
		}
	}
	if _, ok := flowOf("nosuch"); ok {
		t.Error("flowOf found an unknown flow")
	}
	// A photo with a caption is also taken where the report expects a
	// text (the caption is the text).
	tests := []struct {
		flow      flowName
		step      string
		captioned bool
		want      bool
	}{
		{flowReport.name, string(reportPhoto), false, true},
		{flowReport.name, string(reportPhoto), true, true},
		{flowReport.name, string(reportOther), false, false},
		{flowReport.name, string(reportOther), true, true},
		{flowReport.name, string(reportWhat), true, true},
		{flowReport.name, string(reportStatus), true, false},
		{flowReport.name, string(reportReview), true, false},
		{flowPledge.name, string(reportPhoto), false, false},
		{flowPledge.name, string(pledgeText), true, false},
		{"", "", true, false},
	}
	for _, tc := range tests {
		r := &req{sess: Session{Flow: string(tc.flow), Step: tc.step}}
		if got := r.wantsPhoto(tc.captioned); got != tc.want {
			t.Errorf("wantsPhoto(%v) at %s/%s = %v, want %v", tc.captioned, tc.flow, tc.step, got, tc.want)
		}
	}
}

// TestFlowState: a flow's state is encoded into the session once, when it
// changed, decoded before its next answer, and dropped with the flow; a
// state that cannot be decoded ends the conversation.
func TestFlowState(t *testing.T) {
	e := &Engine{}
	r := &req{e: e, now: time.Now()}
	d := &closing{Cell: "C01", Month: 202611}
	flowClose.begin(r, closeAct, d)
	d.Close = true
	if err := r.encodeState(); err != nil {
		t.Fatal(err)
	}
	if got, want := string(r.sess.State), `{"Cell":"C01","Month":202611,"Close":true}`; got != want {
		t.Fatalf("state = %s, want %s", got, want)
	}

	r.dirty = false
	var seen closing
	answer := withState(func(r *req, c *closing, in input) error { seen = *c; return nil })
	if err := answer(r, input{}); err != nil || seen != *d {
		t.Fatalf("decoded %+v, %v; want %+v", seen, err, *d)
	}
	if err := r.encodeState(); err != nil || r.dirty {
		t.Errorf("an unchanged state marked the session changed (%v)", err)
	}

	r.finish()
	if err := r.encodeState(); err != nil || r.sess.State != nil {
		t.Errorf("a finished flow kept its state %s (%v)", r.sess.State, err)
	}

	r.sess = Session{Flow: string(flowClose.name), Step: string(closeConfirm), State: []byte(`{"Cell":7}`)}
	ran := false
	err := withState(func(*req, *closing, input) error { ran = true; return nil })(r, input{})
	if ran || r.sess.Flow != "" {
		t.Errorf("an undecodable state ran the step (%v) or kept the flow %q", ran, r.sess.Flow)
	}
	if fe, ok := err.(*Error); !ok || fe.Key == "" {
		t.Errorf("an undecodable state returned %v, want a refusal", err)
	}
}
