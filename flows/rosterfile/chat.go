package rosterfile

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"time"

	"lamtheo/bot"
	"lamtheo/flows"
	"lamtheo/flows/text"
)

// DefaultChatMaxRows is how many member rows a file sent in chat may hold:
// a cell's roster, or a commune's; a province's goes through the server
// command (lamtheo import-roster).
const DefaultChatMaxRows = 5_000

// ChatMaxProblems is how many problems the preview of a file sent in chat
// lists; it counts the rest.
const ChatMaxProblems = 300

// Chat is the import of roster files sent in chat: it implements
// flows.RosterFiles for the engine, which cmd/lamtheo hands it. The zero
// Limits mean DefaultChatMaxRows rows and bot.MaxDocument bytes.
type Chat struct {
	Text   *text.Catalog
	Limits Limits
}

var _ flows.RosterFiles = Chat{}

// chatRead is a file read in chat, as the conversation keeps it until the
// person confirms it, and who sent it (their own entry is kept, see
// Plan.KeepClaimedBy).
type chatRead struct {
	File File
	By   flows.MemberID `json:",omitempty"`
}

// Read implements flows.RosterFiles.
func (c Chat) Read(data []byte, cells []flows.Cell, only []string, by flows.MemberID) (json.RawMessage, error) {
	lim := c.Limits
	if lim.MaxRows <= 0 {
		lim.MaxRows = DefaultChatMaxRows
	}
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = bot.MaxDocument
	}
	f, err := Parse(bytes.NewReader(data), cells, lim)
	if err != nil {
		return nil, err
	}
	if only != nil {
		f.OnlyCells(only)
	}
	return json.Marshal(chatRead{File: *f, By: by})
}

// plan decodes read and plans it against the rosters in tx.
func (c Chat) plan(tx flows.Tx, read json.RawMessage) (*Plan, error) {
	var cr chatRead
	if err := json.Unmarshal(read, &cr); err != nil {
		return nil, fmt.Errorf("roster file read in chat: %w", err)
	}
	cells, err := tx.Cells()
	if err != nil {
		return nil, err
	}
	p, err := PlanIn(tx, &cr.File, cells)
	if err != nil {
		return nil, err
	}
	p.KeepClaimedBy(cr.By)
	return p, nil
}

// Preview implements flows.RosterFiles.
func (c Chat) Preview(tx flows.Tx, read json.RawMessage) (string, uint64, bool, error) {
	p, err := c.plan(tx, read)
	if err != nil {
		return "", 0, false, err
	}
	return p.PreviewMax(c.Text, ChatMaxProblems).Render(c.Text), p.Stamp(), !p.File.Blocked() && len(p.Cells) > 0, nil
}

// Apply implements flows.RosterFiles.
func (c Chat) Apply(tx flows.Tx, read json.RawMessage, stamp uint64, now time.Time) (string, error) {
	p, err := c.plan(tx, read)
	if err != nil {
		return "", err
	}
	if p.Stamp() != stamp {
		return "", ErrStale
	}
	if err := p.Apply(tx, c.Text, now); err != nil {
		return "", err
	}
	return p.AppliedText(c.Text), nil
}

// Refusal implements flows.RosterFiles.
func (c Chat) Refusal(err error) (string, bool) { return ErrorText(c.Text, err) }

// Stamp returns the fingerprint of the rosters p was made from, one
// number for all its cells.
func (p *Plan) Stamp() uint64 {
	var b []byte
	for _, cp := range p.Cells {
		b = binary.AppendUvarint(append(append(b, cp.Cell.Code...), 0), cp.Stamp)
	}
	return fnvStamp(b)
}

// fnvStamp returns the 64-bit FNV-1a hash of b.
func fnvStamp(b []byte) uint64 {
	h := fnv.New64a()
	h.Write(b)
	return h.Sum64()
}
