package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows"
)

// Bucket names. Every bucket is created by Open.
var (
	bucketMeta        = []byte("meta")          // "schema" -> uint32
	bucketSeen        = []byte("seen")          // platform|update key -> 8B unix ms
	bucketSeenTime    = []byte("seen_time")     // 8B unix ms|platform|update key -> nil
	bucketCursor      = []byte("cursor")        // platform -> 8B int64
	bucketSessions    = []byte("sessions")      // chat|user -> session record
	bucketCells       = []byte("cells")         // code -> cell record
	bucketGroups      = []byte("cell_groups")   // chat -> cell code
	bucketMembers     = []byte("members")       // 8B member id -> member record
	bucketMemberCell  = []byte("member_cell")   // str(cell)|8B member id -> nil
	bucketIdentities  = []byte("identities")    // user -> 8B member id
	bucketInvites     = []byte("invites")       // code -> invite record
	bucketPledges     = []byte("pledges")       // 8B member id|4B year -> pledge record
	bucketReports     = []byte("reports")       // 4B month|8B member id -> report record
	bucketMonthStates = []byte("month_states")  // str(cell)|4B month -> 1 byte closed
	bucketJobs        = []byte("jobs")          // job key -> 8B unix ms
	bucketUnreachable = []byte("unreachable")   // chat -> 8B unix ms
	bucketOutbox      = []byte("outbox")        // platform|8B seq -> reply record
	bucketOutboxChat  = []byte("outbox_chat")   // chat|1B bulk|8B seq -> nil: each chat's queues
	bucketOutboxSent  = []byte("outbox_sent")   // platform|8B seq -> uvarint parts delivered
	bucketSent        = []byte("sent")          // platform|4B month -> 8B messages sent
	bucketBudgetNotes = []byte("budget_notes")  // platform|4B month|8B seq -> budget note record
	bucketAttempts    = []byte("join_attempts") // user -> join attempts record
	bucketTransfers   = []byte("transfers")     // 8B member id -> transfer record (waiting requests only)
	bucketAsides      = []byte("asides")        // 8B seq -> aside record (the latest flows.MaxAsides)
	bucketRoster      = []byte("roster")        // 8B entry id -> roster entry record
	bucketRosterCell  = []byte("roster_cell")   // str(cell)|8B entry id -> the entry's tally digest (tally.go)
	bucketRosterClaim = []byte("roster_claim")  // 8B member id -> 8B entry id
	bucketRosterPast  = []byte("roster_past")   // str(cell)|8B entry id -> nil: entries that moved out of cell
	// The tally index (tally.go): digests of the records above.
	bucketTallyMembers = []byte("tally_members") // 8B member id -> member digest
	bucketTallyReports = []byte("tally_reports") // 4B month|8B member id -> report digest
	bucketTallyPledges = []byte("tally_pledges") // 4B year|8B member id -> pledge digest
	// Generated files (files.go).
	bucketFileRequests = []byte("file_requests") // 8B seq -> file request record
	bucketFiles        = []byte("files")         // 8B file id -> file record (time, name)
	bucketFileData     = []byte("file_data")     // 8B file id|4B piece -> a piece of the file's bytes (files.go)
	bucketFileLinks    = []byte("file_links")    // token -> file link record (file id, expiry)
)

// allBuckets lists the buckets Open creates.
var allBuckets = [][]byte{
	bucketMeta, bucketSeen, bucketSeenTime, bucketCursor, bucketSessions,
	bucketCells, bucketGroups, bucketMembers, bucketMemberCell, bucketIdentities,
	bucketInvites, bucketPledges, bucketReports, bucketMonthStates, bucketJobs,
	bucketUnreachable, bucketOutbox, bucketOutboxChat, bucketOutboxSent,
	bucketSent, bucketBudgetNotes, bucketAttempts, bucketTransfers, bucketAsides,
	bucketRoster, bucketRosterCell, bucketRosterClaim, bucketRosterPast,
	bucketFileRequests, bucketFiles, bucketFileData, bucketFileLinks,
	bucketTallyMembers, bucketTallyReports, bucketTallyPledges,
}

// Tags that tell how an id is encoded inside a key. A numeric tag sorts
// before a raw one, so within a platform numeric ids come first.
const (
	tagNumeric = 0x01 // 8 bytes, big-endian, sign bit flipped
	tagRaw     = 0x02 // 2-byte big-endian length, then the raw bytes
)

// errEmptyID is returned when a chat or user id is empty.
var errEmptyID = errors.New("empty id")

// appendStr appends s with a one-byte length prefix; it suits short names
// (platforms, cell codes) inside composite keys.
func appendStr(dst []byte, s string) ([]byte, error) {
	if len(s) > 255 {
		return dst, fmt.Errorf("key part of %d bytes is longer than 255", len(s))
	}
	dst = append(dst, byte(len(s)))
	return append(dst, s...), nil
}

// appendPlatform appends p followed by a zero byte, so that keys sort by
// platform name and a platform is never a prefix of another.
func appendPlatform(dst []byte, p bot.Platform) ([]byte, error) {
	if len(p) > 64 || strings.IndexByte(string(p), 0) >= 0 {
		return dst, fmt.Errorf("invalid platform %q", p)
	}
	dst = append(dst, p...)
	return append(dst, 0), nil
}

// appendID appends the key form of a platform id: the platform, then the
// id. A canonical decimal int64 ("-1001234", "42") is stored as 8 bytes with
// the sign bit flipped so negative Telegram group ids sort before positive
// ones in numeric order; any other id is stored as raw bytes behind another
// tag. The result is self-delimiting, so keys can be concatenated.
func appendID(dst []byte, p bot.Platform, id string) ([]byte, error) {
	if id == "" {
		return dst, errEmptyID
	}
	dst, err := appendPlatform(dst, p)
	if err != nil {
		return dst, err
	}
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && strconv.FormatInt(n, 10) == id {
		dst = append(dst, tagNumeric)
		return binary.BigEndian.AppendUint64(dst, uint64(n)^(1<<63)), nil
	}
	if len(id) > 0xffff {
		return dst, fmt.Errorf("id of %d bytes is too long", len(id))
	}
	dst = append(dst, tagRaw)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(id)))
	return append(dst, id...), nil
}

// chatKey returns the key of chat.
func chatKey(c bot.ChatID) ([]byte, error) {
	k, err := appendID(make([]byte, 0, 16), c.Platform, c.ID)
	if err != nil {
		return nil, fmt.Errorf("chat key %s: %w", c, err)
	}
	return k, nil
}

// userKey returns the key of user.
func userKey(u bot.UserID) ([]byte, error) {
	k, err := appendID(make([]byte, 0, 16), u.Platform, u.ID)
	if err != nil {
		return nil, fmt.Errorf("user key %s: %w", u, err)
	}
	return k, nil
}

// parseID reads one id written by appendID from the front of k and returns
// the platform, the id and the rest of k.
func parseID(k []byte) (p bot.Platform, id string, rest []byte, err error) {
	end := bytes.IndexByte(k, 0)
	if end < 0 || end+1 >= len(k) {
		return "", "", nil, errors.New("short id key")
	}
	p = bot.Platform(k[:end])
	k = k[end+1:]
	switch k[0] {
	case tagNumeric:
		if len(k) < 9 {
			return "", "", nil, errors.New("short numeric id key")
		}
		n := int64(binary.BigEndian.Uint64(k[1:9]) ^ (1 << 63))
		return p, strconv.FormatInt(n, 10), k[9:], nil
	case tagRaw:
		if len(k) < 3 {
			return "", "", nil, errors.New("short raw id key")
		}
		n := int(binary.BigEndian.Uint16(k[1:3]))
		if len(k) < 3+n {
			return "", "", nil, errors.New("short raw id key")
		}
		return p, string(k[3 : 3+n]), k[3+n:], nil
	}
	return "", "", nil, fmt.Errorf("unknown id tag %#x", k[0])
}

// sessionKey returns the key of user's session in chat.
func sessionKey(chat bot.ChatID, user bot.UserID) ([]byte, error) {
	k, err := chatKey(chat)
	if err != nil {
		return nil, err
	}
	k, err = appendID(k, user.Platform, user.ID)
	if err != nil {
		return nil, fmt.Errorf("user key %s: %w", user, err)
	}
	return k, nil
}

// u64 returns v as 8 big-endian bytes.
func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(make([]byte, 0, 8), v) }

// memberKey returns the key of member id.
func memberKey(id flows.MemberID) []byte { return u64(uint64(id)) }

// memberCellKey returns the cell index key of member id in cell.
func memberCellKey(cell string, id flows.MemberID) ([]byte, error) {
	k, err := appendStr(make([]byte, 0, 1+len(cell)+8), cell)
	if err != nil {
		return nil, fmt.Errorf("cell %q: %w", cell, err)
	}
	return binary.BigEndian.AppendUint64(k, uint64(id)), nil
}

// pledgeKey returns the key of member's pledge for year.
func pledgeKey(member flows.MemberID, year int) ([]byte, error) {
	if year <= 0 || year > 9999 {
		return nil, fmt.Errorf("invalid year %d", year)
	}
	k := binary.BigEndian.AppendUint64(make([]byte, 0, 12), uint64(member))
	return binary.BigEndian.AppendUint32(k, uint32(year)), nil
}

// monthPrefix returns the 4-byte key prefix of month.
func monthPrefix(m flows.Month) []byte {
	return binary.BigEndian.AppendUint32(make([]byte, 0, 12), uint32(m))
}

// reportKey returns the key of member's report for month: month first, so
// one month's reports are one contiguous range ordered by member.
func reportKey(month flows.Month, member flows.MemberID) ([]byte, error) {
	if !month.Valid() {
		return nil, fmt.Errorf("invalid month %d", int(month))
	}
	return binary.BigEndian.AppendUint64(monthPrefix(month), uint64(member)), nil
}

// monthStateKey returns the key of cell's month state.
func monthStateKey(cell string, month flows.Month) ([]byte, error) {
	if !month.Valid() {
		return nil, fmt.Errorf("invalid month %d", int(month))
	}
	k, err := appendStr(make([]byte, 0, 1+len(cell)+4), cell)
	if err != nil {
		return nil, fmt.Errorf("cell %q: %w", cell, err)
	}
	return binary.BigEndian.AppendUint32(k, uint32(month)), nil
}

// seenKey returns the processed-update marker key of (platform, key).
func seenKey(p bot.Platform, key string) ([]byte, error) {
	if len(key) > 1024 {
		return nil, fmt.Errorf("update key of %d bytes is too long", len(key))
	}
	k, err := appendPlatform(make([]byte, 0, 1+len(p)+len(key)), p)
	if err != nil {
		return nil, err
	}
	return append(k, key...), nil
}

// timeKey returns t as 8 big-endian bytes of Unix milliseconds, clamped at
// zero so that it sorts.
func timeKey(ms int64) []byte {
	if ms < 0 {
		ms = 0
	}
	return u64(uint64(ms))
}

// sentKey returns the key of the count of messages sent on platform p in
// month (yyyymm).
func sentKey(p bot.Platform, month int) ([]byte, error) {
	k, err := appendPlatform(make([]byte, 0, len(p)+5), p)
	if err != nil {
		return nil, err
	}
	return binary.BigEndian.AppendUint32(k, uint32(month)), nil
}
