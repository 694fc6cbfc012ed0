package zalotest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

func (s *Server) getMe() answer {
	me := map[string]any{
		"id": s.Bot.ID, "account_name": s.Bot.AccountName, "account_type": "BASIC", "can_join_groups": true,
	}
	if s.Bot.DisplayName != "" {
		me["display_name"] = s.Bot.DisplayName
	}
	return result(me, nil)
}

// getUpdates hands out the first queued update, or waits up to timeout
// seconds (default 30) for one and answers 408.
func (s *Server) getUpdates(ctx context.Context, params map[string]string) answer {
	timeout := 30 * time.Second
	if v := params["timeout"]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return s.apiErr(http.StatusBadRequest, "Bad request: The timeout is invalid")
		}
		timeout = time.Duration(n) * time.Second
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hookURL != "" {
		return s.apiErr(http.StatusBadRequest, descWebhookOn)
	}
	for {
		if len(s.queue) > 0 {
			u := s.queue[0]
			s.queue = s.queue[1:]
			return result(u.object(), nil)
		}
		ch := s.notify
		s.parkLocked(1)
		s.mu.Unlock()
		var timedOut, gone bool
		select {
		case <-ch:
		case <-deadline.C:
			timedOut = true
		case <-ctx.Done():
			gone = true
		case <-s.done:
			gone = true
		}
		s.mu.Lock()
		s.parkLocked(-1)
		switch {
		case gone:
			return answer{drop: true}
		case timedOut:
			return s.apiErr(http.StatusRequestTimeout, descTimeout)
		}
	}
}

func (s *Server) parkLocked(delta int) {
	s.parked += delta
	close(s.parkSignal)
	s.parkSignal = make(chan struct{})
}

// WaitPolling blocks until a getUpdates call is waiting for updates or ctx
// ends.
func (s *Server) WaitPolling(ctx context.Context) error {
	for {
		s.mu.Lock()
		if s.parked > 0 {
			s.mu.Unlock()
			return nil
		}
		ch := s.parkSignal
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// send validates and accepts a sendMessage or sendPhoto call.
func (s *Server) send(call Call, params map[string]string) answer {
	if call.ChatID == "" {
		return s.refuse(call, http.StatusBadRequest, descNoChat)
	}
	text := params["text"]
	if call.Method == "sendPhoto" {
		text = params["caption"]
		switch photo := params["photo"]; {
		case photo == "":
			return s.refuse(call, http.StatusBadRequest, "Bad request: The photo must not be empty")
		case !strings.HasPrefix(photo, "http://") && !strings.HasPrefix(photo, "https://"):
			return s.refuse(call, http.StatusBadRequest, "Bad request: The photo must start with http:// or https://")
		}
	} else if text == "" {
		return s.refuse(call, http.StatusBadRequest, "Bad request: The text must not be empty")
	}
	if n := len(utf16.Encode([]rune(text))); n > MaxText {
		return s.refuse(call, http.StatusBadRequest, fmt.Sprintf("Bad request: The text must be at most %d characters", MaxText))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	month := now.In(vietnam).Format("2006-01")
	if s.quota > 0 && s.months[month] >= s.quota {
		s.recordErrorLocked(call, http.StatusTooManyRequests, descQuota, false)
		return s.apiErr(http.StatusTooManyRequests, descQuota)
	}
	if s.rate > 0 {
		i := 0
		for i < len(s.recent) && !s.recent[i].After(now.Add(-time.Second)) {
			i++
		}
		s.recent = s.recent[i:]
		if len(s.recent) >= s.rate {
			s.recordErrorLocked(call, http.StatusTooManyRequests, descRate, false)
			return s.apiErr(http.StatusTooManyRequests, descRate)
		}
		s.recent = append(s.recent, now)
	}
	s.months[month]++
	sent := Sent{
		Method: call.Method, ChatID: call.ChatID, MessageID: s.newIDLocked(),
		Text: text, Photo: params["photo"], Extra: extraParams(params), Time: now, Call: call.Send,
	}
	s.byChat[sent.ChatID] = append(s.byChat[sent.ChatID], len(s.sent))
	s.sent = append(s.sent, sent)
	close(s.sentSignal)
	s.sentSignal = make(chan struct{})
	if s.echo {
		s.enqueueLocked(s.echoLocked(sent))
	}
	return result(map[string]any{"message_id": sent.MessageID, "date": now.UnixMilli()}, nil)
}

// extraParams returns the parameters of a send beyond the chat, the text and
// the photo; nil when there are none.
func extraParams(params map[string]string) map[string]string {
	var out map[string]string
	for k, v := range params {
		switch k {
		case "chat_id", "text", "photo", "caption":
			continue
		}
		if out == nil {
			out = make(map[string]string)
		}
		out[k] = v
	}
	return out
}

// refuse records and returns an error answer to a send.
func (s *Server) refuse(call Call, code int, desc string) answer {
	s.mu.Lock()
	s.recordErrorLocked(call, code, desc, false)
	s.mu.Unlock()
	return s.apiErr(code, desc)
}

// webhook serves setWebhook, deleteWebhook and getWebhookInfo.
func (s *Server) webhook(method string, params map[string]string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UnixMilli()
	switch method {
	case "setWebhook":
		u, secret := params["url"], params["secret_token"]
		if !strings.HasPrefix(u, "https://") {
			return s.apiErr(http.StatusBadRequest, "Bad request: The url must start with https://")
		}
		if n := len([]rune(secret)); n < 8 || n > 256 {
			return s.apiErr(http.StatusBadRequest, "Bad request: The secret_token must be 8 to 256 characters")
		}
		s.hookURL, s.hookSecret, s.hookEver = u, secret, true
	case "deleteWebhook":
		s.hookURL, s.hookSecret = "", ""
	case "getWebhookInfo":
		if !s.hookEver {
			return s.apiErr(http.StatusNotFound, descNotFound) // as measured on a clean bot
		}
	}
	return result(map[string]any{"url": s.hookURL, "updated_at": now}, map[string]any{"error_code": 0})
}

// Webhook returns the URL and secret the bot registered with setWebhook;
// empty when none is set.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hookURL, s.hookSecret
}
