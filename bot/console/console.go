package console

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

// Options configures a Conn. The zero value is usable.
type Options struct {
	// Interactive prints a prompt before each line is read. When false (a
	// pipe or a script), each input line is echoed as "> line" so that the
	// output reads as a transcript.
	Interactive bool
	// User is the name of the person speaking at first; default "Khách".
	User string
	// Idle, if set, is called before each next line is read; Receive
	// returns its error. The caller passes the outbox sender's WaitIdle so
	// that the replies to a line are printed before the next prompt.
	Idle func(ctx context.Context) error
	// Commands are extra local commands, by name without the colon (e.g.
	// "time" for ":time 2026-11-25 08:00"). Each gets the rest of the line
	// and returns a text to print or an error, printed as such. Built-in
	// commands take precedence.
	Commands map[string]func(args string) (string, error)
	// Help explains Commands in :help, by name: the arguments, two
	// spaces, then what the command does ("2026-11-25 08:00  …").
	Help map[string]string
	// Now gives each message's Time; default time.Now.
	Now func() time.Time
	// KeyPrefix starts every message Key, which is KeyPrefix + "-" + a
	// counter. The default is random, so two runs on the same data file
	// never collide; a fixed prefix makes a replayed script skip the lines
	// an earlier run already handled.
	KeyPrefix string
	// BotName is the bot's name as Zalo shows it, which people type after
	// "@" to address the bot in a group in Zalo mode; default
	// DefaultBotName.
	BotName string
	// Text is the catalogue the terminal's own lines come from; default
	// the embedded Vietnamese one (text.Default).
	Text *text.Catalog
	// Dir is where the files and pictures the bot sends are written (and
	// their paths printed) until ":luu DIR" changes it or ":luu" stops it;
	// empty: only described. cmd/lamtheo sets "." for an interactive
	// terminal, so /xuat's workbook lands in the current folder.
	Dir string
}

// DefaultBotName is the bot's name in Zalo mode when Options.BotName is
// empty.
const DefaultBotName = "Bot Làm theo Bác"

// zaloMaxText is the longest text of one Zalo message, in UTF-16 units.
const zaloMaxText = 2000

// Conn is a bot.Conn over a stream of input lines and an output writer.
// Receive and Ack must be called from one goroutine; Send may be called
// concurrently with them.
type Conn struct {
	in       io.Reader
	opts     Options
	commands map[string]func(string) (string, error)
	prefix   string

	start sync.Once
	lines chan line     // from the reader goroutine; closed after its last line
	stop  chan struct{} // closed by :quit so the reader stops

	// Receive's goroutine only.
	seq  int
	done bool

	mu    sync.Mutex // guards out and the fields below
	out   io.Writer
	user  string            // display name of the current person
	uid   string            // their id (UserID(user))
	group string            // code of the current group, "" for the private chat
	names map[string]string // user id -> display name, for reply headers
	refs  int               // ids of sent messages
	zalo  bool              // Zalo mode (:zalo); Telegram mode (:telegram) when false
	doc   *bot.Document     // the file :nhap read, for the message it sends
	dir   string            // where files and photos are written (:luu); none when empty
	told  map[string]bool   // uid + " " + group: told the bot needs a mention there
	// shown is the chat of the last reply printed since the last input
	// line, zero before the first: a reply to the current chat after
	// another chat's gets a header too.
	shown bot.ChatID
}

var _ bot.Conn = (*Conn)(nil)

// line is one input line or the reader's final error.
type line struct {
	text string
	err  error
}

// New returns a Conn reading lines from in and printing to out.
func New(in io.Reader, out io.Writer, opts Options) *Conn {
	if opts.User == "" {
		opts.User = "Khách"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Text == nil {
		opts.Text, _ = text.Default() // a catalogue that does not parse renders "[key]"
	}
	if opts.BotName = strings.TrimPrefix(strings.TrimSpace(opts.BotName), "@"); opts.BotName == "" {
		opts.BotName = DefaultBotName
	}
	prefix := opts.KeyPrefix
	if prefix == "" {
		prefix = strings.ToLower(rand.Text()[:10])
	}
	cmds := make(map[string]func(string) (string, error), len(opts.Commands))
	for name, f := range opts.Commands {
		cmds[strings.ToLower(strings.TrimPrefix(name, ":"))] = f
	}
	c := &Conn{
		in:       in,
		opts:     opts,
		commands: cmds,
		prefix:   prefix,
		lines:    make(chan line),
		stop:     make(chan struct{}),
		out:      out,
		names:    make(map[string]string),
		told:     make(map[string]bool),
		dir:      opts.Dir,
	}
	c.setUser(opts.User)
	return c
}

// Caps describes the terminal in its current mode. Both modes serve the
// same chats (platform console, group chats "g-CODE"), show choices
// numbered and have no rate limit. Telegram mode has no length limit and
// prints files and photos as notes. Zalo mode declares what Zalo can do:
// texts of at most 2,000 UTF-16 units, group messages only when they
// mention the bot (Name), photos by URL, no files, no edits. Caps is safe
// for concurrent use.
func (c *Conn) Caps() bot.Caps {
	c.mu.Lock()
	zalo := c.zalo
	c.mu.Unlock()
	caps := bot.Caps{Platform: bot.Console, GroupPrefix: "g-", PhotoURL: true}
	if !zalo {
		caps.Upload, caps.ReceiveFiles = true, true
		return caps
	}
	caps.Service = "Zalo"
	caps.Name = c.opts.BotName
	caps.MaxText = zaloMaxText
	caps.Measure = bot.UTF16
	caps.GroupMention = true
	return caps
}

// read runs in its own goroutine: it sends each line of c.in until the end
// of input, ctx is done or :quit closed c.stop.
func (c *Conn) read(ctx context.Context) {
	defer close(c.lines)
	r := bufio.NewReader(c.in)
	for {
		s, err := r.ReadString('\n')
		var l line
		switch {
		case s != "":
			l = line{text: s}
		case err != nil:
			l = line{err: err}
		}
		select {
		case c.lines <- l:
		case <-ctx.Done():
			return
		case <-c.stop:
			return
		}
		if err != nil {
			if s != "" { // the last line had no newline: report the end next
				select {
				case c.lines <- line{err: err}:
				case <-ctx.Done():
				case <-c.stop:
				}
			}
			return
		}
	}
}

// Receive returns the next line that is a message to the bot, as a batch of
// one, after handling local commands and comments. It returns io.EOF at the
// end of input or after :quit.
func (c *Conn) Receive(ctx context.Context) ([]bot.Message, error) {
	c.start.Do(func() { go c.read(ctx) })
	for {
		if c.done {
			return nil, io.EOF
		}
		if c.opts.Idle != nil {
			if err := c.opts.Idle(ctx); err != nil {
				return nil, err
			}
		}
		if c.opts.Interactive {
			c.mu.Lock()
			fmt.Fprintf(c.out, "%s (%s)> ", c.user, c.where())
			c.mu.Unlock()
		}
		var l line
		var ok bool
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case l, ok = <-c.lines:
		}
		if !ok || l.err != nil {
			c.done = true
			if !ok || errors.Is(l.err, io.EOF) {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("read input: %w", l.err)
		}
		text := strings.TrimSpace(l.text)
		if text == "" {
			continue
		}
		c.mu.Lock()
		c.shown = bot.ChatID{}
		c.mu.Unlock()
		if strings.HasPrefix(text, "#") {
			if !c.opts.Interactive {
				c.println(text)
			}
			continue
		}
		if !c.opts.Interactive {
			c.println("> " + text)
		}
		kind := bot.KindText
		if strings.HasPrefix(text, ":") {
			var send bool
			if kind, text, send = c.command(text); !send {
				continue
			}
		}
		if m, ok := c.message(kind, text); ok {
			return []bot.Message{m}, nil
		}
	}
}

// message builds the message of the current person in the current chat,
// as the platform of the current mode would deliver it. A photo (:photo)
// gets the file id "anh-N.jpg", N the message's number in this run. In Zalo mode a
// group message reaches the bot only when it starts with a mention, which
// is stripped; otherwise message prints a note (once per person and group)
// and reports false.
func (c *Conn) message(kind bot.Kind, msg string) (bot.Message, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.zalo && c.group != "" {
		rest, mentioned := bot.StripMention(msg, c.opts.BotName)
		if kind == bot.KindOther || !mentioned { // a photo's caption may mention the bot
			if key := c.uid + " " + c.group; !c.told[key] {
				c.told[key] = true
				fmt.Fprintln(c.out, c.note(text.ConsoleZaloNoMention, noteView{Bot: c.opts.BotName}))
			}
			return bot.Message{}, false
		}
		msg = rest
	}
	c.seq++
	m := bot.Message{
		Key:      c.prefix + "-" + strconv.Itoa(c.seq),
		Chat:     c.chat(),
		From:     bot.UserID{Platform: bot.Console, ID: c.uid},
		FromName: c.user,
		Kind:     kind,
		Text:     msg,
		Time:     c.opts.Now(),
	}
	if kind == bot.KindPhoto {
		m.PhotoID = "anh-" + strconv.Itoa(c.seq) + ".jpg"
	}
	if kind == bot.KindDocument {
		m.Document, c.doc = c.doc, nil
	}
	if c.group != "" {
		m.Group = true
		m.ChatTitle = c.opts.Text.Render(text.ConsoleGroupTitle, groupView{Group: c.group})
	}
	return m, true
}

// Ack does nothing: the terminal has no button spinners.
func (c *Conn) Ack(ctx context.Context, m bot.Message) error { return nil }

// Send prints r and returns its number in this run as its id. A header says
// where r goes unless it is the chat the current person speaks in and no
// other chat's reply was printed since the last input line. In Zalo
// mode an edit is shown as a new message, a file as a note that Zalo cannot
// deliver it, and a message longer than Zalo allows (as printed, choices
// included) is followed by a note saying so. In Telegram mode an uploaded
// photo is shown as "[ảnh: what it shows, width×height]" and a file by its
// name and size; after ":luu DIR" both are also written to DIR and the
// path printed.
func (c *Conn) Send(ctx context.Context, r bot.Reply) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if r.Strip != "" {
		return "", nil // no buttons to remove
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	if r.Chat != c.chat() || (c.shown != bot.ChatID{} && c.shown != r.Chat) {
		b.WriteString(c.header(r.Chat))
		b.WriteByte('\n')
	}
	c.shown = r.Chat
	if r.Edit != "" && !c.zalo {
		fmt.Fprintln(&b, c.opts.Text.Render(text.ConsoleEdit, noteView{Name: r.Edit}))
	}
	body := b.Len()
	if r.Title != "" {
		fmt.Fprintf(&b, "== %s ==\n", r.Title)
	}
	if r.Text != "" {
		b.WriteString(strings.TrimRight(r.Text, "\n"))
		b.WriteByte('\n')
	}
	for i, ch := range r.Flat() {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, ch.Label)
	}
	if r.Hint != "" {
		b.WriteString(r.Hint)
		b.WriteByte('\n')
	}
	if r.Link != nil {
		alt := r.Link.Alt
		if alt == "" {
			alt = r.Link.Label
		}
		b.WriteString(alt)
		b.WriteByte('\n')
	}
	if r.Photo != "" {
		fmt.Fprintln(&b, c.opts.Text.Render(text.ConsolePhoto, noteView{Name: r.Photo}))
	}
	if c.zalo {
		if n := bot.UTF16.Len(strings.TrimSuffix(b.String()[body:], "\n")); n > zaloMaxText {
			fmt.Fprintln(&b, c.note(text.ConsoleZaloTooLong, noteView{N: n, Max: zaloMaxText}))
		}
	}
	if f := r.File; f != nil {
		switch {
		case c.zalo:
			fmt.Fprintln(&b, c.note(text.ConsoleZaloNoFile, noteView{Name: f.Name, N: len(f.Data)}))
		case f.Photo:
			fmt.Fprintln(&b, c.opts.Text.Render(text.ConsolePicture, noteView{Name: describePhoto(f)}))
		default:
			fmt.Fprintln(&b, c.opts.Text.Render(text.ConsoleFile, noteView{Name: f.Name, N: len(f.Data)}))
		}
		if c.dir != "" && !c.zalo {
			if path, err := save(c.dir, f); err != nil {
				fmt.Fprintln(&b, c.note(text.ConsoleSaveFailed, noteView{Name: err.Error()}))
			} else {
				fmt.Fprintln(&b, c.opts.Text.Render(text.ConsoleSaved, noteView{Name: path}))
			}
		}
	}
	b.WriteByte('\n')
	if _, err := io.WriteString(c.out, b.String()); err != nil {
		return "", fmt.Errorf("print reply: %w", err)
	}
	c.refs++
	return strconv.Itoa(c.refs), nil
}

// header names the chat of a reply: "[riêng → Lan]" or "[nhóm C01]".
// c.mu must be held.
func (c *Conn) header(chat bot.ChatID) string {
	if code, ok := strings.CutPrefix(chat.ID, "g-"); ok {
		return c.opts.Text.Render(text.ConsoleHeaderGroup, groupView{Group: code})
	}
	name := c.names[chat.ID]
	if name == "" {
		name = chat.ID
	}
	return c.opts.Text.Render(text.ConsoleHeaderPrivate, noteView{Name: name})
}

// groupView feeds the texts that name a cell's group by its code.
type groupView struct{ Group string }

// chat returns the current chat. c.mu must be held.
func (c *Conn) chat() bot.ChatID {
	if c.group != "" {
		return GroupChat(c.group)
	}
	return bot.ChatID{Platform: bot.Console, ID: c.uid}
}

// where names the current chat for the prompt, and the mode unless it is
// the default: "riêng", "nhóm C01, Zalo". c.mu must be held.
func (c *Conn) where() string {
	w := c.opts.Text.Render(text.ConsolePromptPrivate, nil)
	if c.group != "" {
		w = c.opts.Text.Render(text.ConsolePromptGroup, groupView{Group: c.group})
	}
	if c.zalo {
		w += ", Zalo"
	}
	return w
}

// setUser makes name the current person. c.mu must be held or c unshared.
func (c *Conn) setUser(name string) {
	c.user = name
	c.uid = UserID(name)
	c.names[c.uid] = name
}

// println prints one line under the lock.
func (c *Conn) println(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintln(c.out, s)
}
