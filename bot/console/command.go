package console

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"lamtheo/bot"
)

var groupCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,16}$`)

// command runs one local command line (starting with ':') and prints its
// outcome. When the command sends the bot a message (a sticker, a photo),
// send is true and kind and body are the message's kind and text.
func (c *Conn) command(text string) (kind bot.Kind, body string, send bool) {
	name, args, _ := strings.Cut(text[1:], " ")
	name = strings.ToLower(name)
	args = strings.Join(strings.Fields(args), " ")
	switch name {
	case "as":
		if UserID(args) == "" {
			c.println("* Thiếu tên. Ví dụ: :as Nguyễn Thị Lan")
			return 0, "", false
		}
		c.mu.Lock()
		c.setUser(args)
		msg := fmt.Sprintf("* Bây giờ đồng chí là %s (%s), %s.", c.user, c.uid, c.whereLong())
		c.mu.Unlock()
		c.println(msg)
	case "group":
		if !groupCode.MatchString(args) {
			c.println("* Cần mã chi bộ (chữ, số, _ hoặc -). Ví dụ: :group C01")
			return 0, "", false
		}
		c.mu.Lock()
		c.group = args
		msg := fmt.Sprintf("* %s đang nói trong %s.", c.user, c.whereLong())
		c.mu.Unlock()
		c.println(msg)
	case "private":
		c.mu.Lock()
		c.group = ""
		msg := fmt.Sprintf("* %s đang nói trong %s.", c.user, c.whereLong())
		c.mu.Unlock()
		c.println(msg)
	case "zalo", "telegram":
		c.mu.Lock()
		c.zalo = name == "zalo"
		msg := "* Chế độ Telegram: lựa chọn là nút bấm (ở đây hiện bằng số, gõ số để chọn); trong nhóm gõ lệnh không cần nhắc tên bot; bot gửi được tệp và sửa tin đã gửi."
		if c.zalo {
			msg = fmt.Sprintf("* Chế độ Zalo: không có nút bấm, trả lời bằng số; trong nhóm phải nhắc @%s trước lệnh; mỗi tin tối đa %s ký tự; bot không gửi được tệp.", c.opts.BotName, thousands(zaloMaxText))
		}
		c.mu.Unlock()
		c.println(msg)
	case "luu":
		c.mu.Lock()
		c.dir = args
		c.mu.Unlock()
		if args == "" {
			c.println("* Thôi lưu ảnh và tệp bot gửi.")
		} else {
			c.println(fmt.Sprintf("* Ảnh và tệp bot gửi sẽ được lưu vào thư mục %s.", args))
		}
	case "sticker":
		return bot.KindOther, "", true
	case "photo":
		return bot.KindPhoto, args, true
	case "help":
		c.println(c.help())
	case "quit":
		c.done = true
		close(c.stop)
	default:
		f, ok := c.commands[name]
		if !ok {
			c.println(fmt.Sprintf("* Không có lệnh :%s. Gõ :help để xem các lệnh.", name))
			return 0, "", false
		}
		out, err := f(args)
		switch {
		case err != nil:
			c.println("* Lỗi: " + err.Error())
		case out != "":
			c.println("* " + out)
		}
	}
	return 0, "", false
}

// whereLong describes the current chat in a sentence. c.mu must be held.
func (c *Conn) whereLong() string {
	if c.group != "" {
		return "nhóm chi bộ " + c.group
	}
	return "chat riêng với bot"
}

// help lists the local commands, in Vietnamese.
func (c *Conn) help() string {
	lines := []string{
		"* Lệnh của chế độ dòng lệnh (không gửi tới bot):",
		"*   :as TÊN      nói với tư cách người khác, ví dụ :as Nguyễn Thị Lan",
		"*   :group MÃ    nói trong nhóm của chi bộ MÃ, ví dụ :group C01",
		"*   :private     nói trong chat riêng với bot",
		"*   :sticker     gửi bot một nhãn dán (tin không có chữ)",
		"*   :photo CHÚ THÍCH  gửi bot một ảnh, kèm chú thích nếu có, ví dụ :photo Dọn vệ sinh đường làng",
		"*   :zalo        thử như trên Zalo: không có nút bấm, trong nhóm phải nhắc @" + c.opts.BotName + ", tin tối đa " + thousands(zaloMaxText) + " ký tự",
		"*   :telegram    thử như trên Telegram (mặc định)",
		"*   :luu THƯ_MỤC lưu ảnh và tệp bot gửi vào thư mục đó (:luu không kèm thư mục: thôi lưu)",
		"*   :help        xem danh sách này",
		"*   :quit        thoát",
	}
	extra := make([]string, 0, len(c.commands))
	for name := range c.commands {
		switch name {
		case "as", "group", "private", "sticker", "photo", "zalo", "telegram", "luu", "help", "quit":
			continue
		}
		extra = append(extra, name)
	}
	sort.Strings(extra)
	for _, name := range extra {
		l := "*   :" + name
		if h := c.opts.Help[name]; h != "" {
			l += " " + h
		}
		lines = append(lines, l)
	}
	lines = append(lines,
		"* Dòng bắt đầu bằng # là ghi chú, không gửi tới bot.",
		"* Các dòng khác được gửi tới bot. Khi bot đưa danh sách, gõ số để chọn.")
	return strings.Join(lines, "\n")
}
