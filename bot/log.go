package bot

// Log keys: the attribute keys under which every lamtheo component logs what
// a record is about, so that one search finds every line about an update,
// a chat or a job, whichever package wrote it (litestream's LogKeyDB
// habit). A measure particular to one message (took, size, quota…) keeps
// its literal key where it is logged.
const (
	LogKeyUpdate   = "update_id"   // a Message's Key: the platform's update
	LogKeyChat     = "chat"        // a ChatID (its String)
	LogKeyUser     = "user"        // a UserID (its String)
	LogKeyPlatform = "platform"    // a Platform
	LogKeyBot      = "bot"         // a bot's name or title on its platform
	LogKeySeq      = "seq"         // an outbox envelope's sequence number
	LogKeyCell     = "cell"        // a cell's code
	LogKeyFlow     = "flow"        // a conversation's flow
	LogKeyJob      = "job"         // a periodic job
	LogKeySlot     = "slot"        // a job's activation time
	LogKeyPath     = "path"        // a file's path
	LogKeyReason   = "reason"      // why a reply was dropped or held
	LogKeyErr      = "err"         // the error
	LogKeyPanic    = "panic"       // a recovered panic's value
	LogKeyRetryIn  = "retry_in"    // how long until the next attempt
	LogKeyRetryAt  = "retry_after" // the platform's own retry delay
	LogKeySince    = "since"       // how long something has been failing
	LogKeyGivesUp  = "gives_up_in" // how long until a failing loop gives up
)
