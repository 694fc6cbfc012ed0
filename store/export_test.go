package store

// Test hooks: the key codecs, for the ordering test in store_test.
var (
	ChatKey = chatKey
	ParseID = parseID
)
