package flows

import (
	"slices"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// Platforms tells the engine what the Conn serving each platform can do.
type Platforms interface {
	// Caps returns the capabilities of platform p's Conn; ok is false when
	// no Conn serves p.
	Caps(p bot.Platform) (c bot.Caps, ok bool)
	// All returns the capabilities of every Conn served, in a stable order.
	All() []bot.Caps
}

// Plan is what one platform connection, such as one Zalo bot, may do for
// the organisation: the cells it serves and the limits of its plan.
type Plan struct {
	Cells    []string // codes of the cells it serves; nil: every cell
	Users    int      // people it may connect; 0: no limit
	Groups   int      // group chats it may serve; 0: no limit
	Messages int      // messages it may send in a calendar month; 0: no limit
}

// Serves reports whether the plan's connection serves cell.
func (p Plan) Serves(cell string) bool { return p.Cells == nil || slices.Contains(p.Cells, cell) }

// textKey returns k, or its variant for platforms without buttons (the
// key with "_typed" appended, where the catalogue has one) when platform p
// shows choices as a numbered list.
func (e *Engine) textKey(p bot.Platform, k text.Key) text.Key {
	if e.caps(p).Buttons {
		return k
	}
	if v := k + "_typed"; e.text().Has(v) {
		return v
	}
	return k
}

// caps returns what platform p can do (the zero Caps when unknown).
func (e *Engine) caps(p bot.Platform) bot.Caps {
	if e.Platforms == nil {
		return bot.Caps{}
	}
	c, _ := e.Platforms.Caps(p)
	return c
}

// plan returns platform p's plan: the zero Plan (every cell, no limit)
// when it has none.
func (e *Engine) plan(p bot.Platform) Plan { return e.Cfg.Plans[p] }

// servingBots returns the names of the served platforms that serve cell and
// that people must address by name (those with a Name), for texts that tell
// a person which bot to write to.
func (e *Engine) servingBots(cell string) []string {
	if e.Platforms == nil {
		return nil
	}
	var out []string
	for _, c := range e.Platforms.All() {
		if c.Name != "" && e.plan(c.Platform).Serves(cell) {
			out = append(out, c.Name)
		}
	}
	return out
}

// groupsOn returns how many group chats of platform p are linked to cells,
// not counting except.
func groupsOn(tx Tx, p bot.Platform, except bot.ChatID) (int, error) {
	cells, err := tx.Cells()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range cells {
		for _, g := range c.Groups {
			if g.Platform == p && g != except {
				n++
			}
		}
	}
	return n, nil
}

// firstPlatform returns the platform the bot writes to m on first ("" when
// m has no identity).
func firstPlatform(m Member) bot.Platform {
	if len(m.Users) == 0 {
		return ""
	}
	return m.Users[0].Platform
}
