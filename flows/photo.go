package flows

import (
	"strings"

	"lamtheo/bot"
)

// photoMessage handles a photo, its caption in r.m.Text. A caption is
// what the person wrote with the photo, so it is read as they would have
// typed it, and the photo is kept with the report it belongs to:
//
//   - in a conversation, the flow takes the photo at the step that asks
//     for one, and a photo with a caption at a step that expects a text
//     (a report's deed): the caption is the text, the photo is the
//     report's photo;
//   - otherwise, in a private chat, a caption that is a command runs as
//     typed, and a report it opens (/baocao, or a report in one message)
//     keeps the photo; a member's caption that is no command is a report
//     in one message, with the photo: read as one after /baocao when it is
//     written so, else as the month's other deed (see parseQuick);
//   - anything else is not read (notText; nothing in a group).
func (r *req) photoMessage() error {
	caption := strings.TrimSpace(r.m.Text)
	if r.active() && !r.expired() {
		if r.wantsPhoto(caption != "") {
			return r.answer(input{Photo: r.m.PhotoID, Text: caption})
		}
		return r.notText()
	}
	if r.m.Group || caption == "" || r.active() {
		return r.notText()
	}
	_, _, isCmd := parseCommand(caption)
	if !isCmd && !(r.isMember && r.member.Cell != "") {
		return r.notText()
	}
	r.photo = r.m.PhotoID
	r.m.Kind, r.m.Text = bot.KindText, caption
	if !isCmd {
		if _, err := ParseQuickReport(caption); err == nil && isQuickReport(caption) {
			r.m.Text = "/baocao " + caption
		} else {
			t, err := cleanInput(caption, MaxItemText)
			if err != nil {
				return err
			}
			r.caption, r.m.Text = t, "/baocao"
		}
	}
	return r.dispatch()
}

// attach puts the photo a report was opened with (see photoMessage) into
// d, the report being opened, in place of d's.
func (r *req) attach(d *reportDraft) {
	if r.photo != "" {
		d.Photo = r.photo
	}
}

// addCaption returns the other deeds other with caption added: caption
// alone when there are none, other when it says caption already.
func addCaption(other, caption string) string {
	switch {
	case other == "":
		return caption
	case caption == "" || strings.Contains(other, caption):
		return other
	}
	return other + "; " + caption
}
