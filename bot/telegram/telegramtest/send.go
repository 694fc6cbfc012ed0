package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"image"
	_ "image/jpeg" // uploaded photos
	_ "image/png"  //
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Button is one inline keyboard button the bot sent.
type Button struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

// Sent is one message the fake accepted from the bot: a send or an
// edit.
type Sent struct {
	Method    string // sendMessage, editMessageText, sendPhoto or sendDocument
	ChatID    int64
	MessageID int64  // the new message, or the edited one
	Text      string // text or caption exactly as sent (with markup)
	Plain     string // Text after parse_mode was applied: what the person reads
	ParseMode string
	// ReplyMarkup is the raw reply_markup JSON, Buttons its inline keyboard.
	ReplyMarkup string
	Buttons     [][]Button
	Photo       string // sendPhoto: the file id or URL, or the uploaded file's name
	FileName    string // an uploaded document's or photo's file name
	FileData    []byte // the uploaded bytes
	// Width and Height of an uploaded photo that decodes as PNG or JPEG
	// (0 otherwise).
	Width, Height int
	Time          time.Time
}

// MarkupEdit is one editMessageReplyMarkup call the fake accepted:
// the message's buttons were replaced by Buttons (none: removed).
type MarkupEdit struct {
	ChatID    int64
	MessageID int64
	Buttons   [][]Button
	Time      time.Time
}

// CallbackAnswer is one answerCallbackQuery call.
type CallbackAnswer struct {
	ID        string
	Text      string
	ShowAlert bool
}

// Command is one command of a setMyCommands call.
type Command struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// Sent returns the messages accepted for chat, sends and text edits
// (editMessageText), in order. Changes of buttons alone
// (editMessageReplyMarkup) are in MarkupEdits.
func (f *Server) Sent(chat int64) []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Sent, 0, len(f.byChat[chat]))
	for _, i := range f.byChat[chat] {
		out = append(out, f.sent[i])
	}
	return out
}

// Message returns the message id of chat as the person sees it now: its
// last text and its buttons after every edit.
func (f *Server) Message(chat, id int64) (Sent, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.messages[[2]int64{chat, id}]
	return m, ok
}

// MarkupEdits returns the editMessageReplyMarkup calls accepted for chat,
// in order.
func (f *Server) MarkupEdits(chat int64) []MarkupEdit {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []MarkupEdit
	for _, e := range f.markups {
		if e.ChatID == chat {
			out = append(out, e)
		}
	}
	return out
}

// AllSent returns every accepted message, in order.
func (f *Server) AllSent() []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

// CallbackAnswers returns every answerCallbackQuery call, in order.
func (f *Server) CallbackAnswers() []CallbackAnswer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.answers)
}

// Commands returns the commands set for scope ("default",
// "all_private_chats", "all_group_chats", "all_chat_administrators",
// "chat:<id>", "chat_administrators:<id>", "chat_member:<chat>:<user>") and
// language code (empty for all languages).
func (f *Server) Commands(scope, lang string) []Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.commands[scope+"|"+lang])
}

func (f *Server) send(w http.ResponseWriter, method string, chatID int64, form url.Values, files map[string][]*multipart.FileHeader) {
	fail := func(desc string) {
		fault := Fault{Code: 400, Description: "Bad Request: " + desc}
		f.mu.Lock()
		f.recordErrorLocked(method, chatID, fault)
		f.mu.Unlock()
		writeError(w, fault)
	}
	if chatID == 0 {
		fail("chat_id is empty")
		return
	}
	s := Sent{Method: methodName(method), ChatID: chatID, ParseMode: form.Get("parse_mode")}
	textKey, maxLen := "caption", 1024
	if method == "sendmessage" || method == "editmessagetext" {
		textKey, maxLen = "text", 4096
	}
	s.Text = form.Get(textKey)
	plain, err := plainText(s.Text, s.ParseMode)
	if err != nil {
		fail("can't parse entities: " + err.Error())
		return
	}
	s.Plain = plain
	if textKey == "text" && strings.TrimSpace(plain) == "" {
		fail("message text is empty")
		return
	}
	if textLen(plain) > maxLen {
		if textKey == "text" {
			fail("message is too long")
		} else {
			fail("message caption is too long")
		}
		return
	}
	if rm := form.Get("reply_markup"); rm != "" && rm != "null" {
		buttons, err := keyboard(rm)
		if err != nil {
			fail(err.Error())
			return
		}
		s.ReplyMarkup = rm
		s.Buttons = buttons
	}
	switch method {
	case "sendphoto", "senddocument":
		field := "photo"
		if method == "senddocument" {
			field = "document"
		}
		if fh := files[field]; len(fh) > 0 {
			data, err := readFile(fh[0])
			if err != nil {
				fail("can't read the uploaded file")
				return
			}
			s.FileName, s.FileData = fh[0].Filename, data
			if field == "photo" {
				s.Photo = fh[0].Filename
				if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
					s.Width, s.Height = cfg.Width, cfg.Height
					if w, h := cfg.Width, cfg.Height; w+h > 10000 || max(w, h) > 20*min(w, h) {
						fail("PHOTO_INVALID_DIMENSIONS")
						return
					}
				}
			}
		} else if v := form.Get(field); v != "" {
			if field == "photo" {
				s.Photo = v
			} else {
				s.FileName = v
			}
		} else {
			fail("there is no " + field + " in the request")
			return
		}
	}

	result, fault := f.accept(s, form)
	if fault != nil {
		writeError(w, *fault)
		return
	}
	writeResult(w, result)
}

// keyboard parses and checks an inline keyboard as Telegram does; the
// error is the text after "Bad Request: ".
func keyboard(markup string) ([][]Button, error) {
	var kb struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(markup), &kb); err != nil {
		return nil, errors.New("can't parse reply keyboard markup JSON object")
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.Text == "" {
				return nil, errors.New("text buttons are unallowed in the inline keyboard")
			}
			if (b.CallbackData == "") == (b.URL == "") {
				return nil, errors.New("BUTTON_TYPE_INVALID")
			}
			if len(b.CallbackData) > 64 {
				return nil, errors.New("BUTTON_DATA_INVALID")
			}
		}
	}
	return kb.InlineKeyboard, nil
}

// editMarkup answers editMessageReplyMarkup: it replaces the buttons of a
// message the fake accepted earlier, and refuses, like Telegram, a message
// it does not know ("message to edit not found") and an edit that changes
// nothing ("message is not modified"). No reply_markup removes the buttons.
func (f *Server) editMarkup(w http.ResponseWriter, chatID int64, form url.Values) {
	const method = "editMessageReplyMarkup"
	fail := func(fault Fault) {
		f.mu.Lock()
		f.recordErrorLocked(method, chatID, fault)
		f.mu.Unlock()
		writeError(w, fault)
	}
	if form.Get("inline_message_id") != "" {
		fail(Fault{Code: 400, Description: "Bad Request: inline messages are not supported by the fake"})
		return
	}
	if chatID == 0 {
		fail(Fault{Code: 400, Description: "Bad Request: chat_id is empty"})
		return
	}
	id, _ := strconv.ParseInt(form.Get("message_id"), 10, 64)
	if id <= 0 {
		fail(Fault{Code: 400, Description: "Bad Request: message identifier is not specified"})
		return
	}
	var buttons [][]Button
	rm := form.Get("reply_markup")
	if rm != "" && rm != "null" {
		var err error
		if buttons, err = keyboard(rm); err != nil {
			fail(Fault{Code: 400, Description: "Bad Request: " + err.Error()})
			return
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	reject := func(fault Fault) {
		f.recordErrorLocked(method, chatID, fault)
		writeError(w, fault)
	}
	m, ok := f.messages[[2]int64{chatID, id}]
	if !ok {
		reject(Fault{Code: 400, Description: "Bad Request: message to edit not found"})
		return
	}
	if sameButtons(m.Buttons, buttons) {
		reject(Fault{Code: 400, Description: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"})
		return
	}
	if wait := f.limitLocked(chatID); wait > 0 {
		reject(Fault{Code: 429, RetryAfter: int(math.Ceil(wait.Seconds()))})
		return
	}
	m.Buttons, m.ReplyMarkup = buttons, ""
	if len(buttons) > 0 {
		m.ReplyMarkup = rm
	}
	f.messages[[2]int64{chatID, id}] = m
	now := time.Now()
	f.markups = append(f.markups, MarkupEdit{ChatID: chatID, MessageID: id, Buttons: buttons, Time: now})
	res := f.resultLocked(m)
	res["edit_date"] = now.Unix()
	writeResult(w, res)
}

// sameButtons reports whether two keyboards show the same buttons.
func sameButtons(a, b [][]Button) bool {
	return slices.EqualFunc(shownRows(a), shownRows(b), slices.Equal[[]Button])
}

// shownRows drops the empty rows of a keyboard, which Telegram does not show.
func shownRows(kb [][]Button) [][]Button {
	return slices.DeleteFunc(slices.Clone(kb), func(row []Button) bool { return len(row) == 0 })
}

// accept records s unless the message to edit is missing or unchanged or a
// rate limit is exceeded; it then returns the error to answer instead.
func (f *Server) accept(s Sent, form url.Values) (map[string]any, *Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	reject := func(fault Fault) (map[string]any, *Fault) {
		f.recordErrorLocked(s.Method, s.ChatID, fault)
		return nil, &fault
	}
	if s.Method == "editMessageText" {
		id, _ := strconv.ParseInt(form.Get("message_id"), 10, 64)
		old, ok := f.messages[[2]int64{s.ChatID, id}]
		if !ok {
			return reject(Fault{Code: 400, Description: "Bad Request: message to edit not found"})
		}
		if old.Text == s.Text && old.ReplyMarkup == s.ReplyMarkup {
			return reject(Fault{Code: 400, Description: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"})
		}
		s.MessageID = id
	}
	if wait := f.limitLocked(s.ChatID); wait > 0 {
		return reject(Fault{Code: 429, RetryAfter: int(math.Ceil(wait.Seconds()))})
	}
	if s.MessageID == 0 {
		s.MessageID = f.nextMsg
		f.nextMsg++
	}
	s.Time = time.Now()
	f.byChat[s.ChatID] = append(f.byChat[s.ChatID], len(f.sent))
	f.sent = append(f.sent, s)
	f.messages[[2]int64{s.ChatID, s.MessageID}] = s
	return f.resultLocked(s), nil
}

func readFile(fh *multipart.FileHeader) ([]byte, error) {
	r, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

func (f *Server) resultLocked(s Sent) map[string]any {
	chat, ok := f.chats[s.ChatID]
	if !ok {
		chat = Chat{ID: s.ChatID, Type: "private"}
		if s.ChatID < 0 {
			chat = Group(s.ChatID, "")
		}
	}
	m := map[string]any{
		"message_id": s.MessageID,
		"date":       s.Time.Unix(),
		"chat":       chatJSON(chat),
		"from":       userJSON(f.Bot),
	}
	if s.Method == "sendMessage" || s.Method == "editMessageText" {
		m["text"] = s.Plain
	} else if s.Plain != "" {
		m["caption"] = s.Plain
	}
	if s.Method == "editMessageText" {
		m["edit_date"] = s.Time.Unix()
	}
	switch s.Method {
	case "sendPhoto":
		id := s.Photo
		if s.FileData != nil {
			id = "photo-" + strconv.FormatInt(s.MessageID, 10)
		}
		w, h := 800, 600
		if s.Width > 0 {
			w, h = s.Width, s.Height
		}
		m["photo"] = []any{map[string]any{"file_id": id, "file_unique_id": id, "width": w, "height": h}}
	case "sendDocument":
		id := s.FileName
		if s.FileData != nil {
			id = "doc-" + strconv.FormatInt(s.MessageID, 10)
		}
		m["document"] = map[string]any{"file_id": id, "file_unique_id": id, "file_name": s.FileName, "file_size": len(s.FileData)}
	}
	if s.ReplyMarkup != "" {
		m["reply_markup"] = json.RawMessage(s.ReplyMarkup)
	}
	return m
}

// answerCallback answers answerCallbackQuery: it records the answer, or
// refuses a text over Telegram's 200 characters.
func (f *Server) answerCallback(w http.ResponseWriter, method string, form url.Values) {
	text := form.Get("text")
	if textLen(text) > 200 { // "0-200 characters"
		fault := Fault{Code: 400, Description: "Bad Request: MESSAGE_TOO_LONG"}
		f.mu.Lock()
		f.recordErrorLocked(method, 0, fault)
		f.mu.Unlock()
		writeError(w, fault)
		return
	}
	f.mu.Lock()
	f.answers = append(f.answers, CallbackAnswer{
		ID: form.Get("callback_query_id"), Text: text, ShowAlert: form.Get("show_alert") == "true",
	})
	f.mu.Unlock()
	writeResult(w, true)
}

func (f *Server) myCommands(w http.ResponseWriter, method string, form url.Values) {
	key := "default"
	if sc := form.Get("scope"); sc != "" && sc != "null" {
		var scope struct {
			Type   string `json:"type"`
			ChatID int64  `json:"chat_id"`
			UserID int64  `json:"user_id"`
		}
		if err := json.Unmarshal([]byte(sc), &scope); err != nil || scope.Type == "" {
			writeError(w, Fault{Code: 400, Description: "Bad Request: can't parse BotCommandScope JSON object"})
			return
		}
		key = scope.Type
		if scope.ChatID != 0 {
			key += ":" + strconv.FormatInt(scope.ChatID, 10)
		}
		if scope.UserID != 0 {
			key += ":" + strconv.FormatInt(scope.UserID, 10)
		}
	}
	key += "|" + form.Get("language_code")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch method {
	case "getmycommands":
		cmds := f.commands[key]
		if cmds == nil {
			cmds = []Command{}
		}
		writeResult(w, cmds)
		return
	case "deletemycommands":
		delete(f.commands, key)
		writeResult(w, true)
		return
	}
	var cmds []Command
	if err := json.Unmarshal([]byte(form.Get("commands")), &cmds); err != nil || cmds == nil {
		writeError(w, Fault{Code: 400, Description: "Bad Request: can't parse commands JSON object"})
		return
	}
	if len(cmds) > 100 {
		writeError(w, Fault{Code: 400, Description: "Bad Request: too many commands"})
		return
	}
	for _, c := range cmds {
		if !validCommand(c.Command) {
			writeError(w, Fault{Code: 400, Description: "Bad Request: BOT_COMMAND_INVALID"})
			return
		}
		if n := len([]rune(c.Description)); n < 1 || n > 256 {
			writeError(w, Fault{Code: 400, Description: "Bad Request: command description is empty or too long"})
			return
		}
	}
	if len(cmds) == 0 {
		delete(f.commands, key)
	} else {
		f.commands[key] = cmds
	}
	writeResult(w, true)
}

func validCommand(s string) bool {
	if len(s) < 1 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
