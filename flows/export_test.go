package flows

import "lamtheo/flows/text"

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

// Text returns the embedded catalogue, the one cmd/lamtheo passes to the
// engine. Package text's tests check that it parses.
func Text() *text.Catalog {
	c, _ := text.Default()
	return c
}

// T renders k of Text with data: what the tests expect a person to read.
func T(k text.Key, data any) string { return Text().Render(k, data) }
