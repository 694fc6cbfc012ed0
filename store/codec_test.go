package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"lamtheo/flows"
)

// encodeSessionV3 writes s in the layout of version 3, with vals as the
// flow's map of strings, as older builds did.
func encodeSessionV3(s flows.Session, vals map[string]string) []byte {
	e := newEnc(128)
	e.b[0] = sessionV3
	e.str(s.Flow)
	e.str(s.Step)
	keys := slices.Sorted(maps.Keys(vals))
	e.uvarint(uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.str(vals[k])
	}
	e.uvarint(uint64(len(s.Choices)))
	for _, c := range s.Choices {
		e.str(c)
	}
	e.time(s.Updated)
	e.uvarint(uint64(len(s.Notice)))
	for _, c := range s.Notice {
		e.str(c)
	}
	e.time(s.NoticeAt)
	e.uvarint(s.Question)
	return e.b
}

// TestSessionVersions: a session of an older data file (versions 2 and 3,
// whose flows kept a map of strings) still decodes with its notice and
// question number (0 in version 2, before questions were numbered), but
// a conversation in progress in it comes back without its step and with
// Updated zero, so the engine expires it; one without a flow is as it
// was. Version 4 keeps everything, the flow's state included, and version
// 5 the choices' labels and whether the question takes typed text too.
func TestSessionVersions(t *testing.T) {
	at := time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC)
	notice := []string{"go:baocao:202611"}
	noticeAt := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	old := flows.Session{Flow: "exempt", Step: "confirm", Choices: []string{"y", "n"}, Updated: at,
		Notice: notice, NoticeAt: noticeAt, Question: 12345}
	v3 := encodeSessionV3(old, map[string]string{"member": "7", "cell": "C01"})
	expired := flows.Session{Flow: "exempt", Choices: []string{"y", "n"}, Notice: notice, NoticeAt: noticeAt, Question: 12345}
	got, err := decodeSession(v3)
	if err != nil || !reflect.DeepEqual(got, expired) {
		t.Fatalf("version 3 session = %+v, %v; want %+v", got, err, expired)
	}
	v2 := append([]byte{sessionV2}, v3[1:len(v3)-len(binary.AppendUvarint(nil, old.Question))]...) // no question at the end
	expired.Question = 0
	got, err = decodeSession(v2)
	if err != nil || !reflect.DeepEqual(got, expired) {
		t.Fatalf("version 2 session = %+v, %v; want %+v", got, err, expired)
	}

	idle := flows.Session{Updated: at, Notice: notice, NoticeAt: noticeAt, Question: 7}
	got, err = decodeSession(encodeSessionV3(idle, nil))
	if err != nil || !reflect.DeepEqual(got, idle) {
		t.Fatalf("version 3 session without a flow = %+v, %v; want %+v", got, err, idle)
	}

	s := old
	s.State = []byte(`{"Cell":"C01","Member":7}`)
	v4 := encodeSession(s)[:len(encodeSession(s))-3] // no labels, open flag or notice labels
	v4[0] = sessionV4
	got, err = decodeSession(v4)
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Fatalf("version 4 session = %+v, %v; want %+v", got, err, s)
	}

	s.Labels, s.Open, s.NoticeLabels = []string{"Có", "Không"}, true, []string{"Báo cáo ngay"}
	v5 := encodeSession(s)
	if v5[0] != sessionV5 {
		t.Fatalf("a session encodes with version %d, want %d", v5[0], sessionV5)
	}
	got, err = decodeSession(v5)
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Fatalf("version 5 session = %+v, %v; want %+v", got, err, s)
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

// TestRecordedVersions (issue 11): a report or pledge the cell recorded for
// its member keeps who recorded it and when (version 2 of a report, 3 of
// a pledge), a member keeps
// their delegation (version 3) and a roster entry its moves (version 2);
// records without them keep the older layouts, byte for byte, so files
// written before still read and nothing else changes.
func TestRecordedVersions(t *testing.T) {
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	rec := flows.Recorded{By: 7, At: at}
	rep := flows.Report{Member: 3, Month: 202611, Other: "Dọn đường", Submitted: at}
	if b := encodeReport(rep); b[0] != recordV1 {
		t.Errorf("own report written as version %d", b[0])
	}
	rep.Recorded = rec
	b := encodeReport(rep)
	if got, err := decodeReport(rep.Month, rep.Member, b); err != nil || b[0] != recordedV2 || !reflect.DeepEqual(got, rep) {
		t.Errorf("recorded report = %+v, %v (version %d)", got, err, b[0])
	}
	pl := flows.Pledge{Member: 3, Year: 2026, NextNo: 2, Items: []flows.PledgeItem{{No: 1, Text: "Trồng cây"}}, Status: flows.PledgeApproved, Submitted: at, Decided: at}
	if b := encodePledge(pl); b[0] != pledgeV2 {
		t.Errorf("own pledge written as version %d", b[0])
	}
	pl.Recorded = rec
	b = encodePledge(pl)
	if got, err := decodePledge(pl.Member, pl.Year, b); err != nil || b[0] != pledgeV3 || !reflect.DeepEqual(got, pl) {
		t.Errorf("recorded pledge = %+v, %v (version %d)", got, err, b[0])
	}
	m := flows.Member{ID: 4, Name: "Lê Thị Năm", Cell: "C01", Joined: at}
	if b := encodeMember(&m); b[0] != memberV2 {
		t.Errorf("member written as version %d", b[0])
	}
	m.Recorder = true
	b = encodeMember(&m)
	if got, err := decodeMember(m.ID, b); err != nil || b[0] != memberV3 || !reflect.DeepEqual(got, m) {
		t.Errorf("delegated member = %+v, %v (version %d)", got, err, b[0])
	}
	e := flows.RosterEntry{ID: 5, Cell: "C01", Name: "Lê Thị Năm", Folded: "le thi nam", Added: at}
	if b := encodeRosterEntry(&e); b[0] != recordV1 {
		t.Errorf("roster entry written as version %d", b[0])
	}
	e.Moves = []flows.RosterMove{{From: "C02", At: at}}
	b = encodeRosterEntry(&e)
	if got, err := decodeRosterEntry(e.ID, b); err != nil || b[0] != rosterV2 || !reflect.DeepEqual(got, e) {
		t.Errorf("moved roster entry = %+v, %v (version %d)", got, err, b[0])
	}
	// The histories of pauses and statuses: a new version each, with or
	// without the fields before them.
	for _, rec := range []bool{false, true} {
		pm := flows.Member{ID: 6, Name: "Hoàng Văn Sáu", Cell: "C01", Joined: at, Recorder: rec, PausedUntil: at.AddDate(0, 1, 0), PauseReason: "Ốm đau",
			Pauses: []flows.Pause{{Set: at.AddDate(0, -2, 0), Until: at.AddDate(0, -1, 0)}, {Set: at, Until: at.AddDate(0, 1, 0)}}}
		b = encodeMember(&pm)
		if got, err := decodeMember(pm.ID, b); err != nil || b[0] != memberV4 || !reflect.DeepEqual(got, pm) {
			t.Errorf("paused member (recorder %v) = %+v, %v (version %d)", rec, got, err, b[0])
		}
	}
	for _, moves := range [][]flows.RosterMove{nil, {{From: "C02", At: at}}} {
		se := flows.RosterEntry{ID: 7, Cell: "C01", Name: "Lê Thị Năm", Folded: "le thi nam", Added: at, Status: flows.RosterExempt, Moves: moves,
			Statuses: []flows.RosterStatusChange{{From: flows.RosterProbation, At: at}, {From: flows.RosterFull, At: at.AddDate(0, 3, 0)}}}
		b = encodeRosterEntry(&se)
		if got, err := decodeRosterEntry(se.ID, b); err != nil || b[0] != rosterV3 || !reflect.DeepEqual(got, se) {
			t.Errorf("roster entry with statuses (moves %v) = %+v, %v (version %d)", moves, got, err, b[0])
		}
	}
}

// TestAppendRosterEntry: a roster entry appended after other bytes (the
// transaction's scratch buffer, reused by PutRosterEntry) is the record
// encodeRosterEntry writes, version byte included, and decodes back; the
// value stored is exactly that record.
func TestAppendRosterEntry(t *testing.T) {
	at := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	prefix := []byte("earlier record")
	for _, e := range []flows.RosterEntry{
		{ID: 1, Cell: "C01", Name: "Lê Thị Năm", Folded: "le thi nam", Added: at},
		{ID: 2, Cell: "C01", Name: "Lê Thị Năm", Folded: "le thi nam", Added: at, Moves: []flows.RosterMove{{From: "C02", At: at}}},
		{ID: 3, Cell: "C01", Name: "Lê Thị Năm", Folded: "le thi nam", Added: at, Status: flows.RosterExempt,
			Statuses: []flows.RosterStatusChange{{From: flows.RosterFull, At: at}}},
	} {
		want := encodeRosterEntry(&e)
		b := appendRosterEntry(bytes.Clone(prefix), &e)
		if !bytes.Equal(b[:len(prefix)], prefix) || !bytes.Equal(b[len(prefix):], want) {
			t.Errorf("entry %d appended = %q, want %q after %q", e.ID, b, want, prefix)
		}
		if got, err := decodeRosterEntry(e.ID, b[len(prefix):]); err != nil || !reflect.DeepEqual(got, e) {
			t.Errorf("entry %d appended decodes as %+v, %v", e.ID, got, err)
		}
	}
	db, err := Open(filepath.Join(t.TempDir(), "lamtheo.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e := flows.RosterEntry{Cell: "C01", Name: "Lê Thị Năm", Added: at}
	err = db.Update(context.Background(), func(ftx flows.Tx) error {
		if err := ftx.PutRosterEntry(&flows.RosterEntry{Cell: "C01", Name: "Nguyễn Văn Một Người Có Tên Rất Dài", Added: at}); err != nil {
			return err
		}
		return ftx.PutRosterEntry(&e)
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.bolt.View(func(btx *bolt.Tx) error {
		if v := btx.Bucket(bucketRoster).Get(u64(uint64(e.ID))); !bytes.Equal(v, encodeRosterEntry(&e)) {
			t.Errorf("stored %q, want %q", v, encodeRosterEntry(&e))
		}
		return nil
	})
}

// TestPledgeVersions: a pledge of an older data file (version 1) decodes
// without the name of who decided it; version 2 keeps the name.
func TestPledgeVersions(t *testing.T) {
	at := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	p := flows.Pledge{Member: 7, Year: 2026, Items: []flows.PledgeItem{{No: 1, Text: "Trồng cây", Category: "1"}},
		NextNo: 2, Status: flows.PledgeApproved, Submitted: at.Add(-time.Hour), Decided: at, DecidedBy: "Nguyễn Thị Lan"}
	v2 := encodePledge(p)
	if v2[0] != pledgeV2 {
		t.Fatalf("a pledge encodes with version %d, want %d", v2[0], pledgeV2)
	}
	got, err := decodePledge(7, 2026, v2)
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("version 2 pledge = %+v, %v; want %+v", got, err, p)
	}
	v1 := append([]byte{recordV1}, v2[1:len(v2)-1-len(p.DecidedBy)]...) // no name at the end
	want := p
	want.DecidedBy = ""
	got, err = decodePledge(7, 2026, v1)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("version 1 pledge = %+v, %v; want %+v", got, err, want)
	}
}
