// Package flows is lamtheo's domain: the organisation's cells and members,
// pledges, monthly reports and roles, and everything that happens to them.
// Conversations are state machines registered in one table (flowTable):
// each has its own state struct and typed steps and choices, its state is
// kept encoded in the session, and its steps load what they need, decide,
// and write last (the report's answers are a pure function, nextReport);
// summaries, leaderboards and reminder policy are pure functions of state
// and time. Engine implements bot.Handler: it runs one
// incoming message through its flow inside one write transaction of Store,
// together with the update marker, the session and the outgoing replies.
//
// Package flows must not know any chat SDK, bbolt or the cron runner: it
// defines the storage interfaces it needs (Store, Tx) and store implements
// them.
package flows
