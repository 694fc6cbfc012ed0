package store

import (
	"testing"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
)

// FuzzDecode feeds arbitrary bytes to every record decoder: a corrupt
// record must give an error, never a panic or a huge allocation.
func FuzzDecode(f *testing.F) {
	now := time.Date(2026, 11, 3, 8, 30, 0, 0, time.UTC)
	f.Add(encodeMember(&flows.Member{Name: "An", Users: []bot.UserID{{Platform: bot.Telegram, ID: "1"}}, Joined: now}))
	f.Add(encodeReport(flows.Report{Entries: []flows.Entry{{Item: 1, Text: "x"}}, Submitted: now}))
	f.Add(encodePledge(flows.Pledge{Items: []flows.PledgeItem{{No: 1, Text: "y"}}}))
	f.Add(encodeSession(flows.Session{Vals: map[string]string{"a": "b"}, Choices: []string{"c"}}))
	f.Add(encodeEnvelope(bot.Reply{Chat: bot.ChatID{Platform: bot.Zalo, ID: "z"}, Choices: [][]bot.Choice{{{Label: "l", Data: "d"}}},
		Link: &bot.Link{Label: "k"}, File: &bot.File{Name: "f", Data: []byte{1}}}, now))
	f.Add(encodeCell(flows.Cell{Groups: []bot.ChatID{{Platform: bot.Telegram, ID: "-1"}}}))
	f.Add(encodeInvite(flows.Invite{Cell: "C01", Created: now}))
	f.Add(encodeInvite(flows.Invite{Cell: "C01", Created: now, Group: bot.ChatID{Platform: bot.Telegram, ID: "-1"}, Revoked: now}))
	f.Add(encodeAttempts(flows.JoinAttempts{Wrong: 3, Since: now, Until: now}))
	f.Add(encodeAside(flows.Aside{At: now, Key: "k", Chat: bot.ChatID{Platform: bot.Telegram, ID: "1"}, Text: "x", Err: "e"}))
	f.Add([]byte{recordV1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, v []byte) {
		_, _ = decodeMember(1, v, nil)
		_, _ = decodeMember(1, v, new(arena))
		_, _ = decodeReport(202611, 1, v, nil)
		_, _ = decodeReport(202611, 1, v, new(arena))
		_, _ = decodePledge(1, 2026, v)
		_, _ = decodeSession(v)
		_, _ = decodeEnvelope(1, v)
		_, _ = decodeCell("C01", v)
		_, _ = decodeInvite("x", v)
		_, _ = decodeAttempts(v)
		_, _ = decodeAside(v)
		_, _, _, _ = parseID(v)
	})
}

// TestDecodeRejectsTruncated checks that every strict prefix of a record
// fails to decode instead of yielding a partial value.
func TestDecodeRejectsTruncated(t *testing.T) {
	rec := encodeMember(&flows.Member{Name: "Phạm Thị Dung", Cell: "C05", Users: []bot.UserID{{Platform: bot.Zalo, ID: "zz"}},
		Joined: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), PauseReason: "đi công tác"})
	if _, err := decodeMember(1, rec, nil); err != nil {
		t.Fatalf("full record: %v", err)
	}
	for n := range len(rec) {
		if _, err := decodeMember(1, rec[:n], new(arena)); err == nil {
			t.Errorf("prefix of %d/%d bytes decoded without error", n, len(rec))
		}
	}
	bad := append([]byte{99}, rec[1:]...)
	if _, err := decodeMember(1, bad, nil); err == nil {
		t.Error("unknown record version decoded without error")
	}
}
