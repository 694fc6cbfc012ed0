package rosterfile

import (
	"os"
	"runtime/debug"
)

// ImportMemoryLimit is the Go runtime's soft memory limit while a large
// roster is imported (LimitMemory). Until the commit, bbolt holds a node
// and a page for every new entry and its cell index key (about 90 MB for
// 250,000 people, besides the file's rows); with the default GOGC=100 the
// heap then grows to twice what was live at the last collection, and the
// import of a province peaked at 200–260 MB resident. Under this limit the
// collector runs more often once the heap nears it, for a few tenths of a
// second of CPU (BenchmarkImportRoster, README).
const ImportMemoryLimit = 128 << 20

// LimitMemory sets the runtime's soft memory limit to ImportMemoryLimit,
// unless the GOMEMLIMIT environment variable sets one, and returns what
// restores the limit before. lamtheo import-roster calls it for its whole
// run; the bot does not (a file sent in chat holds at most
// DefaultChatMaxRows rows).
func LimitMemory() (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	old := debug.SetMemoryLimit(ImportMemoryLimit)
	return func() { debug.SetMemoryLimit(old) }
}
