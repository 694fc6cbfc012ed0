package flows

// CommandNames returns the primary names of the registered commands, in
// /help's order, so that the external tests derive their tables from the
// registry.
func CommandNames() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
	}
	return out
}
