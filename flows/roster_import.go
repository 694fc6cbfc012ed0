package flows

import (
	"encoding/json"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// RosterFiles reads a roster file sent in chat, previews it and writes it:
// what the chat import needs of flows/rosterfile, which cmd/lamtheo hands
// the engine (flows does not import it). Its methods may be called
// concurrently; they do no I/O but through the Tx they are given.
type RosterFiles interface {
	// Read parses data, a spreadsheet, against the organisation's cells;
	// with only set, the rows of every other cell are problems (a
	// secretary imports their own cell). by is the member who sent it (0
	// for none): the entry they claim stays on the roster even when the
	// file leaves it out. It returns what was read, as JSON for the
	// conversation to keep; a file refused as a whole gives an error that
	// Refusal explains.
	Read(data []byte, cells []Cell, only []string, by MemberID) (json.RawMessage, error)
	// Preview plans read against the rosters in tx: the preview to show
	// (counts per cell, every problem by row), the fingerprint of those
	// rosters, and whether the file may be written.
	Preview(tx Tx, read json.RawMessage) (preview string, stamp uint64, ok bool, err error)
	// Apply writes read through tx, in the caller's one transaction, when
	// the rosters still have stamp, and returns what to say once written.
	Apply(tx Tx, read json.RawMessage, stamp uint64, now time.Time) (string, error)
	// Refusal returns what a person is told about an error of Read or
	// Apply, and whether it is one of theirs.
	Refusal(err error) (string, bool)
}

// flowRosterImport asks to confirm the import of a roster file sent in
// chat (see rosterImporting).
var flowRosterImport = conversation[rosterImporting, string]{name: "rosterimport"}

// rosterImporting is the state of the roster import: the file as read,
// and the fingerprint of the rosters its preview was made from.
type rosterImporting struct {
	Read  json.RawMessage
	Stamp uint64
}

// rosterImportConfirm is the roster import's only step.
const rosterImportConfirm = "confirm"

// sizeView feeds the refusal of a file larger than Max megabytes.
type sizeView struct{ Max int }

// documentMessage answers a file sent in a private chat: a secretary's or
// an admin's is read as a roster file, previewed, and written once
// confirmed (a secretary's may change their own cell only). The file was
// fetched by the adapter before the transaction.
func (r *req) documentMessage() error {
	if r.m.Group {
		return nil
	}
	role, err := r.role()
	if err != nil {
		return err
	}
	doc := r.m.Document
	if role < RoleSecretary || doc == nil || r.e.Rosters == nil {
		return refuse(text.NotText, nil)
	}
	switch {
	case doc.TooBig:
		return refuse(text.RosterFileTooBig, sizeView{Max: bot.MaxDocument >> 20})
	case doc.Failed:
		return refuse(text.RosterFileFailed, nil)
	}
	cells, err := r.tx.Cells()
	if err != nil {
		return err
	}
	var only []string
	if !r.admin() {
		only = []string{r.member.Cell}
	}
	var by MemberID
	if r.isMember {
		by = r.member.ID
	}
	read, err := r.e.Rosters.Read(doc.Data, cells, only, by)
	if err != nil {
		return r.rosterRefused(err)
	}
	return r.previewImport(read)
}

// rosterRefused tells the person why the roster file was refused, or
// returns err when it is none of the file's.
func (r *req) rosterRefused(err error) error {
	msg, ok := r.e.Rosters.Refusal(err)
	if !ok {
		return err
	}
	r.finish()
	r.send(bot.Reply{Chat: r.m.Chat, Text: msg})
	return nil
}

// previewImport shows the preview of read and, when it may be written,
// asks to confirm it.
func (r *req) previewImport(read json.RawMessage) error {
	preview, stamp, ok, err := r.e.Rosters.Preview(r.tx, read)
	if err != nil {
		return err
	}
	r.send(bot.Reply{Chat: r.m.Chat, Text: preview})
	if !ok {
		r.finish()
		return nil
	}
	flowRosterImport.begin(r, rosterImportConfirm, &rosterImporting{Read: read, Stamp: stamp})
	r.ask(text.RosterImportAsk, nil, r.yesNo(text.RosterImportYes))
	return nil
}

// rosterImportAnswer takes the answer to the import's confirmation: the
// file is written in this one transaction, or, when a roster changed
// since the preview, nothing is and the fresh preview is asked again.
func (r *req) rosterImportAnswer(s *rosterImporting, in input) error {
	if role, err := r.role(); err != nil {
		return err
	} else if role < RoleSecretary {
		r.finish()
		return refuse(text.NeedSecretary, nil)
	}
	if yes, err := r.confirmed(in); !yes {
		return err
	}
	if r.e.Rosters == nil {
		r.finish()
		return refuse(text.StaleChoice, nil)
	}
	done, err := r.e.Rosters.Apply(r.tx, s.Read, s.Stamp, r.now)
	if err != nil {
		if msg, ok := r.e.Rosters.Refusal(err); ok {
			r.send(bot.Reply{Chat: r.m.Chat, Text: msg})
			return r.previewImport(s.Read)
		}
		return err
	}
	r.finish()
	r.send(bot.Reply{Chat: r.m.Chat, Text: done})
	return nil
}
