package store

import (
	"bytes"
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

// FuzzDecode feeds arbitrary bytes to every record decoder: a corrupt
// record must give an error, never a panic or a huge allocation. The seeds
// are records of every type in every version the decoders read: members
// (v1, and v2 with pending identities), sessions (v1, and v2 with the
// latest notice), envelopes (v1, v2 with Bulk, v3 with Strip, v4 with a photo's Photo and Alt), invites
// (v1, and v2 with the group and the revocation), reports, pledges, cells,
// join attempts, set-aside updates, roster entries, budget notes and the
// tally index's digests;
// testdata/fuzz/FuzzDecode holds them too.
func FuzzDecode(f *testing.F) {
	for _, seed := range decodeSeeds() {
		f.Add(seed)
	}
	f.Add([]byte{recordV1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, v []byte) {
		_, _ = decodeMember(1, v)
		_, _ = decodeReport(202611, 1, v)
		_, _ = decodePledge(1, 2026, v)
		_, _ = decodeSession(v)
		_, _ = decodeEnvelope(1, v)
		_, _ = decodeCell("C01", v)
		_, _ = decodeInvite("x", v)
		_, _ = decodeAttempts(v)
		_, _ = decodeAside(v)
		_, _ = decodeBudgetNote(v)
		_, _ = decodeRosterEntry(1, v)
		cells := map[string]string{}
		_ = decodeMemberTally(&flows.MemberTally{}, 1, v, cells)
		_ = decodeReportTally(&flows.ReportTally{}, 1, v)
		_ = decodePledgeTally(&flows.PledgeTally{}, 1, v)
		_ = decodeRosterTally(&flows.RosterEntry{}, 1, v, cells)
		_, _, _, _ = parseID(v)
	})
}

// decodeSeeds returns a record of each type and version.
func decodeSeeds() [][]byte {
	now := time.Date(2026, 11, 3, 8, 30, 0, 0, time.UTC)
	withVersion := func(b []byte, v byte) []byte { b = bytes.Clone(b); b[0] = v; return b }
	member := &flows.Member{Name: "Nguyễn Thị Lan", Cell: "C01", Users: []bot.UserID{{Platform: bot.Telegram, ID: "1"}}, Joined: now,
		PausedUntil: now.Add(48 * time.Hour), PauseReason: "ốm", Pending: []bot.UserID{{Platform: "zalo.xa1", ID: "6ede"}}}
	memberV1 := encodeMember(&flows.Member{Name: "An", Users: []bot.UserID{{Platform: bot.Telegram, ID: "1"}}, Joined: now})
	memberV1 = withVersion(memberV1[:len(memberV1)-1], recordV1) // without the count of pending identities
	session := flows.Session{Flow: "report", Step: "item", State: []byte(`{"Month":202611}`), Choices: []string{"c"}, Updated: now,
		Notice: []string{"r:now"}, NoticeAt: now}
	sessionV1 := encodeSessionV3(flows.Session{Flow: "join", Updated: now}, map[string]string{"a": "b"})
	sessionV1 = withVersion(sessionV1[:len(sessionV1)-3], recordV1) // without the notice and the question
	reply := bot.Reply{Chat: bot.ChatID{Platform: bot.Zalo, ID: "z"}, Title: "t", Text: "Cảm ơn đồng chí.", Choices: [][]bot.Choice{{{Label: "l", Data: "d"}}},
		Hint: "h", Link: &bot.Link{Label: "k", Payload: "p", Alt: "a"}, Photo: "ph", File: &bot.File{Name: "f", Data: []byte{1}, Photo: true}, Edit: "e", Bulk: true, Strip: "s"}
	env := encodeEnvelope(reply, now)
	envV3 := withVersion(env[:len(env)-2], envelopeV3) // without Photo and Alt
	envV2 := withVersion(env[:len(env)-4], envelopeV2) // without Strip
	envV1 := withVersion(env[:len(env)-5], recordV1)   // without Bulk
	inviteV1 := encodeInvite(flows.Invite{Cell: "C02", Created: now, Expires: now.Add(time.Hour)})
	inviteV1 = withVersion(inviteV1[:len(inviteV1)-4], recordV1) // without the group and the revocation
	return [][]byte{
		encodeMember(member), memberV1,
		encodeSession(session), sessionV1,
		env, envV3, envV2, envV1,
		encodeReport(flows.Report{Entries: []flows.Entry{{Item: 1, Status: flows.Done, Text: "x"}}, Other: "o", Submitted: now, Exemplary: true}),
		encodePledge(flows.Pledge{Items: []flows.PledgeItem{{No: 1, Text: "y"}}}),
		encodeCell(flows.Cell{Name: "Chi bộ Một", MeetingDay: 5, Groups: []bot.ChatID{{Platform: bot.Telegram, ID: "-1"}}}),
		encodeInvite(flows.Invite{Cell: "C01", Created: now, Expires: now.Add(time.Hour), Group: bot.ChatID{Platform: bot.Telegram, ID: "-1"}, Revoked: now}),
		inviteV1,
		encodeAttempts(flows.JoinAttempts{Wrong: 3, Since: now, Until: now.Add(time.Hour)}),
		encodeAside(flows.Aside{At: now, Key: "k", Chat: bot.ChatID{Platform: bot.Telegram, ID: "1"}, From: bot.UserID{Platform: bot.Telegram, ID: "1"},
			FromName: "Lan", Kind: 1, Text: "x", Err: "e"}),
		encodeRosterEntry(&flows.RosterEntry{Cell: "C01", Name: "Nguyễn Thị Lan", Folded: "nguyen thi lan", Status: flows.RosterExempt, Role: "Bí thư",
			Added: now, Removed: now, Claims: []flows.RosterClaim{{Platform: bot.Telegram, Member: 7, At: now}, {Member: 8}}}),
		encodeMemberTally(&flows.Member{Cell: "C01", Users: member.Users, Joined: now, Pauses: []flows.Pause{{Set: now, Until: now.Add(time.Hour)}}}),
		encodeReportTally(flows.Report{Entries: []flows.Entry{{Item: 1, Status: flows.Done}, {Item: -2, Status: flows.Done}}, Submitted: now, Exemplary: true,
			Recorded: flows.Recorded{By: 1, At: now}}),
		encodePledgeTally(flows.Pledge{Status: flows.PledgeApproved, Items: []flows.PledgeItem{{No: 1}, {No: 2}}}),
		encodeRosterTally(&flows.RosterEntry{Cell: "C01", Status: flows.RosterExempt, Added: now, Claims: []flows.RosterClaim{{Member: 7}},
			Moves: []flows.RosterMove{{From: "C02", At: now}}, Statuses: []flows.RosterStatusChange{{From: flows.RosterProbation, At: now}}}),
		encodeBudgetNote(flows.BudgetNote{At: now, Job: flows.JobBackup, Cell: "C01", Kind: 1, Planned: 50, Done: 40, Group: true}),
	}
}

// TestDecodeSeeds checks that the old-version seeds FuzzDecode starts from
// are records the decoders read, not errors.
func TestDecodeSeeds(t *testing.T) {
	s := decodeSeeds()
	if m, err := decodeMember(1, s[1]); err != nil || m.Name != "An" || m.Pending != nil {
		t.Errorf("member v1: %+v %v", m, err)
	}
	if ss, err := decodeSession(s[3]); err != nil || ss.Flow != "join" || ss.Notice != nil {
		t.Errorf("session v1: %+v %v", ss, err)
	}
	for i, v := range []byte{envelopeV4, envelopeV3, envelopeV2, recordV1} {
		env, err := decodeEnvelope(1, s[4+i])
		if err != nil || env.Reply.Text != "Cảm ơn đồng chí." || env.Reply.Bulk != (v >= envelopeV2) || (env.Reply.Strip != "") != (v >= envelopeV3) ||
			env.Reply.File == nil || env.Reply.File.Photo != (v >= envelopeV4) {
			t.Errorf("envelope v%d: %+v %v", v, env, err)
		}
	}
	if inv, err := decodeInvite("x", s[12]); err != nil || inv.Cell != "C02" || !inv.Group.IsZero() || !inv.Revoked.IsZero() {
		t.Errorf("invite v1: %+v %v", inv, err)
	}
	if n, err := decodeBudgetNote(s[len(s)-1]); err != nil || n.Planned != 50 || !n.Group {
		t.Errorf("budget note: %+v %v", n, err)
	}
}

// TestDecodeRejectsTruncated checks that every strict prefix of a record
// fails to decode instead of yielding a partial value.
func TestDecodeRejectsTruncated(t *testing.T) {
	rec := encodeMember(&flows.Member{Name: "Phạm Thị Dung", Cell: "C05", Users: []bot.UserID{{Platform: bot.Zalo, ID: "zz"}},
		Joined: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), PauseReason: "đi công tác"})
	if _, err := decodeMember(1, rec); err != nil {
		t.Fatalf("full record: %v", err)
	}
	for n := range len(rec) {
		if _, err := decodeMember(1, rec[:n]); err == nil {
			t.Errorf("prefix of %d/%d bytes decoded without error", n, len(rec))
		}
	}
	bad := append([]byte{99}, rec[1:]...)
	if _, err := decodeMember(1, bad); err == nil {
		t.Error("unknown record version decoded without error")
	}
	roster := encodeRosterEntry(&flows.RosterEntry{Cell: "C01", Name: "Lê Văn Tám", Status: flows.RosterProbation,
		Claims: []flows.RosterClaim{{Platform: bot.Zalo, Member: 3}}})
	for n := range len(roster) {
		if _, err := decodeRosterEntry(1, roster[:n]); err == nil {
			t.Errorf("prefix of %d/%d bytes of a roster entry decoded without error", n, len(roster))
		}
	}
	if e, err := decodeRosterEntry(1, encodeRosterEntry(&flows.RosterEntry{Cell: "C01", Name: "A", Status: 9})); err == nil {
		t.Errorf("a roster entry of unknown status decoded: %+v", e)
	}
}

// TestTallyDigestsRejectTruncated checks that the tally index's digests
// decode to what was encoded and that every strict prefix of one fails.
func TestTallyDigestsRejectTruncated(t *testing.T) {
	s := decodeSeeds()
	digests := s[len(s)-5 : len(s)-1] // member, report, pledge, roster entry
	decode := []func(v []byte) error{
		func(v []byte) error { return decodeMemberTally(&flows.MemberTally{}, 1, v, map[string]string{}) },
		func(v []byte) error { return decodeReportTally(&flows.ReportTally{}, 1, v) },
		func(v []byte) error { return decodePledgeTally(&flows.PledgeTally{}, 1, v) },
		func(v []byte) error { return decodeRosterTally(&flows.RosterEntry{}, 1, v, map[string]string{}) },
	}
	for i, d := range digests {
		if err := decode[i](d); err != nil {
			t.Errorf("digest %d: %v", i, err)
		}
		for n := range len(d) {
			if err := decode[i](d[:n]); err == nil {
				t.Errorf("digest %d cut to %d of %d bytes decoded", i, n, len(d))
			}
		}
	}
	var m flows.MemberTally
	if err := decodeMemberTally(&m, 1, digests[0], map[string]string{}); err != nil || m.Member.Cell != "C01" || !m.Connected || len(m.Member.Pauses) != 1 {
		t.Errorf("member digest: %+v %v", m, err)
	}
	var r flows.ReportTally
	if err := decodeReportTally(&r, 1, digests[1]); err != nil || !r.Submitted || !r.OnBehalf || !r.Exemplary || len(r.Done) != 2 || r.Done[1] != -2 {
		t.Errorf("report digest: %+v %v", r, err)
	}
}
