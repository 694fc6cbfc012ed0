package telegramtest

import (
	"errors"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

var (
	an    = User{ID: 501, FirstName: "An", LastName: "Nguyễn"}
	group = Group(-1001234567890, "Chi bộ 1")
)

// tcpBot returns a real tgbotapi client talking to f over TCP.
func tcpBot(t *testing.T, f *Server) *tgbotapi.BotAPI {
	t.Helper()
	b, err := tgbotapi.NewBotAPIWithAPIEndpoint(f.Token, f.URL)
	if err != nil {
		t.Fatalf("new bot: %v", err)
	}
	return b
}

// inProcessBot returns a real tgbotapi client talking to f in process.
func inProcessBot(t *testing.T, f *Server, timeout time.Duration) *tgbotapi.BotAPI {
	t.Helper()
	c := f.Client()
	c.Timeout = timeout
	b, err := tgbotapi.NewBotAPIWithClient(f.Token, f.URL, c)
	if err != nil {
		t.Fatalf("new bot: %v", err)
	}
	return b
}

func TestGetMeAndToken(t *testing.T) {
	f := NewServer(t, WithBot(42, "cell_bot"))
	b := tcpBot(t, f)
	if b.Self.ID != 42 || b.Self.UserName != "cell_bot" {
		t.Errorf("getMe = %+v", b.Self)
	}
	_, err := tgbotapi.NewBotAPIWithAPIEndpoint("1:wrong", f.URL)
	var te *tgbotapi.Error
	if !errors.As(err, &te) || te.Code != 401 {
		t.Errorf("wrong token: err = %v, want 401", err)
	}
}
