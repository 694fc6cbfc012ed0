package flows

import (
	"slices"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// checkUserRoom refuses connecting the sender to cell through this chat's
// platform when the platform's plan does not serve cell, or when it has as
// many people connected as its plan allows (the sender's secretaries and
// the admins are told once a day what to do about it).
func (r *req) checkUserRoom(cell Cell) error {
	p := r.m.Chat.Platform
	plan := r.e.plan(p)
	if !plan.Serves(cell.Code) {
		return refuse(text.ConnectWrongBot, inviteCodeView{Cell: cell.Name, Bots: r.e.servingBots(cell.Code)})
	}
	if plan.Users <= 0 || r.isMember || r.hasPending {
		return nil // already counted
	}
	n, err := r.tx.Users(p)
	if err != nil {
		return err
	}
	if n < plan.Users {
		return nil
	}
	data := botFullView{Max: plan.Users, Cell: cell.Name, Name: r.m.FromName, Bot: r.e.caps(p).Name}
	if err := r.tellLeadersOnce("full:"+r.m.From.String()+"@"+r.now.In(r.e.loc()).Format("2006-01-02"),
		cell.Code, r.t(text.ConnectBotFullNote, data)); err != nil {
		return err
	}
	return refuse(text.ConnectBotFull, data)
}

// checkGroupRoom refuses linking this group chat to cell when the
// platform's plan allows no more groups; the cell's secretaries are told.
func (r *req) checkGroupRoom(cell Cell) error {
	p := r.m.Chat.Platform
	plan := r.e.plan(p)
	if plan.Groups <= 0 {
		return nil
	}
	n, err := groupsOn(r.tx, p, r.m.Chat) // relinking a group takes no more room
	if err != nil || n < plan.Groups {
		return err
	}
	data := botFullView{Max: plan.Groups, Cell: cell.Name, Group: r.m.ChatTitle, Bot: r.e.caps(p).Name}
	if err := r.tellLeadersOnce("groupfull:"+r.m.Chat.String()+"#"+cell.Code, cell.Code, r.t(text.LinkBotFullNote, data)); err != nil {
		return err
	}
	return refuse(text.LinkBotFull, data)
}

// tellLeadersOnce sends body (with choices) privately to the secretaries of
// cell, or to the admins when it has none, unless a note under key went out
// before.
func (r *req) tellLeadersOnce(key, cell, body string, choices ...[]bot.Choice) error {
	if done, err := r.tx.JobRan("note:" + key); err != nil || done {
		return err
	}
	if err := r.tx.MarkJob("note:"+key, r.now); err != nil {
		return err
	}
	reps, err := leaderReplies(r.tx, r.e.Cfg.Admins, cell, body, choices)
	if err != nil {
		return err
	}
	for _, rep := range reps {
		rep.Bulk = false
		r.send(rep)
	}
	return nil
}

// leaderReplies returns body (with choices) to each secretary of cell, or to
// each admin when the cell has no secretary, each once and where the bot can
// reach them.
func leaderReplies(tx Tx, admins []bot.UserID, cell, body string, choices [][]bot.Choice) ([]bot.Reply, error) {
	ms, err := tx.Members(cell)
	if err != nil {
		return nil, err
	}
	var out []bot.Reply
	for _, s := range secretariesOf(ms, cell) {
		reps, err := privateReplies(tx, s.PrivateChats(), body, choices)
		if err != nil {
			return nil, err
		}
		out = append(out, reps...)
	}
	if len(out) > 0 {
		return out, nil
	}
	for _, chats := range adminChats(admins) {
		reps, err := privateReplies(tx, chats, body, choices)
		if err != nil {
			return nil, err
		}
		out = append(out, reps...)
	}
	return out, nil
}

// adminChats returns the private chats of the admins, one list per person:
// the identities with one id on several bots of a platform (a Zalo id
// configured once serves on every Zalo bot) are one person.
func adminChats(admins []bot.UserID) [][]bot.ChatID {
	var out [][]bot.ChatID
	index := map[string]int{}
	for _, u := range admins {
		if i, ok := index[u.ID]; ok {
			out[i] = append(out[i], u.PrivateChat())
			continue
		}
		index[u.ID] = len(out)
		out = append(out, []bot.ChatID{u.PrivateChat()})
	}
	return out
}

// shareCode gives the acting cell's connection code in a private chat, to
// share by hand, in a meeting, or where the cell has no group on a bot.
func (r *req) shareCode() error {
	code, asked, err := r.actingCell()
	if err != nil || asked {
		return err
	}
	cell, ok, err := r.tx.Cell(code)
	if err != nil {
		return err
	}
	if !ok {
		return refuse(text.StaleChoice, nil)
	}
	inv, err := r.newInvite(cell.Code, bot.ChatID{})
	if err != nil {
		return err
	}
	bots := r.e.servingBots(cell.Code)
	slices.Sort(bots)
	r.say(text.InviteCode, inviteCodeView{
		Cell: cell.Name, Code: inv.Code, Bots: bots,
		Until: inv.Expires.In(r.e.loc()).Format("02/01/2006"),
	})
	// Older codes still work: offer to revoke them, in case one leaked.
	n, err := r.liveCodes(cell.Code, inv.Code)
	if err != nil || n == 0 {
		return err
	}
	flowLink.begin(r, linkRevoke, &linking{Cell: cell.Code, Code: inv.Code})
	r.ask(text.LinkRevokeAsk, revokeView{Cell: cell.Name, N: n, Code: inv.Code},
		row(choice(r.t(text.LinkRevokeYes, nil), linkRevokeYes)),
		row(noChoice(r.t(text.LinkRevokeNo, nil), linkRevokeNo)))
	return nil
}

// where names platform p for texts: "Zalo (bot «Bot Xã Demo»)".
func (e *Engine) where(p bot.Platform) string {
	c := e.caps(p)
	return e.t(text.PlatformWhere, platformView{Service: c.Service, Bot: c.Name})
}

// botFullView feeds the refusals and notes when a bot's plan is full: Max
// people or groups, who (Name) or which group could not connect to Cell.
type botFullView struct {
	Max                    int
	Cell, Name, Group, Bot string
}

// inviteCodeView feeds the texts that give or check a cell's code: until
// when it works and which bots serve the cell.
type inviteCodeView struct {
	Cell, Code, Until string
	Bots              []string
}

// revokeView feeds the question and the report of revoking N old codes of
// Cell, keeping Code; Groups is how many groups got a new button.
type revokeView struct {
	Cell, Code string
	N, Groups  int
}

// platformView feeds the name of a platform and its bot.
type platformView struct{ Service, Bot string }
