package zalotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

var (
	lan  = User{ID: "6ede9afa66b88fe6d6a9", Name: "Lan"}
	cell = Group("f00dbabe1234567890ab")
)

// reply is a decoded answer of the fake.
type reply struct {
	status int
	OK     bool            `json:"ok"`
	Code   int             `json:"error_code"`
	Desc   string          `json:"description"`
	Result json.RawMessage `json:"result"`
}

// doer is what calls the fake: an *http.Client or the in-process Client.
type doer interface {
	Do(*http.Request) (*http.Response, error)
}

func call(t *testing.T, c doer, s *Server, token, method string, params any) (reply, error) {
	t.Helper()
	body, _ := json.Marshal(params)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/bot"+token+"/"+method, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var r reply
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s: answer %q is not JSON", method, data)
	}
	r.status = resp.StatusCode
	return r, nil
}

func mustCall(t *testing.T, c doer, s *Server, method string, params any) reply {
	t.Helper()
	r, err := call(t, c, s, s.Token, method, params)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return r
}

func TestGetMeAndToken(t *testing.T) {
	s := NewServer(t)
	r := mustCall(t, http.DefaultClient, s, "getMe", nil)
	var me struct{ ID, AccountName, DisplayName string }
	json.Unmarshal(r.Result, &struct {
		ID          *string `json:"id"`
		AccountName *string `json:"account_name"`
		DisplayName *string `json:"display_name"`
	}{&me.ID, &me.AccountName, &me.DisplayName})
	if !r.OK || me.ID != DefaultBotID || me.AccountName != DefaultAccountName || me.DisplayName != DefaultDisplayName {
		t.Errorf("getMe = %+v %+v", r, me)
	}
	for _, token := range []string{"1:wrong", s.Token} {
		if token == s.Token {
			s.Revoke()
		}
		r, err := call(t, http.DefaultClient, s, token, "getMe", nil)
		if err != nil || r.OK || r.Code != 401 || r.status != 200 {
			t.Errorf("token %q: %+v, %v; want error 401 on HTTP 200", token, r, err)
		}
	}
	s.Restore()
	if r := mustCall(t, http.DefaultClient, s, "getMe", nil); !r.OK {
		t.Errorf("after Restore: %+v", r)
	}
}

// getUpdates hands out one update per call, in order, and forgets it.
func TestOneUpdatePerCall(t *testing.T) {
	s := NewServer(t)
	ids := []string{s.PushText(Private(lan), lan, "một"), s.PushText(cell, lan, "/summary"), s.PushSticker(Private(lan), lan)}
	for i, want := range []string{EventText, EventText, EventSticker} {
		r := mustCall(t, http.DefaultClient, s, "getUpdates", map[string]any{"timeout": "30"})
		var u struct {
			Event   string         `json:"event_name"`
			Message map[string]any `json:"message"`
		}
		if err := json.Unmarshal(r.Result, &u); err != nil || !r.OK {
			t.Fatalf("update %d: %s, %v", i, r.Result, err)
		}
		if u.Event != want || u.Message["message_id"] != ids[i] {
			t.Errorf("update %d = %s %v, want %s %s", i, u.Event, u.Message["message_id"], want, ids[i])
		}
		if i == 1 && u.Message["text"] != "@"+DefaultDisplayName+" /summary" {
			t.Errorf("group text %q has no mention", u.Message["text"])
		}
	}
	if s.Pending() != 0 {
		t.Errorf("%d updates left", s.Pending())
	}
}

// An idle poll answers 408 after exactly its timeout, on HTTP 200 or with
// the matching status.
func TestIdlePoll(t *testing.T) {
	for _, matching := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			opts := []Option{InProcess()}
			wantStatus := 200
			if matching {
				opts, wantStatus = append(opts, WithMatchingStatus()), 408
			}
			s := NewServer(t, opts...)
			for _, tc := range []struct {
				timeout any
				want    time.Duration
			}{{"5", 5 * time.Second}, {10, 10 * time.Second}, {nil, 30 * time.Second}} {
				start := time.Now()
				params := map[string]any{}
				if tc.timeout != nil {
					params["timeout"] = tc.timeout
				}
				r := mustCall(t, s.Client(), s, "getUpdates", params)
				if r.OK || r.Code != 408 || r.Desc != "Request timeout" || r.status != wantStatus {
					t.Errorf("idle poll = %+v", r)
				}
				if d := time.Since(start); d != tc.want {
					t.Errorf("timeout %v: answered after %v, want %v", tc.timeout, d, tc.want)
				}
			}
			// A parked poll returns as soon as an update arrives.
			done := make(chan reply)
			go func() { done <- mustCall(t, s.Client(), s, "getUpdates", map[string]any{"timeout": 30}) }()
			if err := s.WaitPolling(t.Context()); err != nil {
				t.Fatal(err)
			}
			time.Sleep(3 * time.Second)
			start := time.Now()
			s.PushText(Private(lan), lan, "chào")
			if r := <-done; !r.OK || time.Since(start) != 0 {
				t.Errorf("parked poll = %+v after %v", r, time.Since(start))
			}
		})
	}
}

func TestWebhookRefusesPolling(t *testing.T) {
	s := NewServer(t)
	if r := mustCall(t, http.DefaultClient, s, "getWebhookInfo", nil); r.OK || r.Code != 404 {
		t.Errorf("getWebhookInfo on a clean bot = %+v, want 404", r)
	}
	if r := mustCall(t, http.DefaultClient, s, "setWebhook", map[string]any{"url": "https://x.example/z", "secret_token": "short"}); r.OK || r.Code != 400 {
		t.Errorf("short secret: %+v", r)
	}
	if r := mustCall(t, http.DefaultClient, s, "setWebhook", map[string]any{"url": "https://x.example/z", "secret_token": "s3cret-value"}); !r.OK {
		t.Fatalf("setWebhook: %+v", r)
	}
	if u, sec := s.Webhook(); u != "https://x.example/z" || sec != "s3cret-value" {
		t.Errorf("Webhook() = %q %q", u, sec)
	}
	r := mustCall(t, http.DefaultClient, s, "getUpdates", map[string]any{"timeout": "1"})
	if r.OK || r.Code != 400 || !strings.Contains(r.Desc, "webhook") {
		t.Errorf("getUpdates with a webhook = %+v", r)
	}
	if r := mustCall(t, http.DefaultClient, s, "deleteWebhook", nil); !r.OK {
		t.Errorf("deleteWebhook: %+v", r)
	}
	if r := mustCall(t, http.DefaultClient, s, "getWebhookInfo", nil); !r.OK || !strings.Contains(string(r.Result), `"url":""`) {
		t.Errorf("getWebhookInfo after delete = %+v %s", r, r.Result)
	}
}

func TestSendValidatesAndRecords(t *testing.T) {
	s := NewServer(t)
	bad := []struct {
		method string
		params map[string]any
	}{
		{"sendMessage", map[string]any{"text": "x"}},
		{"sendMessage", map[string]any{"chat_id": "a"}},
		{"sendMessage", map[string]any{"chat_id": "a", "text": strings.Repeat("😀", 1001)}},
		{"sendPhoto", map[string]any{"chat_id": "a"}},
		{"sendPhoto", map[string]any{"chat_id": "a", "photo": "data:image/png;base64,AAAA"}},
	}
	for _, b := range bad {
		if r := mustCall(t, http.DefaultClient, s, b.method, b.params); r.OK || r.Code != 400 || r.status != 200 {
			t.Errorf("%s %v = %+v, want 400 on HTTP 200", b.method, b.params, r)
		}
	}
	mustCall(t, http.DefaultClient, s, "sendMessage", map[string]any{"chat_id": "a", "text": strings.Repeat("😀", 1000)})
	mustCall(t, http.DefaultClient, s, "sendPhoto", map[string]any{"chat_id": "a", "photo": "https://picsum.photos/200", "caption": "Ảnh"})
	if r := mustCall(t, http.DefaultClient, s, "sendChatAction", map[string]any{"chat_id": "a", "action": "typing"}); !r.OK || r.Result != nil {
		t.Errorf("sendChatAction = %+v", r)
	}
	got := s.Sent("a")
	if len(got) != 2 || got[0].Method != "sendMessage" || got[1].Photo != "https://picsum.photos/200" || got[1].Text != "Ảnh" ||
		got[0].Call != 6 || got[1].Call != 7 || len(got[0].MessageID) != 20 {
		t.Errorf("sent = %d messages, calls %d %d", len(got), got[0].Call, got[len(got)-1].Call)
	}
	if s.SendCalls() != 7 || s.Calls("sendMessage") != 4 {
		t.Errorf("send calls %d, sendMessage calls %d", s.SendCalls(), s.Calls("sendMessage"))
	}
	if got[0].Extra != nil || got[1].Extra != nil {
		t.Errorf("extra parameters %v %v, want none", got[0].Extra, got[1].Extra)
	}
	mustCall(t, http.DefaultClient, s, "sendMessage", map[string]any{"chat_id": "b", "text": "Chọn", "reply_markup": map[string]any{"keyboard": []any{}}})
	if got := s.Sent("b"); len(got) != 1 || got[0].Extra["reply_markup"] != `{"keyboard":[]}` || len(got[0].Extra) != 1 {
		t.Errorf("a send with a reply markup recorded %+v", got)
	}
}

// The free plan's quota counts per calendar month in Vietnam time.
func TestQuota(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewServer(t, InProcess(), WithQuota(3), WithMatchingStatus())
		// The bubble starts at 2000-01-01 00:00 UTC, 07:00 in Vietnam.
		send := func() reply {
			return mustCall(t, s.Client(), s, "sendMessage", map[string]any{"chat_id": "a", "text": "x"})
		}
		for range 3 {
			if r := send(); !r.OK {
				t.Fatalf("within quota: %+v", r)
			}
		}
		if r := send(); r.OK || r.Code != 429 || r.Desc != "Quota exceeded" || r.status != 429 {
			t.Errorf("over quota = %+v", r)
		}
		if n := s.SentInMonth(time.Now()); n != 3 {
			t.Errorf("SentInMonth = %d", n)
		}
		time.Sleep(31 * 24 * time.Hour) // February
		if r := send(); !r.OK {
			t.Errorf("next month: %+v", r)
		}
		if s.TooManyRequests() != 1 {
			t.Errorf("TooManyRequests = %d", s.TooManyRequests())
		}
	})
}

func TestRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewServer(t, InProcess(), WithRateLimit(2))
		send := func() bool {
			return mustCall(t, s.Client(), s, "sendMessage", map[string]any{"chat_id": "a", "text": "x"}).OK
		}
		if !send() || !send() || send() {
			t.Error("want two accepted and the third refused within a second")
		}
		time.Sleep(time.Second)
		if !send() {
			t.Error("refused a second later")
		}
	})
}

// Faults strike before the call takes effect, or after it: then the
// message is delivered but the answer is lost.
func TestFaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewServer(t, InProcess())
		c := s.Client()
		c.Timeout = 10 * time.Second
		text := map[string]any{"chat_id": "a", "text": "x"}

		s.FailNext("sendMessage", 1, Fault{Code: 429})
		if r := mustCall(t, c, s, "sendMessage", text); r.Code != 429 || r.Desc != "Quota exceeded" {
			t.Errorf("429 = %+v", r)
		}
		s.FailNext("sendMessage", 1, Fault{Body: "<html>bad gateway</html>"})
		req, _ := http.NewRequest(http.MethodPost, s.URL+"/bot"+s.Token+"/sendMessage", strings.NewReader(`{"chat_id":"a","text":"x"}`))
		resp, err := c.Do(req)
		if err != nil || resp.StatusCode != 502 || resp.Header.Get("Content-Type") != "text/html" {
			t.Errorf("HTML fault = %v, %v", resp, err)
		}
		s.FailNext("sendMessage", 1, Fault{Drop: true})
		if _, err := call(t, c, s, s.Token, "sendMessage", text); !errors.Is(err, io.EOF) {
			t.Errorf("drop = %v", err)
		}
		start := time.Now()
		s.FailNext("sendMessage", 1, Fault{Hang: true})
		if _, err := call(t, c, s, s.Token, "sendMessage", text); !errors.Is(err, context.DeadlineExceeded) || time.Since(start) != 10*time.Second {
			t.Errorf("hang = %v after %v", err, time.Since(start))
		}
		if n := len(s.Sent("a")); n != 0 {
			t.Fatalf("%d delivered by calls that failed before taking effect", n)
		}

		s.FailNext("sendMessage", 1, Fault{Drop: true, After: true})
		if _, err := call(t, c, s, s.Token, "sendMessage", text); err == nil {
			t.Error("lost answer: no error")
		}
		s.FailWith(func(call Call) *Fault {
			if call.Send == 6 {
				return &Fault{Code: 500, After: true}
			}
			return nil
		})
		if r := mustCall(t, c, s, "sendMessage", text); r.OK || r.Code != 500 {
			t.Errorf("500 after = %+v", r)
		}
		sent := s.Sent("a")
		if len(sent) != 2 || !sent[0].Lost || !sent[1].Lost || sent[0].Call != 5 || sent[1].Call != 6 || s.Lost() != 2 {
			t.Errorf("after-effect faults: %+v", sent)
		}

		// A poll dropped in the middle of its wait.
		s.FailNext("getUpdates", 1, Fault{Drop: true, Delay: 7 * time.Second})
		start = time.Now()
		if _, err := call(t, s.Client(), s, s.Token, "getUpdates", map[string]any{"timeout": 30}); !errors.Is(err, io.EOF) || time.Since(start) != 7*time.Second {
			t.Errorf("mid-poll drop = %v after %v", err, time.Since(start))
		}
		// An update handed out by a poll whose answer is lost is gone.
		s.PushText(Private(lan), lan, "mất")
		s.FailNext("getUpdates", 1, Fault{Drop: true, After: true})
		if _, err := call(t, s.Client(), s, s.Token, "getUpdates", nil); err == nil || s.Pending() != 0 {
			t.Errorf("lost poll = %v, %d pending", err, s.Pending())
		}
	})
}

// FailRandomly is reproducible from its seed.
func TestFailRandomly(t *testing.T) {
	run := func() []int {
		s := NewServer(t, InProcess())
		s.FailRandomly(0.5, 42, []Fault{{Code: 500}, {Code: 502}})
		var codes []int
		for range 20 {
			r := mustCall(t, s.Client(), s, "sendMessage", map[string]any{"chat_id": "a", "text": "x"})
			codes = append(codes, r.Code)
		}
		if r := mustCall(t, s.Client(), s, "getMe", nil); !r.OK {
			t.Error("getMe failed randomly")
		}
		return codes
	}
	a, b := run(), run()
	failed := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("runs differ: %v %v", a, b)
		}
		if a[i] != 0 {
			failed++
		}
	}
	if failed < 4 || failed > 16 {
		t.Errorf("%d of 20 failed at p=0.5", failed)
	}
}

func TestSelfEchoAndRedelivery(t *testing.T) {
	s := NewServer(t, WithSelfEcho(), WithRedelivery())
	id := s.PushText(cell, lan, "/summary")
	if s.Pending() != 2 {
		t.Fatalf("%d pending, want the update twice", s.Pending())
	}
	mustCall(t, http.DefaultClient, s, "getUpdates", nil)
	mustCall(t, http.DefaultClient, s, "getUpdates", nil)
	r := mustCall(t, http.DefaultClient, s, "sendMessage", map[string]any{"chat_id": cell.ID, "text": "Tổng hợp"})
	var sent struct {
		MessageID string `json:"message_id"`
	}
	json.Unmarshal(r.Result, &sent)
	r = mustCall(t, http.DefaultClient, s, "getUpdates", nil)
	var echo struct {
		Message struct {
			MessageID string `json:"message_id"`
			From      struct {
				ID    string `json:"id"`
				IsBot bool   `json:"is_bot"`
			} `json:"from"`
			Chat struct {
				ChatType string `json:"chat_type"`
			} `json:"chat"`
		} `json:"message"`
	}
	json.Unmarshal(r.Result, &echo)
	if m := echo.Message; m.MessageID != sent.MessageID || m.From.ID != DefaultBotID || !m.From.IsBot || m.Chat.ChatType != "GROUP" {
		t.Errorf("echo = %+v", m)
	}
	if !s.Redeliver(id) || s.Pending() != 1 || s.Redeliver("nope") {
		t.Error("Redeliver")
	}
}

func TestDeliverWebhook(t *testing.T) {
	s := NewServer(t)
	mustCall(t, http.DefaultClient, s, "setWebhook", map[string]any{"url": "https://x.example/z", "secret_token": "s3cret-value"})
	var got *http.Request
	var body []byte
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, body = r, must(io.ReadAll(r.Body))
	})
	u := s.Text(Private(lan), lan, "chào")
	if resp := s.DeliverWebhook(t.Context(), h, u); resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	if got.Header.Get(SecretHeader) != "s3cret-value" || got.Method != http.MethodPost || !bytes.Equal(body, u.Bare()) {
		t.Errorf("delivery: %v %s", got.Header, body)
	}
	if !strings.HasPrefix(string(u.Enveloped()), `{"ok":true,"result":{`) || strings.Contains(string(u.Bare()), `"ok"`) {
		t.Errorf("shapes: %s / %s", u.Enveloped(), u.Bare())
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Every round trip takes the configured latency.
func TestLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewServer(t, InProcess(), WithLatency(100*time.Millisecond))
		start := time.Now()
		mustCall(t, s.Client(), s, "sendMessage", map[string]any{"chat_id": "a", "text": "x"})
		mustCall(t, s.Client(), s, "getMe", nil)
		if d := time.Since(start); d != 200*time.Millisecond {
			t.Errorf("two calls took %v, want 200ms", d)
		}
	})
}
