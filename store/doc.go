// Package store keeps lamtheo's durable state in one bbolt file: cells,
// members and their indexes, pledges, monthly reports, month states,
// invites, conversation sessions, processed-update markers and platform
// cursors, job marks, unreachable chats, and the outbox of replies. DB
// implements flows.Store (and flows.Tx on its transactions) and bot.Outbox;
// it also writes verified online backups, lists them, and restores one.
//
// A damaged data file (truncated, emptied, pages not as bbolt wrote them)
// is refused by Open, found by Check, and stops writes when bbolt fails
// inside a commit: always an error wrapping ErrDamaged, never a panic or a
// SIGBUS. The checks read the file with plain reads (boltfile.go knows
// bbolt's page layout) before bbolt maps it.
//
// Package store owns the bucket layout, the key encodings (big-endian,
// fixed width, chat ids with the sign bit flipped so negative group ids
// sort) and private binary record types, converted to and from the flows
// and bot types here: no other package sees bbolt or a record. It knows
// nothing of chat platforms beyond bot's ids, and nothing of the flows'
// rules.
package store
