package store

import (
	"reflect"
	"testing"
	"time"

	"lamtheo/flows"
)

// TestSessionVersions: a session of an older data file (version 2, before
// questions were numbered) still decodes, with question 0; version 3 keeps
// the number.
func TestSessionVersions(t *testing.T) {
	s := flows.Session{Flow: "exempt", Step: "confirm", Vals: map[string]string{"member": "7"},
		Choices: []string{"y", "n"}, Updated: time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC),
		Notice: []string{"go:baocao:202611"}, NoticeAt: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	v3 := encodeSession(s)
	if v3[0] != sessionV3 || v3[len(v3)-1] != 0 {
		t.Fatalf("a session without a question encodes as % x", v3)
	}
	v2 := append([]byte{sessionV2}, v3[1:len(v3)-1]...) // version 2 has no question at the end
	got, err := decodeSession(v2)
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Fatalf("version 2 session = %+v, %v; want %+v", got, err, s)
	}
	s.Question = 12345
	got, err = decodeSession(encodeSession(s))
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Fatalf("version 3 session = %+v, %v; want %+v", got, err, s)
	}
}

// TestInviteVersion1: an invite of an older data file decodes as a live
// code given privately.
func TestInviteVersion1(t *testing.T) {
	exp := time.Date(2027, 2, 8, 9, 0, 0, 0, time.UTC)
	e := newEnc(32)
	e.str("C01")
	e.time(exp.Add(-90 * 24 * time.Hour))
	e.time(exp)
	got, err := decodeInvite("ABC234", e.b)
	want := flows.Invite{Code: "ABC234", Cell: "C01", Created: exp.Add(-90 * 24 * time.Hour), Expires: exp}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("version 1 invite = %+v, %v; want %+v", got, err, want)
	}
}
