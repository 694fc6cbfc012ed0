package text

// Keys of hardening.txt.
const (
	PledgeFull Key = "pledge_full"
	OldButton  Key = "old_button"
)

// hardeningKeys lists the keys of hardening.txt, for the completeness test.
var hardeningKeys = []Key{PledgeFull, OldButton}
