package flows

// Typed views shared by several text families: the data a text of
// flows/text/*.txt is rendered with. Field names are the templates' names;
// text/template fails on a field a view lacks, which views_test.go checks
// for every key. Views used by one flow only live next to it.

// nameView feeds texts that name one member.
type nameView struct{ Name string }

// cellView feeds texts that name one cell.
type cellView struct{ Cell string }

// nameCellView feeds texts that name a member and their cell.
type nameCellView struct{ Name, Cell string }

// cmdView feeds texts that name a command.
type cmdView struct{ Cmd string }

// codeView feeds texts that quote an invitation code.
type codeView struct{ Code string }

// countView feeds texts about the N choices of a question: the hint under
// it and the refusal of a Number that is none of them. Open says the
// question takes typed text too; Label is the first choice's label
// without its leading symbols.
type countView struct {
	N      int
	Open   bool
	Label  string
	Number string
}

// tooLongView feeds texts that refuse an input of N characters over Max.
type tooLongView struct{ Max, N int }

// monthView feeds texts that name a reporting month.
type monthView struct{ Month string }

// noPledgeView feeds the note that a member reporting month Month has no
// pledge for its Year; CanPledge when /dangky would open that year's.
type noPledgeView struct {
	Month     string
	Year      int
	CanPledge bool
}

// memberMonthView feeds texts about one member's report of a month; Body
// is the rendered report, when the text shows it.
type memberMonthView struct{ Name, Month, Body string }

// welcomeView feeds greetings: the member's name and cell, when known, and
// the organisation's name.
type welcomeView struct{ Name, Cell, Org string }

// botView feeds texts that name the bot of a platform.
type botView struct{ Bot string }

// inputView feeds refusals that quote what was typed.
type inputView struct{ Input string }
