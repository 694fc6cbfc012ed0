package flows

import (
	"slices"
	"strconv"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// flowRoster is the secretary's work on their cell's roster: /danhsach and
// the answers to the notes about people who connect (see rostering).
var flowRoster = conversation[rostering, rosterStep]{name: "roster"}

// rostering is the state of the roster flow.
type rostering struct {
	Cell string
	// Stamp is the fingerprint (RosterStamp) of the cell's roster as it
	// was shown: a change confirmed on a roster changed since is refused.
	Stamp  uint64
	Action rosterAction
	Entry  RosterID // the entry acted on
	Member MemberID // the account acted on (the decisions about a connection)
	Name   string   // the name typed (add, rename)
	Status RosterStatus
}

// rosterStep is a step of the roster flow.
type rosterStep string

// The roster flow's steps.
const (
	rosterMenu    rosterStep = "menu"    // what to do (rosterAction choices)
	rosterPick    rosterStep = "pick"    // which person: STT or name typed, or a choice
	rosterName    rosterStep = "name"    // type the name
	rosterStatusQ rosterStep = "status"  // which status
	rosterConfirm rosterStep = "confirm" // sure?
)

// rosterAction is what the secretary does to the roster: the menu's
// choices (data rosterActPrefix+action) and the actions of the buttons of
// the notes about a connection (rosterGo).
type rosterAction string

// The roster actions.
const (
	rosterAdd      rosterAction = "them"      // add a person
	rosterRename   rosterAction = "sua"       // rename an entry
	rosterStatus   rosterAction = "trangthai" // change an entry's status
	rosterRemove   rosterAction = "xoa"       // take an entry off the roster
	rosterTemplate rosterAction = "mau"       // send the template file
	rosterImport   rosterAction = "nhap"      // how to import a file
	rosterLink     rosterAction = "ghep"      // a connected account is this entry's person
	rosterNew      rosterAction = "moi"       // a connected account is a new person: add them
	rosterDrop     rosterAction = "ngat"      // a connected account is nobody of the cell: disconnect it
	rosterUnclaim  rosterAction = "bo"        // a claim was wrong: take it off the entry
)

// Choice data of the roster flow.
const (
	rosterActPrefix    choiceData = "a:" // + a rosterAction
	rosterEntryPrefix  choiceData = "e:" // + an entry's decimal id
	rosterStatusPrefix choiceData = "s:" // + a RosterStatus in decimal
)

// rosterGo returns the data of a note's button that runs action a of the
// roster flow on member m and entry e (0 for none): "go:danhsach:a:m:e".
func rosterGo(a rosterAction, m MemberID, e RosterID) string {
	return goPrefix + "danhsach:" + string(a) + ":" + idString(m) + ":" + strconv.FormatUint(uint64(e), 10)
}

// cmdRoster is /danhsach [mã chi bộ]: the cell's roster with who is
// connected, then what the secretary may change. An admin names the cell
// or picks it. The buttons of the notes about people who connect run it
// with an action, a member and an entry (see rosterGo).
func (r *req) cmdRoster(args string) error {
	if a, rest, ok := strings.Cut(args, ":"); ok {
		return r.rosterDecision(rosterAction(a), rest)
	}
	if args != "" && r.admin() && r.chosenCell == "" {
		cells, err := r.tx.Cells()
		if err != nil {
			return err
		}
		for _, c := range cells {
			if strings.EqualFold(c.Code, args) {
				r.chosenCell = c.Code
			}
		}
	}
	cell, asked, err := r.actingCell()
	if err != nil || asked {
		return err
	}
	return r.showRoster(cell)
}

// rosterListView feeds /danhsach's list: the counts, then a line per
// person on the roster.
type rosterListView struct {
	Cell                                   string
	Total, Connected, NotConnected, Exempt int
	Lines                                  []rosterLineView
}

// rosterLineView is one person of /danhsach's list: their number (STT),
// name, status, role, and whether and where they connected (Via: the
// platforms' names, "" for an account of unknown platform).
type rosterLineView struct {
	N                  int
	Name, Status, Role string
	Connected          bool
	Via                string
}

// onRosterOnly returns the entries of roster still on it, in the roster's
// order: the order of their numbers (STT).
func onRosterOnly(roster []RosterEntry) []RosterEntry {
	var out []RosterEntry
	for _, e := range roster {
		if e.OnRoster() {
			out = append(out, e)
		}
	}
	return out
}

// rosterStatusName returns the Vietnamese name of s.
func (r *req) rosterStatusName(s RosterStatus) string {
	switch s {
	case RosterProbation:
		return r.t(text.RosterStatusProbation, nil)
	case RosterExempt:
		return r.t(text.RosterStatusExempt, nil)
	}
	return r.t(text.RosterStatusFull, nil)
}

// via returns the names of the platforms e is claimed on ("Telegram,
// Zalo"), leaving out those without a name (the terminal, a claim of
// unknown platform).
func (r *req) via(e RosterEntry) string {
	var names []string
	for _, c := range e.Claims {
		if s := r.e.caps(c.Platform).Service; s != "" && !slices.Contains(names, s) {
			names = append(names, s)
		}
	}
	return strings.Join(names, ", ")
}

// showRoster shows cell's roster (long lists are split by the sender) and
// asks what to change, remembering the roster's stamp.
func (r *req) showRoster(code string) error {
	cell, err := r.flowCell(code)
	if err != nil {
		return err
	}
	roster, err := r.tx.Roster(code)
	if err != nil {
		return err
	}
	v := rosterListView{Cell: cell.Name}
	for i, e := range onRosterOnly(roster) {
		l := rosterLineView{N: i + 1, Name: e.Name, Status: r.rosterStatusName(e.Status), Role: e.Role,
			Connected: e.Connected(), Via: r.via(e)}
		v.Total++
		if l.Connected {
			v.Connected++
		} else {
			v.NotConnected++
		}
		if e.Status == RosterExempt {
			v.Exempt++
		}
		v.Lines = append(v.Lines, l)
	}
	r.say(text.RosterList, v)
	flowRoster.begin(r, rosterMenu, &rostering{Cell: code, Stamp: RosterStamp(roster)})
	act := func(k text.Key, a rosterAction) []bot.Choice {
		return row(choice(r.t(k, nil), rosterActPrefix+choiceData(a)))
	}
	r.ask(text.RosterMenu, nil, act(text.RosterMenuAdd, rosterAdd), act(text.RosterMenuRename, rosterRename),
		act(text.RosterMenuStatus, rosterStatus), act(text.RosterMenuRemove, rosterRemove),
		act(text.RosterMenuTemplate, rosterTemplate), act(text.RosterMenuImport, rosterImport))
	return nil
}

// rosterAnswer takes an answer to the roster flow.
func (r *req) rosterAnswer(s *rostering, in input) error {
	if err := r.mayRunCell(s.Cell); err != nil {
		return err
	}
	cell, err := r.flowCell(s.Cell)
	if err != nil {
		return err
	}
	switch rosterStep(r.sess.Step) {
	case rosterMenu:
		a, ok := cutChoice(in.Data, rosterActPrefix)
		if !ok {
			return refuse(text.ChooseAbove, nil)
		}
		return r.rosterMenuChosen(s, rosterAction(a), cell)
	case rosterPick:
		return r.rosterPicked(s, in, cell)
	case rosterName:
		if in.Text == "" {
			return refuse(text.RosterAskName, nil)
		}
		name, err := validName(in.Text)
		if err != nil {
			return err
		}
		s.Name = name
		if s.Action == rosterAdd {
			return r.askRosterStatus(s, "")
		}
		return r.askRosterConfirm(s, cell)
	case rosterStatusQ:
		v, ok := cutChoice(in.Data, rosterStatusPrefix)
		n, err := strconv.Atoi(v)
		if !ok || err != nil || !RosterStatus(n).Valid() {
			return refuse(text.ChooseAbove, nil)
		}
		s.Status = RosterStatus(n)
		return r.askRosterConfirm(s, cell)
	case rosterConfirm:
		if yes, err := r.confirmed(in); !yes {
			return err
		}
		return r.applyRoster(s, cell)
	}
	r.finish()
	return refuse(text.NotUnderstood, nil)
}

// rosterMenuChosen starts the action a chosen in /danhsach's menu.
func (r *req) rosterMenuChosen(s *rostering, a rosterAction, cell Cell) error {
	s.Action = a
	switch a {
	case rosterAdd:
		moveTo(r, rosterName)
		r.say(text.RosterAskName, nil)
		return nil
	case rosterRename, rosterStatus, rosterRemove:
		moveTo(r, rosterPick)
		r.say(text.RosterAskPick, nil)
		return nil
	case rosterTemplate:
		r.finish()
		return r.sendTemplate(cell)
	case rosterImport:
		r.finish()
		if r.e.caps(r.m.Chat.Platform).ReceiveFiles {
			r.say(text.RosterImportHow, nil)
		} else {
			r.say(text.RosterImportElsewhere, nil)
		}
		return nil
	}
	return refuse(text.ChooseAbove, nil)
}

// rosterPickView feeds the answers to a person typed to pick: what was
// Typed, how many are on the roster (Max).
type rosterPickView struct {
	Typed string
	Max   int
}

// rosterPicked takes the person picked, by number (STT) or name typed, or
// by the choice among those of a name.
func (r *req) rosterPicked(s *rostering, in input, cell Cell) error {
	roster, err := r.tx.Roster(s.Cell)
	if err != nil {
		return err
	}
	if RosterStamp(roster) != s.Stamp {
		return r.rosterStale(s.Cell)
	}
	list := onRosterOnly(roster)
	if id, ok := cutChoice(in.Data, rosterEntryPrefix); ok {
		for _, e := range list {
			if strconv.FormatUint(uint64(e.ID), 10) == id {
				return r.rosterEntryPicked(s, e)
			}
		}
		return refuse(text.StaleChoice, nil)
	}
	typed := strings.TrimSpace(in.Text)
	if typed == "" {
		return refuse(text.RosterAskPick, nil)
	}
	found := pickRoster(list, typed)
	switch len(found) {
	case 0:
		return refuse(text.RosterPickNone, rosterPickView{Typed: typed, Max: len(list)})
	case 1:
		return r.rosterEntryPicked(s, found[0])
	}
	var rows [][]bot.Choice
	for _, e := range found {
		rows = append(rows, row(choice(e.Name+" — "+r.rosterStatusName(e.Status), rosterEntryPrefix+choiceData(strconv.FormatUint(uint64(e.ID), 10)))))
	}
	r.ask(text.RosterPickWhich, rosterPickView{Typed: typed, Max: len(found)}, rows...)
	return nil
}

// pickRoster returns the entries of list (on the roster, numbered from 1)
// that typed names: its number; or its name as matchRoster reads names
// (diacritics, case, spacing, word order); or, failing that, the entries
// whose name holds the typed words in a row («An», «Văn An»).
func pickRoster(list []RosterEntry, typed string) []RosterEntry {
	if n, err := strconv.Atoi(typed); err == nil {
		if n >= 1 && n <= len(list) {
			return list[n-1 : n]
		}
		return nil
	}
	folded := FoldName(typed)
	if folded == "" {
		return nil
	}
	words := sortedWords(folded)
	for _, same := range []func(f string) bool{
		func(f string) bool { return f == folded },
		func(f string) bool { return sortedWords(f) == words },
		func(f string) bool { return strings.Contains(" "+f+" ", " "+folded+" ") },
	} {
		var found []RosterEntry
		for _, e := range list {
			if same(FoldName(e.Name)) {
				found = append(found, e)
			}
		}
		if len(found) > 0 {
			return found
		}
	}
	return nil
}

// rosterEntryPicked goes on with the person e picked.
func (r *req) rosterEntryPicked(s *rostering, e RosterEntry) error {
	s.Entry = e.ID
	switch s.Action {
	case rosterRename:
		moveTo(r, rosterName)
		r.say(text.RosterAskRename, nameView{Name: e.Name})
		return nil
	case rosterStatus:
		return r.askRosterStatus(s, e.Name)
	}
	cell, err := r.flowCell(s.Cell)
	if err != nil {
		return err
	}
	return r.askRosterConfirm(s, cell)
}

// rosterStatusView feeds the question of a status: the person's Name.
type rosterStatusView struct{ Name string }

// askRosterStatus asks which status the person (name; "" for one being added)
// is to have.
func (r *req) askRosterStatus(s *rostering, name string) error {
	moveTo(r, rosterStatusQ)
	var rows [][]bot.Choice
	for _, st := range []RosterStatus{RosterFull, RosterProbation, RosterExempt} {
		rows = append(rows, row(choice(r.rosterStatusName(st), rosterStatusPrefix+choiceData(strconv.Itoa(int(st))))))
	}
	r.ask(text.RosterAskStatus, rosterStatusView{Name: name}, rows...)
	return nil
}

// rosterStale refuses a change to cell's roster that changed since it was
// shown, and shows it again.
func (r *req) rosterStale(cell string) error {
	r.finish()
	r.say(text.RosterChatStale, nil)
	return r.showRoster(cell)
}
