package flows

import (
	"slices"
	"testing"

	"lamtheo/bot"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in, name, args string
		ok             bool
	}{
		{"/baocao", "baocao", "", true},
		{"/BaoCao 11", "baocao", "11", true},
		{"/baocao@lamtheo_bot  tháng 11 ", "baocao", "tháng 11", true},
		{"/baocao\n1 xong\n2 chưa", "baocao", "1 xong\n2 chưa", true}, // a report starting on the next line
		{"/baocao\t1 xong", "baocao", "1 xong", true},
		{"/baocao\u00a01 xong", "baocao", "1 xong", true},
		{" /help ", "help", "", true},
		{"/", "", "", false},
		{"baocao", "", "", false},
	}
	for _, tt := range tests {
		name, args, ok := parseCommand(tt.in)
		if name != tt.name || args != tt.args || ok != tt.ok {
			t.Errorf("parseCommand(%q) = %q, %q, %v; want %q, %q, %v", tt.in, name, args, ok, tt.name, tt.args, tt.ok)
		}
	}
}

// TestCommandsInMenus checks that every registered command has a unique
// name, a description, and its place in the platform menus: the private
// menu when it works in private, the group admins' menu when it works in
// groups (but /start), and every member's group menu when a member may run
// it there. (TestAccess and TestHelpListsPermitted check the access table
// and /help.)
func TestCommandsInMenus(t *testing.T) {
	cs := Commands(Text())
	in := func(menu []bot.Command, name string) bool {
		return slices.ContainsFunc(menu, func(c bot.Command) bool { return c.Name == name && c.Description != "" })
	}
	names := map[string]bool{}
	for _, c := range commands() {
		for _, n := range append([]string{c.name}, c.aliases...) {
			if names[n] {
				t.Errorf("command name /%s is used twice", n)
			}
			names[n] = true
		}
		if T(c.desc, nil) == "" {
			t.Errorf("/%s has no description", c.name)
		}
		if c.where&anywhere == 0 {
			t.Errorf("/%s works in no chat", c.name)
		}
		if got, want := in(cs.Private, c.name), c.where&inPrivate != 0; got != want {
			t.Errorf("/%s in the private menu: %v, want %v", c.name, got, want)
		}
		inGroups := c.where&inGroup != 0 && c.name != "start"
		if got := in(cs.GroupAdmin, c.name); got != inGroups {
			t.Errorf("/%s in the group admins' menu: %v, want %v", c.name, got, inGroups)
		}
		if got, want := in(cs.Group, c.name), inGroups && c.needs(true) <= RoleMember; got != want {
			t.Errorf("/%s in the group menu: %v, want %v", c.name, got, want)
		}
	}
}
