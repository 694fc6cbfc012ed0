package store_test

import (
	"bytes"
	"slices"
	"testing"

	"lamtheo/bot"
	"lamtheo/store"
)

func TestChatKeyOrder(t *testing.T) {
	// In the order the keys must sort: platform first, then numeric ids in
	// numeric order (negative Telegram groups before users), then raw ids.
	ordered := []bot.ChatID{
		{Platform: bot.Telegram, ID: "-9223372036854775808"},
		{Platform: bot.Telegram, ID: "-1002000000000"},
		{Platform: bot.Telegram, ID: "-1001999999999"},
		{Platform: bot.Telegram, ID: "-42"},
		{Platform: bot.Telegram, ID: "-1"},
		{Platform: bot.Telegram, ID: "0"},
		{Platform: bot.Telegram, ID: "1"},
		{Platform: bot.Telegram, ID: "2"},
		{Platform: bot.Telegram, ID: "10"},
		{Platform: bot.Telegram, ID: "7000000000"},
		{Platform: bot.Telegram, ID: "9223372036854775807"},
		{Platform: bot.Telegram, ID: "007"}, // not canonical decimal: raw
		{Platform: bot.Telegram, ID: "abc"},
		{Platform: bot.Zalo, ID: "5"},
		{Platform: bot.Zalo, ID: "f1e2d3c4b5a6"},
	}
	var keys [][]byte
	for _, c := range ordered {
		k, err := store.ChatKey(c)
		if err != nil {
			t.Fatalf("ChatKey(%v): %v", c, err)
		}
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		if bytes.Compare(keys[i-1], keys[i]) >= 0 {
			t.Errorf("key of %v does not sort before key of %v", ordered[i-1], ordered[i])
		}
	}
	shuffled := slices.Clone(keys)
	slices.Reverse(shuffled)
	slices.SortFunc(shuffled, bytes.Compare)
	for i := range keys {
		if !bytes.Equal(shuffled[i], keys[i]) {
			t.Fatalf("sorted keys differ at %d", i)
		}
	}
}

func TestChatKeyRoundTrip(t *testing.T) {
	for _, c := range []bot.ChatID{
		{Platform: bot.Telegram, ID: "-1001234567890"},
		{Platform: bot.Telegram, ID: "123"},
		{Platform: bot.Zalo, ID: "7a1b-user"},
		{Platform: bot.Console, ID: "-0"},
	} {
		k, err := store.ChatKey(c)
		if err != nil {
			t.Fatalf("ChatKey(%v): %v", c, err)
		}
		p, id, rest, err := store.ParseID(append(k, 0xAA))
		if err != nil || p != c.Platform || id != c.ID || !bytes.Equal(rest, []byte{0xAA}) {
			t.Errorf("ParseID(ChatKey(%v)) = %q %q %x %v", c, p, id, rest, err)
		}
	}
}

func TestChatKeyRejectsEmpty(t *testing.T) {
	if _, err := store.ChatKey(bot.ChatID{Platform: bot.Telegram}); err == nil {
		t.Fatal("ChatKey of an empty id: want error")
	}
}
