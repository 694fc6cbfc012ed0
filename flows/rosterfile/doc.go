// Package rosterfile reads a cell roster from a spreadsheet (.xlsx or .csv),
// checks every row, compares it with the cells' current rosters, and writes
// the template a secretary fills in.
//
// Parse and NewPlan are pure: they read a file and values, never the store.
// PlanIn makes the same plan from the rosters in a transaction, read entry
// by entry. Plan.Apply writes a plan through a flows.Tx, in the caller's one
// transaction, and refuses when the roster changed since the plan was made
// (by the store's roster versions when it keeps them).
// flows does not import this package: the engine is handed the parser by
// cmd/lamtheo, as it is handed the platforms.
package rosterfile
