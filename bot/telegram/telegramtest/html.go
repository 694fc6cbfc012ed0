package telegramtest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// textLen counts s in UTF-16 code units, as Telegram counts text length.
func textLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// htmlTags are the tags Telegram's HTML parse mode accepts.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true, "strike": true,
	"del": true, "a": true, "code": true, "pre": true, "span": true, "tg-spoiler": true, "blockquote": true,
	"tg-emoji": true,
}

// plainText returns what the person reads of text sent with parseMode. For
// "HTML" it checks the markup as strictly as Telegram: only known tags,
// properly nested, and every <, > and & outside a tag escaped as an entity.
func plainText(text, parseMode string) (string, error) {
	if !strings.EqualFold(parseMode, "HTML") {
		return text, nil
	}
	var (
		out   strings.Builder
		stack []string
	)
	for i := 0; i < len(text); {
		switch c := text[i]; c {
		case '<':
			end := strings.IndexByte(text[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("unclosed start tag at byte offset %d", i)
			}
			tag := text[i+1 : i+end]
			closing := strings.HasPrefix(tag, "/")
			name := strings.TrimPrefix(tag, "/")
			if sp := strings.IndexAny(name, " \t\n"); sp >= 0 {
				if closing {
					return "", fmt.Errorf("bad end tag at byte offset %d", i)
				}
				name = name[:sp]
			}
			name = strings.ToLower(name)
			if !htmlTags[name] {
				return "", fmt.Errorf("unsupported start tag %q at byte offset %d", name, i)
			}
			if closing {
				if len(stack) == 0 || stack[len(stack)-1] != name {
					return "", fmt.Errorf("unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, top(stack), name)
				}
				stack = stack[:len(stack)-1]
			} else {
				stack = append(stack, name)
			}
			i += end + 1
		case '>':
			return "", fmt.Errorf("character '>' is reserved and must be escaped at byte offset %d", i)
		case '&':
			end := strings.IndexByte(text[i:], ';')
			if end < 0 || end > 10 {
				return "", fmt.Errorf("character '&' must be escaped at byte offset %d", i)
			}
			ent := text[i+1 : i+end]
			switch {
			case ent == "lt":
				out.WriteByte('<')
			case ent == "gt":
				out.WriteByte('>')
			case ent == "amp":
				out.WriteByte('&')
			case ent == "quot":
				out.WriteByte('"')
			case strings.HasPrefix(ent, "#"):
				n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimPrefix(ent[1:], "x"), "X"), entityBase(ent), 32)
				if err != nil {
					return "", fmt.Errorf("bad numeric entity at byte offset %d", i)
				}
				out.WriteRune(rune(n))
			default:
				return "", fmt.Errorf("unsupported entity %q at byte offset %d", ent, i)
			}
			i += end + 1
		default:
			out.WriteByte(c)
			i++
		}
	}
	if len(stack) > 0 {
		return "", fmt.Errorf("can't find end tag corresponding to start tag %q", top(stack))
	}
	return out.String(), nil
}

func entityBase(ent string) int {
	if strings.HasPrefix(ent, "#x") || strings.HasPrefix(ent, "#X") {
		return 16
	}
	return 10
}

func top(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}
