package console

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"lamtheo/bot"
	"lamtheo/flows/text"
)

var groupCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,16}$`)

// command runs one local command line (starting with ':') and prints its
// outcome. When the command sends the bot a message (a sticker, a photo),
// send is true and kind and body are the message's kind and text.
func (c *Conn) command(line string) (kind bot.Kind, body string, send bool) {
	name, args, _ := strings.Cut(line[1:], " ")
	name = strings.ToLower(name)
	args = strings.Join(strings.Fields(args), " ")
	switch name {
	case "as":
		if UserID(args) == "" {
			c.println(c.note(text.ConsoleAsMissing, nil))
			return 0, "", false
		}
		c.mu.Lock()
		c.setUser(args)
		msg := c.note(text.ConsoleNowYou, speakerView{User: c.user, ID: c.uid, Where: c.whereLong()})
		c.mu.Unlock()
		c.println(msg)
	case "group":
		if !groupCode.MatchString(args) {
			c.println(c.note(text.ConsoleGroupMissing, nil))
			return 0, "", false
		}
		c.mu.Lock()
		c.group = args
		msg := c.note(text.ConsoleSpeaking, speakerView{User: c.user, Where: c.whereLong()})
		c.mu.Unlock()
		c.println(msg)
	case "private":
		c.mu.Lock()
		c.group = ""
		msg := c.note(text.ConsoleSpeaking, speakerView{User: c.user, Where: c.whereLong()})
		c.mu.Unlock()
		c.println(msg)
	case "zalo", "telegram":
		c.mu.Lock()
		c.zalo = name == "zalo"
		msg := c.note(text.ConsoleModeTelegram, nil)
		if c.zalo {
			msg = c.note(text.ConsoleModeZalo, noteView{Bot: c.opts.BotName, Max: zaloMaxText})
		}
		c.mu.Unlock()
		c.println(msg)
	case "luu":
		c.mu.Lock()
		c.dir = args
		c.mu.Unlock()
		if args == "" {
			c.println(c.note(text.ConsoleSaveOff, nil))
		} else {
			c.println(c.note(text.ConsoleSaveOn, noteView{Name: args}))
		}
	case "sticker":
		return bot.KindOther, "", true
	case "photo":
		return bot.KindPhoto, args, true
	case "nhap":
		return c.document(args)
	case "help":
		c.println(c.help())
	case "quit":
		c.done = true
		close(c.stop)
	default:
		f, ok := c.commands[name]
		if !ok {
			c.println(c.note(text.ConsoleUnknown, map[string]string{"Name": name}))
			return 0, "", false
		}
		out, err := f(args)
		switch {
		case err != nil:
			c.println(c.note(text.ConsoleError, map[string]string{"Err": err.Error()}))
		case out != "":
			c.println("* " + out)
		}
	}
	return 0, "", false
}

// document reads the file at path for :nhap, to send the bot as a
// document from the current chat (see message): at most bot.MaxDocument
// bytes are read, a larger file is sent as TooBig. In Zalo mode nothing is
// sent: Zalo bots receive no files.
func (c *Conn) document(path string) (bot.Kind, string, bool) {
	c.mu.Lock()
	zalo := c.zalo
	c.mu.Unlock()
	switch {
	case path == "":
		c.println(c.note(text.ConsoleNhapMissing, nil))
		return 0, "", false
	case zalo:
		c.println(c.note(text.ConsoleZaloNoUpload, noteView{Name: filepath.Base(path)}))
		return 0, "", false
	}
	f, err := os.Open(path)
	if err != nil {
		c.println(c.note(text.ConsoleError, map[string]string{"Err": err.Error()}))
		return 0, "", false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, bot.MaxDocument+1))
	if err != nil {
		c.println(c.note(text.ConsoleError, map[string]string{"Err": err.Error()}))
		return 0, "", false
	}
	doc := &bot.Document{Name: filepath.Base(path), Size: int64(len(data)), Data: data}
	if len(data) > bot.MaxDocument {
		doc.Data, doc.TooBig = nil, true
	}
	c.mu.Lock()
	c.doc = doc
	c.mu.Unlock()
	return bot.KindDocument, "", true
}

// whereLong describes the current chat in a sentence. c.mu must be held.
func (c *Conn) whereLong() string {
	if c.group != "" {
		return c.opts.Text.Render(text.ConsoleWhereGroup, groupView{Group: c.group})
	}
	return c.opts.Text.Render(text.ConsoleWherePrivate, nil)
}

// speakerView feeds the lines that say who speaks where.
type speakerView struct{ User, ID, Where string }

// noteView feeds the lines about Zalo's limits (the bot's name to mention
// in a group, the longest message, a message's length N or a file's Name
// and size N) and the marks of a reply (a header's person Name, an edited
// message's or a photo's Name).
type noteView struct {
	Bot, Name string
	Max, N    int
}

// note renders the terminal's own text k, each line starting with "* ".
func (c *Conn) note(k text.Key, data any) string {
	return "* " + strings.ReplaceAll(c.opts.Text.Render(k, data), "\n", "\n* ")
}

// help lists the local commands, in Vietnamese.
func (c *Conn) help() string {
	extra := make([]string, 0, len(c.commands))
	for name := range c.commands {
		switch name {
		case "as", "group", "private", "sticker", "photo", "nhap", "zalo", "telegram", "luu", "help", "quit":
			continue
		}
		extra = append(extra, name)
	}
	sort.Strings(extra)
	for i, name := range extra {
		if h := c.opts.Help[name]; h != "" {
			extra[i] += " " + h
		}
	}
	return c.note(text.ConsoleHelp, helpView{Bot: c.opts.BotName, Max: zaloMaxText, Extra: extra})
}

// helpView feeds :help: the bot's name and Zalo's longest message for the
// :zalo line, and the extra commands with their help ("time 2026-11-25
// 08:00  …").
type helpView struct {
	Bot   string
	Max   int
	Extra []string
}
